// The page's template, styles and script (sim/report/assets/), compiled in by
// sim/CMakeLists.txt so that the tcpsim binary needs no files beside it.
#pragma once

#include <string_view>

namespace tcpsim::sim::report {

extern const std::string_view kReportHtml;
extern const std::string_view kReportCss;
extern const std::string_view kReportJs;

}  // namespace tcpsim::sim::report
