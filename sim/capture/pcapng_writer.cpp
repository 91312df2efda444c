#include "sim/capture/pcapng_writer.hpp"

#include <fmt/core.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcpsim::sim {
namespace {

// Block types and option codes from draft-ietf-opsawg-pcapng.
constexpr std::uint32_t kSectionHeaderBlock = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescriptionBlock = 0x00000001;
constexpr std::uint32_t kEnhancedPacketBlock = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptEndOfOpt = 0;
constexpr std::uint16_t kOptComment = 1;
constexpr std::uint16_t kShbUserAppl = 4;
constexpr std::uint16_t kIfName = 2;
constexpr std::uint16_t kIfTsResol = 9;
constexpr std::uint16_t kLinkTypeEthernet = 1;
// if_tsresol value 9: each timestamp unit is 10^-9 s.
constexpr char kNanosecondResolution[1] = {9};
constexpr std::size_t kMaxOptionValue = 0xFFFF;

// Blocks gather here; a full buffer is one fwrite (hundreds of small frames).
constexpr std::size_t kBufferSize = 1 << 20;

std::size_t padded(std::size_t n) {
  return (n + 3) & ~std::size_t{3};
}

// Cuts text to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view clip_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Bytes an option takes in a block: header, value, padding.
std::size_t option_size(std::string_view value) {
  return 4 + padded(value.size());
}

}  // namespace

Result<std::unique_ptr<PcapngWriter>, Error> PcapngWriter::open(const std::string& path,
                                                                std::string_view interface_name) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return fail_with(Errc::Io,
                     fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)),
                     path);
  }
  // Our own buffer gathers whole blocks; stdio's would only copy them again.
  std::setvbuf(file, nullptr, _IONBF, 0);
  std::unique_ptr<PcapngWriter> writer(new PcapngWriter(path, file));
  writer->write_section_header();
  writer->write_interface_description(interface_name);
  writer->drain();
  if (!writer->error_.empty()) return fail_with(Errc::Io, writer->error_, path);
  return writer;
}

PcapngWriter::PcapngWriter(std::string path, std::FILE* file)
    : path_(std::move(path)), file_(file), buffer_(std::make_unique<std::uint8_t[]>(kBufferSize)) {}

PcapngWriter::~PcapngWriter() {
  drain();
  std::fclose(file_);
}

void PcapngWriter::write_section_header() {
  constexpr std::string_view kApplication = "tcpsim";
  const auto total = static_cast<std::uint32_t>(28 + option_size(kApplication) + 4);
  put_u32(kSectionHeaderBlock);
  put_u32(total);
  put_u32(kByteOrderMagic);
  put_u16(1);  // major version
  put_u16(0);  // minor version
  // Section length: -1 says "not given", so the file can be written in one pass.
  put_u32(0xFFFFFFFF);
  put_u32(0xFFFFFFFF);
  put_option(kShbUserAppl, kApplication);
  put_end_of_options();
  put_u32(total);
}

void PcapngWriter::write_interface_description(std::string_view interface_name) {
  interface_name = clip_utf8(interface_name, kMaxOptionValue);
  const std::string_view resolution(kNanosecondResolution, sizeof kNanosecondResolution);
  std::size_t options = option_size(resolution) + 4;
  if (!interface_name.empty()) options += option_size(interface_name);
  const auto total = static_cast<std::uint32_t>(16 + options + 4);
  put_u32(kInterfaceDescriptionBlock);
  put_u32(total);
  put_u16(kLinkTypeEthernet);
  put_u16(0);  // reserved
  put_u32(kSnapLength);
  if (!interface_name.empty()) put_option(kIfName, interface_name);
  put_option(kIfTsResol, resolution);
  put_end_of_options();
  put_u32(total);
}

void PcapngWriter::write(Nanos time_ns, std::span<const std::uint8_t> frame,
                         std::string_view comment) {
  write_with_comments(time_ns, frame, std::span<const std::string_view>(&comment, 1));
}

void PcapngWriter::write_with_comments(Nanos time_ns, std::span<const std::uint8_t> frame,
                                       std::span<const std::string_view> comments) {
  if (!error_.empty()) return;
  const auto units = static_cast<std::uint64_t>(std::max<Nanos>(time_ns, 0));
  const std::size_t captured = std::min<std::size_t>(frame.size(), kSnapLength);
  std::size_t options = 0;
  for (std::string_view c : comments) {
    c = clip_utf8(c, kMaxOptionValue);
    if (!c.empty()) options += option_size(c);
  }
  if (options != 0) options += 4;  // opt_endofopt
  const auto total = static_cast<std::uint32_t>(28 + padded(captured) + options + 4);

  put_u32(kEnhancedPacketBlock);
  put_u32(total);
  put_u32(0);  // interface id: the one IDB
  put_u32(static_cast<std::uint32_t>(units >> 32));
  put_u32(static_cast<std::uint32_t>(units));
  put_u32(static_cast<std::uint32_t>(captured));
  put_u32(static_cast<std::uint32_t>(frame.size()));
  put_bytes(frame.data(), captured);
  put_padding(captured);
  for (std::string_view c : comments) {
    c = clip_utf8(c, kMaxOptionValue);
    if (!c.empty()) put_option(kOptComment, c);
  }
  if (options != 0) put_end_of_options();
  put_u32(total);
}

void PcapngWriter::flush() {
  drain();
  if (error_.empty() && std::fflush(file_) != 0) {
    error_ = fmt::format("cannot write to '{}': {}", path_, std::strerror(errno));
  }
}

void PcapngWriter::put_bytes(const std::uint8_t* data, std::size_t size) {
  if (used_ + size > kBufferSize) {
    drain();
    if (size > kBufferSize) {  // cannot happen with the snapshot length, but stay safe
      if (error_.empty() && std::fwrite(data, 1, size, file_) != size) {
        error_ = fmt::format("cannot write to '{}': {}", path_, std::strerror(errno));
      }
      return;
    }
  }
  if (size > 0) std::memcpy(buffer_.get() + used_, data, size);
  used_ += size;
}

void PcapngWriter::put_u16(std::uint16_t v) {
  const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
  put_bytes(bytes, sizeof bytes);
}

void PcapngWriter::put_u32(std::uint32_t v) {
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                                 static_cast<std::uint8_t>(v >> 16),
                                 static_cast<std::uint8_t>(v >> 24)};
  put_bytes(bytes, sizeof bytes);
}

void PcapngWriter::put_padding(std::size_t unpadded_size) {
  static constexpr std::uint8_t kZeros[3] = {0, 0, 0};
  put_bytes(kZeros, padded(unpadded_size) - unpadded_size);
}

void PcapngWriter::put_option(std::uint16_t code, std::string_view value) {
  put_u16(code);
  put_u16(static_cast<std::uint16_t>(value.size()));
  put_bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
  put_padding(value.size());
}

void PcapngWriter::put_end_of_options() {
  put_u16(kOptEndOfOpt);
  put_u16(0);
}

void PcapngWriter::drain() {
  if (used_ == 0) return;
  if (error_.empty() && std::fwrite(buffer_.get(), 1, used_, file_) != used_) {
    error_ = fmt::format("cannot write to '{}': {}", path_, std::strerror(errno));
  }
  used_ = 0;
}

}  // namespace tcpsim::sim
