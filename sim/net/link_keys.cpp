#include "sim/net/link_keys.hpp"
#include "sim/core/units.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <type_traits>

namespace tcpsim::sim {
namespace {

LinkSetting amount(std::int64_t v) {
  return LinkSetting{v, 0};
}
LinkSetting probability(double p) {
  return LinkSetting{0, p};
}

// Builds a row's accessors from one generic lambda naming the member, so that nested
// members (the Gilbert-Elliott pair) and unsigned ones are reached the same way and the
// member is named once per row.
template <class Ref>
constexpr LinkAccess amount_field(Ref) {
  return {[](const LinkParams& l, const FaultParams& f) {
            return amount(static_cast<std::int64_t>(Ref{}(l, f)));
          },
          [](const LinkSetting& v, LinkParams& l, FaultParams& f) {
            auto& m = Ref{}(l, f);
            m = static_cast<std::remove_cvref_t<decltype(m)>>(v.amount);
          }};
}
template <class Ref>
constexpr LinkAccess probability_field(Ref) {
  return {[](const LinkParams& l, const FaultParams& f) { return probability(Ref{}(l, f)); },
          [](const LinkSetting& v, LinkParams& l, FaultParams& f) { Ref{}(l, f) = v.probability; }};
}

// The defaults are what a [[link]] has always had when a key is left out. Three of them
// depend on another key: reorder_delay on reorder, and burst_r and burst_loss_bad on
// burst_p. With burst_p left at 0 the loader sets burst_r and burst_loss_bad to 0 (not the
// GilbertElliott member defaults of 1), and a scripted "set burst-p" later in the run
// starts from those values, so the table keeps them.
const std::array<LinkKey, 15> kLinkKeys = {{
    {SetKey::Rate,
     "rate",
     LinkKeyType::Rate,
     1,
     INT64_MAX,
     "",
     true,
     amount(1'000'000'000),
     "",
     {},
     "serialization rate",
     amount_field([](auto& link, auto&) -> auto& { return link.rate_bps; })},
    {SetKey::Delay,
     "delay",
     LinkKeyType::Duration,
     0,
     INT64_MAX,
     "",
     true,
     amount(0),
     "",
     {},
     "one-way propagation delay",
     amount_field([](auto& link, auto&) -> auto& { return link.delay; })},
    {SetKey::Mtu,
     "mtu",
     LinkKeyType::Count,
     68,
     65535,
     "byte",
     true,
     amount(1500),
     "",
     {},
     "largest IP datagram the link carries; larger ones are dropped (`mtu`)",
     amount_field([](auto& link, auto&) -> auto& { return link.mtu; })},
    {SetKey::Queue,
     "queue",
     LinkKeyType::Count,
     1,
     100'000'000,
     "packet",
     false,
     amount(1000),
     "",
     {},
     "packets that can wait behind the one being sent; more are dropped (`queue-full`)",
     amount_field([](auto& link, auto&) -> auto& { return link.queue_packets; })},
    {SetKey::QueueBytes,
     "queue_bytes",
     LinkKeyType::Bytes,
     0,
     INT64_MAX,
     "",
     false,
     amount(0),
     "",
     {},
     "byte limit on waiting packets; `0` = none",
     amount_field([](auto& link, auto&) -> auto& { return link.queue_bytes; })},
    {SetKey::EcnThreshold,
     "ecn_threshold",
     LinkKeyType::Count,
     0,
     100'000'000,
     "packet",
     false,
     amount(0),
     "",
     {},
     "ECN-capable packets that find this many waiting are marked CE (not dropped); `0` = off",
     amount_field([](auto& link, auto&) -> auto& { return link.ecn_threshold; })},
    {SetKey::Loss,
     "loss",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "each packet is lost independently with this probability",
     probability_field([](auto&, auto& faults) -> auto& { return faults.loss; })},
    {SetKey::Reorder,
     "reorder",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "fraction of packets held back by `reorder_delay`",
     probability_field([](auto&, auto& faults) -> auto& { return faults.reorder; })},
    {SetKey::ReorderDelay, "reorder_delay", LinkKeyType::Duration, 0, INT64_MAX, "", true,
     amount(0), "reorder", amount(10'000'000),
     "extra delay of a reordered packet; must be > 0 when `reorder` is",
     amount_field([](auto&, auto& faults) -> auto& { return faults.reorder_delay; })},
    {SetKey::Duplicate,
     "duplicate",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "fraction of packets delivered twice",
     probability_field([](auto&, auto& faults) -> auto& { return faults.duplicate; })},
    {SetKey::Corrupt,
     "corrupt",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "fraction of packets with one bit flipped (the receiver drops them: `bad-checksum`)",
     probability_field([](auto&, auto& faults) -> auto& { return faults.corrupt; })},
    {SetKey::BurstP,
     "burst_p",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "Gilbert-Elliott bursty loss: good → bad per packet; `0` turns it off",
     probability_field([](auto&, auto& faults) -> auto& { return faults.burst.p; })},
    {SetKey::BurstR, "burst_r", LinkKeyType::Probability, 0, 0, "", true, probability(0), "burst_p",
     probability(0.5), "bad → good per packet (mean burst = 1/r packets)",
     probability_field([](auto&, auto& faults) -> auto& { return faults.burst.r; })},
    {SetKey::BurstLossGood,
     "burst_loss_good",
     LinkKeyType::Probability,
     0,
     0,
     "",
     true,
     probability(0),
     "",
     {},
     "loss probability in the good state",
     probability_field([](auto&, auto& faults) -> auto& { return faults.burst.loss_good; })},
    {SetKey::BurstLossBad, "burst_loss_bad", LinkKeyType::Probability, 0, 0, "", true,
     probability(0), "burst_p", probability(1), "loss probability in the bad state",
     probability_field([](auto&, auto& faults) -> auto& { return faults.burst.loss_bad; })},
}};

std::string format_rate(std::int64_t bps) {
  constexpr std::pair<std::int64_t, const char*> kUnits[] = {
      {1'000'000'000, "Gbps"}, {1'000'000, "Mbps"}, {1'000, "kbps"}};
  for (const auto& [scale, name] : kUnits) {
    if (bps != 0 && bps % scale == 0) return fmt::format("{}{}", bps / scale, name);
  }
  return fmt::format("{}bps", bps);
}

// A default as a scenario file would write it: strings for values with a unit.
std::string format_setting(LinkKeyType type, const LinkSetting& v) {
  switch (type) {
    case LinkKeyType::Rate:
      return fmt::format("`\"{}\"`", format_rate(v.amount));
    case LinkKeyType::Duration:
      return v.amount == 0 ? "`0`" : fmt::format("`\"{}\"`", format_duration(v.amount));
    case LinkKeyType::Count:
    case LinkKeyType::Bytes:
      return fmt::format("`{}`", v.amount);
    case LinkKeyType::Probability:
      return fmt::format("`{}`", v.probability);
  }
  return "?";
}

std::string type_text(const LinkKey& k) {
  switch (k.type) {
    case LinkKeyType::Rate:
      return "rate";
    case LinkKeyType::Duration:
      return "duration";
    case LinkKeyType::Count:
      return fmt::format("integer, {} to {}", k.min, k.max);
    case LinkKeyType::Bytes:
      return "byte count";
    case LinkKeyType::Probability:
      return "probability";
  }
  return "?";
}

}  // namespace

std::span<const LinkKey> link_keys() {
  return kLinkKeys;
}

std::string_view LinkKey::script_name() const {
  // Spelt once per key, on first use, so that the table holds one name per parameter.
  static const auto spelt = [] {
    std::array<std::string, kLinkKeys.size()> out;
    for (const LinkKey& k : kLinkKeys) {
      std::string s(k.name);
      std::replace(s.begin(), s.end(), '_', '-');
      out[static_cast<std::size_t>(k.key)] = std::move(s);
    }
    return out;
  }();
  return spelt[static_cast<std::size_t>(key)];
}

LinkSetting LinkKey::default_given(const LinkParams& link, const FaultParams& faults) const {
  if (switched_by.empty()) return fallback;
  const LinkKey* other = find_link_key(switched_by);
  LinkSetting v = other->access.get(link, faults);
  return v.amount > 0 || v.probability > 0 ? switched : fallback;
}

std::string LinkKey::doc_row() const {
  std::string def = format_setting(type, fallback);
  if (!switched_by.empty()) {
    def =
        fmt::format("{} when `{}` > 0, else {}", format_setting(type, switched), switched_by, def);
  }
  return fmt::format("| `{}` | {} | {} | {} |", name, type_text(*this), def, doc);
}

const LinkKey* find_link_key(std::string_view name) {
  for (const LinkKey& k : kLinkKeys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const LinkKey* find_script_link_key(std::string_view name) {
  for (const LinkKey& k : kLinkKeys) {
    if (k.script_name() == name) return &k;
  }
  return nullptr;
}

const LinkKey& link_key(SetKey key) {
  for (const LinkKey& k : kLinkKeys) {
    if (k.key == key) return k;
  }
  return kLinkKeys.front();  // every enumerator has a row (checked by the unit test)
}

std::string link_key_names() {
  std::string out;
  for (const LinkKey& k : kLinkKeys) out += fmt::format("{}{}", out.empty() ? "" : ", ", k.name);
  return out;
}

std::string script_link_key_names() {
  std::string out;
  for (std::size_t i = 0; i < kLinkKeys.size(); ++i) {
    out += fmt::format("{}{}", out.empty() ? "" : ", ",
                       link_key(static_cast<SetKey>(i)).script_name());
  }
  return out;
}

Status validate_link_keys(std::string_view where, const LinkParams& link,
                          const FaultParams& faults) {
  for (const LinkKey& k : kLinkKeys) {
    if (!k.model_limit) continue;
    LinkSetting v = k.access.get(link, faults);
    switch (k.type) {
      case LinkKeyType::Probability:
        if (!(v.probability >= 0 && v.probability <= 1)) {  // NaN too
          return fail_with(Errc::OutOfRange,
                           fmt::format("{}: {} must be a probability in [0, 1] (got {})", where,
                                       k.name, v.probability),
                           std::string(where));
        }
        break;
      case LinkKeyType::Rate:
        if (v.amount < k.min) {
          return fail_with(
              Errc::OutOfRange,
              fmt::format("{}: {} must be greater than {} bps", where, k.name, k.min - 1),
              std::string(where));
        }
        break;
      case LinkKeyType::Duration:
        if (v.amount < k.min) {
          return fail_with(
              Errc::OutOfRange,
              fmt::format("{}: {} must not be negative (got {} ns)", where, k.name, v.amount),
              std::string(where));
        }
        break;
      case LinkKeyType::Count:
      case LinkKeyType::Bytes:
        if (v.amount < k.min || v.amount > k.max) {
          return fail_with(Errc::OutOfRange,
                           fmt::format("{}: {} must be between {} and {} {}s (got {})", where,
                                       k.name, k.min, k.max, k.unit, v.amount),
                           std::string(where));
        }
        break;
    }
  }
  return ok_status();
}

}  // namespace tcpsim::sim
