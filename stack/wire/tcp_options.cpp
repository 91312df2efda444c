#include "stack/wire/tcp_options.hpp"

#include <algorithm>

#include "stack/wire/checksum.hpp"

namespace tcpsim::wire {

using namespace tcp_option;

namespace {

std::string_view field_for(std::uint8_t kind) {
  switch (kind) {
    case kMss:
      return "tcp.options.mss";
    case kWindowScale:
      return "tcp.options.wscale";
    case kSackPermitted:
      return "tcp.options.sack_permitted";
    case kSack:
      return "tcp.options.sack";
    case kTimestamps:
      return "tcp.options.timestamps";
    default:
      return "tcp.options";
  }
}

// Why `len` (kind and length bytes included) is wrong for `kind`; empty when it is fine.
std::string_view length_problem(std::uint8_t kind, std::size_t len) {
  switch (kind) {
    case kMss:
      return len == 4 ? std::string_view() : "MSS is 4 bytes";
    case kWindowScale:
      return len == 3 ? std::string_view() : "window scale is 3 bytes";
    case kSackPermitted:
      return len == 2 ? std::string_view() : "SACK-permitted is 2 bytes";
    case kTimestamps:
      return len == 10 ? std::string_view() : "timestamps are 10 bytes";
    case kSack: {
      const bool ok = len >= 10 && len <= 2 + 8 * kMaxSackBlocks && (len - 2) % 8 == 0;
      return ok ? std::string_view() : "SACK is 2 + 8n bytes with 1 <= n <= 4";
    }
    default:
      return {};
  }
}

}  // namespace

ParseResult<TcpOptions> TcpOptions::parse(std::span<const std::uint8_t> bytes,
                                          std::size_t base_offset) {
  if (bytes.size() > kMaxLen) {
    return parse_error(Errc::OptionOverrun, base_offset + kMaxLen, "tcp.options",
                       "more than 40 bytes of options");
  }
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    const std::uint8_t kind = bytes[i];
    if (kind == kEol) break;  // the rest is padding (RFC 9293 §3.1, "End of Option List")
    if (kind == kNop) {
      ++i;
      continue;
    }
    const std::size_t at = base_offset + i + 1;  // the length byte, present or not
    if (i + 1 >= n) {
      return parse_error(Errc::OptionOverrun, at, field_for(kind), "length byte missing");
    }
    const std::size_t len = bytes[i + 1];
    if (len < 2) {
      return parse_error(Errc::OptionOverrun, at, field_for(kind), "length below 2");
    }
    if (const auto problem = length_problem(kind, len); !problem.empty()) {
      return parse_error(Errc::BadOptionLength, at, field_for(kind), problem);
    }
    if (i + len > n) {
      return parse_error(Errc::OptionOverrun, at, field_for(kind), "runs past the header");
    }
    i += len;
  }
  TcpOptions options;
  std::copy(bytes.begin(), bytes.end(), options.buf_.begin());
  options.len_ = static_cast<std::uint8_t>(n);
  return options;
}

bool TcpOptions::ended() const {
  bool seen = false;
  for_each([&seen](std::uint8_t kind, std::span<const std::uint8_t>) {
    if (kind == kEol) seen = true;
  });
  return seen;
}

bool TcpOptions::append(std::span<const std::uint8_t> option) {
  if (option.size() > kMaxLen - len_) return false;
  if (ended() && !(option.size() == 1 && option[0] == kEol)) return false;
  std::copy(option.begin(), option.end(), buf_.begin() + len_);
  len_ = static_cast<std::uint8_t>(len_ + option.size());
  return true;
}

bool TcpOptions::add_mss(std::uint16_t mss) {
  std::uint8_t o[4] = {kMss, 4, 0, 0};
  store_be16(o + 2, mss);
  return append(o);
}

bool TcpOptions::add_window_scale(std::uint8_t shift) {
  const std::uint8_t o[3] = {kWindowScale, 3, shift};
  return append(o);
}

bool TcpOptions::add_sack_permitted() {
  const std::uint8_t o[2] = {kSackPermitted, 2};
  return append(o);
}

bool TcpOptions::add_timestamps(std::uint32_t tsval, std::uint32_t tsecr) {
  std::uint8_t o[10] = {kTimestamps, 10};
  store_be32(o + 2, tsval);
  store_be32(o + 6, tsecr);
  return append(o);
}

bool TcpOptions::add_sack(std::span<const SackBlock> blocks) {
  if (blocks.empty() || blocks.size() > kMaxSackBlocks) return false;
  std::uint8_t o[2 + 8 * kMaxSackBlocks] = {kSack,
                                            static_cast<std::uint8_t>(2 + 8 * blocks.size())};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    store_be32(o + 2 + 8 * i, blocks[i].left);
    store_be32(o + 6 + 8 * i, blocks[i].right);
  }
  return append(std::span<const std::uint8_t>(o, 2 + 8 * blocks.size()));
}

