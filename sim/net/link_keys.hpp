// Every parameter a scenario can set on a link, in one table: its name, its type and unit,
// the range an input may take, the default a [[link]] gets, one line of documentation, and
// how it reads and writes LinkParams/FaultParams. The scenario loader ([[link]] keys and
// `--set link.KEY`), the scripted fault commands (`at T set KEY VALUE`, where the name is
// spelt with '-' for '_'), the validation of LinkParams/FaultParams and the key table of
// docs/scenarios.md all come from it, so a new parameter is one row here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/net/fault.hpp"
#include "sim/net/link_params.hpp"

namespace tcpsim::sim {

// The parameters, in the order the scripted fault commands have always listed them.
enum class SetKey : std::uint8_t {
  Loss,
  Duplicate,
  Corrupt,
  Reorder,
  BurstP,
  BurstR,
  BurstLossGood,
  BurstLossBad,
  ReorderDelay,
  Delay,
  Rate,
  Mtu,
  Queue,
  QueueBytes,
  EcnThreshold,
};

enum class LinkKeyType : std::uint8_t {
  Rate,         // bits per second, e.g. "10Mbps"
  Duration,     // nanoseconds, e.g. "5ms"
  Count,        // a plain integer in [min, max]
  Bytes,        // a byte count, e.g. "64KB"
  Probability,  // a number in [0, 1]
};

// One value of a parameter: `amount` for every type but probabilities, which use
// `probability`.
struct LinkSetting {
  std::int64_t amount = 0;
  double probability = 0;
};

// How a row reads and writes its member of LinkParams or FaultParams.
struct LinkAccess {
  LinkSetting (*get)(const LinkParams&, const FaultParams&) = nullptr;
  void (*set)(const LinkSetting&, LinkParams&, FaultParams&) = nullptr;
};

struct LinkKey {
  SetKey key;
  std::string_view name;  // as in TOML and --set; scripted faults write '-' for '_'
  LinkKeyType type;
  std::int64_t min = 0;  // kCount: the range an input may take
  std::int64_t max = 0;
  std::string_view unit;  // kCount: what is counted, for messages ("byte")
  // Whether LinkParams/FaultParams::validate enforces the range too (a property of the
  // model), or only the inputs do (a sanity limit on what a person types).
  bool model_limit = false;
  LinkSetting fallback;          // the default of a [[link]]
  std::string_view switched_by;  // when set and that key is > 0, the default is `switched`
  LinkSetting switched;          // (a parameter that only means something with another)
  std::string_view doc;          // one line for docs/scenarios.md
  LinkAccess access;

  // The scripted fault spelling, "burst-loss-good".
  std::string_view script_name() const;
  // The default given the keys read before it (those it may depend on).
  LinkSetting default_given(const LinkParams& link, const FaultParams& faults) const;
  // The row of docs/scenarios.md's [[link]] table: "| `rate` | rate | `"1Gbps"` | ... |".
  std::string doc_row() const;
};

// The table, in the order of docs/scenarios.md (and of the [[link]] keys in messages).
std::span<const LinkKey> link_keys();
const LinkKey* find_link_key(std::string_view name);         // by TOML name
const LinkKey* find_script_link_key(std::string_view name);  // by scripted fault name
const LinkKey& link_key(SetKey key);
// "rate, delay, mtu, ..." (TOML names, table order).
std::string link_key_names();
// "loss, duplicate, ..., queue-bytes" (scripted fault names, SetKey order).
std::string script_link_key_names();

// Every `model_limit` range of the table, checked on `link` and `faults`. LinkParams and
// FaultParams::validate call it with a default-built other half, which always passes.
Status validate_link_keys(std::string_view where, const LinkParams& link,
                          const FaultParams& faults);

}  // namespace tcpsim::sim
