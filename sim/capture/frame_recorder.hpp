// A capture writer that keeps every frame in memory (for `tcpsim run --report`), and passes
// each one on to another writer when there is one (the --pcap file), so one tap feeds both.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/capture/pcap_reader.hpp"

namespace tcpsim::sim {

class FrameRecorder final : public CaptureWriter {
 public:
  explicit FrameRecorder(std::unique_ptr<CaptureWriter> next = nullptr) : next_(std::move(next)) {}

  void write(Nanos time_ns, std::span<const std::uint8_t> frame,
             std::string_view comment) override {
    frames_->push_back(CapturedFrame{time_ns, {frame.begin(), frame.end()}});
    if (next_) next_->write(time_ns, frame, comment);
  }
  void write_with_comments(Nanos time_ns, std::span<const std::uint8_t> frame,
                           std::span<const std::string_view> comments) override {
    frames_->push_back(CapturedFrame{time_ns, {frame.begin(), frame.end()}});
    if (next_) next_->write_with_comments(time_ns, frame, comments);
  }
  void flush() override {
    if (next_) next_->flush();
  }
  std::string_view format() const override { return next_ ? next_->format() : "pcapng"; }
  std::string_view error() const override { return next_ ? next_->error() : std::string_view{}; }

  // The frames recorded so far; shared, so they outlive the writer (the run owns it).
  std::shared_ptr<std::vector<CapturedFrame>> frames() const { return frames_; }

 private:
  std::unique_ptr<CaptureWriter> next_;
  std::shared_ptr<std::vector<CapturedFrame>> frames_ =
      std::make_shared<std::vector<CapturedFrame>>();
};

}  // namespace tcpsim::sim
