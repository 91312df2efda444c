#include "sim/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace tcpsim::sim {
namespace {

std::string_view file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO or pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// "scenarios are read from regular files of at most 1 MiB"
std::string what_is_allowed(const InputKind& kind) {
  if (kind.max_bytes == kNoSizeLimit)
    return fmt::format("{} are read from regular files", kind.plural);
  return fmt::format("{} are read from regular files of at most {}", kind.plural,
                     format_size(kind.max_bytes));
}

Failure<Error> cannot_read(const std::string& path, const InputKind& kind, int err) {
  return fail_with(
      Errc::Io, fmt::format("cannot read {} '{}': {}", kind.name, path, std::strerror(err)), path);
}

Failure<Error> not_regular(const std::string& path, const InputKind& kind, mode_t mode) {
  return fail_with(
      Errc::BadValue,
      fmt::format("{}: not a regular file ({}); {}", path, file_type(mode), what_is_allowed(kind)),
      path);
}

Failure<Error> too_large(const std::string& path, const InputKind& kind, std::string size) {
  return fail_with(Errc::OutOfRange,
                   fmt::format("{}: too large ({}); {}", path, size, what_is_allowed(kind)), path);
}

// Refuses what is not a regular file, or one already larger than the limit.
Result<std::monostate, Error> check_stat(const std::string& path, const InputKind& kind,
                                         const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return not_regular(path, kind, st.st_mode);
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > kind.max_bytes) return too_large(path, kind, fmt::format("{} bytes", size));
  return std::monostate{};
}

}  // namespace

InputFile::InputFile(InputFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

int InputFile::release() {
  return std::exchange(fd_, -1);
}

Result<InputFile, Error> open_input_file(const std::string& path, const InputKind& kind,
                                         const std::string& shown) {
  if (path.size() > kMaxPathBytes) {
    return fail_with(Errc::OutOfRange,
                     fmt::format("{} path of {} bytes is too long; paths are at most {} bytes",
                                 kind.name, path.size(), kMaxPathBytes),
                     std::string(kind.name));
  }
  // stat first, so that a device is refused without being opened at all; then fstat what
  // was opened, in case the name was pointed elsewhere in between. O_NONBLOCK keeps the open
  // of a FIFO with no writer from waiting for one.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return cannot_read(shown, kind, errno);
  if (auto r = check_stat(shown, kind, st); !r.ok()) return fail(r.error());
  InputFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (file.fd() < 0) return cannot_read(shown, kind, errno);
  if (::fstat(file.fd(), &st) != 0) return cannot_read(shown, kind, errno);
  if (auto r = check_stat(shown, kind, st); !r.ok()) return fail(r.error());
  int flags = ::fcntl(file.fd(), F_GETFL);
  if (flags >= 0) ::fcntl(file.fd(), F_SETFL, flags & ~O_NONBLOCK);
  return file;
}

Result<InputFile, Error> open_input_file(const std::string& path, const InputKind& kind) {
  return open_input_file(path, kind, path);
}

Result<std::string, Error> read_input_file(const std::string& path, const InputKind& kind,
                                           const std::string& shown) {
  auto file = open_input_file(path, kind, shown);
  if (!file.ok()) return fail(file.error());
  std::string text;
  char buffer[64 * 1024];
  for (;;) {
    // One byte past the limit is enough to know the file went over it.
    std::uint64_t room = kind.max_bytes - std::min<std::uint64_t>(kind.max_bytes, text.size());
    std::size_t want = room < sizeof buffer ? static_cast<std::size_t>(room) + 1 : sizeof buffer;
    ssize_t n = ::read(file->fd(), buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannot_read(shown, kind, errno);
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kind.max_bytes) {
      return too_large(shown, kind, fmt::format("more than {} read", format_size(kind.max_bytes)));
    }
  }
}

Result<std::string, Error> read_input_file(const std::string& path, const InputKind& kind) {
  return read_input_file(path, kind, path);
}

std::string format_size(std::uint64_t bytes) {
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  if (bytes >= kKiB && bytes % kKiB == 0) return fmt::format("{} KiB", bytes / kKiB);
  return fmt::format("{} bytes", bytes);
}

Result<std::monostate, Error> check_option_length(std::string_view option, std::string_view what,
                                                  std::string_view value) {
  if (value.size() <= kMaxOptionValueBytes) return std::monostate{};
  std::string subject = what.empty() ? std::string(option) : fmt::format("{} {}", option, what);
  return fail_with(Errc::OutOfRange,
                   fmt::format("{}: a value of {} bytes is too long; {} values are at most {}",
                               subject, value.size(), option, format_size(kMaxOptionValueBytes)),
                   std::string(option));
}

}  // namespace tcpsim::sim
