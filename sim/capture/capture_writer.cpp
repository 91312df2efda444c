#include "sim/capture/capture_writer.hpp"

#include <fmt/core.h>
#include <cctype>

#include "sim/capture/pcap_writer.hpp"
#include "sim/capture/pcapng_writer.hpp"

namespace tcpsim::sim {
namespace {

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    auto c = static_cast<unsigned char>(tail[i]);
    if (std::tolower(c) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

void CaptureWriter::write_with_comments(Nanos time_ns, std::span<const std::uint8_t> frame,
                                        std::span<const std::string_view> comments) {
  std::string_view first;
  for (std::string_view c : comments) {
    if (!c.empty()) {
      first = c;
      break;
    }
  }
  write(time_ns, frame, first);
}

Result<CaptureFormat, Error> capture_format_for(std::string_view path) {
  // The extension must follow a non-empty file name: "dir/.pcap" is a hidden file
  // without one.
  std::size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.size() > 7 && ends_with_ignoring_case(name, ".pcapng")) return CaptureFormat::Pcapng;
  if (name.size() > 5 && ends_with_ignoring_case(name, ".pcap")) return CaptureFormat::Pcap;
  return fail_with(Errc::BadValue,
                   fmt::format("cannot tell the capture format of '{}': the file name must end "
                               "in .pcap or .pcapng",
                               path),
                   std::string(path));
}

Result<std::unique_ptr<CaptureWriter>, Error> open_capture(const std::string& path) {
  auto format = capture_format_for(path);
  if (!format) return fail(format.error());
  if (*format == CaptureFormat::Pcapng) {
    auto writer = PcapngWriter::open(path);
    if (!writer) return fail(writer.error());
    return std::unique_ptr<CaptureWriter>(std::move(writer).value());
  }
  auto writer = PcapWriter::open(path);
  if (!writer) return fail(writer.error());
  return std::unique_ptr<CaptureWriter>(std::move(writer).value());
}

}  // namespace tcpsim::sim
