#include "sim/capture/pcap_reader.hpp"

#include <pcap/pcap.h>

#include <fmt/core.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include "sim/core/input_file.hpp"

namespace tcpsim::sim {
namespace {

// libpcap often starts its message with the file name, which our text already gives.
std::string without_path_prefix(std::string reason, const std::string& path) {
  std::string prefix = path + ": ";
  if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
  return reason;
}

// tv_usec holds nanoseconds because the handle was opened with nanosecond precision.
// A damaged file can claim any time at all; those beyond Nanos saturate rather than wrap.
Nanos to_nanos(std::int64_t seconds, std::int64_t nanos) {
  Nanos whole = 0;
  Nanos sum = 0;
  if (__builtin_mul_overflow(seconds, kSecond, &whole) ||
      __builtin_add_overflow(whole, nanos, &sum)) {
    return seconds < 0 ? std::numeric_limits<Nanos>::min() : std::numeric_limits<Nanos>::max();
  }
  return sum;
}

}  // namespace

Result<PcapReader, Error> PcapReader::open(const std::string& path) {
  auto file = open_input_file(path, kCaptureInput);
  if (!file.ok()) return fail(file.error());
  std::FILE* stream = fdopen(file->fd(), "rb");
  if (stream == nullptr) {
    return fail_with(Errc::Io,
                     fmt::format("cannot read capture '{}': {}", path, std::strerror(errno)), path);
  }
  file->release();  // the stream owns the descriptor now
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Ask for nanoseconds: libpcap scales micro- and nanosecond files (and any pcapng
  // if_tsresol) to that precision. On success pcap_close closes the stream; on failure it
  // is still ours.
  pcap_t* handle =
      pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    std::fclose(stream);
    return fail_with(
        Errc::Io,
        fmt::format("cannot read capture '{}': {}", path, without_path_prefix(errbuf, path)), path);
  }
  return PcapReader(path, handle);
}

PcapReader::PcapReader(std::string path, ::pcap* handle)
    : path_(std::move(path)), handle_(handle) {}

PcapReader::PcapReader(PcapReader&& other) noexcept
    : path_(std::move(other.path_)),
      handle_(std::exchange(other.handle_, nullptr)),
      frames_read_(other.frames_read_),
      error_(std::move(other.error_)) {}

PcapReader& PcapReader::operator=(PcapReader&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) pcap_close(handle_);
    path_ = std::move(other.path_);
    handle_ = std::exchange(other.handle_, nullptr);
    frames_read_ = other.frames_read_;
    error_ = std::move(other.error_);
  }
  return *this;
}

PcapReader::~PcapReader() {
  if (handle_ != nullptr) pcap_close(handle_);
}

std::optional<CapturedFrame> PcapReader::next() {
  if (handle_ == nullptr || !error_.empty()) return std::nullopt;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_, &header, &data);
  if (rc == 1) {
    ++frames_read_;
    Nanos time = to_nanos(header->ts.tv_sec, header->ts.tv_usec);
    return CapturedFrame{time, std::vector<std::uint8_t>(data, data + header->caplen)};
  }
  if (rc == PCAP_ERROR_BREAK) return std::nullopt;  // end of file
  error_ = fmt::format("error reading capture '{}' after {} frame{}: {}", path_, frames_read_,
                       frames_read_ == 1 ? "" : "s", pcap_geterr(handle_));
  return std::nullopt;
}

int PcapReader::linktype() const {
  return handle_ != nullptr ? pcap_datalink(handle_) : -1;
}

}  // namespace tcpsim::sim
