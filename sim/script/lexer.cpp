#include "sim/script/lexer.hpp"

#include <fmt/core.h>

#include <cctype>
#include <limits>

namespace tcpsim::sim::script {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

class Lexer {
 public:
  explicit Lexer(std::string_view t) : s_(t) {}

  Result<std::vector<Token>, ScriptError> run() {
    std::vector<Token> out;
    for (;;) {
      if (auto err = skip_space_and_comments()) return fail(*err);
      if (i_ >= s_.size()) break;
      auto tok = next();
      if (!tok.ok()) return fail(tok.error());
      out.push_back(std::move(tok.value()));
    }
    Token end;
    end.kind = Token::Kind::End;
    end.line = line_;
    end.column = col_;
    out.push_back(end);
    return out;
  }

 private:
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void advance(std::size_t n = 1) {
    for (std::size_t k = 0; k < n && i_ < s_.size(); ++k) {
      if (s_[i_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
      ++i_;
    }
  }
  // The value of `-D NAME` / `--define NAME`: the next word on the same line.
  void option_word_after_blanks(Token& t) {
    while (peek() == ' ' || peek() == '\t') advance();
    while (i_ < s_.size() && !is_space(s_[i_])) {
      t.value += s_[i_];
      advance();
    }
    t.has_value = !t.value.empty();
  }
  ScriptError error_at(int line, int col, std::string msg, Errc code = Errc::BadSyntax) const {
    return {line, col, std::move(msg), code};
  }

  std::optional<ScriptError> skip_space_and_comments() {
    for (;;) {
      while (i_ < s_.size() && is_space(s_[i_])) advance();
      if (peek() == '/' && peek(1) == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
        continue;
      }
      if (peek() == '/' && peek(1) == '*') {
        int l = line_, c = col_;
        advance(2);
        while (i_ < s_.size() && !(peek() == '*' && peek(1) == '/')) advance();
        if (i_ >= s_.size()) return error_at(l, c, "unterminated /* comment");
        advance(2);
        continue;
      }
      return std::nullopt;
    }
  }

  // Text up to the closing delimiter; backslash escapes the next character.
  Result<std::string, ScriptError> quoted(char close, std::string_view what) {
    int l = line_, c = col_;
    advance();  // opening quote
    std::string text;
    while (i_ < s_.size() && s_[i_] != close) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        text += s_[i_];
        advance();
      }
      text += s_[i_];
      advance();
    }
    if (i_ >= s_.size()) return fail(error_at(l, c, fmt::format("unterminated {}", what)));
    advance();  // closing quote
    return text;
  }

