// The compact segment notation: parsing, printing and comparing.
#include "tcpsim/testing/notation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <sstream>
#include <vector>

namespace tcpsim::testing {

using namespace wire::tcp_flag;

namespace {

struct FlagLetter {
  char letter;
  std::uint8_t flag;
};
// The order tcpdump prints them in.
constexpr std::array<FlagLetter, 7> kLetters{
    {{'S', kSyn}, {'F', kFin}, {'R', kRst}, {'P', kPsh}, {'U', kUrg}, {'E', kEce}, {'W', kCwr}}};

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw NotationError("segment '" + std::string(text) + "': " + why);
}

std::uint32_t number(std::string_view text, std::string_view token, std::string_view what) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc{} || end != token.data() + token.size()) {
    fail(text, std::string(what) + " wants a number, got '" + std::string(token) + "'");
  }
  return v;
}

std::uint8_t parse_flags(std::string_view text, std::string_view token) {
  std::uint8_t f = 0;
  if (token == "-") return f;
  for (char c : token) {
    if (c == '.') {
      f |= kAck;
      continue;
    }
    bool known = false;
    for (const FlagLetter& l : kLetters) {
      if (l.letter == c) {
        f |= l.flag;
        known = true;
      }
    }
    if (!known) fail(text, std::string("unknown flag '") + c + "' (allowed: S F R P U E W . -)");
  }
  return f;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::uint32_t range_part(std::string_view text, std::string_view token, std::size_t from,
                         std::size_t to) {
  if (from == std::string_view::npos || to == std::string_view::npos || to <= from) {
    fail(text, "wants start:end(len), got '" + std::string(token) + "'");
  }
  return number(text, token.substr(from, to - from), "start:end(len)");
}

constexpr std::array<std::string_view, 4> kEcnNames{"[noecn]", "[ect1]", "[ect0]", "[ce]"};

}  // namespace

std::string format_flags(std::uint8_t flags) {
  std::string s;
  for (const FlagLetter& l : kLetters) {
    if ((flags & l.flag) != 0) s += l.letter;
  }
  if ((flags & kAck) != 0) s += '.';
  return s.empty() ? "-" : s;
}

SegmentSpec parse_segment(std::string_view text) {
  SegmentSpec spec;
  spec.text = std::string(text);
  std::string_view head = text;
  if (auto lt = text.find('<'); lt != std::string_view::npos) {
    auto gt = text.rfind('>');
    if (gt == std::string_view::npos || gt < lt) fail(text, "'<' without a closing '>'");
    spec.options = std::string(text.substr(lt + 1, gt - lt - 1));
    head = text.substr(0, lt);
    if (!words(text.substr(gt + 1)).empty()) fail(text, "nothing may follow the options");
  }
  std::vector<std::string_view> w = words(head);
  if (!w.empty() && w[0].starts_with('[')) {
    auto at = std::find(kEcnNames.begin(), kEcnNames.end(), w[0]);
    if (at == kEcnNames.end()) {
      fail(text,
           "unknown ECN field '" + std::string(w[0]) + "' (allowed: [noecn] [ect1] [ect0] [ce])");
    }
    spec.ecn = static_cast<std::uint8_t>(at - kEcnNames.begin());
    w.erase(w.begin());
  }
  if (w.size() < 2) fail(text, "wants at least flags and start:end(len)");
  spec.flags = parse_flags(text, w[0]);
  std::string_view r = w[1];
  std::size_t colon = r.find(':');
  std::size_t open = r.find('(');
  std::size_t close = r.find(')');
  if (close != r.size() - 1) fail(text, "wants start:end(len), got '" + std::string(r) + "'");
  spec.start = range_part(text, r, 0, colon);
  std::uint32_t end = range_part(text, r, colon + 1, open);
  spec.len = range_part(text, r, open + 1, close);
  if (end - spec.start != spec.len) {
    fail(text, "end - start is " + std::to_string(end - spec.start) + " but len is " +
                   std::to_string(spec.len));
  }
  for (std::size_t i = 2; i < w.size(); i += 2) {
    if (i + 1 >= w.size()) fail(text, "'" + std::string(w[i]) + "' wants a value");
    std::uint32_t v = number(text, w[i + 1], w[i]);
    if (w[i] == "ack") {
      spec.ack = v;
    } else if (w[i] == "win") {
      spec.win = v;
    } else {
      fail(text, "unknown field '" + std::string(w[i]) + "' (allowed: ack, win, <options>)");
    }
  }
  return spec;
}

wire::TcpOptions parse_options(std::string_view text, std::uint32_t sack_base) {
  wire::TcpOptions o;
  std::stringstream items{std::string(text)};
  std::string item;
  auto bad = [&](const std::string& why) { fail("<" + std::string(text) + ">", why); };
  while (std::getline(items, item, ',')) {
    std::vector<std::string_view> w = words(item);
    if (w.empty()) bad("empty option");
    auto arg = [&](std::size_t i) {
      if (i >= w.size()) bad("option '" + item + "' is missing a value");
      return number(text, w[i], w[0]);
    };
    bool ok = true;
    if (w[0] == "mss") {
      ok = o.add_mss(static_cast<std::uint16_t>(arg(1)));
    } else if (w[0] == "sackOK") {
      ok = o.add_sack_permitted();
    } else if (w[0] == "TS") {  // TS val N ecr M
      ok = o.add_timestamps(arg(2), arg(4));
    } else if (w[0] == "nop") {
      ok = o.add_nop();
    } else if (w[0] == "eol") {
      ok = o.add_eol();
    } else if (w[0] == "wscale") {
      ok = o.add_window_scale(static_cast<std::uint8_t>(arg(1)));
    } else if (w[0] == "sack") {
      std::vector<wire::SackBlock> blocks;
      for (std::size_t i = 1; i < w.size(); ++i) {
        std::size_t colon = w[i].find(':');
        if (colon == std::string_view::npos) bad("sack block '" + std::string(w[i]) + "'");
        blocks.push_back({sack_base + number(text, w[i].substr(0, colon), "sack"),
                          sack_base + number(text, w[i].substr(colon + 1), "sack")});
      }
      ok = o.add_sack(blocks);
    } else {
      bad("unknown option '" + std::string(w[0]) +
          "' (allowed: mss, sackOK, TS val N ecr M, nop, eol, wscale, sack L:R ...)");
    }
    if (!ok) bad("option '" + item + "' does not fit");
  }
  return o;
}

