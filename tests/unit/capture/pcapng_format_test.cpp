// The bytes PcapngWriter puts on disk, checked against draft-ietf-opsawg-pcapng by a
// small independent parser.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/pcapng_writer.hpp"

namespace tcpsim::sim {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kShb = 0x0A0D0D0A;
constexpr std::uint32_t kIdb = 1;
constexpr std::uint32_t kEpb = 6;

using Bytes = std::vector<std::uint8_t>;

std::uint16_t le16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>(b.at(at) | b.at(at + 1) << 8);
}
std::uint32_t le32(const Bytes& b, std::size_t at) {
  return std::uint32_t{b.at(at)} | std::uint32_t{b.at(at + 1)} << 8 |
         std::uint32_t{b.at(at + 2)} << 16 | std::uint32_t{b.at(at + 3)} << 24;
}

struct Option {
  std::uint16_t code;
  std::string value;
};

struct Block {
  std::uint32_t type;
  Bytes body;  // everything between the two length fields
};

// Splits a file into blocks, checking the framing rules every block obeys.
std::vector<Block> parse_blocks(const Bytes& file) {
  std::vector<Block> blocks;
  std::size_t at = 0;
  while (at < file.size()) {
    EXPECT_EQ(at % 4, 0u);
    if (file.size() - at < 12) {
      ADD_FAILURE() << "trailing " << file.size() - at << " bytes at offset " << at;
      break;
    }
    std::uint32_t type = le32(file, at);
    std::uint32_t length = le32(file, at + 4);
    EXPECT_EQ(length % 4, 0u) << "block at " << at << " not a multiple of 32 bits";
    if (length < 12 || length > file.size() - at) {
      ADD_FAILURE() << "bad block length " << length << " at offset " << at;
      break;
    }
    EXPECT_EQ(le32(file, at + length - 4), length) << "trailing length of block at " << at;
    blocks.push_back({type, Bytes(file.begin() + static_cast<std::ptrdiff_t>(at + 8),
                                  file.begin() + static_cast<std::ptrdiff_t>(at + length - 4))});
    at += length;
  }
  return blocks;
}

// Reads options from `from` to the end of `body`; they must end with opt_endofopt exactly
// at the end of the block, each value padded with zeros to 32 bits.
std::vector<Option> parse_options(const Bytes& body, std::size_t from) {
  std::vector<Option> options;
  std::size_t at = from;
  bool ended = false;
  while (at < body.size()) {
    EXPECT_FALSE(ended) << "bytes after opt_endofopt";
    if (body.size() - at < 4) {
      ADD_FAILURE() << "option header cut at " << at;
      break;
    }
    std::uint16_t code = le16(body, at);
    std::uint16_t length = le16(body, at + 2);
    if (code == 0) {
      EXPECT_EQ(length, 0u);
      ended = true;
      at += 4;
      continue;
    }
    std::size_t padded = (std::size_t{length} + 3) & ~std::size_t{3};
    if (at + 4 + padded > body.size()) {
      ADD_FAILURE() << "option value past the block end";
      break;
    }
    options.push_back(
        {code, std::string(body.begin() + static_cast<std::ptrdiff_t>(at + 4),
                           body.begin() + static_cast<std::ptrdiff_t>(at + 4 + length))});
    for (std::size_t i = at + 4 + length; i < at + 4 + padded; ++i)
      EXPECT_EQ(body[i], 0) << "padding";
    at += 4 + padded;
  }
  if (!options.empty()) {
    EXPECT_TRUE(ended) << "options without opt_endofopt";
  }
  return options;
}

const Option* find_option(const std::vector<Option>& options, std::uint16_t code) {
  for (const auto& o : options) {
    if (o.code == code) return &o;
  }
  return nullptr;
}

struct Epb {
  std::uint32_t interface_id;
  std::uint64_t timestamp;
  std::uint32_t captured;
  std::uint32_t original;
  Bytes data;
  std::vector<Option> options;
};

Epb parse_epb(const Block& block) {
  const Bytes& b = block.body;
  Epb e{};
  e.interface_id = le32(b, 0);
  e.timestamp = std::uint64_t{le32(b, 4)} << 32 | le32(b, 8);
  e.captured = le32(b, 12);
  e.original = le32(b, 16);
  e.data.assign(b.begin() + 20, b.begin() + 20 + e.captured);
  std::size_t options_at = 20 + ((std::size_t{e.captured} + 3) & ~std::size_t{3});
  for (std::size_t i = 20 + e.captured; i < options_at; ++i)
    EXPECT_EQ(b.at(i), 0) << "data padding";
  e.options = parse_options(b, options_at);
  return e;
}

