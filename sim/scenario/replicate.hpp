// Replication: a [[host]], [[router]], [[link]] or [[app]] table with `count = N` stands for
// N copies of itself, made in the parsed TOML before the scenario is read, so that every
// copy's keys are checked exactly as a written table's are. In copy i (0 to N-1) the
// placeholders of every string value, nested tables and arrays included, are replaced
// (placeholder.hpp); `count` itself is removed. The copies take the original's place in the
// list, in order of i. Format: docs/scenarios.md, "Many alike: count".
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>

#include "sim/scenario/toml_reader.hpp"

namespace tcpsim::sim {

// The largest count a table may have.
inline constexpr std::int64_t kMaxCount = 100000;

// Expands every table with `count` in `root`, recording where each copy's nodes came from
// in `origins`. A bad count or placeholder, or copies that would share a name (hosts,
// routers, apps) or join the same two nodes (links), throws LoadError naming the original's
// file:line:column.
void replicate_tables(toml::table& root, const std::string& source, NodeOrigins& origins);

// Drops what `origins` knows of `node` and everything inside it, before the node is
// replaced (a --set on a copy), so that a new node at a reused address is not misplaced.
void forget_origins(NodeOrigins& origins, const toml::node& node);

}  // namespace tcpsim::sim
