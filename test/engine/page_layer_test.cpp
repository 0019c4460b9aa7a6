// Integration: the page layer (page agent, actions, visit recorder) on a real Chromium and the
// fixture site, proven from the page's side with test/site/recorder.js.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <regex>
#include <set>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/browser.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/launcher.hpp"
#include "engine/journey/actions.hpp"
#include "engine/journey/session_actions.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/observe/trace.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/page/page_script.hpp"
#include "engine/page/page_script_api.hpp"
#include "engine/replay/replay_overlay.hpp"
#include "support/browser_under_test.hpp"
#include "engine/one_chromium.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

/// One Chromium and the fixture site for this file's cases.
struct chromium : test::one_chromium {
  chromium() : one_chromium({"--hide-scrollbars", "--disable-smooth-scrolling"}) {}
  test::http_server site;
};

chromium& shared() {
  static chromium c;
  return c;
}

/// A fresh context and page with footfall's page layer on it, at pace 0; `with_tracer`: a
/// session tracer (failures mode) attached to the page first, as the session runner does.
struct layer {
  explicit layer(const std::string& path, bool with_tracer = false)
      : rec(storage::uuid::v7(),
            [this](storage::page_record p) { pages.push_back(std::move(p)); }) {
    auto& c = shared();
    context = c.io.run(c.browser->create_context());
    page = c.io.run(c.browser->new_page(context));
    if (with_tracer) {
      tracer = std::make_unique<engine::session_tracer>(engine::trace_mode::failures,
                                                        engine::trace_limits{});
      tracer->attach(page);
    }
    agent = c.io.run(engine::page_agent::install(page));
    run(engine::open_page(ctx(), c.site.url(path), milliseconds(10000)));
  }
  ~layer() {
    try {
      shared().io.run(shared().browser->dispose_context(context));
    } catch (const std::exception&) {
    }
  }
  engine::action_context ctx() { return {page, agent.get(), &rec, &r, 0, 0}; }
  template <class T>
  T run(boost::asio::awaitable<T> a) {
    return shared().io.run(std::move(a));
  }
  /// Evaluates in the page's own (main) world, as the site's scripts see it.
  json eval(const std::string& js) { return run(page.evaluate(js)); }
  /// Ends the visit; every row recorded.
  std::vector<storage::action_row> finish() {
    const auto last = run(agent->stats());
    rec.leave(&last);
    std::vector<storage::action_row> rows;
    for (auto& p : pages)
      for (auto& a : p.actions) rows.push_back(a);
    return rows;
  }

  cdp::browser_context_id context;
  cdp::page page;
  std::shared_ptr<engine::page_agent> agent;
  std::unique_ptr<engine::session_tracer> tracer;
  std::vector<storage::page_record> pages;
  engine::visit_recorder rec;
  engine::rng r{7};
};

/// The last `#id` of a selector, or "".
std::string last_id(const std::string& selector) {
  static const std::regex id(R"(#([A-Za-z][\w-]*)\s*$)");
  std::smatch m;
  return std::regex_search(selector, m, id) ? m[1].str() : "";
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

/// Clicks `n` targets the script picks across the page (u1 spread evenly).
std::vector<storage::action_row> click_around(layer& l, int n) {
  for (int i = 0; i < n; ++i) {
    const auto t = l.run(l.agent->pick(engine::pick_kind::click, (i + 0.5) / n, 0.5, 0.5));
    REQUIRE(t);
    const engine::action_clock clock;
    const auto hit = l.run(engine::press(l.ctx(), *t));
    l.rec.record(storage::action_type::click, &hit, clock);
  }
  auto rows = l.finish();
  std::erase_if(rows, [](const auto& a) { return a.type != storage::action_type::click; });
  return rows;
}

}  // namespace

