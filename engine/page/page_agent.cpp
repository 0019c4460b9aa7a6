// The page agent: the isolated world, typed calls into the page script, CDP event counters.
#include "engine/page/page_agent.hpp"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cdp/input_burst.hpp"
#include "engine/page/base64.hpp"
#include "engine/page/page_agent_internal.hpp"
#include "engine/page/page_script.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using agent_detail::frame_box;
using agent_detail::frame_world;
using nlohmann::json;

namespace {

std::optional<double> opt_number(const json& j, const char* key) {
  if (auto it = j.find(key); it != j.end() && it->is_number()) return it->get<double>();
  return std::nullopt;
}

std::string str(const json& j, const char* key) {
  if (auto it = j.find(key); it != j.end() && it->is_string()) return it->get<std::string>();
  return {};
}

bool mentions(const std::exception& e, const char* what) {
  return std::string_view(e.what()).find(what) != std::string_view::npos;
}

}  // namespace

namespace agent_detail {

std::optional<element_target> parse_target(const json& j) {
  if (!j.is_object() || j.contains("none") || !j.contains("x")) return std::nullopt;
  element_target t;
  t.selector = str(j, "selector");
  t.text = str(j, "text");
  t.tag = str(j, "tag");
  t.type = str(j, "type");
  t.name = str(j, "name");
  t.autocomplete = str(j, "autocomplete");
  t.at = {j["x"].get<double>(), j.value("y", 0.0)};
  t.width = j.value("w", 0.0);
  t.height = j.value("h", 0.0);
  t.scroll_by = point_of(j.value("scroll_by", json()));
  t.wheel_at = point_of(j.value("over", json()));
  t.dismiss = j.value("dismiss", false);
  t.secret = j.value("secret", false);
  t.in_frame = j.value("frame", false);
  t.in_shadow = j.value("shadow", false);
  if (auto o = j.find("options"); o != j.end() && o->is_array())
    t.options = o->get<std::vector<std::string>>();
  t.selected = j.value("selected", 0);
  if (auto to = j.find("to"); to != j.end() && to->is_array() && to->size() == 2)
    t.drag_to = cdp::point{(*to)[0].get<double>(), (*to)[1].get<double>()};
  t.drop_selector = str(j, "toSelector");
  return t;
}

std::optional<cdp::point> point_of(const json& j) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number())
    return std::nullopt;
  return cdp::point{j[0].get<double>(), j[1].get<double>()};
}

const char* kind_name(pick_kind k) {
  // In pick_kind's order.
  static constexpr const char* names[] = {"click",  "hover", "type",     "clear",
                                          "select", "drag",  "scroll_to"};
  return names[static_cast<int>(k)];
}

/// Runtime.callFunctionOn's value; javascript_error when the function threw.
json result_value(json& r) {
  if (auto ex = r.find("exceptionDetails"); ex != r.end()) {
    std::string text = ex->value("text", std::string("exception"));
    if (auto e = ex->find("exception"); e != ex->end())
      text = e->value("description", e->value("value", json(text)).dump());
    throw cdp::javascript_error(text);
  }
  auto& res = r["result"];
  if (auto v = res.find("value"); v != res.end()) return std::move(*v);
  return nullptr;
}

asio::awaitable<long> context_of(std::shared_ptr<frame_world> w) {
  if (w->context) co_return *w->context;
  // Not reported (yet), or an out-of-process frame's: ask for it. Same name, same world as the
  // script's, where the script ran at document start.
  json args{{"frameId", w->frame_id}, {"worldName", std::string(page_world_name())}};
  const json r = co_await w->session.send("Page.createIsolatedWorld", std::move(args));
  w->context = r.at("executionContextId").get<long>();
  co_return *w->context;
}

