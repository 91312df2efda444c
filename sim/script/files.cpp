// Files a script opens, for sendfile(): a file is known by its path and, when a
// backquoted command made it (dd, truncate, fallocate), its size; its bytes are zeros, as
// those commands write them. A file no command made is taken to be as long as reading
// needs. Nothing touches the host's file system.
#include <fmt/core.h>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

std::optional<std::string> check_file_call_args(const SyscallSpec& s) {
  if (s.name == "open") {
    std::int64_t want = eval_int(s.result).value_or(-1);
    if (s.args[0].kind != Expr::Kind::String || want < 0 || !eval_int(s.args[1])) {
      return "open(\"path\", flags) = N: a quoted path, O_ flags, and N the fd the script "
             "will use";
    }
    return std::nullopt;
  }
  // packetdrill's form: sendfile(out_fd, in_fd, [offset], count).
  bool bracketed = s.args[2].kind == Expr::Kind::List;
  std::int64_t in = eval_int(s.args[1]).value_or(-1);
  std::int64_t offset = bracketed ? eval_int(s.args[2]).value_or(-1) : -1;
  std::int64_t count = eval_int(s.args[3]).value_or(-1);
  if (in < 0 || offset < 0 || count < 0) {
    return "sendfile(socket_fd, file_fd, [offset], bytes): numbers, the offset in brackets";
  }
  return std::nullopt;
}

Step Runner::sys_open(SyscallCall& c) {
  const SyscallSpec& s = c.spec;
  auto fd = static_cast<int>(eval_int(s.result).value_or(-1));  // checked before the run
  if (fds_.count(fd) != 0 || files_.count(fd) != 0) {
    return invalid_at(c.event.line, fmt::format("open(): fd {} is already open in the script", fd));
  }
  OpenFile f{s.args[0].text, std::nullopt};
  if (auto made = made_files_.find(f.path); made != made_files_.end()) f.size = made->second;
  files_[fd] = std::move(f);
  c.r = CallReturn{fd, tcp::Errno::Ok, false, {}};
  return std::nullopt;
}

Step Runner::sys_sendfile(SyscallCall& c) {
  // The offset is where the read starts (the file's own position does not move); the
  // arguments were checked before the run (check_file_call_args).
  const SyscallSpec& s = c.spec;
  auto in = static_cast<int>(eval_int(s.args[1]).value_or(-1));
  auto offset = static_cast<std::uint64_t>(eval_int(s.args[2]).value_or(0));
  auto count = static_cast<std::uint64_t>(eval_int(s.args[3]).value_or(0));
  auto file = files_.find(in);
  if (file == files_.end()) {
    // do_sendfile: an input that is not open is EBADF; a socket cannot be read from.
    tcp::Errno err = fds_.count(in) != 0 ? tcp::Errno::Invalid : tcp::Errno::BadFd;
    c.r = CallReturn{-1, err, false, {}};
    return std::nullopt;
  }
  std::uint64_t bytes = count;
  if (file->second.size) {
    std::uint64_t size = *file->second.size;
    std::uint64_t from = offset;
    bytes = from >= size ? 0 : std::min(bytes, size - from);
  }
  if (bytes == 0) {
    c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
    return std::nullopt;
  }
  return send_bytes(c, static_cast<std::size_t>(bytes), {}, c.blocking);
}

bool Runner::close_file(SyscallCall& c) {
  auto fd = eval_int(c.spec.args[0]);
  auto file = fd ? files_.find(static_cast<int>(*fd)) : files_.end();
  if (file == files_.end()) return false;
  files_.erase(file);
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  return true;
}

}  // namespace tcpsim::sim::script::detail
