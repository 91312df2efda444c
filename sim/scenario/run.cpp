#include "sim/scenario/run.hpp"

#include <algorithm>

#include "sim/capture/capture_writer.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/router.hpp"

namespace tcpsim::sim {

ScenarioRun::ScenarioRun(const Scenario& s) : scenario_(s) {}

ScenarioRun::~ScenarioRun() {
  if (net_ && capture_) net_->remove_observer(*capture_);
}

Result<std::unique_ptr<ScenarioRun>, Error> ScenarioRun::build(const Scenario& s,
                                                               HostStandIn stand_in) {
  std::unique_ptr<ScenarioRun> run(new ScenarioRun(s));
  auto r = run->assemble(stand_in);
  if (!r.ok()) return fail(r.error());
  return run;
}

Host* ScenarioRun::host(std::string_view name) const {
  auto it = hosts_by_name_.find(name);
  return it == hosts_by_name_.end() ? nullptr : it->second;
}

Status ScenarioRun::capture_to(const std::string& path, TcbComments tcbs) {
  auto writer = open_capture(path);
  if (!writer.ok()) return fail(writer.error());
  capture_to(std::move(writer.value()), tcbs);
  return std::monostate{};
}

void ScenarioRun::capture_to(std::unique_ptr<CaptureWriter> writer, TcbComments tcbs) {
  capture_ = std::make_unique<AnnotatedCapture>(std::move(writer));
  tap_ = std::make_unique<Tap>(*capture_);
  AnnotatedCapture* cap = capture_.get();
  tap_->set_comment_provider([cap](const Packet& p) { return cap->note_packet(p); });
  // The capture point: every sender's egress (each frame once, as a host or a stand-in for
  // one puts it on the wire). Router hops are not captured again, so Wireshark sees no
  // false retransmissions.
  for (const auto& l : net_->links()) {
    for (LinkDirection* d : {&l->a_to_b(), &l->b_to_a()}) {
      if (dynamic_cast<Router*>(&d->from().owner()) == nullptr) tap_->attach(*d, TapPoint::Egress);
    }
  }
  net_->add_observer(*capture_);
  for (Host* h : hosts_) h->add_listener(*capture_);
  if (tcbs == TcbComments::On) capture_->add_tcb_comments(hosts_);
}

std::vector<const App*> ScenarioRun::apps_by_kind(std::initializer_list<std::size_t> first) const {
  std::vector<std::size_t> kinds(first);
  for (std::size_t kind = 0; kind < app_kind_count(); ++kind) {
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  std::vector<const App*> out;
  for (std::size_t kind : kinds) {
    for (const auto& a : apps_) {
      if (a->kind() == kind) out.push_back(a.get());
    }
  }
  return out;
}

void ScenarioRun::start() {
  if (started_) return;
  started_ = true;
  // Kind by kind, in registry order: same-time first events keep their order.
  for (std::size_t kind = 0; kind < app_kind_count(); ++kind) {
    for (auto& a : apps_) {
      if (a->kind() == kind) a->install();
    }
  }
}

bool ScenarioRun::done() {
  Nanos next = sim_.next_event_time();
  return next == kNever || next > scenario_.duration;
}

bool ScenarioRun::step() {
  start();
  if (done()) return false;
  return sim_.step();
}

void ScenarioRun::run() {
  start();
  sim_.run_until([] { return false; }, scenario_.duration);
}

void ScenarioRun::finish() {
  if (capture_) capture_->finish();
  net_->trace().flush();
}

std::uint64_t ScenarioRun::segments() const {
  std::uint64_t n = 0;
  for (const auto& l : net_->links()) {
    n += l->a_to_b().stats().packets_sent + l->b_to_a().stats().packets_sent;
  }
  return n;
}

}  // namespace tcpsim::sim
