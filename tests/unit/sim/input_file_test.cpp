// Input files are read only when they are regular files within their kind's limit: devices,
// FIFOs, sockets and directories are refused by type, without waiting on them, and a file
// larger than the limit is refused before or while it is read.
#include "sim/core/input_file.hpp"
#include "tests/unit/scratch_dir.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "sim/scenario/loader.hpp"

namespace tcpsim::sim {
namespace {

namespace fs = std::filesystem;

using test::scratch_dir;

fs::path write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The error of reading `path` (a scenario unless told); fails the test if the read succeeds.
Error refusal(const std::string& path, const InputKind& kind = kScenarioInput,
              const std::string& shown = {}) {
  auto r = read_input_file(path, kind, shown.empty() ? path : shown);
  EXPECT_FALSE(r.ok()) << path;
  return r.ok() ? Error{} : r.error();
}

TEST(InputFile, RegularFile_IsReadWhole) {
  fs::path p = write_file(scratch_dir() / "a.toml", "name = \"x\"\n");
  auto r = read_input_file(p.string(), kScenarioInput);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, "name = \"x\"\n");
}

TEST(InputFile, FileAtTheLimit_IsRead_OneByteMore_IsRefusedBeforeReading) {
  fs::path dir = scratch_dir();
  fs::path at = write_file(dir / "at.toml", std::string(kScenarioInput.max_bytes, '#'));
  auto r = read_input_file(at.string(), kScenarioInput);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->size(), 1024u * 1024u);

  fs::path over = write_file(dir / "over.toml", std::string(kScenarioInput.max_bytes + 1, '#'));
  Error e = refusal(over.string());
  EXPECT_EQ(e.code, Errc::OutOfRange);
  EXPECT_EQ(e.message, over.string() +
                           ": too large (1048577 bytes); scenarios are read from regular files "
                           "of at most 1 MiB");
  EXPECT_EQ(e.where, over.string());
}

TEST(InputFile, ProcFileOfSizeZero_IsReadWithTheLimitApplied) {
  // /proc files say they are empty; only reading shows how much they hold.
  struct stat st {};
  ASSERT_EQ(::stat("/proc/self/status", &st), 0);
  ASSERT_EQ(st.st_size, 0);
  auto whole = read_input_file("/proc/self/status", kScriptInput);
  ASSERT_TRUE(whole.ok()) << whole.error();
  EXPECT_NE(whole->find("Name:"), std::string::npos);

  constexpr InputKind kTiny{"note", "notes", 16};
  Error e = refusal("/proc/self/status", kTiny);
  EXPECT_EQ(e.code, Errc::OutOfRange);
  EXPECT_EQ(e.message,
            "/proc/self/status: too large (more than 16 bytes read); notes are read from "
            "regular files of at most 16 bytes");
}

TEST(InputFile, Fifo_IsRefusedWithoutWaitingForAWriter) {
  fs::path fifo = scratch_dir() / "pipe.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  auto pending = std::async(std::launch::async,
                            [&] { return read_input_file(fifo.string(), kScenarioInput); });
  if (pending.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    // Let the stuck reader go (opening the write end releases its open), then fail.
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
    FAIL() << "reading a FIFO waited for a writer";
  }
  auto r = pending.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::BadValue);
  EXPECT_EQ(r.error().message,
            fifo.string() +
                ": not a regular file (a FIFO or pipe); scenarios are read from regular files "
                "of at most 1 MiB");
}

TEST(InputFile, Directory_IsRefused) {
  fs::path dir = scratch_dir();
  Error e = refusal(dir.string(), kScriptInput);
  EXPECT_EQ(e.code, Errc::BadValue);
  EXPECT_EQ(e.message, dir.string() +
                           ": not a regular file (a directory); scripts are read from regular "
                           "files of at most 4 MiB");
}

TEST(InputFile, CharacterDevices_AreRefused) {
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/urandom"}) {
    Error e = refusal(device);
    EXPECT_EQ(e.code, Errc::BadValue) << device;
    EXPECT_EQ(e.message, std::string(device) +
                             ": not a regular file (a character device); scenarios are read "
                             "from regular files of at most 1 MiB");
  }
}

