#include "stack/websocket/frame_decoder.hpp"

#include <algorithm>
#include <utility>

namespace tcpsim::websocket {

namespace {
// Grow the payload buffer as bytes arrive rather than trusting a declared length at once.
constexpr std::uint64_t kMaxReserve = 64 * 1024;
}  // namespace

void FrameDecoder::start_frame() {
  stage_ = Stage::Head;
  header_have_ = 0;
  header_need_ = 2;
  payload_size_ = 0;
  frame_start_ = position_;
  frame_ = Frame{};
  has_frame_ = false;
}

bool FrameDecoder::fail(Errc code, std::uint64_t offset_in_frame) {
  stage_ = Stage::Failed;
  has_frame_ = false;
  error_ = Error{code, frame_start_ + offset_in_frame};
  return false;
}

bool FrameDecoder::parse_head() {
  const std::uint8_t b0 = header_[0];
  const std::uint8_t b1 = header_[1];
  const std::uint8_t rsv = (b0 >> 4) & 0x7;
  const std::uint8_t op = b0 & 0x0F;
  const std::uint8_t len7 = b1 & 0x7F;

  if ((rsv & ~options_.allowed_rsv) != 0) return fail(Errc::ReservedBits, 0);
  if (!is_known_opcode(op)) return fail(Errc::UnknownOpcode, 0);
  frame_.fin = (b0 & 0x80) != 0;
  frame_.rsv1 = (rsv & 0x4) != 0;
  frame_.rsv2 = (rsv & 0x2) != 0;
  frame_.rsv3 = (rsv & 0x1) != 0;
  frame_.opcode = static_cast<Opcode>(op);
  frame_.masked = (b1 & 0x80) != 0;

  // §5.5: control frames are never fragmented and carry at most 125 bytes, so their
  // length always fits the 7-bit form.
  if (is_control(frame_.opcode)) {
    if (!frame_.fin) return fail(Errc::FragmentedControlFrame, 0);
    if (len7 > kMaxControlPayload) return fail(Errc::ControlFrameTooLong, 1);
  }
  // §5.1: client-to-server frames are masked, server-to-client frames are not.
  if (options_.masking == MaskRule::Required && !frame_.masked) {
    return fail(Errc::UnmaskedFrame, 1);
  }
  if (options_.masking == MaskRule::Forbidden && frame_.masked) {
    return fail(Errc::MaskedFrame, 1);
  }

  const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  header_need_ = 2 + ext + (frame_.masked ? 4 : 0);
  if (ext == 0) {
    payload_size_ = len7;
    if (payload_size_ > options_.max_frame_payload) return fail(Errc::FrameTooBig, 1);
  }
  return true;
}

bool FrameDecoder::parse_tail() {
  const std::uint8_t len7 = header_[1] & 0x7F;
  std::size_t at = 2;
  if (len7 == 126) {
    payload_size_ = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
    if (payload_size_ <= 125 && !options_.allow_non_minimal_length) {
      return fail(Errc::NonMinimalLength, 2);
    }
  } else if (len7 == 127) {
    if ((header_[2] & 0x80) != 0) return fail(Errc::LengthHighBit, 2);
    payload_size_ = 0;
    for (std::size_t i = 2; i < 10; ++i) payload_size_ = (payload_size_ << 8) | header_[i];
    at = 10;
    if (payload_size_ <= 0xFFFF && !options_.allow_non_minimal_length) {
      return fail(Errc::NonMinimalLength, 2);
    }
  }
  if (len7 >= 126 && payload_size_ > options_.max_frame_payload) {
    return fail(Errc::FrameTooBig, 2);
  }
  if (frame_.masked) std::copy_n(header_.begin() + at, 4, frame_.mask.begin());
  frame_.payload.reserve(static_cast<std::size_t>(std::min(payload_size_, kMaxReserve)));
  return true;
}

FeedResult FrameDecoder::feed(std::span<const std::uint8_t> in) {
  if (stage_ == Stage::Failed) return {0, Status::Error};
  if (stage_ == Stage::Done) start_frame();

  std::size_t i = 0;
  auto finish_call = [&](Status s) {
    position_ += i;
    return FeedResult{i, s};
  };
  for (;;) {
    if (stage_ == Stage::Head || stage_ == Stage::Tail) {
      while (header_have_ < header_need_ && i < in.size()) header_[header_have_++] = in[i++];
      if (header_have_ < header_need_) return finish_call(Status::NeedMore);
      const bool ok = stage_ == Stage::Head ? parse_head() : parse_tail();
      if (!ok) return finish_call(Status::Error);
      if (stage_ == Stage::Head && header_need_ > 2) {
        stage_ = Stage::Tail;
        continue;
      }
      if (stage_ == Stage::Head) {
        frame_.payload.reserve(static_cast<std::size_t>(payload_size_));  // at most 125 here
      }
      stage_ = Stage::Payload;
    }
    if (stage_ == Stage::Payload) {
      const std::uint64_t have = frame_.payload.size();
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(payload_size_ - have, in.size() - i));
      frame_.payload.insert(frame_.payload.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                            in.begin() + static_cast<std::ptrdiff_t>(i + n));
      if (frame_.masked) {
        apply_mask(std::span<std::uint8_t>(frame_.payload.data() + have, n), frame_.mask, have);
      }
      i += n;
      if (frame_.payload.size() < payload_size_) return finish_call(Status::NeedMore);
      stage_ = Stage::Done;
      has_frame_ = true;
      return finish_call(Status::Ok);
    }
  }
}

Status FrameDecoder::finish() {
  if (stage_ == Stage::Failed) return Status::Error;
  if (at_boundary()) return Status::Ok;
  fail(Errc::TruncatedFrame, position_ - frame_start_);
  return Status::Error;
}

bool FrameDecoder::at_boundary() const {
  return stage_ == Stage::Done || (stage_ == Stage::Head && header_have_ == 0);
}

Frame FrameDecoder::take_frame() {
  has_frame_ = false;
  return std::move(frame_);
}

}  // namespace tcpsim::websocket
