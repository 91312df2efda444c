#include "sim/capture/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <fmt/core.h>
#include <cerrno>
#include <cstring>

namespace tcpsim::sim {
namespace {

constexpr int kSnapLength = 262144;
constexpr std::size_t kStreamBuffer = 1 << 20;

Failure<Error> open_error(const std::string& path, std::string_view reason) {
  return fail_with(Errc::Io, fmt::format("cannot open '{}' for writing: {}", path, reason), path);
}

}  // namespace

Result<std::unique_ptr<PcapWriter>, Error> PcapWriter::open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return open_error(path, std::strerror(errno));
  // A large stdio buffer turns many small record writes into few system calls.
  auto buffer = std::make_unique<char[]>(kStreamBuffer);
  std::setvbuf(file, buffer.get(), _IOFBF, kStreamBuffer);

  pcap_t* dead =
      pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLength, PCAP_TSTAMP_PRECISION_NANO);
  if (dead == nullptr) {
    std::fclose(file);
    return open_error(path, "libpcap could not set up a writer");
  }
  // pcap_dump_fopen takes over the stream: pcap_dump_close will close it, and on failure
  // to write the file header libpcap has already closed it.
  errno = 0;
  pcap_dumper_t* dumper = pcap_dump_fopen(dead, file);
  if (dumper == nullptr) {
    int err = errno;
    std::string reason = err != 0 ? std::strerror(err) : pcap_geterr(dead);
    pcap_close(dead);
    return open_error(path, reason);
  }
  return std::unique_ptr<PcapWriter>(new PcapWriter(path, std::move(buffer), dead, dumper));
}

PcapWriter::PcapWriter(std::string path, std::unique_ptr<char[]> buffer, ::pcap* dead,
                       ::pcap_dumper* dumper)
    : path_(std::move(path)), buffer_(std::move(buffer)), dead_(dead), dumper_(dumper) {}

PcapWriter::~PcapWriter() {
  pcap_dump_close(dumper_);  // flushes and closes the FILE*, before buffer_ goes away
  pcap_close(dead_);
}

void PcapWriter::write(Nanos time_ns, std::span<const std::uint8_t> frame,
                       std::string_view /*comment: classic pcap has none*/) {
  if (!error_.empty()) return;
  if (time_ns < 0) time_ns = 0;
  pcap_pkthdr header{};
  // With nanosecond precision libpcap stores the fraction field as nanoseconds.
  header.ts.tv_sec = static_cast<time_t>(time_ns / kSecond);
  header.ts.tv_usec = static_cast<suseconds_t>(time_ns % kSecond);
  header.len = static_cast<bpf_u_int32>(frame.size());
  header.caplen = static_cast<bpf_u_int32>(
      frame.size() < static_cast<std::size_t>(kSnapLength) ? frame.size() : kSnapLength);
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  check_stream();
}

void PcapWriter::flush() {
  if (!error_.empty()) return;
  if (pcap_dump_flush(dumper_) != 0) {
    error_ = fmt::format("cannot write to '{}': {}", path_, std::strerror(errno));
    return;
  }
  check_stream();
}

void PcapWriter::check_stream() {
  // pcap_dump() reports nothing, so look at the stream's sticky error flag.
  if (std::ferror(pcap_dump_file(dumper_)) != 0) {
    error_ = fmt::format("cannot write to '{}': {}", path_,
                         errno != 0 ? std::strerror(errno) : "I/O error");
  }
}

}  // namespace tcpsim::sim
