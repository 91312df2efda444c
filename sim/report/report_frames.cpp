// What the frames add to the drawn segments: the window each one advertises (scaled as the
// handshake agreed) and its SACK blocks. Only the headers are read; the page keeps the
// header bytes of each frame for its packet details.
#include <cstdint>
#include <span>

#include "sim/report/report_model.hpp"

namespace tcpsim::sim::report {
namespace {

std::uint32_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 8) | b[at + 1];
}
std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
  return (be16(b, at) << 16) | be16(b, at + 2);
}

}  // namespace

// Where the TCP header starts in a frame of this link type, or 0 when it is not a TCP
// segment this reader follows (IPv6 extension headers are not walked).
std::size_t tcp_offset(std::span<const std::uint8_t> f, int linktype) {
  std::size_t ip = 0;
  std::uint32_t ethertype = 0;
  if (linktype == 1) {
    if (f.size() < 14) return 0;
    ip = 14;
    ethertype = be16(f, 12);
    while (ethertype == 0x8100 && f.size() >= ip + 4) {
      ethertype = be16(f, ip + 2);
      ip += 4;
    }
  } else if (linktype == 113 && f.size() >= 16) {
    ip = 16;
    ethertype = be16(f, 14);
  } else if (linktype == 276 && f.size() >= 20) {
    ip = 20;
    ethertype = be16(f, 0);
  } else if (linktype == 101 || linktype == 12 || linktype == 228 || linktype == 229) {
    ethertype = f.empty() ? 0 : ((f[0] >> 4) == 6 ? 0x86DD : 0x0800);
  } else {
    return 0;
  }
  if (ethertype == 0x0800 && f.size() >= ip + 20 && f[ip + 9] == 6) return ip + (f[ip] & 0x0F) * 4U;
  if (ethertype == 0x86DD && f.size() >= ip + 40 && f[ip + 6] == 6) return ip + 40;
  return 0;
}

// The length of the headers (link, IP, TCP with options) of a frame: what the page keeps.
std::size_t header_length(std::span<const std::uint8_t> f, int linktype) {
  std::size_t tcp = tcp_offset(f, linktype);
  if (tcp == 0 || f.size() < tcp + 20) return std::min<std::size_t>(f.size(), 128);
  return std::min<std::size_t>(f.size(), tcp + (f[tcp + 12] >> 4) * 4U);
}

void ModelBuilder::read_frames() {
  std::size_t n = std::min(in_.frames.size(), segs_.size());
  for (std::size_t k = 0; k < n; ++k) {
    Segment& s = segs_[k];
    std::span<const std::uint8_t> f(in_.frames[k].bytes);
    std::size_t tcp = tcp_offset(f, in_.linktype);
    if (tcp == 0 || s.conn < 0 || f.size() < tcp + 20) continue;
    Connection& c = conns_[s.conn];
    std::size_t hlen = (f[tcp + 12] >> 4) * 4U;
    bool syn = (f[tcp + 13] & 0x02) != 0;
    bool ack = (f[tcp + 13] & 0x10) != 0;
    std::uint32_t window = be16(f, tcp + 14);
    int other = 1 - s.dir;
    for (std::size_t o = tcp + 20; o < tcp + hlen && o < f.size();) {
      std::uint8_t kind = f[o];
      if (kind == 0) break;
      if (kind == 1) {
        ++o;
        continue;
      }
      if (o + 1 >= f.size() || f[o + 1] < 2 || o + f[o + 1] > f.size()) break;
      std::uint8_t len = f[o + 1];
      if (kind == 3 && len == 3 && syn) c.wscale[s.dir] = f[o + 2];
      if (kind == 5 && c.base_known[other]) {
        for (std::size_t b = o + 2; b + 8 <= o + len; b += 8) {
          s.sack.push_back(static_cast<std::uint32_t>(be32(f, b) - c.base[other]));
          s.sack.push_back(static_cast<std::uint32_t>(be32(f, b + 4) - c.base[other]));
        }
      }
      o += len;
    }
    int shift = (!syn && c.wscale[0] >= 0 && c.wscale[1] >= 0) ? c.wscale[s.dir] : 0;
    if (ack) s.adv_edge = s.ack + (static_cast<std::int64_t>(window) << shift);
  }
}

}  // namespace tcpsim::sim::report