TEST(InputFile, Socket_IsRefused) {
  fs::path path = scratch_dir() / "s.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.string().size(), sizeof addr.sun_path);
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  Error e = refusal(path.string());
  ::close(fd);
  EXPECT_EQ(e.code, Errc::BadValue);
  EXPECT_NE(e.message.find(": not a regular file (a socket); "), std::string::npos) << e;
}

TEST(InputFile, MissingFile_IsAnIoErrorNamingKindAndReason) {
  std::string path = (scratch_dir() / "absent.pkt").string();
  Error e = refusal(path, kScriptInput);
  EXPECT_EQ(e.code, Errc::Io);
  EXPECT_EQ(e.message, "cannot read script '" + path + "': No such file or directory");
}

TEST(InputFile, MessagesNameTheFileAsShown) {
  fs::path dir = scratch_dir();
  Error e = refusal(dir.string(), kScriptInput, "t.pkt");
  EXPECT_EQ(e.message,
            "t.pkt: not a regular file (a directory); scripts are read from regular files of at "
            "most 4 MiB");
  e = refusal((dir / "absent.pkt").string(), kScriptInput, "absent.pkt");
  EXPECT_EQ(e.message, "cannot read script 'absent.pkt': No such file or directory");
}

TEST(InputFile, OverlongPath_IsRefusedWithoutRepeatingIt) {
  std::string path(kMaxPathBytes + 1, 'a');
  Error e = refusal(path);
  EXPECT_EQ(e.code, Errc::OutOfRange);
  EXPECT_EQ(e.message, "scenario path of 4097 bytes is too long; paths are at most 4096 bytes");
}

TEST(InputFile, CaptureKind_HasNoSizeLimitButStillChecksType) {
  fs::path p = write_file(scratch_dir() / "big.pcap", std::string(5 * kMiB, '\0'));
  EXPECT_TRUE(open_input_file(p.string(), kCaptureInput).ok());
  auto whole = read_input_file(p.string(), kCaptureInput);
  ASSERT_TRUE(whole.ok()) << whole.error();
  EXPECT_EQ(whole->size(), 5 * kMiB);
  Error e = refusal("/dev/zero", kCaptureInput);
  EXPECT_EQ(e.message,
            "/dev/zero: not a regular file (a character device); captures are read from "
            "regular files");
}

TEST(InputFile, FormatSize_UsesTheLargestWholeUnit) {
  EXPECT_EQ(format_size(1 * kMiB), "1 MiB");
  EXPECT_EQ(format_size(4 * kKiB), "4 KiB");
  EXPECT_EQ(format_size(1536), "1536 bytes");
  EXPECT_EQ(format_size(16), "16 bytes");
}

TEST(OptionLength, LimitIsInclusive_AndTheMessageOmitsTheValue) {
  EXPECT_TRUE(check_option_length("--request", "", std::string(kMaxOptionValueBytes, '/')).ok());
  auto r = check_option_length("--request", "", std::string(kMaxOptionValueBytes + 1, '/'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::OutOfRange);
  EXPECT_EQ(r.error().where, "--request");
  EXPECT_EQ(r.error().message,
            "--request: a value of 4097 bytes is too long; --request values are at most 4 KiB");
}

TEST(OptionLength, SetValue_IsRefusedNamingTheKey) {
  auto o = parse_override("link.delay=" + std::string(5000, '9'));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, Errc::OutOfRange);
  EXPECT_EQ(o.error().message,
            "--set link.delay: a value of 5000 bytes is too long; --set values are at most 4 KiB");
  EXPECT_TRUE(parse_override("link.delay=" + std::string(kMaxOptionValueBytes, '9')).ok());
  // A key too long to repeat is not named.
  o = parse_override(std::string(5000, 'k') + "=1");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message,
            "--set: a value of 5002 bytes is too long; --set values are at most 4 KiB");
}

}  // namespace
}  // namespace tcpsim::sim
