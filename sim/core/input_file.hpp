// Reading the files a user names: a scenario, a script, a capture. Each kind of input is
// read only from a regular file and only up to its size limit, so that `tcpsim run
// /dev/urandom`, a FIFO nobody writes to or a directory gives one line and exit status 2
// instead of hanging or eating memory. The size is checked before reading (stat) and again
// while reading, for a file that grows or reports size 0 (/proc). Limits: docs/cli.md,
// "Input limits".
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

inline constexpr std::uint64_t kKiB = 1024;
inline constexpr std::uint64_t kMiB = 1024 * kKiB;
inline constexpr std::uint64_t kNoSizeLimit = std::numeric_limits<std::uint64_t>::max();

// What a file holds and how large it may be; `plural` goes into messages ("scenarios are
// read from regular files of at most 1 MiB").
struct InputKind {
  std::string_view name;    // "scenario"
  std::string_view plural;  // "scenarios"
  std::uint64_t max_bytes;  // kNoSizeLimit: the reader streams the file
};

inline constexpr InputKind kScenarioInput{"scenario", "scenarios", 1 * kMiB};
inline constexpr InputKind kScriptInput{"script", "scripts", 4 * kMiB};
// libpcap reads a capture one record at a time and refuses a record larger than its
// per-link-type maximum, so the file as a whole needs no limit.
inline constexpr InputKind kCaptureInput{"capture", "captures", kNoSizeLimit};
// A trace is read one line at a time (each line at most kMaxTraceLine bytes).
inline constexpr InputKind kTraceInput{"trace", "traces", kNoSizeLimit};

// A path longer than this is refused before the system sees it (Linux's PATH_MAX).
inline constexpr std::size_t kMaxPathBytes = 4096;
// The longest value a string option (--set KEY=VALUE, --request PATH) may have.
inline constexpr std::size_t kMaxOptionValueBytes = 4 * kKiB;

// An open file descriptor, closed when dropped.
class InputFile {
 public:
  explicit InputFile(int fd) : fd_(fd) {}
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  int fd() const { return fd_; }
  // Gives up ownership: the caller closes the descriptor.
  int release();

 private:
  int fd_;
};

// Opens `path` for reading if it is a regular file no larger than kind.max_bytes. Errors:
// Io when it cannot be opened ("cannot read scenario 'x.toml': No such file or
// directory"); BadValue when it is not a regular file ("x: not a regular file (a FIFO);
// ..."); OutOfRange when it, or its path, is too large.
// Messages name the file as `shown` (the path as the user wrote it, where `path` was
// resolved against a directory), or as `path` when that is not given.
Result<InputFile, Error> open_input_file(const std::string& path, const InputKind& kind,
                                         const std::string& shown);
Result<InputFile, Error> open_input_file(const std::string& path, const InputKind& kind);

// open_input_file, then the whole contents, reading no more than kind.max_bytes.
Result<std::string, Error> read_input_file(const std::string& path, const InputKind& kind,
                                           const std::string& shown);
Result<std::string, Error> read_input_file(const std::string& path, const InputKind& kind);

// "1 MiB", "4 KiB", "1000 bytes".
std::string format_size(std::uint64_t bytes);

// Refuses a string option longer than kMaxOptionValueBytes, naming the option and, for
// --set, the key (`what`) without repeating the value itself. Errc::OutOfRange.
Result<std::monostate, Error> check_option_length(std::string_view option, std::string_view what,
                                                  std::string_view value);

}  // namespace tcpsim::sim