  Result<Token, ScriptError> next() {
    Token t;
    t.line = line_;
    t.column = col_;
    char c = peek();
    if (c == '%' && peek(1) == '{') {
      advance(2);
      std::size_t from = i_;
      while (i_ < s_.size() && !(peek() == '}' && peek(1) == '%')) advance();
      if (i_ >= s_.size()) return fail(error_at(t.line, t.column, "unterminated %{ code block"));
      std::string_view body = s_.substr(from, i_ - from);
      advance(2);
      while (!body.empty() && is_space(body.front())) body.remove_prefix(1);
      while (!body.empty() && is_space(body.back())) body.remove_suffix(1);
      t.kind = Token::Kind::Code;
      t.text = std::string(body);
      return t;
    }
    if (c == '"') {
      auto q = quoted('"', "string");
      if (!q.ok()) return fail(q.error());
      t.kind = Token::Kind::String;
      t.text = std::move(q.value());
      return t;
    }
    if (c == '`') {
      auto q = quoted('`', "`command`");
      if (!q.ok()) return fail(q.error());
      t.kind = Token::Kind::BackQuoted;
      t.text = std::move(q.value());
      return t;
    }
    if (c == '.' && peek(1) == '.' && peek(2) == '.') {
      advance(3);
      t.kind = Token::Kind::Ellipsis;
      t.text = "...";
      return t;
    }
    if (c == '-' && peek(1) == 'D' && (is_word_start(peek(2)) || peek(2) == ' ')) {
      advance(2);  // -DNAME[=VALUE] or -D NAME[=VALUE]: a symbol for the preprocessor
      t.kind = Token::Kind::Option;
      t.text = "define";
      option_word_after_blanks(t);
      return t;
    }
    if (c == '-' && peek(1) == '-' && is_word_start(peek(2))) {
      advance(2);
      while (is_word_char(peek())) {
        t.text += peek();
        advance();
      }
      t.kind = Token::Kind::Option;
      if (t.text == "define" && peek() == ' ') {
        option_word_after_blanks(t);  // --define NAME[=VALUE]
        return t;
      }
      if (peek() == '=') {
        advance();
        t.has_value = true;
        if (peek() == '"') {
          auto q = quoted('"', "string");
          if (!q.ok()) return fail(q.error());
          t.value = std::move(q.value());
        } else {
          while (i_ < s_.size() && !is_space(s_[i_])) {
            t.value += s_[i_];
            advance();
          }
        }
      }
      return t;
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1))) ||
        (c == '-' && (is_digit(peek(1)) || (peek(1) == '.' && is_digit(peek(2)))))) {
      return number(t);
    }
    if (is_word_start(c)) {
      while (is_word_char(peek())) {
        t.text += peek();
        advance();
      }
      t.kind = Token::Kind::Word;
      return t;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return fail(error_at(t.line, t.column,
                           fmt::format("unexpected byte 0x{:02x}: scripts are ASCII text",
                                       static_cast<unsigned>(static_cast<unsigned char>(c)))));
    }
    t.kind = Token::Kind::Punct;
    t.text = std::string(1, c);
    advance();
    return t;
  }

  Result<Token, ScriptError> number(Token& t) {
    std::string text;
    if (peek() == '-') {
      text += '-';
      advance();
    }
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') &&
        std::isxdigit(static_cast<unsigned char>(peek(2)))) {
      advance(2);
      std::uint64_t v = 0;
      bool overflow = false;
      while (std::isxdigit(static_cast<unsigned char>(peek())) != 0) {
        char d = peek();
        unsigned digit = is_digit(d) ? static_cast<unsigned>(d - '0')
                                     : static_cast<unsigned>(std::tolower(d) - 'a' + 10);
        if (v > (std::numeric_limits<std::uint64_t>::max() >> 4)) overflow = true;
        v = (v << 4) | digit;
        advance();
      }
      if (overflow || v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return fail(error_at(t.line, t.column, "hex number too large", Errc::OutOfRange));
      t.kind = Token::Kind::Int;
      t.number = text.empty() ? static_cast<std::int64_t>(v) : -static_cast<std::int64_t>(v);
      t.text = text + "0x" + fmt::format("{:x}", v);
      return t;
    }
    while (is_digit(peek())) {
      text += peek();
      advance();
    }
    // A fraction needs a digit after the point, so "1..." and "S." stay apart.
    if (peek() == '.' && is_digit(peek(1))) {
      text += '.';
      advance();
      while (is_digit(peek())) {
        text += peek();
        advance();
      }
      t.kind = Token::Kind::Float;
      t.text = text;
      return t;
    }
    t.kind = Token::Kind::Int;
    t.text = text;
    std::int64_t v = 0;
    for (char d : text) {
      if (d == '-') continue;
      if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
        return fail(error_at(t.line, t.column, fmt::format("number {} is too large", text),
                             Errc::OutOfRange));
      v = v * 10 + (d - '0');
    }
    t.number = text[0] == '-' ? -v : v;
    return t;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::string Token::describe() const {
  switch (kind) {
    case Kind::End:
      return "the end of the script";
    case Kind::Int:
    case Kind::Float:
      return fmt::format("number {}", text);
    case Kind::Word:
      return fmt::format("'{}'", text);
    case Kind::String:
      return fmt::format("string \"{}\"", text);
    case Kind::BackQuoted:
      return "a `command`";
    case Kind::Code:
      return "a %{ }% block";
    case Kind::Option:
      return fmt::format("option --{}", text);
    case Kind::Ellipsis:
      return "'...'";
    case Kind::Punct:
      return fmt::format("'{}'", text);
  }
  return "?";
}

Result<std::vector<Token>, ScriptError> tokenize(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace tcpsim::sim::script
