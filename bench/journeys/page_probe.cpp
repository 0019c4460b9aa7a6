#include "journeys/page_probe.hpp"

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace footfall::bench {

namespace fs = std::filesystem;

struct page_probe::state {
  std::mutex m;
  std::vector<page_event> events;
  std::string top_host;  ///< "127.0.0.1:PORT"
};

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The page with the probe as the first script of its head (before recorder.js and the page's
/// own scripts), or at the very start when it has no <head>.
std::string with_probe(std::string html) {
  static const std::string tag = "<script src=\"/__journeys/probe.js\"></script>";
  const auto head = html.find("<head>");
  if (head == std::string::npos) return tag + html;
  return html.insert(head + 6, tag);
}

page_event parse_event(const nlohmann::json& j, const std::string& top_host) {
  page_event e;
  e.type = j.value("type", std::string());
  e.trusted = j.value("trusted", false);
  e.top = j.value("top", true);
  e.cross_site = !e.top && j.value("host", std::string()) != top_host;
  e.shadow = j.value("shadow", false);
  e.secret = j.value("secret", false);
  e.frame = j.value("frame", std::string());
  e.target = j.value("target", std::string());
  return e;
}

}  // namespace

page_probe::page_probe(test::http_server& site, const fs::path& probe_js)
    : state_(std::make_shared<state>()) {
  state_->top_host = "127.0.0.1:" + std::to_string(site.port());
  const std::string probe = read_file(probe_js);
  site.handle("/__journeys/probe.js", [probe](const test::http_request&) {
    test::http_response r;
    r.content_type = "text/javascript; charset=utf-8";
    r.body = probe;
    return r;
  });
  std::weak_ptr<state> weak = state_;
  site.handle("/__journeys/sink", [weak](const test::http_request& req) {
    test::http_response r;
    r.status = 200;
    auto st = weak.lock();
    const auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (!st || j.is_discarded()) return r;
    std::lock_guard lock(st->m);
    st->events.push_back(parse_event(j, st->top_host));
    return r;
  });
  for (const auto& f : fs::directory_iterator(test::http_server::default_root())) {
    if (f.path().extension() != ".html") continue;
    const std::string page = with_probe(read_file(f.path()));
    site.handle("/" + f.path().filename().string(), [page](const test::http_request&) {
      test::http_response r;
      r.body = page;
      return r;
    });
  }
}

void page_probe::clear() {
  std::lock_guard lock(state_->m);
  state_->events.clear();
}

std::vector<page_event> page_probe::events() const {
  std::lock_guard lock(state_->m);
  return state_->events;
}

page_tally tally(const std::vector<page_event>& events) {
  page_tally t;
  for (const auto& e : events) {
    if (!e.trusted) {
      ++t.untrusted;
      continue;
    }
    if (e.type == "mousedown") {
      ++t.presses;
      t.in_frames += !e.top;
      t.cross_site += e.cross_site;
      t.in_shadow += e.shadow;
    } else if (e.type == "keydown") {
      ++t.keys;
      t.secret_keys += e.secret;
    } else if (e.type == "drop") {
      ++t.drops;
    } else if (e.type == "change") {
      ++t.range_changes;
    }
  }
  return t;
}

}  // namespace footfall::bench