asio::awaitable<json> call_in(std::shared_ptr<frame_world> w, script_function f, json args,
                              bool settle, std::optional<cdp::point> pointer) {
  if (args.size() != f.args)  // the contract (page_script_api.hpp) broken on the C++ side: a bug
    throw std::logic_error(std::string("__ff.") + f.name + " takes " + std::to_string(f.args) +
                           " arguments, called with " + std::to_string(args.size()));
  const std::string method = f.name;
  const std::string fn = settle ? std::string("function(p,...a){__ff.pointer(p);return "
                                              "__ff.settle().then(() => __ff.") +
                                      method + "(...a))}"
                                : std::string("function(p,...a){__ff.pointer(p);return __ff.") +
                                      method + "(...a)}";
  json arguments = json::array();
  arguments.push_back(pointer ? json{{"value", json::array({pointer->x, pointer->y})}}
                              : json{{"value", nullptr}});
  for (auto& v : args) arguments.push_back(json{{"value", std::move(v)}});
  for (int attempt = 0;; ++attempt) {
    const long ctx = co_await context_of(w);
    json params{{"functionDeclaration", fn},
                {"executionContextId", ctx},
                {"arguments", arguments},
                {"returnByValue", true},
                {"awaitPromise", true}};
    try {
      json r = co_await w->session.send("Runtime.callFunctionOn", std::move(params));
      co_return result_value(r);
    } catch (const cdp::protocol_error& e) {
      // The document (and its world) went away between the event and the call.
      if (attempt > 0 || !mentions(e, "context")) throw;
      w->context.reset();
      continue;
    } catch (const cdp::javascript_error& e) {
      if (attempt > 0 || !mentions(e, "__ff is not defined")) throw;
    }
    // A world made by Page.createIsolatedWorld for a document that began before the script was
    // registered (the first about:blank, an out-of-process frame) has no agent yet: install it
    // there (not in a handler: no co_await in a catch block).
    json install{{"expression", std::string(page_script())}, {"contextId", ctx}};
    co_await w->session.send("Runtime.evaluate", std::move(install));
  }
}

}  // namespace agent_detail

using namespace agent_detail;

namespace {

page_facts parse_facts(const json& j, const page_agent::state& st) {
  page_facts f;
  if (j.is_object()) {
    f.url = str(j, "url");
    f.title = str(j, "title");
    f.scroll_depth_percent = std::clamp(j.value("depth", 0), 0, 100);
    f.ttfb_ms = opt_number(j, "ttfb");
    f.dom_content_loaded_ms = opt_number(j, "dcl");
    f.load_ms = opt_number(j, "load");
    f.height = j.value("height", 0);
    f.scroll_y = j.value("scrollY", 0);
    f.viewport_height = j.value("vh", 0);
    if (auto w = j.find("webdriver"); w != j.end() && w->is_boolean()) f.webdriver = w->get<bool>();
    if (auto e = j.find("embedder"); e != j.end() && e->is_number())
      f.embedder_tells = std::clamp(e->get<double>(), 0.0, 1.0);
  }
  f.console_errors = st.console_errors;
  f.failed_requests = st.failed_requests + (j.is_object() && j.value("status", 0) >= 400 ? 1 : 0);
  if (st.health && j.is_object())
    if (auto report = parse_timing_report(j)) {
      report->ttfb_ms = f.ttfb_ms;
      f.vitals = st.health->vitals(*report);
    }
  return f;
}

}  // namespace