// The JavaScript files are parsed by Chromium's own engine (a syntax error fails here), and every
// function C++ calls (page_script_api.hpp) exists with exactly the arguments C++ passes.
TEST_CASE("page script: parses, and every function C++ calls exists with its argument count") {
  auto& c = shared();
  const auto context = c.io.run(c.browser->create_context());
  auto page = c.io.run(c.browser->new_page(context));
  c.io.run(page.navigate(c.site.url("/index.html")));
  c.io.run(page.evaluate(std::string(engine::page_script())));
  for (const auto& f : engine::script_api::all) {
    CAPTURE(f.name);
    const json n = c.io.run(page.evaluate(std::string("typeof __ff.") + f.name +
                                          " === 'function' ? __ff." + f.name + ".length : -1"));
    CHECK(n.get<long>() == static_cast<long>(f.args));
  }
  // A name the script does not define is reported as missing (the check can fail).
  CHECK(c.io.run(page.evaluate("typeof __ff.noSuchFunction === 'function' ? 0 : -1")).get<long>() ==
        -1);
  // The replay overlay: parses, and defines the one function replay_overlay.cpp calls.
  c.io.run(page.evaluate(std::string(engine::cursor_overlay_script())));
  CHECK(c.io.run(page.evaluate("typeof window.__footfallCursorAt")).get<std::string>() ==
        "function");
  CHECK(c.io.run(page.evaluate("window.__footfallCursorAt.length")).get<long>() == 2);
  c.io.run(c.browser->dispose_context(context));
}

TEST_CASE("page_agent: the page's own world shows no trace, errors and failures come from CDP") {
  layer l("/journey/index.html");
  // The agent works (it found the page's links) ...
  CHECK(l.rec.links().size() >= 3);
  // ... from its own world: nothing named after footfall in the page's, console.error untouched.
  const json seen = l.eval(
      "({ ff: typeof window.__ff, names: Object.getOwnPropertyNames(window).filter(n => "
      "/footfall|__ff/i.test(n) && n !== '__footfallRecorder'), native: "
      "Function.prototype.toString.call(console.error).includes('[native code]') && "
      "!Object.getOwnPropertyDescriptor(console, 'error').get })");
  CHECK(seen["ff"] == "undefined");
  CHECK(seen["names"].empty());
  CHECK(seen["native"] == true);
  // The start page's deliberate console error and broken image, counted from CDP events.
  const auto facts = l.run(l.agent->stats());
  CHECK(facts.console_errors >= 1);
  CHECK(facts.failed_requests >= 1);
  // robots.txt read by the browser outside the page: the site's Resource Timing never lists it.
  const auto robots = l.run(l.agent->fetch_outside_page(shared().site.url("/robots.txt")));
  CHECK(robots.find("Disallow: /journey/private/") != std::string::npos);
  CHECK(l.eval("performance.getEntriesByType('resource').filter(e => "
               "e.name.includes('robots')).length") == 0);
}

/// Evaluates `expression` in the out-of-process frame whose URL contains `url_part` (not the
/// page's own), through a session of its own.
json frame_eval(layer& l, std::string url_part, std::string expression) {
  return l.run([](std::shared_ptr<cdp::connection> conn, std::string url_part,
                  std::string expression) -> boost::asio::awaitable<json> {
    const json targets = co_await conn->send("Target.getTargets");
    for (const auto& t : targets["targetInfos"]) {
      if (t["type"] != "iframe" || t["url"].get<std::string>().find(url_part) == std::string::npos)
        continue;
      json attach{{"targetId", t["targetId"]}, {"flatten", true}};
      const json a = co_await conn->send("Target.attachToTarget", std::move(attach));
      cdp::session s(conn, cdp::session_id{a["sessionId"].get<std::string>()});
      json eval{{"expression", expression}, {"returnByValue", true}};
      const json r = co_await s.send("Runtime.evaluate", std::move(eval));
      co_return r["result"]["value"];
    }
    co_return json::array();
  }(shared().browser->conn(), std::move(url_part), std::move(expression)));
}

/// The recorder's mousedowns in the cross-site (out-of-process) frame of frames.html.
json cross_frame_downs(layer& l) {
  return frame_eval(l, "localhost", "__footfallRecorder.events('mousedown')");
}