bool TcpOptions::add_nop() {
  const std::uint8_t o[1] = {kNop};
  return append(o);
}

bool TcpOptions::add_eol() {
  const std::uint8_t o[1] = {kEol};
  return append(o);
}

bool TcpOptions::add_unknown(std::uint8_t kind, std::span<const std::uint8_t> data) {
  if (kind == kEol || kind == kNop || data.size() > kMaxLen - 2) return false;
  const std::size_t len = 2 + data.size();
  if (!length_problem(kind, len).empty()) return false;
  std::uint8_t o[kMaxLen] = {kind, static_cast<std::uint8_t>(len)};
  std::copy(data.begin(), data.end(), o + 2);
  return append(std::span<const std::uint8_t>(o, len));
}

std::optional<std::uint16_t> TcpOptions::mss() const {
  std::optional<std::uint16_t> out;
  for_each([&out](std::uint8_t kind, std::span<const std::uint8_t> data) {
    if (kind == kMss && !out) out = load_be16(data.data());
  });
  return out;
}

std::optional<std::uint8_t> TcpOptions::window_scale() const {
  std::optional<std::uint8_t> out;
  for_each([&out](std::uint8_t kind, std::span<const std::uint8_t> data) {
    if (kind == kWindowScale && !out) out = data[0];
  });
  return out;
}

bool TcpOptions::sack_permitted() const {
  bool out = false;
  for_each([&out](std::uint8_t kind, std::span<const std::uint8_t>) {
    if (kind == kSackPermitted) out = true;
  });
  return out;
}

std::optional<TcpTimestamps> TcpOptions::timestamps() const {
  // The layout nearly every segment of a connection with timestamps has (RFC 7323
  // Appendix A): NOP, NOP, TS first. The options are well formed, so this is the same
  // answer the walk below gives.
  if (len_ >= 12 && buf_[0] == kNop && buf_[1] == kNop && buf_[2] == kTimestamps && buf_[3] == 10) {
    return TcpTimestamps{load_be32(buf_.data() + 4), load_be32(buf_.data() + 8)};
  }
  std::optional<TcpTimestamps> out;
  for_each([&out](std::uint8_t kind, std::span<const std::uint8_t> data) {
    if (kind == kTimestamps && !out) {
      out = TcpTimestamps{load_be32(data.data()), load_be32(data.data() + 4)};
    }
  });
  return out;
}

std::size_t TcpOptions::sack_blocks(std::array<SackBlock, kMaxSackBlocks>& out) const {
  std::size_t count = 0;
  bool found = false;
  for_each([&](std::uint8_t kind, std::span<const std::uint8_t> data) {
    if (kind != kSack || found) return;
    found = true;
    count = std::min(data.size() / 8, out.size());
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = SackBlock{load_be32(data.data() + 8 * i), load_be32(data.data() + 8 * i + 4)};
    }
  });
  return count;
}

std::string TcpOptions::to_string() const {
  std::string out;
  auto item = [&out](std::string_view text) {
    if (!out.empty()) out.push_back(',');
    out.append(text);
  };
  std::size_t at = 0;  // offset of the option being printed
  for_each([&](std::uint8_t kind, std::span<const std::uint8_t> data) {
    switch (kind) {
      case kEol: {
        // An EOL followed only by zeros is padding, which emit would add anyway; leaving it
        // out keeps equal option lists (operator==) printing the same.
        const auto rest = bytes().subspan(at);
        if (std::any_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b != 0; })) {
          item("eol");
        }
        break;
      }
      case kNop:
        item("nop");
        break;
      case kMss:
        item("mss " + std::to_string(load_be16(data.data())));
        break;
      case kWindowScale:
        item("wscale " + std::to_string(data[0]));
        break;
      case kSackPermitted:
        item("sackOK");
        break;
      case kTimestamps:
        item("TS val " + std::to_string(load_be32(data.data())) + " ecr " +
             std::to_string(load_be32(data.data() + 4)));
        break;
      case kSack: {
        std::string text = "sack";
        for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
          text += ' ' + std::to_string(load_be32(data.data() + i)) + ':' +
                  std::to_string(load_be32(data.data() + i + 4));
        }
        item(text);
        break;
      }
      default:
        item("opt-" + std::to_string(kind) + " len " + std::to_string(data.size() + 2));
        break;
    }
    at += kind == kNop ? 1 : data.size() + 2;
  });
  return out;
}

bool TcpOptions::operator==(const TcpOptions& other) const {
  const std::size_t n = std::max(padded_size(), other.padded_size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t a = i < len_ ? buf_[i] : 0;
    const std::uint8_t b = i < other.len_ ? other.buf_[i] : 0;
    if (a != b) return false;
  }
  return true;
}

}  // namespace tcpsim::wire