// Console errors: console.error/assert, uncaught exceptions and rejections, and browser-side
// errors (CSP, security...). Failed requests: the Log domain's network errors (HTTP status >= 400
// and network failures of subresources; the main document's own status comes from the page's
// navigation timing): the counts work with page health off too, where Network is not enabled.
// (Enabled with response bodies buffered, the Network domain once cost bench/sessions a third of
// its throughput and 200 MiB of Chromium memory; page health enables it with 1-byte buffers,
// measured at +1 % of Chromium's CPU: README "Page health".)
// Out-of-process frames report on their own sessions (page_agent_frames.cpp): same counters.
void agent_detail::count_errors(std::weak_ptr<page_agent::state> weak, const cdp::session& s,
                                std::weak_ptr<frame_world> world,
                                std::vector<cdp::subscription>& subs) {
  subs.push_back(s.subscribe("Runtime.consoleAPICalled", [weak](const json& p) {
    const auto type = p.value("type", std::string());
    if (auto st = weak.lock(); st && (type == "error" || type == "assert")) ++st->console_errors;
  }));
  subs.push_back(s.subscribe("Runtime.exceptionThrown", [weak, world](const json& p) {
    // Not the page's error when it was thrown in footfall's own world.
    const auto ctx = p.value("exceptionDetails", json::object()).value("executionContextId", 0L);
    auto w = world.lock();
    if (auto st = weak.lock(); st && !(w && w->context && *w->context == ctx))
      ++st->console_errors;
  }));
  subs.push_back(s.subscribe("Log.entryAdded", [weak](const json& p) {
    auto st = weak.lock();
    const auto& e = p.value("entry", json::object());
    if (!st || e.value("level", std::string()) != "error") return;
    const auto source = e.value("source", std::string());
    if (source == "network") {
      if (e.value("url", std::string()) != st->document_url) ++st->failed_requests;
    } else if (source != "javascript") {  // javascript: already an exceptionThrown
      ++st->console_errors;
    }
  }));
}

namespace {

// A new main-frame document: its counters start at zero when it commits.
void reset_on_navigation(std::weak_ptr<page_agent::state> weak, const cdp::session& s,
                         std::vector<cdp::subscription>& subs) {
  subs.push_back(s.subscribe("Page.frameNavigated", [weak](const json& p) {
    auto st = weak.lock();
    const auto& f = p.value("frame", json::object());
    if (!st || f.contains("parentId")) return;
    st->console_errors = 0;
    st->failed_requests = 0;
    st->document_url = f.value("url", std::string());
  }));
}

// The world's execution context in the main frame, as Chromium reports it (Runtime.enable).
void track_context(std::weak_ptr<page_agent::state> weak, const cdp::session& s,
                   std::vector<cdp::subscription>& subs) {
  subs.push_back(s.subscribe("Runtime.executionContextCreated", [weak](const json& p) {
    auto st = weak.lock();
    const auto& c = p.value("context", json::object());
    const auto& aux = c.value("auxData", json::object());
    if (st && c.value("name", std::string()) == page_world_name() &&
        aux.value("frameId", std::string()) == st->main.frame_id)
      st->main.context = c.value("id", 0L);
  }));
  subs.push_back(s.subscribe("Runtime.executionContextDestroyed", [weak](const json& p) {
    auto st = weak.lock();
    if (st && st->main.context == p.value("executionContextId", 0L)) st->main.context.reset();
  }));
  subs.push_back(s.subscribe("Runtime.executionContextsCleared", [weak](const json&) {
    if (auto st = weak.lock()) st->main.context.reset();
  }));
}

}  // namespace

namespace {

// Events (Runtime.enable, Log.enable) and the script in its world for every new document.
// Out-of-process iframes are attached by cdp/ (paused, given the page's user agent and the
// frame commands, then run: cdp/target_setup.cpp); the agent notes their sessions and counts
// their errors (page_agent_frames.cpp) and gives each footfall's world on demand.
// With page health, an out-of-process frame's Network too: its requests are its own session's.
std::vector<cdp::burst_command> frame_commands(bool health) {
  std::vector<cdp::burst_command> cmds;
  cmds.push_back({"Runtime.enable", json::object()});
  cmds.push_back({"Log.enable", json::object()});
  if (health) cmds.push_back(page_health::network_enable_command());
  return cmds;
}

std::vector<cdp::burst_command> setup_commands(bool health) {
  auto cmds = frame_commands(false);
  if (health)  // before the first navigation: its document's requests and paints count
    for (auto& c : page_health::enable_commands()) cmds.push_back(std::move(c));
  // With page health, the same script observes interactions and paints (page_health.hpp); the
  // switch travels in the script's own source so it is set before the script runs.
  std::string source = health ? std::string(page_health::world_switch_script()) + "\n" : "";
  source += page_script();
  cmds.push_back({"Page.addScriptToEvaluateOnNewDocument",
                  {{"source", std::move(source)}, {"worldName", std::string(page_world_name())}}});
  return cmds;
}

}  // namespace

