// Where captured frames go: one interface over the pcap and pcapng writers, and the
// helper that picks a writer from a file name.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

// A sink for Ethernet frames. Writers buffer; flush() pushes everything written so far
// to the file, and the destructor flushes and closes.
class CaptureWriter {
 public:
  virtual ~CaptureWriter() = default;

  // time_ns: nanoseconds since the Unix epoch, exactly as it will be stored in the file
  // (the simulator passes a fixed base plus the simulated time). Times before the epoch
  // are written as the epoch. comment: UTF-8 text shown by Wireshark as the frame's
  // comment; writers whose format has no comments drop it.
  virtual void write(Nanos time_ns, std::span<const std::uint8_t> frame,
                     std::string_view comment = {}) = 0;
  // The same with several comments, each kept apart (pcapng: one opt_comment each, in this
  // order); empty ones are skipped. By default only the first non-empty one is written.
  virtual void write_with_comments(Nanos time_ns, std::span<const std::uint8_t> frame,
                                   std::span<const std::string_view> comments);
  virtual void flush() = 0;

  // "pcap" or "pcapng".
  virtual std::string_view format() const = 0;

  // Empty while every write and flush has succeeded; otherwise the first failure, naming
  // the file (for example a full disk). Writes after a failure are dropped.
  virtual std::string_view error() const { return {}; }
};

enum class CaptureFormat { Pcap, Pcapng };

// Picks the format from the file extension: ".pcap" or ".pcapng" (any letter case).
// Anything else gives one line naming the path and the allowed extensions.
Result<CaptureFormat, Error> capture_format_for(std::string_view path);

// Creates (or truncates) `path` and returns the writer its extension asks for.
// Errors: capture_format_for's (Errc::BadValue), or Errc::Io with
// "cannot open 'x.pcap' for writing: <reason from the system>".
Result<std::unique_ptr<CaptureWriter>, Error> open_capture(const std::string& path);

}  // namespace tcpsim::sim