/// Takes from `events` the trusted press at (x - ox, y - oy) on `#id`; false when there is none.
bool take_press(json& events, const storage::action_row& a, double ox, double oy) {
  const auto id = last_id(a.element_selector.value_or(""));
  for (auto e = events.begin(); e != events.end(); ++e)
    if ((*e)["isTrusted"] == true && std::abs((*e)["clientX"].get<double>() + ox - *a.x) <= 1 &&
        std::abs((*e)["clientY"].get<double>() + oy - *a.y) <= 1 &&
        (*e)["target"].get<std::string>().ends_with("#" + id)) {
      events.erase(e);
      return true;
    }
  return false;
}

TEST_CASE(
    "page_agent: clicks inside same-origin and cross-site iframes are trusted and land where "
    "the row says") {
  layer l("/frames.html");
  const auto rows = click_around(l, 12);
  json top =
      l.eval("__footfallRecorder.events('mousedown').filter(e => e.page === '/frames.html')");
  json inner = l.eval(
      "document.getElementById('same').contentWindow.__footfallRecorder.events('mousedown')"
      ".filter(e => e.page === '/frames_inner.html')");
  json cross = cross_frame_downs(l);
  const auto all_events = top.size() + inner.size() + cross.size();
  // A frame's viewport starts at its box + border + padding (frames.html: left 40 / 520, top 100;
  // border 3, padding 5).
  int in_same = 0, in_cross = 0;
  for (const auto& a : rows) {
    const auto sel = a.element_selector.value_or("");
    CAPTURE(sel);
    const bool same = sel.starts_with("#same >>frame>> "),
               xsite = sel.starts_with("#cross >>frame>> ");
    json& events = same ? inner : xsite ? cross : top;
    const int ox = same ? 48 : xsite ? 528 : 0, oy = same || xsite ? 108 : 0;
    // Each row is one trusted press the right document saw at the row's point (consumed, so
    // two rows need two presses).
    bool found = false;
    for (auto e = events.begin(); e != events.end() && !found; ++e)
      if ((*e)["isTrusted"] == true && std::abs((*e)["clientX"].get<double>() + ox - *a.x) <= 1 &&
          std::abs((*e)["clientY"].get<double>() + oy - *a.y) <= 1 &&
          (*e)["target"].get<std::string>().ends_with("#" + last_id(sel))) {
        events.erase(e);
        found = true;
      }
    CHECK(found);
    in_same += same;
    in_cross += xsite;
  }
  CHECK(in_same >= 2);
  CHECK(in_cross >= 2);
  CHECK(all_events == rows.size());
  // A recorded selector through the cross-site frame finds its element again (replay).
  const auto again = l.run(l.agent->target("#cross >>frame>> #inner-b", .5, .5));
  REQUIRE(again);
  CHECK(again->in_frame);
  CHECK(again->selector == "#cross >>frame>> #inner-b");
  CHECK(again->at.x > 528);
}

TEST_CASE(
    "page_agent: frames nested in a cross-site frame — a same-origin child and a cross-site "
    "frame inside it — get trusted clicks where the row says, one >>frame>> per level") {
  layer l("/frames_nested.html");
  const auto rows = click_around(l, 16);
  json top = l.eval(
      "__footfallRecorder.events('mousedown').filter(e => e.page === '/frames_nested.html')");
  json outer = frame_eval(l, "localhost",
                          "__footfallRecorder.events('mousedown').filter(e => e.page === "
                          "'/frames_outer.html')");
  json same = frame_eval(l, "localhost",
                         "document.getElementById('same').contentWindow.__footfallRecorder"
                         ".events('mousedown').filter(e => e.page === '/frames_inner.html')");
  json deep = frame_eval(l, "127.0.0.1",
                         "__footfallRecorder.events('mousedown').filter(e => e.page === "
                         "'/frames_inner.html')");
  const auto all_events = top.size() + outer.size() + same.size() + deep.size();
  // Viewports: #outer at (40,100) + border 3 + padding 5; inside it #same at (20,60) and #deep
  // at (320,60), + border 2 each.
  int in_same = 0, in_deep = 0;
  for (const auto& a : rows) {
    const auto sel = a.element_selector.value_or("");
    CAPTURE(sel);
    const bool s = sel.starts_with("#outer >>frame>> #same >>frame>> #inner-"),
               d = sel.starts_with("#outer >>frame>> #deep >>frame>> #inner-"),
               o = !s && !d && sel.starts_with("#outer >>frame>> ");
    if (s || d) CHECK(count(sel, ">>frame>>") == 2);
    json& events = s ? same : d ? deep : o ? outer : top;
    const double ox = s ? 70 : d ? 370 : o ? 48 : 0, oy = s || d ? 170 : o ? 108 : 0;
    CHECK(take_press(events, a, ox, oy));
    in_same += s;
    in_deep += d;
  }
  CHECK(in_same >= 2);
  CHECK(in_deep >= 2);
  CHECK(all_events == rows.size());
  // Recorded selectors through two levels find their elements again (replay).
  for (const char* sel : {"#outer >>frame>> #deep >>frame>> #inner-b",
                          "#outer >>frame>> #same >>frame>> #inner-b"}) {
    const auto again = l.run(l.agent->target(sel, .5, .5));
    REQUIRE(again);
    CHECK(again->selector == sel);
    CHECK(again->in_frame);
    CHECK(again->at.y == doctest::Approx(170 + 100).epsilon(0.02));  // #inner-b: 80..120
  }
}