class PcapngFormat : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(testing::TempDir()) / (std::string("tcpsim_PcapngFormat_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "test.pcapng").string();
  }

  Bytes file_bytes() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  std::vector<Block> blocks() const { return parse_blocks(file_bytes()); }

  fs::path dir_;
  std::string path_;
};

TEST_F(PcapngFormat, FileIsSectionHeaderInterfaceThenOnePacketBlockPerFrame) {
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok()) << writer.error();
    for (int i = 0; i < 5; ++i) (*writer)->write(i, Bytes(60 + i, 0x11), i == 2 ? "c" : "");
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 7u);
  EXPECT_EQ(parsed[0].type, kShb);
  EXPECT_EQ(parsed[1].type, kIdb);
  for (std::size_t i = 2; i < parsed.size(); ++i) EXPECT_EQ(parsed[i].type, kEpb);
}

TEST_F(PcapngFormat, SectionHeaderIsVersionOneLittleEndianUnknownLengthByTcpsim) {
  { ASSERT_TRUE(PcapngWriter::open(path_).ok()); }
  auto parsed = blocks();
  ASSERT_GE(parsed.size(), 1u);
  const Bytes& b = parsed[0].body;
  EXPECT_EQ((Bytes{b.begin(), b.begin() + 4}), (Bytes{0x4D, 0x3C, 0x2B, 0x1A}));  // 0x1A2B3C4D, LE
  EXPECT_EQ(le16(b, 4), 1u);
  EXPECT_EQ(le16(b, 6), 0u);
  EXPECT_EQ(le32(b, 8), 0xFFFFFFFFu);  // section length -1
  EXPECT_EQ(le32(b, 12), 0xFFFFFFFFu);
  auto options = parse_options(b, 16);
  const Option* appl = find_option(options, 4);  // shb_userappl
  ASSERT_NE(appl, nullptr);
  EXPECT_EQ(appl->value, "tcpsim");
}

TEST_F(PcapngFormat, InterfaceIsEthernetWithNanosecondResolutionAndName) {
  { ASSERT_TRUE(PcapngWriter::open(path_).ok()); }
  auto parsed = blocks();
  ASSERT_GE(parsed.size(), 2u);
  const Bytes& b = parsed[1].body;
  EXPECT_EQ(le16(b, 0), 1u);  // LINKTYPE_ETHERNET
  EXPECT_EQ(le16(b, 2), 0u);  // reserved
  EXPECT_EQ(le32(b, 4), 262144u);
  auto options = parse_options(b, 8);
  const Option* resolution = find_option(options, 9);  // if_tsresol
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(resolution->value, std::string(1, '\x09'));
  const Option* name = find_option(options, 2);  // if_name
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->value, "sim0");
}

TEST_F(PcapngFormat, InterfaceNameIsChosenOrLeftOut) {
  { ASSERT_TRUE(PcapngWriter::open(path_, "link-a:eth1").ok()); }
  auto options = parse_options(blocks().at(1).body, 8);
  ASSERT_NE(find_option(options, 2), nullptr);
  EXPECT_EQ(find_option(options, 2)->value, "link-a:eth1");

  { ASSERT_TRUE(PcapngWriter::open(path_, "").ok()); }
  options = parse_options(blocks().at(1).body, 8);
  EXPECT_EQ(find_option(options, 2), nullptr);
  ASSERT_NE(find_option(options, 9), nullptr);
}

TEST_F(PcapngFormat, CommentIsAnOptionOfItsPacketBlock) {
  const std::string comment = "client: CLOSED → SYN-SENT (RFC 9293 §3.10.1)";
  const Bytes frame = {1, 2, 3, 4, 5, 6, 7};
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(1'700'000'000'123'456'789, frame, comment);
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 3u);
  Epb epb = parse_epb(parsed[2]);
  EXPECT_EQ(epb.interface_id, 0u);
  EXPECT_EQ(epb.timestamp, 1'700'000'000'123'456'789u);
  EXPECT_EQ(epb.captured, frame.size());
  EXPECT_EQ(epb.original, frame.size());
  EXPECT_EQ(epb.data, frame);
  ASSERT_EQ(epb.options.size(), 1u);
  EXPECT_EQ(epb.options[0].code, 1);  // opt_comment
  EXPECT_EQ(epb.options[0].value, comment);
  // The comment is stored without a terminating NUL.
  EXPECT_EQ(epb.options[0].value.find('\0'), std::string::npos);
}

