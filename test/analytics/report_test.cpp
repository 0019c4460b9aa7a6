// Report rendering from a hand-made campaign: table, JSON, JUnit validated as XML, and the HTML
// report opened in the real headless Chromium (charts drawn, no script errors, not blank).
#include <doctest/doctest.h>


#include "analytics/compare.hpp"
#include "analytics/report.hpp"
#include "test/analytics/run_process.hpp"

using namespace footfall;
using namespace footfall::analytics;
using storage::session_status;

namespace {

storage::campaign_dataset sample_dataset() {
  storage::campaign_dataset d;
  d.info.id = storage::uuid::v7();
  d.info.name = "nightly <shop> & \"friends\"";
  d.info.target_url = "http://127.0.0.1:8000/";
  d.info.status = storage::campaign_status::completed;
  const auto t0 = storage::clock::now() - std::chrono::minutes(5);
  const session_status statuses[] = {session_status::completed, session_status::completed,
                                     session_status::failed, session_status::timeout,
                                     session_status::completed, session_status::pending};
  for (int i = 0; i < 6; ++i) {
    storage::session_fact f;
    f.row.id = storage::uuid::v7();
    f.row.session_index = i;
    f.row.status = statuses[i];
    f.row.start_url = d.info.target_url;
    f.row.user_agent = "Mozilla/5.0 Chrome/120";
    if (statuses[i] != session_status::pending) {
      f.row.started_at = t0 + std::chrono::seconds(i * 3);
      f.row.session_duration_ms = 8000 + i * 1000;
      f.row.pages_visited = 3;
      f.row.total_actions = 12;
    }
    if (statuses[i] == session_status::failed)
      f.row.error_message = "renderer crashed on <checkout> & \"retry\" failed";
    if (statuses[i] == session_status::timeout) f.row.error_message = "session timeout after 8s";
    storage::session_analytics_row a;
    a.rhythm_score = 0.2 + 0.1 * i;
    a.detection_risk_score = 0.5 - 0.05 * i;
    a.pause_distribution = {{"<100ms", 1}, {"1-2s", 4 + i}, {"2-5s", 2}};
    a.risk_signals = {{"navigator_webdriver", {{"strength", i % 2}, {"weight", 0.9}}},
                      {"regular_timing", {{"strength", 0.3}, {"weight", 0.6}}}};
    f.analytics = a;
    d.sessions.push_back(f);
    for (int p = 0; p < 3; ++p) {
      const double arrived = 1.7e12 + i * 3000 + p * 2500;
      d.visits.push_back({f.row.id,
                          {p + 1, "http://127.0.0.1:8000/" + std::string(p ? "shop?item=" + std::to_string(p) : ""),
                           arrived, arrived + 1000 + 700 * p, 40, 100.0 + 50 * p + i, p == 2 ? 1 : 0,
                           p == 1 ? 1 : 0},
                          4});
    }
  }
  d.action_mix[static_cast<int>(storage::action_type::click)] = 20;
  d.action_mix[static_cast<int>(storage::action_type::scroll)] = 35;
  d.action_mix[static_cast<int>(storage::action_type::hover)] = 15;
  for (int i = 0; i < 60; ++i) d.clicks.push_back({100 + (i * 37) % 900, 80 + (i * 53) % 600, 1280, 720});
  storage::campaign_analytics_row ca;
  ca.total_sessions = 6;
  ca.completed_sessions = 3;
  ca.failed_sessions = 2;
  ca.success_rate = 0.5;
  ca.avg_rhythm_score = 0.45;
  ca.detection_risk_score = 0.37;
  ca.resources.peak_memory_mb = 900;
  d.analytics = ca;
  return d;
}

std::string python_xml_counts(const std::filesystem::path& file) {
  const auto r = test::run({"/usr/bin/python3", "-c",
                            "import sys, xml.etree.ElementTree as E\n"
                            "r = E.parse(sys.argv[1]).getroot()\n"
                            "s = r.find('testsuite')\n"
                            "cases = s.findall('testcase')\n"
                            "fails = [c.find('failure') for c in cases if c.find('failure') is not None]\n"
                            "print(s.get('tests'), s.get('failures'), s.get('skipped'), len(cases), len(fails))\n"
                            "print(fails[0].get('message'))\n",
                            file.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return r.out;
}

}  // namespace

TEST_CASE("report: per-path load percentiles and error totals") {
  const auto r = build_report(sample_dataset());
  REQUIRE(r.paths.size() == 2);
  CHECK(r.paths[0].path == "/");
  CHECK(r.paths[1].path == "/shop");  // query strings dropped: two pages, one path
  CHECK(r.paths[1].visits == 12);
  CHECK(r.paths[0].load_p50_ms.has_value());
  CHECK(*r.paths[0].load_p50_ms == doctest::Approx(102.5));  // 100..105, median of 6
  CHECK(r.console_errors == 6);
  CHECK(r.failed_requests == 6);
  CHECK(url_path("https://h:8080") == "/");
  CHECK(url_path("http://h/a/b?c#d") == "/a/b");
}

TEST_CASE("report: table and JSON carry the analytics and the errors") {
  const auto r = build_report(sample_dataset());
  const auto table = render_table(r);
  CHECK(table.find("success rate            0.50") != std::string::npos);
  CHECK(table.find("renderer crashed") != std::string::npos);
  CHECK(table.find("/shop") != std::string::npos);
  const auto j = render_json(r);
  CHECK(j["sessions"].size() == 6);
  CHECK(j["action_mix"]["scroll"] == 35);
  CHECK(j["analytics"]["success_rate"] == 0.5);
  CHECK(j["paths"][1]["path"] == "/shop");
}

TEST_CASE("report: junit validates as XML with one testcase per session and the right counts") {
  const auto r = build_report(sample_dataset());
  test::temp_dir dir;
  const auto file = dir.path() / "junit.xml";
  std::ofstream(file) << render_junit(r);
  const auto out = python_xml_counts(file);
  // tests=6 failures=2 (failed + timeout) skipped=1 (pending); 6 testcases, 2 <failure>.
  CHECK(out.rfind("6 2 1 6 2\n", 0) == 0);
  // The failure message is the session's error_message, escaped and read back intact.
  CHECK(out.find("renderer crashed on <checkout> & \"retry\" failed") != std::string::npos);
}

TEST_CASE("report: the HTML report renders its charts in headless Chromium" *
          doctest::timeout(180)) {
  const auto r = build_report(sample_dataset());
  test::temp_dir dir;
  const auto html = dir.path() / "report.html";
  std::ofstream(html) << render_html(r);
  const auto text = test::slurp(html);
  // Self-contained: no external resource of any kind.
  CHECK(text.find("src=\"http") == std::string::npos);
  CHECK(text.find("href=\"http") == std::string::npos);
  CHECK(text.find("@import") == std::string::npos);

  auto chromium = [&](std::vector<std::string> extra) {
    test::temp_dir profile;
    std::vector<std::string> argv{"/usr/bin/chromium", "--headless=new", "--no-sandbox",
                                  "--disable-gpu", "--disable-quic", "--no-first-run",
                                  "--disable-background-networking", "--disable-component-update",
                                  "--disable-sync", "--user-data-dir=" + profile.path().string(),
                                  "--enable-logging=stderr", "--v=0", "--window-size=1280,2200"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("file://" + html.string());
    return test::run(argv, std::chrono::seconds(90));
  };

  const auto dom = chromium({"--dump-dom"});
  REQUIRE_MESSAGE(dom.exit_code == 0, dom.err);
  // The page's script marks the body once all 10 charts/tables drew without throwing.
  CHECK_MESSAGE(dom.out.find("data-charts=\"ok 10\"") != std::string::npos, dom.out.substr(0, 400));
  CHECK(dom.out.find("renderer crashed on &lt;checkout&gt;") != std::string::npos);
  // --enable-logging prints every console message and uncaught exception as a CONSOLE line
  // (all at INFO level, so the level cannot tell errors apart); the report logs nothing.
  CHECK_MESSAGE(dom.err.find("Uncaught") == std::string::npos, dom.err);
  CHECK_MESSAGE(dom.err.find(":CONSOLE") == std::string::npos, dom.err);

  const auto png = dir.path() / "shot.png";
  const auto shot = chromium({"--screenshot=" + png.string(), "--hide-scrollbars"});
  REQUIRE_MESSAGE(std::filesystem::exists(png), shot.err);
  const auto colours = test::run({"/usr/bin/python3", FOOTFALL_SOURCE_DIR "/test/analytics/check_png.py",
                                  png.string()});
  REQUIRE_MESSAGE(colours.exit_code == 0, colours.err);
  int distinct = 0;
  double dominant = 1;
  std::istringstream(colours.out) >> distinct >> dominant;
  // A blank page is one colour; charts, heatmap and text give hundreds.
  CHECK(distinct > 200);
  CHECK(dominant < 0.9);
}
