// pcapng files (draft-ietf-opsawg-pcapng) written by our own encoder, so that every frame
// can carry a comment that Wireshark shows next to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/capture/capture_writer.hpp"

namespace tcpsim::sim {

// Layout, little-endian throughout:
//   Section Header Block: version 1.0, section length -1 (unknown), shb_userappl "tcpsim";
//   one Interface Description Block: LINKTYPE_ETHERNET, snaplen 262144,
//     if_name (when not empty), if_tsresol = 9 (timestamps count nanoseconds);
//   one Enhanced Packet Block per frame, with an opt_comment option per comment given.
// Frames longer than the snapshot length are cut, keeping the original length.
// Blocks are assembled in a fixed buffer that is written out when full, so a frame costs
// no heap allocation.
class PcapngWriter final : public CaptureWriter {
 public:
  static constexpr std::uint32_t kSnapLength = 262144;

  // Error: "cannot open 'x.pcapng' for writing: <reason>".
  static Result<std::unique_ptr<PcapngWriter>, Error> open(
      const std::string& path, std::string_view interface_name = "sim0");

  ~PcapngWriter() override;
  PcapngWriter(const PcapngWriter&) = delete;
  PcapngWriter& operator=(const PcapngWriter&) = delete;

  // A comment longer than an option can hold (65535 bytes) is cut at a UTF-8 character
  // boundary.
  void write(Nanos time_ns, std::span<const std::uint8_t> frame,
             std::string_view comment = {}) override;
  // One opt_comment per non-empty comment, in order; each cut like a single one.
  void write_with_comments(Nanos time_ns, std::span<const std::uint8_t> frame,
                           std::span<const std::string_view> comments) override;
  void flush() override;
  std::string_view format() const override { return "pcapng"; }
  std::string_view error() const override { return error_; }

 private:
  PcapngWriter(std::string path, std::FILE* file);

  void write_section_header();
  void write_interface_description(std::string_view interface_name);

  // Appending to the block buffer.
  void put_bytes(const std::uint8_t* data, std::size_t size);
  void put_u16(std::uint16_t v);
  void put_u32(std::uint32_t v);
  void put_padding(std::size_t unpadded_size);
  void put_option(std::uint16_t code, std::string_view value);
  void put_end_of_options();
  void drain();  // buffer -> file

  std::string path_;
  std::FILE* file_;
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t used_ = 0;
  std::string error_;
};

}  // namespace tcpsim::sim
