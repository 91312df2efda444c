// A fresh directory of the running test's own under GoogleTest's temporary directory, for
// tests that write and read real files.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace tcpsim::test {

// TempDir()/tcpsim_SUITE_NAME, emptied: each test starts with nothing in it.
inline std::filesystem::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      (std::string("tcpsim_") + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace tcpsim::test