std::string format_options(const wire::TcpOptions& options, std::uint32_t sack_base) {
  std::array<wire::SackBlock, wire::tcp_option::kMaxSackBlocks> blocks{};
  std::size_t n = options.sack_blocks(blocks);
  if (n == 0 || sack_base == 0) return options.to_string();
  // Rebuild the list with relative SACK edges, everything else as printed.
  std::string text = options.to_string();
  std::string absolute = "sack";
  std::string relative = "sack";
  for (std::size_t i = 0; i < n; ++i) {
    absolute += ' ' + std::to_string(blocks[i].left) + ':' + std::to_string(blocks[i].right);
    relative += ' ' + std::to_string(blocks[i].left - sack_base) + ':' +
                std::to_string(blocks[i].right - sack_base);
  }
  if (auto at = text.find(absolute); at != std::string::npos) {
    text.replace(at, absolute.size(), relative);
  }
  return text;
}

std::string format_segment(const tcp::Segment& s, Numbering n) {
  std::uint32_t start = s.header.seq - n.sender_isn;
  auto len = static_cast<std::uint32_t>(s.payload.size());
  std::string out = s.ecn != 0 ? std::string(kEcnNames[s.ecn & 3u]) + ' ' : std::string();
  out += format_flags(s.header.flags) + ' ' + std::to_string(start) + ':' +
         std::to_string(start + len) + '(' + std::to_string(len) + ')';
  if (s.has(kAck)) out += " ack " + std::to_string(s.header.ack - n.receiver_isn);
  out += " win " + std::to_string(s.header.window);
  if (!s.header.options.empty()) {
    out += " <" + format_options(s.header.options, n.receiver_isn) + ">";
  }
  return out;
}

tcp::Segment make_segment(const SegmentSpec& spec, Numbering n) {
  tcp::Segment s;
  s.header.flags = spec.flags;
  s.ecn = spec.ecn.value_or(0);
  s.header.seq = n.sender_isn + spec.start;
  s.header.ack = spec.ack ? n.receiver_isn + *spec.ack : 0;
  s.header.window = static_cast<std::uint16_t>(spec.win.value_or(65535));
  if (spec.options && *spec.options != "...") {
    s.header.options = parse_options(*spec.options, n.receiver_isn);
  }
  s.payload.resize(spec.len);
  for (std::uint32_t i = 0; i < spec.len; ++i) {
    s.payload[i] = static_cast<std::uint8_t>('a' + (spec.start + i) % 26);
  }
  return s;
}

std::string segment_diff(const SegmentSpec& want, const tcp::Segment& actual, Numbering n) {
  struct Row {
    std::string field, expected, got;
  };
  std::vector<Row> rows;
  auto check = [&rows](std::string field, std::string expected, std::string got) {
    if (expected != got) rows.push_back({std::move(field), std::move(expected), std::move(got)});
  };
  if (want.ecn) {
    check("ecn", std::string(kEcnNames[*want.ecn]), std::string(kEcnNames[actual.ecn & 3u]));
  }
  check("flags", format_flags(want.flags), format_flags(actual.header.flags));
  check("start", std::to_string(want.start), std::to_string(actual.header.seq - n.sender_isn));
  check("len", std::to_string(want.len), std::to_string(actual.payload.size()));
  if (want.ack) {
    check("ack", std::to_string(*want.ack),
          actual.has(kAck) ? std::to_string(actual.header.ack - n.receiver_isn) : "(no ACK)");
  }
  if (want.win) check("win", std::to_string(*want.win), std::to_string(actual.header.window));
  if (want.options && *want.options != "...") {
    wire::TcpOptions expected = parse_options(*want.options, n.receiver_isn);
    if (!(expected == actual.header.options)) {
      rows.push_back({"options", "<" + format_options(expected, n.receiver_isn) + ">",
                      "<" + format_options(actual.header.options, n.receiver_isn) + ">"});
    }
  }
  if (rows.empty()) return {};
  std::size_t wf = 5;
  std::size_t we = 8;
  for (const Row& r : rows) {
    wf = std::max(wf, r.field.size());
    we = std::max(we, r.expected.size());
  }
  auto pad = [](std::string s, std::size_t w) {
    s.resize(std::max(w, s.size()), ' ');
    return s;
  };
  std::string out = "expected: " + want.text + "\n  actual: " + format_segment(actual, n) + "\n";
  out += "  " + pad("field", wf) + "  " + pad("expected", we) + "  actual\n";
  for (const Row& r : rows) {
    out += "  " + pad(r.field, wf) + "  " + pad(r.expected, we) + "  " + r.got + "\n";
  }
  return out;
}

}  // namespace tcpsim::testing