TEST_CASE(
    "page_agent: console errors, exceptions and failed requests inside a cross-site frame are "
    "the page's, in its counts and its trace, with the frame's URL") {
  layer l("/frame_errors.html", true);
  // footfall working in the frame's world (its count and pick) adds nothing of its own.
  const auto t = l.run(l.agent->pick(engine::pick_kind::click, 0.99, 0.5, 0.5));
  REQUIRE(t);
  // The frame's errors arrive as events; give them a moment.
  engine::page_facts f;
  for (int i = 0; i < 50; ++i) {
    f = l.run(l.agent->stats());
    if (f.console_errors >= 2 && f.failed_requests >= 1) break;
    l.run([]() -> boost::asio::awaitable<void> {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor,
                                      milliseconds(100));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }());
  }
  CHECK(f.console_errors == 2);  // console.error + the uncaught exception
  CHECK(f.failed_requests == 1);  // the frame's missing image
  l.finish();
  REQUIRE(!l.pages.empty());
  CHECK(l.pages.front().visit.console_errors == 2);
  CHECK(l.pages.front().visit.failed_requests == 1);
  // The default (failures) trace of a session that failed on this page lists them.
  storage::session_row row;
  row.status = storage::session_status::failed;
  const auto trace = l.tracer->finish(row);
  REQUIRE(trace);
  std::set<std::string> kinds;
  for (const auto& e : trace->errors) {
    CAPTURE(e.text);
    CAPTURE(e.url);
    CHECK(e.url.find("localhost") != std::string::npos);
    if (e.kind == "console") CHECK(e.text.find("frame console error") != std::string::npos);
    if (e.kind == "exception") CHECK(e.text.find("frame exception") != std::string::npos);
    if (e.kind == "network") CHECK(e.url.find("/missing-in-frame.png") != std::string::npos);
    if (e.kind != "network") CHECK(e.url.find("/frame_errors_inner.html") != std::string::npos);
    kinds.insert(e.kind);
  }
  CHECK(kinds == std::set<std::string>{"console", "exception", "network"});
  CHECK(trace->errors.size() == 3);
}

TEST_CASE("page_agent: clicks inside nested open shadow roots land on the element the row names") {
  layer l("/shadow.html");
  const auto rows = click_around(l, 8);
  const json downs = l.eval("__footfallRecorder.events('mousedown')");
  REQUIRE(downs.size() == rows.size());
  int deep = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto sel = rows[i].element_selector.value_or("");
    const auto& e = downs[i];
    CAPTURE(sel);
    CAPTURE(e.dump());
    CHECK(e["isTrusted"] == true);
    CHECK(std::abs(e["clientX"].get<double>() - *rows[i].x) <= 1);
    CHECK(std::abs(e["clientY"].get<double>() - *rows[i].y) <= 1);
    // What really received the press, through the shadow roots, is what the selector names.
    const auto got = e.value("deep", e["target"].get<std::string>());
    CHECK(count(got, ">>shadow>>") == count(sel, ">>shadow>>"));
    CHECK(got.ends_with("#" + last_id(sel)));
    if (count(sel, ">>shadow>>") == 2) ++deep;
  }
  CHECK(deep >= 1);
  // The decoy: the light DOM's #go and the one two roots deep are different targets.
  const auto real = l.run(l.agent->target("#outer >>shadow>> #inner-host >>shadow>> #go", .5, .5));
  const auto decoy = l.run(l.agent->target("#go", .5, .5));
  REQUIRE(real);
  REQUIRE(decoy);
  CHECK(real->in_shadow);
  CHECK(!decoy->in_shadow);
  CHECK(std::abs(real->at.y - decoy->at.y) > 40);
}

