#include "ladder_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "sim/core/units.hpp"

namespace tcpsim::cli {
namespace {

constexpr std::size_t kTimeColumns = 12;  // "%10s" time and two spaces
constexpr std::size_t kWideSide = 30;
constexpr std::size_t kWideMiddle = 74;
// The widest state change ("SYN-RECEIVED → ESTABLISHED") plus a space.
constexpr std::size_t kStateText = 28;

std::string repeat(const char* unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// Byte offset where the first `cols` columns of `s` end.
std::size_t bytes_for_columns(const std::string& s, std::size_t cols) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (n == cols) return i;
    ++n;
  }
  return s.size();
}

// An option list ("mss 1460,sackOK,TS val 1 ecr 0", or SACK blocks "sack 1:2 3:4") cut
// between items to fit `max` columns, with the "…" that marks the cut.
std::string shorten_list(const std::string& list, std::size_t max) {
  if (display_width(list) <= max) return list;
  char sep = list.find(',') != std::string::npos ? ',' : ' ';
  for (std::size_t cut = list.size(); cut > 0; --cut) {
    if (list[cut - 1] != sep) continue;
    std::string head = list.substr(0, cut - 1) + "…";
    if (display_width(head) <= max) return head;
  }
  return "…";
}

}  // namespace

LadderLayout layout_for(std::size_t columns) {
  LadderLayout l;
  if (columns == 0) return l;
  l.columns = std::max(columns, kMinColumns);
  std::size_t room = l.columns - kTimeColumns;
  // Wide terminals keep the fixed columns (arrows then fit in them); narrower ones give
  // the arrows what is left after two small side columns.
  if (room >= kWideSide + kWideMiddle + kStateText) return l;
  l.side = std::max<std::size_t>(2, room / 8);
  l.middle = room - 2 * l.side;
  return l;
}

std::size_t choose_columns(const char* columns_env, std::size_t tty_columns) {
  if (columns_env != nullptr && *columns_env != '\0') {
    char* end = nullptr;
    long v = std::strtol(columns_env, &end, 10);
    if (*end == '\0' && v > 0) return static_cast<std::size_t>(v);
  }
  return tty_columns;
}

bool wants_color(bool is_terminal, const char* no_color_env) {
  return is_terminal && (no_color_env == nullptr || *no_color_env == '\0');
}

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0x1B) {
      // CSI: ESC [ parameters final-byte
      while (i + 1 < s.size() && !(s[i + 1] >= 0x40 && s[i + 1] <= 0x7E && s[i + 1] != '[')) ++i;
      ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string truncate_to(const std::string& s, std::size_t max) {
  if (display_width(s) <= max) return s;
  if (max == 0) return "";
  return s.substr(0, bytes_for_columns(s, max - 1)) + "…";
}

std::string fit_segment(const std::string& text, std::size_t max) {
  if (display_width(text) <= max) return text;
  std::size_t open = text.find(" <");
  if (open != std::string::npos && text.back() == '>') {
    std::string head = text.substr(0, open);
    std::string list = text.substr(open + 2, text.size() - open - 3);
    std::size_t frame = display_width(head) + 3;  // " <" and ">"
    if (frame + 1 <= max) return head + " <" + shorten_list(list, max - frame) + ">";
  }
  return truncate_to(text, max);
}

std::string arrow(const std::string& text, bool rightwards, const LadderLayout& layout) {
  // "──TEXT ─▶" / "◀─ TEXT──": the text plus five columns at the least.
  std::string t = layout.fitted() ? fit_segment(text, layout.middle - 5) : text;
  std::string body = rightwards ? "──" + t + " " : " " + t + "──";
  std::size_t w = display_width(body);
  std::size_t m = layout.middle;
  std::string line = repeat("─", w + 1 < m ? m - w - 1 : (layout.fitted() ? 1 : 2));
  return rightwards ? body + line + "▶" : "◀" + line + body;
}

std::size_t right_column_at(const std::string& text, const LadderLayout& layout) {
  std::size_t at = kTimeColumns + layout.side + layout.middle;
  if (!layout.fitted()) return at;
  std::size_t w = display_width(text);
  if (at + w <= layout.columns) return at;
  return layout.columns > w ? layout.columns - w : 0;
}

std::string pad(const std::string& s, std::size_t w) {
  std::size_t n = display_width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}

std::string row_text(Nanos t, const std::string& left, const std::string& middle,
                     const std::string& right, const LadderLayout& layout) {
  std::string time = t < 0 ? std::string(10, ' ') : fmt::format("{:>10}", sim::format_millis(t));
  std::string text =
      fmt::format("{}  {}{}", time, pad(left, layout.side), pad(middle, layout.middle));
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!right.empty()) text = pad(text, right_column_at(right, layout)) + right;
  return text;
}

std::string fit_middle(const std::string& s, const LadderLayout& layout) {
  if (!layout.fitted()) return s;
  std::size_t start = kTimeColumns + layout.side;
  return truncate_to(s, layout.columns > start ? layout.columns - start : 1);
}

std::string paint(const std::string& s, const char* code, bool color) {
  if (!color) return s;
  return fmt::format("\033[{}m{}\033[0m", code, s);
}

std::string header_text(const std::string& left, const std::string& right,
                        const LadderLayout& layout) {
  std::string time = fmt::format("{:>10}", "time(ms)");
  std::string text = fmt::format("{}  {}", time, pad(left, layout.side));
  if (layout.fitted()) {
    text = pad(text, std::max(right_column_at(right, layout), display_width(text) + 2)) + right;
  } else {
    text += std::string(layout.middle, ' ') + right;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::vector<std::string> wrap_words(const std::string& text, std::size_t max,
                                    const std::string& indent) {
  if (max == 0 || display_width(text) <= max) return {text};
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t sp = text.find(' ', i + 1);
    std::string word = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
    i = sp == std::string::npos ? text.size() : sp;
    if (!cur.empty() && display_width(cur) + display_width(word) > max) {
      out.push_back(truncate_to(cur, max));
      std::size_t skip = word.find_first_not_of(' ');
      cur = indent + (skip == std::string::npos ? "" : word.substr(skip));
    } else {
      cur += word;
    }
  }
  if (!cur.empty()) out.push_back(truncate_to(cur, max));
  return out;
}

}  // namespace tcpsim::cli
