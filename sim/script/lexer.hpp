// Tokens of the script language. Like packetdrill's scanner, whitespace and line breaks
// only separate tokens: an event may span lines, and its line is that of its time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/script/script.hpp"

namespace tcpsim::sim::script {

struct Token {
  enum class Kind : std::uint8_t {
    End,
    Int,         // 12, -1, 0x800 (number holds the value)
    Float,       // 0.100, .5 (text holds the digits)
    Word,        // [A-Za-z_][A-Za-z0-9_]*
    String,      // "..." (text without the quotes)
    BackQuoted,  // `...`
    Code,        // %{ ... }% (text inside, trimmed)
    Option,      // --name or --name=value (text = name, value = raw value)
    Ellipsis,    // ...
    Punct,       // any other single character (text holds it)
  };
  Kind kind = Kind::End;
  std::string text;
  std::string value;
  bool has_value = false;
  std::int64_t number = 0;
  int line = 1;
  int column = 1;

  bool is(char c) const { return kind == Kind::Punct && text.size() == 1 && text[0] == c; }
  bool is_word(std::string_view w) const { return kind == Kind::Word && text == w; }
  // For messages: "'accept'", "end of script", "number 12".
  std::string describe() const;
};

// Splits the whole text; an unterminated comment, string, command or code block, or a
// character that cannot start a token, is an error at the place it starts.
Result<std::vector<Token>, ScriptError> tokenize(std::string_view text);

}  // namespace tcpsim::sim::script
