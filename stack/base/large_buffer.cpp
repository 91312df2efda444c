#include "stack/base/large_buffer.hpp"

#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tcpsim {
namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

LargeBuffer allocate_large(std::size_t bytes) {
  void* p = nullptr;
  if (bytes >= kHugePage) {
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    p = std::aligned_alloc(kHugePage, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Advice only: without huge pages the buffer works the same, 4 KiB at a time.
    if (p != nullptr) (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  } else {
    p = std::malloc(bytes == 0 ? 1 : bytes);
  }
  if (p == nullptr) throw std::bad_alloc();
  return LargeBuffer(static_cast<std::uint8_t*>(p));
}

}  // namespace tcpsim
