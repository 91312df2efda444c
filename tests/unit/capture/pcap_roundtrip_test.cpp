// Frames written by PcapWriter and PcapngWriter come back from libpcap byte for byte,
// with their nanosecond timestamps; damaged files give errors, not crashes.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/capture/pcap_reader.hpp"
#include "sim/capture/pcap_writer.hpp"
#include "sim/capture/pcapng_writer.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace tcpsim::sim {
namespace {

namespace fs = std::filesystem;

constexpr int kLinkTypeEthernet = 1;
// 2024-01-01T00:00:00Z, the kind of base the simulator adds to its clock.
constexpr Nanos kBase = 1'704'067'200 * kSecond;

using test::scratch_dir;

// Frames of awkward sizes (padding 0..3, minimum Ethernet, jumbo) with recognisable bytes,
// at times that use every nanosecond digit.
std::vector<CapturedFrame> sample_frames() {
  std::vector<CapturedFrame> frames;
  const std::size_t sizes[] = {60, 61, 62, 63, 64, 1, 0, 1514, 9018, 54};
  Nanos t = kBase;
  std::uint8_t seed = 1;
  for (std::size_t size : sizes) {
    CapturedFrame f{t, {}};
    for (std::size_t i = 0; i < size; ++i)
      f.bytes.push_back(static_cast<std::uint8_t>(seed + i * 7));
    frames.push_back(std::move(f));
    t += 123'456'789 + static_cast<Nanos>(seed);  // not a whole number of microseconds
    seed = static_cast<std::uint8_t>(seed * 3 + 1);
  }
  return frames;
}

void write_all(CaptureWriter& writer, const std::vector<CapturedFrame>& frames) {
  for (const auto& f : frames) writer.write(f.time_ns, f.bytes, "a comment");
  writer.flush();
  EXPECT_TRUE(writer.error().empty()) << writer.error();
}

std::vector<CapturedFrame> read_all(const std::string& path) {
  auto reader = PcapReader::open(path);
  EXPECT_TRUE(reader.ok()) << reader.error();
  if (!reader.ok()) return {};
  EXPECT_EQ(reader->linktype(), kLinkTypeEthernet);
  std::vector<CapturedFrame> frames;
  while (auto f = reader->next()) frames.push_back(std::move(*f));
  EXPECT_EQ(reader->error(), "");
  return frames;
}

void expect_same(const std::vector<CapturedFrame>& got, const std::vector<CapturedFrame>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].time_ns, want[i].time_ns) << "frame " << i;
    EXPECT_EQ(got[i].bytes, want[i].bytes) << "frame " << i;
  }
}

std::vector<std::uint8_t> file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Writes sample_frames() in the given format and returns the path.
fs::path sample_file(const fs::path& dir, const char* name) {
  fs::path path = dir / name;
  auto writer = open_capture(path.string());
  EXPECT_TRUE(writer.ok()) << writer.error();
  if (writer.ok()) write_all(**writer, sample_frames());
  return path;
}

TEST(PcapRoundTrip, PcapKeepsBytesAndNanoseconds) {
  fs::path dir = scratch_dir();
  std::string path = (dir / "frames.pcap").string();
  {
    auto writer = PcapWriter::open(path);
    ASSERT_TRUE(writer.ok()) << writer.error();
    EXPECT_EQ((*writer)->format(), "pcap");
    write_all(**writer, sample_frames());
  }
  expect_same(read_all(path), sample_frames());
}

TEST(PcapRoundTrip, PcapngKeepsBytesAndNanoseconds) {
  fs::path dir = scratch_dir();
  std::string path = (dir / "frames.pcapng").string();
  {
    auto writer = PcapngWriter::open(path);
    ASSERT_TRUE(writer.ok()) << writer.error();
    EXPECT_EQ((*writer)->format(), "pcapng");
    write_all(**writer, sample_frames());
  }
  expect_same(read_all(path), sample_frames());
}

TEST(PcapRoundTrip, PcapFileHeaderSaysNanosecondsAndEthernet) {
  fs::path dir = scratch_dir();
  auto bytes = file_bytes(sample_file(dir, "frames.pcap"));
  ASSERT_GE(bytes.size(), 24u);
  auto u32 = [&](std::size_t at) {
    return std::uint32_t{bytes[at]} | std::uint32_t{bytes[at + 1]} << 8 |
           std::uint32_t{bytes[at + 2]} << 16 | std::uint32_t{bytes[at + 3]} << 24;
  };
  // libpcap writes host byte order; tests run on little-endian machines.
  EXPECT_EQ(u32(0), 0xA1B23C4Du) << "nanosecond pcap magic";
  EXPECT_EQ(u32(16), 262144u) << "snapshot length";
  EXPECT_EQ(u32(20), 1u) << "LINKTYPE_ETHERNET";
}

