#include "sim/scenario/replicate.hpp"

#include <fmt/core.h>

#include <array>
#include <map>
#include <optional>
#include <string_view>

#include "sim/scenario/placeholder.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::array<std::string_view, 4> kReplicated = {"host", "router", "link", "app"};

// Makes the copies of one table: builds each copy node by node, expanding strings and
// noting where every node came from.
class Copier {
 public:
  Copier(const Reader& r, NodeOrigins& origins) : r_(r), origins_(origins) {
    scope_.param = [&r](std::string_view name) -> std::optional<std::string> {
      const toml::table* params = r.root()["params"].as_table();
      const toml::node* p = params != nullptr ? params->get(name) : nullptr;
      if (p == nullptr) return std::nullopt;
      if (auto s = p->value_exact<std::string>()) return *s;
      if (auto i = p->value_exact<std::int64_t>()) return std::to_string(*i);
      if (auto d = p->value_exact<double>()) return fmt::format("{}", *d);
      if (auto b = p->value_exact<bool>()) return *b ? "true" : "false";
      return "(a table or list)";
    };
  }

  toml::table copy(const toml::table& original, std::int64_t i, std::int64_t n) {
    scope_.i = i;
    scope_.n = n;
    toml::table out;
    fill(out, original);
    return out;
  }

  void note(const toml::node& copy, const toml::node& original,
            std::optional<std::int64_t> integer = std::nullopt) {
    origins_[&copy] = NodeOrigin{original.source().begin, scope_.i, integer};
  }

 private:
  void fill(toml::table& dst, const toml::table& src) {
    for (auto&& [k, v] : src) {
      // A named copy of the key: a lambda may not capture a structured binding (C++20).
      const std::string_view key = k.str();
      if (key == "count") continue;
      put(v, key, [&](auto&& value) -> toml::node& {
        dst.insert_or_assign(key, std::forward<decltype(value)>(value));
        return *dst.get(key);
      });
    }
  }

  void fill(toml::array& dst, const toml::array& src, std::string_view key) {
    for (const toml::node& v : src) {
      put(v, key, [&](auto&& value) -> toml::node& {
        dst.push_back(std::forward<decltype(value)>(value));
        return dst.back();
      });
    }
  }

  // Copies `v` (the value of `key`) by `insert`, which puts a value in place and returns it.
  template <class Insert>
  void put(const toml::node& v, std::string_view key, Insert&& insert) {
    if (const toml::table* t = v.as_table()) {
      toml::node& c = insert(toml::table{});
      fill(*c.as_table(), *t);
      note(c, v);
    } else if (const toml::array* a = v.as_array()) {
      toml::node& c = insert(toml::array{});
      fill(*c.as_array(), *a, key);
      note(c, v);
    } else if (const auto* s = v.as_string()) {
      auto e = expand_placeholders(s->get(), scope_);
      if (!e.ok()) r_.fail(e.error().code, v, key, e.error().message);
      note(insert(std::move(e->text)), v, e->integer);
    } else if (const auto* i = v.as_integer()) {
      note(insert(i->get()), v);
    } else if (const auto* f = v.as_floating_point()) {
      note(insert(f->get()), v);
    } else if (const auto* b = v.as_boolean()) {
      note(insert(b->get()), v);
    } else {
      // Dates and times: no scenario key takes one (and copying them would need toml++'s
      // date values, which its shared library does not export to every compiler).
      r_.fail(Errc::BadValue, v, key, "a TOML date or time is not a value any scenario key takes");
    }
  }

  const Reader& r_;
  NodeOrigins& origins_;
  PlaceholderScope scope_;
};

// What must differ between tables of one list: a node's name, an app's name (its host's
// when it has none), a link's two ends.
struct Identity {
  std::string text;       // empty when the table lacks it or it is not a string
  const toml::node* key;  // the node to point at in an error
};

