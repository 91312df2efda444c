// Files a script opens, for sendfile(): a file is known by its path and, when a
// backquoted command made it (dd, truncate, fallocate), its size; its bytes are zeros, as
// those commands write them. A file no command made is taken to be as long as reading
// needs. Nothing touches the host's file system.
#include <fmt/core.h>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

Step Runner::sys_open(SyscallCall& c) {
  const SyscallSpec& s = c.spec;
  auto want = eval_int(s.result);
  if (s.args[0].kind != Expr::Kind::String || !want || *want < 0 || !eval_int(s.args[1])) {
    return invalid_at(c.event.line,
                      "open(\"path\", flags) = N: a quoted path, O_ flags, and N the fd the "
                      "script will use");
  }
  auto fd = static_cast<int>(*want);
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
  // packetdrill's form: sendfile(out_fd, in_fd, [offset], count); the offset is where the
  // read starts (the file's own position does not move).
  const SyscallSpec& s = c.spec;
  auto in = eval_int(s.args[1]);
  auto offset = s.args[2].kind == Expr::Kind::List ? eval_int(s.args[2]) : std::nullopt;
  auto count = eval_int(s.args[3]);
  if (!in || !offset || *offset < 0 || !count || *count < 0) {
    return invalid_at(c.event.line,
                      "sendfile(socket_fd, file_fd, [offset], bytes): numbers, the offset in "
                      "brackets");
  }
  auto file = files_.find(static_cast<int>(*in));
  if (file == files_.end()) {
    // do_sendfile: an input that is not open is EBADF; a socket cannot be read from.
    c.r =
        CallReturn{-1,
                   fds_.count(static_cast<int>(*in)) != 0 ? tcp::Errno::Invalid : tcp::Errno::BadFd,
                   false,
                   {}};
    return std::nullopt;
  }
  auto bytes = static_cast<std::uint64_t>(*count);
  if (file->second.size) {
    std::uint64_t size = *file->second.size;
    auto from = static_cast<std::uint64_t>(*offset);
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
