#include "stack/wire/tcp.hpp"

#include <algorithm>
#include <cassert>

namespace tcpsim::wire {

std::string flags_to_string(std::uint8_t flags) {
  struct Name {
    std::uint8_t bit;
    std::string_view text;
  };
  static constexpr Name kNames[] = {
      {tcp_flag::kSyn, "SYN"}, {tcp_flag::kFin, "FIN"}, {tcp_flag::kRst, "RST"},
      {tcp_flag::kPsh, "PSH"}, {tcp_flag::kAck, "ACK"}, {tcp_flag::kUrg, "URG"},
      {tcp_flag::kEce, "ECE"}, {tcp_flag::kCwr, "CWR"},
  };
  std::string out;
  for (const Name& n : kNames) {
    if ((flags & n.bit) == 0) continue;
    if (!out.empty()) out.push_back(',');
    out.append(n.text);
  }
  return out.empty() ? std::string("none") : out;
}

std::optional<ParseError> TcpView::check() const {
  if (b_.size() < kTcpMinHeaderLen) {
    return ParseError{Errc::Truncated, 0, "tcp.header", {}};
  }
  if (data_offset() < 5) {
    return ParseError{Errc::BadDataOffset, 12, "tcp.data_offset", "below 5 words"};
  }
  if (header_len() > b_.size()) {
    return ParseError{Errc::BadDataOffset, 12, "tcp.data_offset", "header runs past the segment"};
  }
  return std::nullopt;
}

ParseResult<TcpView> TcpView::create(std::span<const std::uint8_t> segment) {
  TcpView view(segment);
  if (auto error = view.check()) return tcpsim::fail(*error);
  return view;
}

bool TcpView::verify_checksum(std::uint32_t pseudo_sum) const {
  ChecksumAccumulator acc;
  acc.add_sum(pseudo_sum);
  acc.add(b_);
  return acc.fold() == 0xffff;
}

ParseResult<TcpRepr> TcpRepr::parse(std::span<const std::uint8_t> segment,
                                    std::optional<std::uint32_t> pseudo_sum,
                                    std::span<const std::uint8_t>* payload) {
  const TcpView view(segment);
  if (auto error = view.check()) return tcpsim::fail(*error);
  if (pseudo_sum && !view.verify_checksum(*pseudo_sum)) {
    return parse_error(Errc::BadChecksum, kTcpChecksumOffset, "tcp.checksum");
  }
  auto options = TcpOptions::parse(view.options_bytes(), kTcpMinHeaderLen);
  if (!options) return tcpsim::fail(options.error());

  TcpRepr repr;
  repr.src_port = view.src_port();
  repr.dst_port = view.dst_port();
  repr.seq = view.seq();
  repr.ack = view.ack();
  repr.reserved = view.reserved();
  repr.flags = view.flags();
  repr.window = view.window();
  repr.urgent = view.urgent();
  repr.options = *options;
  if (payload != nullptr) *payload = view.payload();
  return repr;
}

void TcpRepr::emit(std::span<std::uint8_t> out, std::span<const std::uint8_t> payload,
                   std::uint32_t pseudo_sum) const {
  const std::size_t len = header_len();
  assert(out.size() >= len);
  std::uint8_t* p = out.data();
  store_be16(p, src_port);
  store_be16(p + 2, dst_port);
  store_be32(p + 4, seq);
  store_be32(p + 8, ack);
  p[12] = static_cast<std::uint8_t>(((len / 4) << 4) | (reserved & 0x0f));
  p[13] = flags;
  store_be16(p + 14, window);
  store_be16(p + kTcpChecksumOffset, 0);
  store_be16(p + 18, urgent);
  const auto opts = options.bytes();
  std::copy(opts.begin(), opts.end(), p + kTcpMinHeaderLen);
  std::fill(p + kTcpMinHeaderLen + opts.size(), p + len, std::uint8_t{0});

  ChecksumAccumulator acc;
  acc.add_sum(pseudo_sum);
  acc.add(out.first(len));
  acc.add(payload);
  store_be16(p + kTcpChecksumOffset, acc.finish());
}

std::string TcpRepr::to_string() const {
  std::string out = std::to_string(src_port) + " > " + std::to_string(dst_port) + " [" +
                    flags_to_string(flags) + "] seq=" + std::to_string(seq) +
                    " ack=" + std::to_string(ack) + " win=" + std::to_string(window);
  if (has(tcp_flag::kUrg) || urgent != 0) out += " urg=" + std::to_string(urgent);
  if (reserved != 0) out += " res=" + std::to_string(reserved);
  if (const std::string o = options.to_string(); !o.empty()) out += " <" + o + ">";
  return out;
}

}  // namespace tcpsim::wire