TEST_CASE(
    "actions: aim, then check — a button that moves under the pointer is pressed where it is") {
  layer l("/drag.html");
  const auto before = l.run(l.agent->target("#shifty", .5, .5));
  REQUIRE(before);
  l.run(engine::click(l.ctx(), "#shifty"));
  const auto rows = l.finish();
  CHECK(l.eval("!!document.getElementById('banner')") == true);  // it did move
  const json downs = l.eval("__footfallRecorder.events('mousedown')");
  REQUIRE(downs.size() == 1);
  CHECK(downs[0]["target"] == "button#shifty");
  const auto& click = rows.at(1);
  REQUIRE(click.type == storage::action_type::click);
  CHECK(click.element_selector == "#shifty");
  CHECK(std::abs(downs[0]["clientX"].get<double>() - *click.x) <= 1);
  CHECK(std::abs(downs[0]["clientY"].get<double>() - *click.y) <= 1);
  CHECK(*click.y > before->at.y + 40);  // re-aimed below the banner
}

TEST_CASE("actions: drag and drop reaches a real HTML5 drop zone and moves a range slider") {
  layer l("/drag.html");
  bool card = false, slider = false;
  for (int i = 0; i < 12 && !(card && slider); ++i) {
    l.run(engine::perform(l.ctx(), storage::action_type::drag_and_drop));
    card = l.eval("document.getElementById('dropped').textContent") == "dropped card";
    slider = l.eval("document.getElementById('volume').value") != "20";
  }
  CHECK(card);
  CHECK(slider);
  const auto rows = l.finish();
  std::set<std::string> drops;
  for (const auto& a : rows)
    if (a.type == storage::action_type::drag_and_drop) drops.insert(a.input_value.value_or(""));
  CHECK(drops.count("#dropzone") == 1);
  CHECK(drops.count("#volume") == 1);
  // Each drag row carries its input timing like a click: placement, approach path, press to
  // release, and the drag's own moves.
  for (const auto& a : rows) {
    if (a.type != storage::action_type::drag_and_drop) continue;
    REQUIRE(a.input_timing);
    const auto t = json::parse(*a.input_timing);
    CHECK(t["hold"].get<long>() >= 0);
    CHECK(t["fx"].get<double>() > 0);
    CHECK(t["path"]["points"].get<int>() >= 1);
    CHECK(t["drag"]["steps"] == 3);
    CHECK(t["drag"]["distance"].get<long>() > 0);
  }
  const json dropped = l.eval("__footfallRecorder.events('drop')");
  REQUIRE(!dropped.empty());
  for (const auto& e : dropped) CHECK(e["isTrusted"] == true);
}

namespace {

/// Every scroll the page saw came from a wheel event sent at most 1 s before it (issue 11).
void check_scrolls_have_input(const json& events) {
  std::optional<double> last_wheel;
  int scrolls = 0;
  for (const auto& e : events) {
    if (e["type"] == "wheel") {
      CHECK(e["isTrusted"] == true);
      last_wheel = e["t"].get<double>();
    }
    if (e["type"] != "scroll") continue;
    ++scrolls;
    CAPTURE(e.dump());
    REQUIRE(last_wheel);
    CHECK(e["t"].get<double>() - *last_wheel < 1000);
  }
  CHECK(scrolls > 0);
}

}  // namespace