Identity identity_of(std::string_view list, const toml::table& t) {
  if (list == "link") {
    const toml::array* b = t["between"].as_array();
    if (b == nullptr || b->size() != 2) return {"", nullptr};
    auto a = (*b)[0].value<std::string>();
    auto z = (*b)[1].value<std::string>();
    if (!a || !z) return {"", nullptr};
    return {*a + " and " + *z, t.get("between")};
  }
  const char* key = list == "app" && !t.contains("name") ? "host" : "name";
  auto v = t[key].value<std::string>();
  if (!v || (v->size() > 1 && (*v)[0] == '$')) return {"", nullptr};
  return {*v, t.get(key)};
}

// Refuses two copies of one table with the same identity, and (for apps, whose names no
// other rule keeps apart) a copy named like another [[app]].
class IdentityCheck {
 public:
  IdentityCheck(const Reader& r, std::string_view list) : r_(r), list_(list) {}

  void note_written(const toml::table& t) {
    Identity id = identity_of(list_, t);
    if (!id.text.empty()) seen_.emplace(id.text, -1);
  }

  void check_copy(const toml::table& copy, std::int64_t i, const toml::table& original) {
    Identity id = identity_of(list_, copy);
    if (id.text.empty()) return;
    auto [it, fresh] = seen_.emplace(id.text, i);
    if (fresh || (list_ != "app" && it->second < 0)) return;
    Identity at = identity_of(list_, original);
    const toml::node& place = at.key != nullptr ? *at.key : original;
    std::string_view key = list_ == "link" ? "between" : (copy.contains("name") ? "name" : "host");
    if (it->second < 0) {
      r_.fail(Errc::Duplicate, place, key,
              fmt::format("copy i = {} is named '{}', as another [[app]] is", i, id.text));
    }
    std::string what = list_ == "link" ? fmt::format("both join {}", id.text)
                                       : fmt::format("are both named '{}'", id.text);
    r_.fail(Errc::Duplicate, place, key,
            fmt::format("copies i = {} and i = {} {} (put a placeholder such as {{i}} in {})",
                        it->second, i, what, list_ == "link" ? "a name" : "it"));
  }

 private:
  const Reader& r_;
  std::string_view list_;
  std::map<std::string, std::int64_t> seen_;  // identity -> copy index, -1 for a written one
};

void replicate_list(const Reader& r, toml::array& list, std::string_view key,
                    NodeOrigins& origins) {
  bool any = false;
  for (const toml::node& n : list) any = any || n.as_table()->contains("count");
  if (!any) return;
  IdentityCheck ids(r, key);
  for (const toml::node& n : list) {
    if (!n.as_table()->contains("count")) ids.note_written(*n.as_table());
  }
  Copier copier(r, origins);
  toml::array out;
  for (toml::node& n : list) {
    toml::table& t = *n.as_table();
    if (!t.contains("count")) {
      out.push_back(std::move(t));
      continue;
    }
    std::int64_t count = r.integer(t, "count", 1, 1, kMaxCount);
    for (std::int64_t i = 0; i < count; ++i) {
      toml::table c = copier.copy(t, i, count);
      ids.check_copy(c, i, t);
      out.push_back(std::move(c));
      copier.note(out.back(), t);
    }
  }
  list = std::move(out);
}

}  // namespace

void replicate_tables(toml::table& root, const std::string& source, NodeOrigins& origins) {
  Reader r(root, source, &origins);
  for (std::string_view key : kReplicated) {
    // A list that is not all tables is left for the reading to refuse.
    toml::array* list = root[key].as_array();
    if (list != nullptr && list->is_array_of_tables()) replicate_list(r, *list, key, origins);
  }
}

void forget_origins(NodeOrigins& origins, const toml::node& node) {
  origins.erase(&node);
  if (const toml::table* t = node.as_table()) {
    for (auto&& [k, v] : *t) forget_origins(origins, v);
  } else if (const toml::array* a = node.as_array()) {
    for (const toml::node& v : *a) forget_origins(origins, v);
  }
}

}  // namespace tcpsim::sim
