// Unit: the session page (analytics/session_page.hpp) and the JUnit links to it, pure.
#include <doctest/doctest.h>

#include "analytics/report.hpp"
#include "analytics/session_page.hpp"

using namespace footfall;

namespace {

storage::time_point at_ms(long ms) { return storage::time_point(std::chrono::milliseconds(ms)); }

storage::traced_session session() {
  storage::traced_session s;
  s.row.id = storage::uuid::v7();
  s.row.status = storage::session_status::failed;
  s.row.error_message = "navigation <timeout>";
  s.row.viewport_width = 1000;
  s.row.viewport_height = 500;
  s.campaign_name = "nightly";
  s.actions.push_back(
      {1, "http://127.0.0.1/", 1, "page_load", "", "", {}, {}, at_ms(1000), 50, ""});
  s.actions.push_back(
      {1, "http://127.0.0.1/", 2, "click", "#buy", "Buy", 250, 100, at_ms(3000), 90, "none"});
  return s;
}

}  // namespace

TEST_CASE("analytics/session page: actions are drawn over the frame they were performed on") {
  const auto s = session();
  storage::session_trace t;
  t.frames.push_back({at_ms(1500), 1, 1, 320, 160, "AAAA"});
  t.errors.push_back({at_ms(3100), "network", "404 <Not Found>", "http://127.0.0.1/x.png"});
  const auto html = analytics::render_session_page(s, &t);
  // The click at (250, 100) of a 1000 x 500 viewport: 25 % across, 20 % down the frame.
  CHECK(html.find("left:25.00%;top:20.00%") != std::string::npos);
  CHECK(html.find("src=\"data:image/jpeg;base64,AAAA\"") != std::string::npos);
  CHECK(html.find("404 &lt;Not Found&gt;") != std::string::npos);
  CHECK(html.find("navigation &lt;timeout&gt;") != std::string::npos);
  CHECK(html.find("footfall replay " + s.row.id.str()) != std::string::npos);
  // The page_load came before the frame: listed without one; the click and the error after it.
  const auto no_frame = html.find("no frame of these actions");
  const auto frame = html.find("class=\"frame\"");
  REQUIRE(no_frame != std::string::npos);
  REQUIRE(frame != std::string::npos);
  CHECK(no_frame < frame);
  CHECK(html.find("#buy") > frame);
  CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("analytics/junit: a failed session links its trace's page (when stored) and its replay") {
  analytics::campaign_report r;
  r.data.info.id = storage::uuid::v7();
  r.data.info.name = "nightly";
  storage::session_fact traced, untraced;
  traced.row.id = storage::uuid::v7();
  traced.row.status = storage::session_status::failed;
  untraced.row.id = storage::uuid::v7();
  untraced.row.status = storage::session_status::timeout;
  untraced.row.session_index = 1;
  r.data.sessions = {traced, untraced};
  r.traced_sessions = {traced.row.id.str()};
  const auto xml = analytics::render_junit(r);
  CHECK(xml.find("trace: " + analytics::session_page_command(
                                 r.data.info.id.str(), traced.row.id.str())) != std::string::npos);
  CHECK(xml.find("--format html --session " + untraced.row.id.str()) == std::string::npos);
  CHECK(xml.find("replay: footfall replay " + untraced.row.id.str()) != std::string::npos);
  CHECK(xml.find("<system-out>") != std::string::npos);
}
