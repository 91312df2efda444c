// Column widths of the ladder and the text fitting that keeps each line within them: the
// pure part of the terminal view, so that it can be tested without running a scenario.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::cli {

// Below this many columns the layout stops shrinking (lines may then be wider).
inline constexpr std::size_t kMinColumns = 60;

struct LadderLayout {
  std::size_t side = 30;    // width of each side column
  std::size_t middle = 74;  // width of the arrow column
  // The width every line must fit in; 0 = unbounded (output to a pipe or a file, where the
  // layout is the fixed one above and long arrows run past the column).
  std::size_t columns = 0;
  bool fitted() const { return columns != 0; }
};

// The layout for a terminal of `columns` columns (0: not known, the fixed layout).
LadderLayout layout_for(std::size_t columns);

// The width to fit: COLUMNS when it holds a positive number, else the terminal's width
// (`tty_columns`, 0 when stdout is not a terminal), else 0.
std::size_t choose_columns(const char* columns_env, std::size_t tty_columns);

// Whether to colour: only on a terminal, and not when NO_COLOR holds anything but ""
// (no-color.org); `no_color_env` is NO_COLOR's value, null when unset.
bool wants_color(bool is_terminal, const char* no_color_env);

// Display width of UTF-8 text: every code point counts one column, escape sequences none.
std::size_t display_width(std::string_view s);

// `s` cut to at most `max` columns, ending in "…" when cut.
std::string truncate_to(const std::string& s, std::size_t max);

// A segment's text ("SYN seq=0 win=65535 len=0 <mss 1460,sackOK,...>") within `max`
// columns: the option list loses items from its end first (`<mss 1460,sackOK,TS…>`), then
// the text is cut.
std::string fit_segment(const std::string& text, std::size_t max);

// An arrow carrying `text` across the middle column, left to right or right to left. With
// a fitted layout the text is shortened so that the arrow is exactly `middle` wide.
std::string arrow(const std::string& text, bool rightwards, const LadderLayout& layout);

// Where the right column starts on a line for `text` (a state change): after the middle
// column, or as far right as fits when that would pass the width.
std::size_t right_column_at(const std::string& text, const LadderLayout& layout);

// `s` with spaces after it up to `w` display columns (as it is when already that wide).
std::string pad(const std::string& s, std::size_t w);

// One ladder line: the time (blank for t < 0), the left column, the middle, and `right`
// where the right column starts; no trailing spaces.
std::string row_text(Nanos t, const std::string& left, const std::string& middle,
                     const std::string& right, const LadderLayout& layout);

// `s` cut to what fits after the time and left columns (as it is in an unfitted layout).
std::string fit_middle(const std::string& s, const LadderLayout& layout);

// `s` in the SGR colour `code` ("31", "1"), or as it is when `color` is off.
std::string paint(const std::string& s, const char* code, bool color);

// The ladder's title line: "time(ms)", the left column's title, the right one's where the
// right column starts; no trailing spaces.
std::string header_text(const std::string& left, const std::string& right,
                        const LadderLayout& layout);

// `text` in lines of at most `max` columns, broken at spaces, the lines after the first
// starting with `indent`; a word longer than a line is cut. `max` 0: one line as it is.
std::vector<std::string> wrap_words(const std::string& text, std::size_t max,
                                    const std::string& indent);

}  // namespace tcpsim::cli
