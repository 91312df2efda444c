// Storage for a large buffer that is written soon after it is allocated: a send ring of
// megabytes, a hashing batch. Touching fresh memory costs a page fault per 4 KiB page; on
// Linux a buffer of 2 MiB or more is aligned to 2 MiB and offered to transparent huge
// pages, so it costs one fault per 2 MiB instead (where the system allows them). The
// bytes are not initialised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace tcpsim {

struct LargeBufferFree {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using LargeBuffer = std::unique_ptr<std::uint8_t[], LargeBufferFree>;

// Throws std::bad_alloc when the memory cannot be had.
LargeBuffer allocate_large(std::size_t bytes);

}  // namespace tcpsim