TEST_CASE(
    "actions: a target inside a scroll container below the fold is wheeled into view — the page, "
    "then the container — and never jumped to") {
  layer l("/scrollers.html");
  l.run(engine::click(l.ctx(), "#deep"));
  const auto rows = l.finish();
  const json ev = l.eval("__footfallRecorder.events()");
  check_scrolls_have_input(ev);
  // The page scrolled, and so did the box under the pointer.
  std::set<std::string> scrolled;
  std::vector<json> wheels, downs;
  for (const auto& e : ev) {
    if (e["type"] == "scroll") scrolled.insert(e["target"].get<std::string>());
    if (e["type"] == "wheel") wheels.push_back(e);
    if (e["type"] == "mousedown") downs.push_back(e);
  }
  CHECK(scrolled.count("#document") == 1);
  CHECK(scrolled.count("div#box") == 1);
  REQUIRE(downs.size() == 1);
  CHECK(downs[0]["target"] == "button#deep");
  // One scroll_to_element row per wheel event (pace 0), naming the target, at the wheel's point.
  std::vector<const storage::action_row*> reveals;
  for (const auto& a : rows)
    if (a.type == storage::action_type::scroll_to_element) reveals.push_back(&a);
  REQUIRE(reveals.size() == wheels.size());
  CHECK(reveals.size() >= 2);
  for (std::size_t i = 0; i < reveals.size(); ++i) {
    CHECK(reveals[i]->element_selector == "#deep");
    CHECK(std::abs(wheels[i]["clientX"].get<double>() - *reveals[i]->x) <= 1);
    CHECK(std::abs(wheels[i]["clientY"].get<double>() - *reveals[i]->y) <= 1);
    CHECK(wheels[i]["deltaY"].get<double>() == doctest::Approx(std::stod(*reveals[i]->input_value)));
    REQUIRE(reveals[i]->input_timing);
    CHECK(json::parse(*reveals[i]->input_timing)["deltas"].size() == 1);
  }
  // The last wheel went to the box: the pointer was over it.
  CHECK(wheels.back()["target"].get<std::string>() != "html");
}

TEST_CASE("actions: a button far down a same-origin frame's own document is wheeled into view") {
  layer l("/scrollers.html");
  l.run(engine::click(l.ctx(), "iframe#f >>frame>> #inner"));
  const auto rows = l.finish();
  check_scrolls_have_input(l.eval("__footfallRecorder.events()"));
  const json inner = l.eval(
      "document.getElementById('f').contentWindow.__footfallRecorder.events()");
  check_scrolls_have_input(inner);
  std::vector<json> downs;
  for (const auto& e : inner)
    if (e["type"] == "mousedown") downs.push_back(e);
  REQUIRE(downs.size() == 1);
  CHECK(downs[0]["target"] == "button#inner");
  CHECK(std::count_if(rows.begin(), rows.end(), [](const auto& a) {
          return a.type == storage::action_type::scroll_to_element;
        }) >= 2);
}

TEST_CASE("actions: a target that no wheel can bring into view fails clearly, after bounded tries") {
  layer l("/scrollers.html");
  // Scrolling is switched off: the wheel moves nothing, so the target stays out of view.
  l.eval("document.documentElement.style.overflow = 'hidden'; 1");
  CHECK_THROWS_WITH_AS(l.run(engine::click(l.ctx(), "iframe#f")),
                       doctest::Contains("still out of view after"), cdp::element_not_found);
  const auto rows = l.finish();
  CHECK(std::count_if(rows.begin(), rows.end(), [](const auto& a) {
          return a.type == storage::action_type::scroll_to_element;
        }) == engine::max_reveal_gestures);
}

TEST_CASE("actions: a hover row carries its input timing (placement and pointer path)") {
  layer l("/scrollers.html");
  l.run(engine::hover(l.ctx(), "#title"));
  const auto rows = l.finish();
  const auto hover = std::find_if(rows.begin(), rows.end(), [](const auto& a) {
    return a.type == storage::action_type::hover;
  });
  REQUIRE(hover != rows.end());
  REQUIRE(hover->input_timing);
  const auto t = json::parse(*hover->input_timing);
  CHECK(t["fx"].get<double>() > 0);
  CHECK(t["fx"].get<double>() < 1);
  CHECK(t["path"]["points"] == 1);  // pace 0: one move
  CHECK(!t.contains("hold"));
  CHECK(l.eval("__footfallRecorder.count('mousemove')").get<int>() >= 1);
}
