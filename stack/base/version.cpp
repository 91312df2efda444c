#include "stack/base/version.hpp"

namespace tcpsim {
std::string_view version() {
  return "0.1.0";
}
}  // namespace tcpsim