TEST_F(PcapngFormat, SeveralCommentsAreSeparateOptionsInOrder) {
  const std::string first = "server: LISTEN → SYN-RECEIVED (RFC 9293 §3.10.7.2)";
  const std::string second = "tcpsim: host=client state=SYN-SENT cwnd=14480";
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    const std::string_view both[] = {first, "", second};
    (*writer)->write_with_comments(7, Bytes(61, 0xAB), both);
    const std::string_view none[] = {"", ""};
    (*writer)->write_with_comments(8, Bytes(61, 0xAB), none);
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 4u);
  Epb epb = parse_epb(parsed[2]);
  EXPECT_EQ(epb.data, Bytes(61, 0xAB));
  ASSERT_EQ(epb.options.size(), 2u);
  EXPECT_EQ(epb.options[0].code, 1);
  EXPECT_EQ(epb.options[0].value, first);
  EXPECT_EQ(epb.options[1].code, 1);
  EXPECT_EQ(epb.options[1].value, second);
  EXPECT_TRUE(parse_epb(parsed[3]).options.empty());
}

TEST_F(PcapngFormat, FrameWithoutCommentHasNoOptions) {
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(5, Bytes(62, 0xEE));
    (*writer)->write(6, Bytes(62, 0xEE), "");
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 4u);
  for (std::size_t i = 2; i < 4; ++i) {
    Epb epb = parse_epb(parsed[i]);
    EXPECT_TRUE(epb.options.empty());
    EXPECT_EQ(parsed[i].body.size(), 20u + 64u) << "fixed fields and padded data only";
  }
}

TEST_F(PcapngFormat, CommentsOfEveryPaddingLength) {
  const std::vector<std::string> comments = {"a", "ab", "abc", "abcd", "abcde", "é", "→"};
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    for (const auto& c : comments) (*writer)->write(0, Bytes(61, 0), c);
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 2 + comments.size());
  for (std::size_t i = 0; i < comments.size(); ++i) {
    Epb epb = parse_epb(parsed[2 + i]);
    ASSERT_EQ(epb.options.size(), 1u);
    EXPECT_EQ(epb.options[0].value, comments[i]);
  }
}

TEST_F(PcapngFormat, OverlongCommentIsCutAtCharacterBoundary) {
  // 65534 ASCII bytes and then a 3-byte arrow: 65537 bytes, more than an option holds.
  // The arrow would straddle the 65535 limit, so it goes entirely.
  std::string comment(65534, 'x');
  comment += "→";
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(0, Bytes(60, 0), comment);
  }
  auto parsed = blocks();
  ASSERT_EQ(parsed.size(), 3u);
  Epb epb = parse_epb(parsed[2]);
  ASSERT_EQ(epb.options.size(), 1u);
  EXPECT_EQ(epb.options[0].value, std::string(65534, 'x'));
}

TEST_F(PcapngFormat, LongFrameKeepsItsOriginalLength) {
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(0, Bytes(262145, 0x42));
  }
  Epb epb = parse_epb(blocks().at(2));
  EXPECT_EQ(epb.captured, 262144u);
  EXPECT_EQ(epb.original, 262145u);
}

TEST_F(PcapngFormat, TimeBeforeEpochIsWrittenAsZero) {
  {
    auto writer = PcapngWriter::open(path_);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(-5, Bytes(60, 0));
  }
  EXPECT_EQ(parse_epb(blocks().at(2)).timestamp, 0u);
}

TEST_F(PcapngFormat, SameInputGivesIdenticalFiles) {
  auto write = [&](const std::string& path) {
    auto writer = PcapngWriter::open(path);
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 10; ++i) (*writer)->write(i * 1000, Bytes(60 + i, 7), i % 3 ? "" : "z");
  };
  write(path_);
  Bytes first = file_bytes();
  write(path_);
  EXPECT_EQ(file_bytes(), first);
}

}  // namespace
}  // namespace tcpsim::sim