TEST(PcapRoundTrip, TimesBeyond32BitsOfNanosecondsSurvive) {
  fs::path dir = scratch_dir();
  std::vector<CapturedFrame> frames = {
      {0, {1, 2, 3}},                      // the epoch itself
      {999'999'999, {4}},                  // just under a second
      {(Nanos{1} << 32) - 1, {5}},         // low word all ones (pcapng splits the count)
      {Nanos{1} << 32, {6}},               // carry into the high word
      {2'000'000'000 * kSecond + 1, {7}},  // 2033: classic pcap's 32-bit seconds still hold
  };
  for (const char* name : {"t.pcap", "t.pcapng"}) {
    if (std::string_view(name) == "t.pcapng") {
      // pcapng counts 64-bit nanoseconds: the year 2096 is no problem.
      frames.push_back({4'000'000'000 * kSecond + 1, {8}});
    }
    std::string path = (dir / name).string();
    {
      auto writer = open_capture(path);
      ASSERT_TRUE(writer.ok()) << writer.error();
      for (const auto& f : frames) (*writer)->write(f.time_ns, f.bytes);
    }
    SCOPED_TRACE(name);
    expect_same(read_all(path), frames);
  }
}

TEST(PcapRoundTrip, FrameLongerThanSnapLengthIsCut) {
  fs::path dir = scratch_dir();
  std::vector<std::uint8_t> big(300'000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  for (const char* name : {"big.pcap", "big.pcapng"}) {
    std::string path = (dir / name).string();
    {
      auto writer = open_capture(path);
      ASSERT_TRUE(writer.ok()) << writer.error();
      (*writer)->write(kBase, big);
      (*writer)->write(kBase + 1, std::vector<std::uint8_t>{9, 9, 9});
    }
    SCOPED_TRACE(name);
    auto frames = read_all(path);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].bytes, std::vector<std::uint8_t>(big.begin(), big.begin() + 262144));
    EXPECT_EQ(frames[1].bytes, (std::vector<std::uint8_t>{9, 9, 9}));
  }
}

TEST(PcapRoundTrip, ManyFramesPassThroughTheBuffer) {
  fs::path dir = scratch_dir();
  std::vector<CapturedFrame> frames;
  for (int i = 0; i < 3000; ++i) {  // about 4.5 MB, several buffer drains
    CapturedFrame f{kBase + i * 12'345, std::vector<std::uint8_t>(1514)};
    for (std::size_t j = 0; j < f.bytes.size(); ++j) f.bytes[j] = static_cast<std::uint8_t>(i + j);
    frames.push_back(std::move(f));
  }
  for (const char* name : {"many.pcap", "many.pcapng"}) {
    std::string path = (dir / name).string();
    {
      auto writer = open_capture(path);
      ASSERT_TRUE(writer.ok()) << writer.error();
      for (std::size_t i = 0; i < frames.size(); ++i) {
        (*writer)->write(frames[i].time_ns, frames[i].bytes, i % 2 == 0 ? "even" : "");
      }
    }
    SCOPED_TRACE(name);
    expect_same(read_all(path), frames);
  }
}

TEST(PcapRoundTrip, FlushMakesFramesReadableWhileWriterIsOpen) {
  fs::path dir = scratch_dir();
  auto frames = sample_frames();
  for (const char* name : {"open.pcap", "open.pcapng"}) {
    std::string path = (dir / name).string();
    auto writer = open_capture(path);
    ASSERT_TRUE(writer.ok()) << writer.error();
    write_all(**writer, frames);  // ends with flush()
    SCOPED_TRACE(name);
    expect_same(read_all(path), frames);
  }
}

TEST(PcapReader, MissingFileNamesFileAndReason) {
  fs::path dir = scratch_dir();
  std::string path = (dir / "absent.pcap").string();
  auto reader = PcapReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message,
            "cannot read capture '" + path + "': No such file or directory");
}

TEST(PcapReader, FifoAndDeviceAreRefusedWithoutReading) {
  // A FIFO with no writer would hold libpcap's first read forever; it is refused by type.
  fs::path fifo = scratch_dir() / "live.pcap";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reader = PcapReader::open(fifo.string());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message,
            fifo.string() +
                ": not a regular file (a FIFO or pipe); captures are read from "
                "regular files");
  reader = PcapReader::open("/dev/urandom");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("not a regular file (a character device)"),
            std::string::npos)
      << reader.error();
}

