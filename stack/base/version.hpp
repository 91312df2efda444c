#pragma once
#include <string_view>

namespace tcpsim {
// The library's version, "MAJOR.MINOR.PATCH".
std::string_view version();
}  // namespace tcpsim
