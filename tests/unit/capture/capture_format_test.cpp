// Choosing and opening a capture writer from a file name.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sim/capture/capture_writer.hpp"
#include "sim/capture/pcap_writer.hpp"
#include "sim/capture/pcapng_writer.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace tcpsim::sim {
namespace {

namespace fs = std::filesystem;

using test::scratch_dir;

TEST(CaptureFormat, ExtensionPicksFormat) {
  EXPECT_EQ(*capture_format_for("out.pcap"), CaptureFormat::Pcap);
  EXPECT_EQ(*capture_format_for("dir/run.1/out.pcapng"), CaptureFormat::Pcapng);
  EXPECT_EQ(*capture_format_for("/tmp/x.PCAP"), CaptureFormat::Pcap);
  EXPECT_EQ(*capture_format_for("x.PcapNG"), CaptureFormat::Pcapng);
}

TEST(CaptureFormat, OtherNamesAreRefusedWithPathAndChoices) {
  for (const char* path :
       {"out.txt", "out", "out.pcap.gz", "out.pcapn", ".pcap", "dir/.pcapng", "pcap", ""}) {
    auto format = capture_format_for(path);
    ASSERT_FALSE(format.ok()) << path;
    EXPECT_NE(format.error().message.find(std::string("'") + path + "'"), std::string::npos)
        << format.error();
    EXPECT_NE(format.error().message.find(".pcap or .pcapng"), std::string::npos) << format.error();
  }
}

TEST(CaptureFormat, OpenCaptureReturnsWriterForExtension) {
  fs::path dir = scratch_dir();
  auto pcap = open_capture((dir / "a.pcap").string());
  ASSERT_TRUE(pcap.ok()) << pcap.error();
  EXPECT_EQ((*pcap)->format(), "pcap");
  auto pcapng = open_capture((dir / "a.pcapng").string());
  ASSERT_TRUE(pcapng.ok()) << pcapng.error();
  EXPECT_EQ((*pcapng)->format(), "pcapng");
  EXPECT_TRUE((*pcap)->error().empty());
  EXPECT_TRUE((*pcapng)->error().empty());
}

TEST(CaptureFormat, OpenCaptureRefusesUnknownExtensionWithoutCreatingFile) {
  fs::path dir = scratch_dir();
  std::string path = (dir / "a.cap").string();
  auto writer = open_capture(path);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error(), capture_format_for(path).error());
  EXPECT_FALSE(fs::exists(path));
}

TEST(CaptureFormat, MissingDirectoryGivesPathAndSystemReason) {
  fs::path dir = scratch_dir();
  for (const char* name : {"a.pcap", "a.pcapng"}) {
    std::string path = (dir / "no_such_dir" / name).string();
    std::string expected = "cannot open '" + path + "' for writing: No such file or directory";
    auto any = open_capture(path);
    ASSERT_FALSE(any.ok());
    EXPECT_EQ(any.error().message, expected);
  }
  std::string pcap_path = (dir / "missing" / "b.pcap").string();
  auto pcap = PcapWriter::open(pcap_path);
  ASSERT_FALSE(pcap.ok());
  EXPECT_EQ(pcap.error().message,
            "cannot open '" + pcap_path + "' for writing: No such file or directory");
  std::string pcapng_path = (dir / "missing" / "b.pcapng").string();
  auto pcapng = PcapngWriter::open(pcapng_path);
  ASSERT_FALSE(pcapng.ok());
  EXPECT_EQ(pcapng.error().message,
            "cannot open '" + pcapng_path + "' for writing: No such file or directory");
}

TEST(CaptureFormat, DirectoryInPlaceOfFileIsRefused) {
  fs::path dir = scratch_dir();
  fs::create_directory(dir / "taken.pcap");
  auto writer = open_capture((dir / "taken.pcap").string());
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("for writing: Is a directory"), std::string::npos)
      << writer.error();
}

// /dev/full accepts open() but fails every write with ENOSPC: the writers must say so
// rather than leave a silently truncated file.
TEST(CaptureFormat, FullDiskIsReported) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  auto pcapng = PcapngWriter::open("/dev/full");
  ASSERT_FALSE(pcapng.ok());
  EXPECT_EQ(pcapng.error().message, "cannot write to '/dev/full': No space left on device");

  auto pcap = PcapWriter::open("/dev/full");
  ASSERT_TRUE(pcap.ok()) << pcap.error();  // the file header is still in the buffer
  const std::uint8_t frame[60] = {};
  (*pcap)->write(0, frame);
  (*pcap)->flush();
  EXPECT_EQ((*pcap)->error(), "cannot write to '/dev/full': No space left on device");
}

}  // namespace
}  // namespace tcpsim::sim