TEST(PcapReader, GarbageFileIsRefused) {
  fs::path dir = scratch_dir();
  fs::path path = dir / "garbage.pcap";
  std::vector<std::uint8_t> junk;
  for (int i = 0; i < 500; ++i) junk.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  write_file(path, junk);
  auto reader = PcapReader::open(path.string());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message.rfind("cannot read capture '" + path.string() + "': ", 0), 0u)
      << reader.error();
  EXPECT_NE(reader.error().message.find("unknown file format"), std::string::npos)
      << reader.error();
}

TEST(PcapReader, EmptyAndCutHeaderFilesAreRefused) {
  fs::path dir = scratch_dir();
  for (const char* name : {"frames.pcap", "frames.pcapng"}) {
    auto full = file_bytes(sample_file(dir, name));
    for (std::size_t keep : {std::size_t{0}, std::size_t{3}, std::size_t{10}, std::size_t{20}}) {
      fs::path cut = dir / (std::to_string(keep) + "_" + name);
      write_file(cut, std::vector<std::uint8_t>(full.begin(), full.begin() + keep));
      auto reader = PcapReader::open(cut.string());
      ASSERT_FALSE(reader.ok()) << cut;
      EXPECT_NE(reader.error().message.find(cut.string()), std::string::npos) << reader.error();
    }
  }
}

TEST(PcapReader, TruncatedFileStopsWithErrorAfterGoodFrames) {
  fs::path dir = scratch_dir();
  for (const char* name : {"frames.pcap", "frames.pcapng"}) {
    SCOPED_TRACE(name);
    auto full = file_bytes(sample_file(dir, name));
    fs::path cut = dir / (std::string("cut_") + name);
    write_file(cut,
               std::vector<std::uint8_t>(full.begin(), full.end() - 30));  // inside the last frame
    auto reader = PcapReader::open(cut.string());
    ASSERT_TRUE(reader.ok()) << reader.error();
    std::size_t count = 0;
    while (reader->next()) ++count;
    EXPECT_EQ(count, sample_frames().size() - 1);
    EXPECT_EQ(
        reader->error().rfind("error reading capture '" + cut.string() + "' after 9 frames: ", 0),
        0u)
        << reader->error();
    EXPECT_FALSE(reader->next().has_value());  // the error is sticky
  }
}

// Every single-byte corruption of a small file must give frames or an error, never a
// crash or a hang (run under the sanitizer preset too).
TEST(PcapReader, CorruptedBytesNeverCrash) {
  fs::path dir = scratch_dir();
  for (const char* name : {"frames.pcap", "frames.pcapng"}) {
    fs::path path = dir / name;
    {
      auto writer = open_capture(path.string());
      ASSERT_TRUE(writer.ok());
      (*writer)->write(kBase, std::vector<std::uint8_t>(61, 0xAB), "x");
      (*writer)->write(kBase + 5, std::vector<std::uint8_t>(60, 0xCD));
    }
    auto full = file_bytes(path);
    fs::path bad = dir / (std::string("bad_") + name);
    for (std::size_t at = 0; at < full.size(); ++at) {
      for (std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0xFF}}) {
        auto copy = full;
        copy[at] = value;
        write_file(bad, copy);
        auto reader = PcapReader::open(bad.string());
        if (!reader.ok()) continue;
        int frames = 0;
        while (reader->next() && frames < 100) ++frames;
        EXPECT_LE(frames, 2);
      }
    }
  }
}

TEST(PcapReader, IsMovable) {
  fs::path dir = scratch_dir();
  std::string path = sample_file(dir, "frames.pcapng").string();
  auto opened = PcapReader::open(path);
  ASSERT_TRUE(opened.ok());
  PcapReader first = std::move(opened).value();
  ASSERT_TRUE(first.next().has_value());
  PcapReader second = std::move(first);
  auto frame = second.next();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->bytes, sample_frames()[1].bytes);
  auto reopened = PcapReader::open(path);
  ASSERT_TRUE(reopened.ok());
  second = std::move(reopened).value();  // closes the old handle
  frame = second.next();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->bytes, sample_frames()[0].bytes);
}

}  // namespace
}  // namespace tcpsim::sim