page_agent::page_agent(cdp::page p) : page_(std::move(p)), state_(std::make_shared<state>()) {}
page_agent::~page_agent() = default;

asio::awaitable<std::shared_ptr<page_agent>> page_agent::install(
    cdp::page p, bool page_health, std::unique_ptr<request_feed> carried) {
  std::shared_ptr<page_agent> a(new page_agent(p));
  const auto& s = p.session();
  a->state_->main.session = s;
  a->state_->page = p;
  // A page target's main frame has the target's id (Chromium uses the frame's DevTools token for
  // both), so no Page.getFrameTree round trip is needed.
  a->state_->main.frame_id = p.target().value;
  auto& st = *a->state_;
  count_errors(a->state_, s, std::shared_ptr<frame_world>(a->state_, &st.main), st.subscriptions);
  reset_on_navigation(a->state_, s, st.subscriptions);
  track_context(a->state_, s, st.subscriptions);
  if (page_health) {
    st.health = std::make_unique<engine::page_health>(s, st.main.frame_id, std::move(carried));
    // A popup's requests from its first document on: Network in its paused set-up burst, and
    // its own log, subscribed before it runs (its visit takes them: popup_requests).
    const auto c = page_health::network_enable_command();
    p.add_popup_setup(c.method, c.params);
    p.on_popup([weak = std::weak_ptr<state>(a->state_)](const cdp::session& ps,
                                                        const cdp::target_id& t) {
      if (auto st = weak.lock(); st && st->health) st->health->watch_popup(ps, t);
    });
  }
  // Frames cdp/ attaches from now on get the event domains in their paused set-up burst; those
  // already running (a popup's, attached before its agent) get them now.
  const auto running = p.children();
  for (auto& c : frame_commands(page_health)) p.add_frame_setup(c.method, std::move(c.params));
  watch_out_of_process_frames(a->state_);
  // One round trip for the whole setup: Chromium handles a session's commands in order.
  co_await cdp::send_burst(s, setup_commands(page_health));
  for (const auto& c : running)
    if (c.type == "iframe") {
      if (st.health) st.health->watch_frame(c.session);
      co_await cdp::send_burst(c.session, frame_commands(page_health));
    }
  co_return a;
}

asio::awaitable<json> page_agent::call(script_function method, json args) {
  auto st = state_;
  st->last_world.reset();
  const bool settle = std::exchange(settle_, false);
  const auto& m = page_.mouse().position;
  co_return co_await call_in(std::shared_ptr<frame_world>(st, &st->main), method, std::move(args),
                             settle, cdp::point{m.x, m.y});
}

asio::awaitable<arrival> page_agent::arrive() {
  const json j = co_await call(script_api::arrive, json::array());
  arrival a;
  a.facts = parse_facts(j, *state_);
  for (const auto& l : j.value("links", json::array()))
    if (l.is_array() && l.size() == 2 && l[0].is_string())
      a.links.push_back({l[0].get<std::string>(), l[1].get<bool>()});
  co_return a;
}

asio::awaitable<std::optional<element_target>> page_agent::pick(pick_kind kind, double u1,
                                                                double u2, double u3) {
  auto st = state_;
  if (st->oopifs.empty() || kind == pick_kind::scroll_to) {
    json args = json::array({kind_name(kind), u1, u2, u3});
    const json j = co_await call(script_api::pick, std::move(args));
    co_return parse_target(j);
  }
  co_return co_await pick_across_frames(kind, u1, u2, u3);
}

