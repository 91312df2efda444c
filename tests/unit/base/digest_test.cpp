// The protocol library's own SHA-1, SHA-256 and base64: the standards' test vectors, then
// agreement with OpenSSL on inputs of every length across the block boundaries.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/digest.hpp"

namespace tcpsim {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

TEST(Digest, Sha256_Fips180Vectors) {
  EXPECT_EQ(hex(sha256(bytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Digest, Sha1_Fips180Vectors) {
  EXPECT_EQ(hex(sha1(bytes(""))), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1(bytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Digest, Base64_Rfc4648Vectors) {
  EXPECT_EQ(base64(bytes("")), "");
  EXPECT_EQ(base64(bytes("f")), "Zg==");
  EXPECT_EQ(base64(bytes("fo")), "Zm8=");
  EXPECT_EQ(base64(bytes("foo")), "Zm9v");
  EXPECT_EQ(base64(bytes("foob")), "Zm9vYg==");
  EXPECT_EQ(base64(bytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64(bytes("foobar")), "Zm9vYmFy");
}

TEST(Digest, EveryLengthUpTo300_AgreesWithOpenSsl) {
  std::vector<std::uint8_t> data;
  for (std::size_t n = 0; n <= 300; ++n) {
    unsigned char want256[EVP_MAX_MD_SIZE];
    unsigned char want1[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ASSERT_EQ(EVP_Digest(data.data(), data.size(), want256, &len, EVP_sha256(), nullptr), 1);
    ASSERT_EQ(EVP_Digest(data.data(), data.size(), want1, &len, EVP_sha1(), nullptr), 1);
    auto got256 = sha256(data);
    auto got1 = sha1(data);
    ASSERT_TRUE(std::equal(got256.begin(), got256.end(), want256)) << "sha256, length " << n;
    ASSERT_TRUE(std::equal(got1.begin(), got1.end(), want1)) << "sha1, length " << n;
    std::string want64(4 * ((n + 2) / 3) + 1, '\0');
    int m = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(want64.data()), data.data(),
                            static_cast<int>(n));
    want64.resize(static_cast<std::size_t>(m));
    ASSERT_EQ(base64(data), want64) << "base64, length " << n;
    data.push_back(static_cast<std::uint8_t>(n * 131 + 7));
  }
}

}  // namespace
}  // namespace tcpsim
