// Classic libpcap files with nanosecond timestamps, written through libpcap itself.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/capture/capture_writer.hpp"

// libpcap's handle types, declared here so that users of this header need not see pcap.h.
struct pcap;
struct pcap_dumper;

namespace tcpsim::sim {

// Writes LINKTYPE_ETHERNET frames, snapshot length 262144, in the nanosecond variant of
// the pcap format (magic 0xa1b23c4d, host byte order, as libpcap writes it). The format
// has no place for comments, so they are dropped. Seconds are stored in 32 bits, which
// libpcap reads as signed: times from 2038 on need pcapng.
class PcapWriter final : public CaptureWriter {
 public:
  // Error: "cannot open 'x.pcap' for writing: <reason>".
  static Result<std::unique_ptr<PcapWriter>, Error> open(const std::string& path);

  ~PcapWriter() override;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(Nanos time_ns, std::span<const std::uint8_t> frame,
             std::string_view comment = {}) override;
  void flush() override;
  std::string_view format() const override { return "pcap"; }
  std::string_view error() const override { return error_; }

 private:
  PcapWriter(std::string path, std::unique_ptr<char[]> buffer, ::pcap* dead, ::pcap_dumper* dumper);
  void check_stream();

  std::string path_;
  std::unique_ptr<char[]> buffer_;  // stdio buffer of the file; outlives the dumper
  ::pcap* dead_;                    // pcap_open_dead handle: link type, snaplen, precision
  ::pcap_dumper* dumper_;           // owns the FILE*
  std::string error_;
};

}  // namespace tcpsim::sim
