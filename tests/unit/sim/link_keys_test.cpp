// The link key table against its users: the scripted fault names, the defaults a [[link]]
// gets, and the key table of docs/scenarios.md (which must list the same rows).
#include "sim/net/link_keys.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/net/scripted_fault.hpp"

namespace tcpsim::sim {
namespace {

TEST(LinkKeys, EverySetKey_HasOneRow) {
  ASSERT_EQ(link_keys().size(), static_cast<std::size_t>(SetKey::EcnThreshold) + 1);
  for (std::size_t i = 0; i < link_keys().size(); ++i) {
    EXPECT_EQ(link_key(static_cast<SetKey>(i)).key, static_cast<SetKey>(i));
  }
}

TEST(LinkKeys, ScriptNames_AreTomlNamesWithHyphens) {
  EXPECT_EQ(link_key(SetKey::BurstLossGood).script_name(), "burst-loss-good");
  EXPECT_EQ(find_script_link_key("queue-bytes"), find_link_key("queue_bytes"));
  EXPECT_EQ(find_script_link_key("queue_bytes"), nullptr);
  EXPECT_EQ(to_string(SetKey::ReorderDelay), "reorder-delay");
}

TEST(LinkKeys, Defaults_DependOnTheSwitchingKey) {
  LinkParams link;
  FaultParams faults;
  faults.burst.p = 0;
  EXPECT_EQ(link_key(SetKey::BurstR).default_given(link, faults).probability, 0);
  faults.burst.p = 0.01;
  EXPECT_EQ(link_key(SetKey::BurstR).default_given(link, faults).probability, 0.5);
  EXPECT_EQ(link_key(SetKey::BurstLossBad).default_given(link, faults).probability, 1);
  faults.reorder = 0.1;
  EXPECT_EQ(link_key(SetKey::ReorderDelay).default_given(link, faults).amount, 10'000'000);
  EXPECT_EQ(link_key(SetKey::Rate).default_given(link, faults).amount, 1'000'000'000);
}

TEST(LinkKeys, SetAndGet_RoundTrip) {
  LinkParams link;
  FaultParams faults;
  link_key(SetKey::Mtu).access.set(LinkSetting{9000, 0}, link, faults);
  link_key(SetKey::BurstLossGood).access.set(LinkSetting{0, 0.25}, link, faults);
  EXPECT_EQ(link.mtu, 9000u);
  EXPECT_EQ(faults.burst.loss_good, 0.25);
  EXPECT_EQ(link_key(SetKey::Mtu).access.get(link, faults).amount, 9000);
}

// The rows of the [[link]] table in docs/scenarios.md, `between` excepted.
std::vector<std::string> documented_rows() {
  std::ifstream in(std::string(TCPSIM_SOURCE_DIR) + "/docs/scenarios.md");
  std::vector<std::string> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## `[[link]]`";
    if (in_section && line.rfind("| `", 0) == 0 && line.rfind("| `between`", 0) != 0) {
      rows.push_back(line);
    }
  }
  return rows;
}

TEST(LinkKeys, ScenariosDoc_ListsTheTable) {
  std::vector<std::string> want;
  std::string all;
  for (const LinkKey& k : link_keys()) {
    want.push_back(k.doc_row());
    all += k.doc_row() + "\n";
  }
  EXPECT_EQ(documented_rows(), want)
      << "docs/scenarios.md's [[link]] table differs from sim/net/link_keys.cpp; its rows "
         "after `between` should read:\n"
      << all;
}

}  // namespace
}  // namespace tcpsim::sim