asio::awaitable<std::optional<element_target>> page_agent::target(std::string selector, double u2,
                                                                  double u3, bool avoid_nav) {
  json args = json::array({selector, u2, u3, avoid_nav});
  auto t = parse_target(co_await call(script_api::target, std::move(args)));
  if (!t && !state_->oopifs.empty() && selector.find(" >>frame>> ") != std::string::npos)
    t = co_await target_in_frames(selector, u2, u3, avoid_nav);
  co_return t;
}

asio::awaitable<departure> page_agent::depart(std::vector<int> link_indexes, double u2, double u3) {
  json args = json::array({link_indexes, u2, u3});
  const json j = co_await call(script_api::depart, std::move(args));
  co_return departure{parse_facts(j, *state_), parse_target(j.value("target", json()))};
}

asio::awaitable<departure> page_agent::depart_to(std::string selector, double u2, double u3) {
  json args = json::array({selector, u2, u3});
  const json j = co_await call(script_api::depart_to, std::move(args));
  co_return departure{parse_facts(j, *state_), parse_target(j.value("target", json()))};
}

asio::awaitable<page_facts> page_agent::stats() {
  const json j = co_await call(script_api::stats, json::array());
  co_return parse_facts(j, *state_);
}

asio::awaitable<void> page_agent::loaded() { co_await call(script_api::loaded, json::array()); }

asio::awaitable<hit_check> page_agent::check(cdp::point at, double u2, double u3) {
  if (state_->last_world) co_return co_await check_in_frame(at, u2, u3);
  json args = json::array({at.x, at.y, u2, u3});
  const json j = co_await call(script_api::check, std::move(args));
  hit_check h;
  h.ok = j.value("ok", false);
  h.hit = parse_target(j.value("hit", json()));
  h.again = parse_target(j.value("again", json()));
  co_return h;
}

asio::awaitable<focused_element> page_agent::active() {
  const json j = co_await call(script_api::active, json::array());
  co_return focused_element{str(j, "selector"), str(j, "text")};
}

std::vector<cdp::request_record> page_agent::take_requests() {
  return state_->health ? state_->health->take_requests() : std::vector<cdp::request_record>{};
}

popup_requests page_agent::popup_requests_of(cdp::target_id t) const {
  popup_requests c;
  c.opener_ = state_;
  c.target_ = std::move(t);
  return c;
}

std::unique_ptr<request_feed> popup_requests::release() {
  const auto st = opener_.lock();
  return st && st->health ? st->health->release_popup(target_) : nullptr;
}

bool page_agent::page_health_on() const { return state_->health != nullptr; }

asio::awaitable<std::string> page_agent::fetch_outside_page(std::string url) {
  auto st = state_;
  if (st->health) st->health->ignore_url(url);  // footfall's fetch, not the page's request
  const auto& s = page_.session();
  json args{{"frameId", st->main.frame_id},
            {"url", url},
            {"options", {{"disableCache", true}, {"includeCredentials", false}}}};
  std::string body;
  try {
    const json r = co_await s.send("Network.loadNetworkResource", std::move(args));
    const auto& res = r.value("resource", json::object());
    if (!res.value("success", false) || res.value("httpStatusCode", 0) >= 400 ||
        !res.contains("stream"))
      co_return body;
    const std::string handle = res["stream"].get<std::string>();
    for (int chunk = 0; chunk < 64; ++chunk) {  // robots.txt files are small; 64 x 64 KiB cap
      json read{{"handle", handle}, {"size", 65536}};
      const json d = co_await s.send("IO.read", std::move(read));
      const auto data = d.value("data", std::string());
      body += d.value("base64Encoded", false) ? base64_decode(data) : data;
      if (d.value("eof", true)) break;
    }
    json close{{"handle", handle}};
    co_await s.send("IO.close", std::move(close));
  } catch (const cdp::error& e) {
    spdlog::warn("fetching {} outside the page failed: {}", url, e.what());
    body.clear();
  }
  co_return body;
}

}  // namespace footfall::engine
