#include "ladder.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "sim/core/units.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"

namespace tcpsim::cli {
namespace {

std::string endpoint_key(const wire::IpAddress& a, std::uint16_t port) {
  return a.to_string() + ":" + std::to_string(port);
}

}  // namespace

Ladder::Ladder(sim::ScenarioRun& run, std::FILE* out, LadderOptions opts)
    : run_(&run),
      out_(out),
      opts_(std::move(opts)),
      layout_(layout_for(opts_.columns)),
      folder_([this](const PlainLine& l) { emit(l.t, "", l.text, ""); },
              [this](const std::string& s) { emit(-1, "", paint(fit_middle(s), "2"), ""); }) {
  const auto& hosts = run.hosts();
  if (!hosts.empty()) left_ = hosts[0]->name();
  if (hosts.size() > 1) right_ = hosts[1]->name();
  if (!opts_.peer_column.empty()) right_ = opts_.peer_column;
}

void Ladder::attach() {
  run_->network().add_observer(*this);
  for (sim::Host* h : run_->hosts()) h->add_listener(*this);
}

void Ladder::detach() {
  folder_.flush();
  run_->network().remove_observer(*this);
}

std::string Ladder::paint(const std::string& s, const char* code) const {
  return cli::paint(s, code, opts_.color);
}

void Ladder::line(Nanos t, const std::string& left, const std::string& middle,
                  const std::string& right) {
  folder_.flush();
  emit(t, left, middle, right);
}

void Ladder::emit(Nanos t, const std::string& left, const std::string& middle,
                  const std::string& right) {
  if (opts_.before_line) opts_.before_line();
  std::fputs(row_text(t, left, middle, right, layout_).c_str(), out_);
  std::fputc('\n', out_);
  ++lines_;
}

void Ladder::print_header() {
  std::string l = left_.empty() ? "" : left_ + " [CLOSED]";
  std::string r = right_.empty() ? "" : right_ + " [CLOSED]";
  if (!opts_.peer_title.empty()) r = opts_.peer_title;
  if (!opts_.left_state.empty() && !left_.empty()) l = left_ + " [" + opts_.left_state + "]";
  // Servers listen from the start; show LISTEN for hosts that run one.
  for (const auto& p : run_->apps_of<sim::Peer>()) {
    if (p->config().role == sim::PeerConfig::Role::Server) {
      if (p->host().name() == left_) l = left_ + " [LISTEN]";
      if (p->host().name() == right_) r = right_ + " [LISTEN]";
    }
  }
  std::string text = header_text(l, r, layout_);
  std::fputs(paint(text, "1").c_str(), out_);
  std::fputc('\n', out_);
  ++lines_;
}

int Ladder::column(const std::string& node) const {
  if (node == left_) return 0;
  if (node == right_) return 1;
  return -1;
}

std::uint32_t Ladder::rel_seq(const tcp::IpSegment& s, std::uint32_t v) const {
  auto it = isn_.find(endpoint_key(s.src, s.segment.header.src_port));
  return it == isn_.end() ? v : v - it->second;
}

std::uint32_t Ladder::rel_ack(const tcp::IpSegment& s, std::uint32_t v) const {
  auto it = isn_.find(endpoint_key(s.dst, s.segment.header.dst_port));
  return it == isn_.end() ? v : v - it->second;
}

std::string Ladder::describe(const sim::Packet& p) {
  const tcp::IpSegment& s = p.ip;
  const wire::TcpRepr& h = s.segment.header;
  std::string src = endpoint_key(s.src, h.src_port);
  std::string dst = endpoint_key(s.dst, h.dst_port);
  if (h.has(wire::tcp_flag::kSyn)) {
    isn_.emplace(src, h.seq);
    auto ws = h.options.window_scale();
    wscale_[src] = ws ? std::min<int>(*ws, 14) : -1;
  }
  std::string text = wire::flags_to_string(h.flags);
  // Relative numbers as Wireshark shows them: from each side's ISN. A RST answering a
  // closed port carries seq 0 (absolute), left as is.
  text += fmt::format(" seq={}", rel_seq(s, h.seq));
  if (h.has(wire::tcp_flag::kAck)) text += fmt::format(" ack={}", rel_ack(s, h.ack));
  // The window as Wireshark shows it: scaled once both SYNs offered scaling (RFC 7323 §2).
  std::uint64_t win = h.window;
  auto ws = wscale_.find(src);
  auto peer_ws = wscale_.find(dst);
  if (!h.has(wire::tcp_flag::kSyn) && ws != wscale_.end() && peer_ws != wscale_.end() &&
      ws->second >= 0 && peer_ws->second >= 0) {
    win <<= ws->second;
  }
  text += fmt::format(" win={} len={}", win, s.segment.payload.size());
  if (h.has(wire::tcp_flag::kSyn) && !h.options.empty()) {
    text += " <" + h.options.to_string() + ">";
  } else {
    std::array<wire::SackBlock, 4> blocks{};
    std::size_t n = h.options.sack_blocks(blocks);
    if (n > 0) {
      text += " <sack";
      for (std::size_t i = 0; i < n; ++i) {
        text += fmt::format(" {}:{}", rel_ack(s, blocks[i].left), rel_ack(s, blocks[i].right));
      }
      text += ">";
    }
  }
  return text;
}

void Ladder::on_sent(Nanos now, const sim::LinkDirection& link, const sim::Packet& p) {
  const std::string& from = link.from().owner().name();
  const std::string& to = link.to().owner().name();
  std::string text = describe(p);
  int cf = column(from);
  int ct = column(to);
  bool foldable = !opts_.full && plain(link, p);
  std::string middle;
  if ((cf == 0 && ct == 1) || (cf == 1 && ct == 0)) {
    middle = arrow(text, cf == 0, layout_);
  } else {
    middle = fit_middle(fmt::format("[{} → {}] {}", from, to, text));
  }
  if (foldable) {
    folder_.add(PlainLine{now, middle, !p.ip.segment.payload.empty()});
  } else {
    line(now, "", middle, "");
  }
}

bool Ladder::plain(const sim::LinkDirection& link, const sim::Packet& p) {
  const tcp::IpSegment& s = p.ip;
  const wire::TcpRepr& h = s.segment.header;
  // Per link: a segment crossing several hops is new on each.
  std::string src = link.name() + " " + endpoint_key(s.src, h.src_port);
  std::uint16_t prev_win = last_win_.contains(src) ? last_win_[src] : 1;
  last_win_[src] = h.window;
  auto len = static_cast<std::uint32_t>(s.segment.payload.size());
  bool fresh = true;
  if (len > 0) {
    auto it = sent_end_.find(src);
    std::uint32_t end = h.seq + len;
    fresh = it == sent_end_.end() || static_cast<std::int32_t>(end - it->second) > 0;
    if (fresh) sent_end_[src] = end;
  }
  bool only_ack = (h.flags & ~(wire::tcp_flag::kAck | wire::tcp_flag::kPsh)) == 0 &&
                  h.has(wire::tcp_flag::kAck);
  return only_ack && fresh && h.window != 0 && prev_win != 0;
}

std::string Ladder::fit_middle(const std::string& s) const {
  return cli::fit_middle(s, layout_);
}

void Ladder::on_dropped(Nanos now, const sim::Node& where, const sim::LinkDirection* link,
                        const sim::Packet& p, sim::DropCause cause) {
  std::string what = describe(p);
  std::string at = link != nullptr ? link->name() : where.name();
  std::string text = fmt::format("✕ lost {} ({}, {})", what, sim::to_string(cause), at);
  line(now, "", paint(fit_middle(text), "31"), "");
}

void Ladder::on_transition(Nanos now, const sim::Host& host, const tcp::Connection&,
                           tcp::State from, tcp::State to, std::string_view rule, std::uint64_t) {
  entered_.push_back(to);
  std::string text = fmt::format("{} → {}", tcp::to_string(from), tcp::to_string(to));
  int c = column(host.name());
  std::string painted = paint(text, "32");
  if (c == 0) {
    line(now, painted, "", "");
  } else if (c == 1) {
    line(now, "", "", painted);
  } else {
    line(now, "", fmt::format("{}: {}", host.name(), painted), "");
  }
  if (opts_.explain) {
    std::string why = fmt::format("  └ {}: {}", host.name(), rule);
    std::size_t room = layout_.fitted() ? layout_.columns - 12 - layout_.side : 0;
    for (const std::string& part : wrap_words(why, room, "    ")) {
      line(-1, "", paint(part, "2"), "");
    }
  }
}

std::vector<tcp::State> Ladder::take_entered() {
  std::vector<tcp::State> v;
  v.swap(entered_);
  return v;
}

void Ladder::print_tcbs() {
  for (sim::Host* h : run_->hosts()) {
    auto conns = h->tcp().connections();
    if (conns.empty()) {
      std::fprintf(out_, "  %s: no connection\n", h->name().c_str());
      continue;
    }
    for (const tcp::Connection* c : conns) {
      tcp::TcbInfo i = c->info();
      std::fprintf(out_,
                   "  %s %s  %s\n"
                   "      ISS=%u IRS=%u  SND.UNA=%u SND.NXT=%u SND.WND=%u  RCV.NXT=%u RCV.WND=%u\n"
                   "      MSS=%u wscale=%u/%u sack=%s ts=%s  cwnd=%u ssthresh=%u in_flight=%u  "
                   "srtt=%.3fms rto=%.3fms\n",
                   h->name().c_str(), c->id().c_str(), std::string(tcp::to_string(i.state)).c_str(),
                   i.iss, i.irs, i.snd_una - i.iss, i.snd_nxt - i.iss, i.snd_wnd, i.rcv_nxt - i.irs,
                   i.rcv_wnd, i.snd_mss, i.snd_wscale, i.rcv_wscale, i.sack_ok ? "yes" : "no",
                   i.ts_ok ? "yes" : "no", i.cwnd, i.ssthresh, i.in_flight,
                   static_cast<double>(i.srtt) / 1e6, static_cast<double>(i.rto) / 1e6);
    }
  }
  std::fflush(out_);
}

}  // namespace tcpsim::cli
