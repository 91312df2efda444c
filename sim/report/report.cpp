#include "sim/report/report.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "sim/report/report_assets.hpp"

namespace tcpsim::sim::report {
namespace {

// Inside <script type="application/json"> the text must never close the element: every
// '<' (which JSON only has inside strings) becomes \u003c.
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size() + json.size() / 64);
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Replaces the one `@NAME@` mark of the template with `value`.
void fill(std::string& page, std::string_view mark, const std::string& value) {
  auto at = page.find(mark);
  if (at != std::string::npos) page.replace(at, mark.size(), value);
}

}  // namespace

std::string render_report(const ReportInput& in) {
  std::string page(kReportHtml);
  // Marks are filled in the order they appear, data last, so text inserted earlier is
  // never searched for a mark.
  fill(page, "@TITLE@", html_text(in.title));
  fill(page, "@CSS@", std::string(kReportCss));
  std::string js(kReportJs);
  std::string data = script_safe(report_data_json(in));
  auto data_at = page.find("@DATA@");
  auto js_at = page.find("@JS@");
  if (data_at != std::string::npos && js_at != std::string::npos && data_at < js_at) {
    page.replace(js_at, 4, js);
    page.replace(data_at, 6, data);
  }
  return page;
}

Result<std::monostate, Error> write_report(const ReportInput& in, const std::string& path) {
  std::string page = render_report(in);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return fail_with(Errc::Io,
                     fmt::format("cannot write report '{}': {}", path, std::strerror(errno)));
  }
  out.write(page.data(), static_cast<std::streamsize>(page.size()));
  out.close();
  if (!out) {
    return fail_with(Errc::Io, fmt::format("cannot write report '{}': write failed", path));
  }
  return std::monostate{};
}

}  // namespace tcpsim::sim::report
