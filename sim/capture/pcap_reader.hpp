// Reading pcap and pcapng files back through libpcap, for tests and for tools that
// check captures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"
#include "stack/base/time.hpp"

struct pcap;  // libpcap's pcap_t

namespace tcpsim::sim {

struct CapturedFrame {
  Nanos time_ns;  // since the Unix epoch, at nanosecond resolution whatever the file holds
  std::vector<std::uint8_t> bytes;  // the captured bytes (cut to the file's snapshot length)
};

// Reads frames in file order. libpcap accepts classic pcap (micro- or nanosecond) and
// pcapng whose interfaces share one link type.
class PcapReader {
 public:
  // Errors (missing, unreadable, not a capture, truncated header) name the file and give
  // libpcap's reason: "cannot read capture 'x.pcap': unknown file format". Only a regular
  // file is read (sim::kCaptureInput): a FIFO or a device is refused without waiting on it.
  static Result<PcapReader, Error> open(const std::string& path);

  PcapReader(PcapReader&& other) noexcept;
  PcapReader& operator=(PcapReader&& other) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader();

  // The next frame, or nullopt at the end of the file or on a read error; error() tells
  // which.
  std::optional<CapturedFrame> next();

  // Empty unless next() stopped on a damaged file ("error reading capture 'x.pcap' after
  // 3 frames: truncated dump file; ...").
  const std::string& error() const { return error_; }

  // The DLT_/LINKTYPE_ value of the file (1 = Ethernet).
  int linktype() const;

 private:
  PcapReader(std::string path, ::pcap* handle);

  std::string path_;
  ::pcap* handle_;
  std::size_t frames_read_ = 0;
  std::string error_;
};

}  // namespace tcpsim::sim
