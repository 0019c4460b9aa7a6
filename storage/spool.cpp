#include "storage/spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace footfall::storage {
namespace {
using nlohmann::json;

// Time points travel as integer nanoseconds since the epoch: exact round trip.
std::int64_t ns(time_point t) { return t.time_since_epoch().count(); }
time_point tp(std::int64_t n) { return time_point(time_point::duration(n)); }

template <class T>
void put(json& j, const char* k, const std::optional<T>& v) {
  if (v) j[k] = *v;
}
template <class T>
std::optional<T> get(const json& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}
void put_time(json& j, const char* k, const std::optional<time_point>& v) {
  if (v) j[k] = ns(*v);
}
std::optional<time_point> get_time(const json& j, const char* k) {
  auto v = get<std::int64_t>(j, k);
  return v ? std::optional<time_point>(tp(*v)) : std::nullopt;
}
uuid get_uuid(const json& j, const char* k) {
  auto u = uuid::parse(j.at(k).get<std::string>());
  if (!u) throw std::invalid_argument(std::string("spool: bad uuid in ") + k);
  return *u;
}

json session_json(const session_row& s) {
  json j{{"id", s.id.str()}, {"campaign_id", s.campaign_id.str()},
         {"persona_id", s.persona_id.str()}, {"session_index", s.session_index},
         {"status", to_string(s.status)}, {"start_url", s.start_url},
         {"user_agent", s.user_agent}, {"viewport_width", s.viewport_width},
         {"viewport_height", s.viewport_height}, {"pages_visited", s.pages_visited},
         {"total_actions", s.total_actions}, {"created_at", ns(s.created_at)}};
  put(j, "session_duration_ms", s.session_duration_ms);
  put(j, "error_message", s.error_message);
  put(j, "screenshot_path", s.screenshot_path);
  put_time(j, "started_at", s.started_at);
  put_time(j, "completed_at", s.completed_at);
  if (s.attempt) j["attempt"] = s.attempt;
  if (s.text_repairs) j["text_repairs"] = s.text_repairs;
  return j;
}

session_row session_from(const json& j) {
  session_row s;
  s.id = get_uuid(j, "id");
  s.campaign_id = get_uuid(j, "campaign_id");
  s.persona_id = get_uuid(j, "persona_id");
  s.session_index = j.at("session_index");
  s.status = parse_session_status(j.at("status").get<std::string>()).value();
  s.start_url = j.at("start_url");
  s.user_agent = j.at("user_agent");
  s.viewport_width = j.at("viewport_width");
  s.viewport_height = j.at("viewport_height");
  s.pages_visited = j.at("pages_visited");
  s.total_actions = j.at("total_actions");
  s.created_at = tp(j.at("created_at"));
  s.session_duration_ms = get<int>(j, "session_duration_ms");
  s.error_message = get<std::string>(j, "error_message");
  s.screenshot_path = get<std::string>(j, "screenshot_path");
  s.started_at = get_time(j, "started_at");
  s.completed_at = get_time(j, "completed_at");
  s.attempt = get<int>(j, "attempt").value_or(0);
  s.text_repairs = get<int>(j, "text_repairs").value_or(0);
  return s;
}

json page_json(const page_record& p) {
  const auto& v = p.visit;
  json j{{"id", v.id.str()}, {"session_id", v.session_id.str()}, {"url", v.url},
         {"title", v.title}, {"visit_order", v.visit_order}, {"arrived_at", ns(v.arrived_at)},
         {"actions_count", v.actions_count}, {"scroll_depth_percent", v.scroll_depth_percent},
         {"console_errors", v.console_errors}, {"failed_requests", v.failed_requests},
         {"saturated", v.saturated}};
  put_time(j, "left_at", v.left_at);
  put(j, "ttfb_ms", v.ttfb_ms);
  put(j, "dom_content_loaded_ms", v.dom_content_loaded_ms);
  put(j, "load_ms", v.load_ms);
  if (v.attempt) j["attempt"] = v.attempt;
  put(j, "navigation_kind", v.navigation_kind);
  if (v.text_repairs) j["text_repairs"] = v.text_repairs;
  auto& acts = j["actions"] = json::array();
  for (const auto& a : p.actions) {
    json x{{"id", a.id.str()}, {"type", to_string(a.type)}, {"timestamp", ns(a.timestamp)},
           {"action_order", a.action_order}, {"duration_ms", a.duration_ms}};
    put(x, "start_lag_ms", a.start_lag_ms);
    put(x, "element_selector", a.element_selector);
    put(x, "element_text", a.element_text);
    put(x, "x", a.x);
    put(x, "y", a.y);
    put(x, "input_value", a.input_value);
    put(x, "navigation_kind", a.navigation_kind);
    put(x, "input_timing", a.input_timing);
    acts.push_back(std::move(x));
  }
  put(j, "lcp_ms", v.lcp_ms);
  put(j, "cls", v.cls);
  put(j, "inp_ms", v.inp_ms);
  put(j, "fcp_ms", v.fcp_ms);
  put(j, "request_count", v.request_count);
  if (!p.requests.empty()) {
    auto& reqs = j["requests"] = json::array();
    for (const auto& r : p.requests) {
      json x{{"id", r.id.str()}, {"request_order", r.request_order}, {"url", r.url},
             {"method", r.method}, {"resource_type", r.resource_type}, {"failed", r.failed},
             {"canceled", r.canceled}, {"from_cache", r.from_cache},
             {"started_at", ns(r.started_at)}, {"duration_ms", r.duration_ms}};
      put(x, "status", r.status);
      put(x, "error_text", r.error_text);
      put(x, "encoded_bytes", r.encoded_bytes);
      put(x, "mime_type", r.mime_type);
      put(x, "protocol", r.protocol);
      put(x, "redirect_url", r.redirect_url);
      put(x, "blocked_ms", r.blocked_ms);
      put(x, "dns_ms", r.dns_ms);
      put(x, "connect_ms", r.connect_ms);
      put(x, "ssl_ms", r.ssl_ms);
      put(x, "send_ms", r.send_ms);
      put(x, "wait_ms", r.wait_ms);
      put(x, "receive_ms", r.receive_ms);
      reqs.push_back(std::move(x));
    }
  }
  return j;
}

page_record page_from(const json& j) {
  page_record p;
  auto& v = p.visit;
  v.id = get_uuid(j, "id");
  v.session_id = get_uuid(j, "session_id");
  v.url = j.at("url");
  v.title = j.at("title");
  v.visit_order = j.at("visit_order");
  v.arrived_at = tp(j.at("arrived_at"));
  v.actions_count = j.at("actions_count");
  v.scroll_depth_percent = j.at("scroll_depth_percent");
  v.console_errors = j.at("console_errors");
  v.failed_requests = j.at("failed_requests");
  v.saturated = j.value("saturated", false);  // spools written before migration 0021
  v.left_at = get_time(j, "left_at");
  v.ttfb_ms = get<double>(j, "ttfb_ms");
  v.dom_content_loaded_ms = get<double>(j, "dom_content_loaded_ms");
  v.load_ms = get<double>(j, "load_ms");
  v.attempt = get<int>(j, "attempt").value_or(0);
  v.navigation_kind = get<std::string>(j, "navigation_kind");
  v.text_repairs = get<int>(j, "text_repairs").value_or(0);
  for (const auto& x : j.at("actions")) {
    action_row a;
    a.id = get_uuid(x, "id");
    a.page_visit_id = v.id;
    a.page_arrived_at = v.arrived_at;
    a.type = parse_action_type(x.at("type").get<std::string>()).value();
    a.timestamp = tp(x.at("timestamp"));
    a.action_order = x.at("action_order");
    a.duration_ms = x.at("duration_ms");
    a.start_lag_ms = get<int>(x, "start_lag_ms");
    a.element_selector = get<std::string>(x, "element_selector");
    a.element_text = get<std::string>(x, "element_text");
    a.x = get<int>(x, "x");
    a.y = get<int>(x, "y");
    a.input_value = get<std::string>(x, "input_value");
    a.navigation_kind = get<std::string>(x, "navigation_kind");
    a.input_timing = get<std::string>(x, "input_timing");
    p.actions.push_back(std::move(a));
  }
  // Spools written before migration 0105 have none of these.
  v.lcp_ms = get<double>(j, "lcp_ms");
  v.cls = get<double>(j, "cls");
  v.inp_ms = get<double>(j, "inp_ms");
  v.fcp_ms = get<double>(j, "fcp_ms");
  v.request_count = get<int>(j, "request_count");
  if (auto it = j.find("requests"); it != j.end())
    for (const auto& x : *it) {
      request_row r;
      r.id = get_uuid(x, "id");
      r.page_visit_id = v.id;
      r.page_arrived_at = v.arrived_at;
      r.request_order = x.at("request_order");
      r.url = x.at("url");
      r.method = x.at("method");
      r.resource_type = x.at("resource_type");
      r.failed = x.at("failed");
      r.canceled = x.at("canceled");
      r.from_cache = x.at("from_cache");
      r.started_at = tp(x.at("started_at"));
      r.duration_ms = x.at("duration_ms");
      r.status = get<int>(x, "status");
      r.error_text = get<std::string>(x, "error_text");
      r.encoded_bytes = get<std::int64_t>(x, "encoded_bytes");
      r.mime_type = get<std::string>(x, "mime_type");
      r.protocol = get<std::string>(x, "protocol");
      r.redirect_url = get<std::string>(x, "redirect_url");
      r.blocked_ms = get<double>(x, "blocked_ms");
      r.dns_ms = get<double>(x, "dns_ms");
      r.connect_ms = get<double>(x, "connect_ms");
      r.ssl_ms = get<double>(x, "ssl_ms");
      r.send_ms = get<double>(x, "send_ms");
      r.wait_ms = get<double>(x, "wait_ms");
      r.receive_ms = get<double>(x, "receive_ms");
      p.requests.push_back(std::move(r));
    }
  return p;
}

}  // namespace

namespace detail {

std::pair<uuid, int> fencing_token(const item& i) {
  if (auto* p = std::get_if<page_record>(&i)) return {p->visit.session_id, p->visit.attempt};
  const auto& s = std::get<session_row>(i);
  return {s.id, s.attempt};
}

std::size_t rows_of(const item& i) {
  if (auto* p = std::get_if<page_record>(&i)) return 1 + p->actions.size() + p->requests.size();
  return 1;
}

bool is_spool_header(const std::string& line) {
  return line.rfind("{\"spool_for\"", 0) == 0;
}

std::optional<spool_for> spool_target(const std::string& line) {
  if (!is_spool_header(line)) return std::nullopt;
  try {
    const auto j = json::parse(line).at("spool_for");
    return spool_for{j.at("database").get<std::string>(), j.value("url", std::string())};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string to_json_line(const batch& b) {
  json items = json::array();
  for (const auto& i : b.items) {
    if (auto* s = std::get_if<session_row>(&i)) items.push_back({{"session", session_json(*s)}});
    else items.push_back({{"page", page_json(std::get<page_record>(i))}});
  }
  // error_handler::replace: a page title with invalid UTF-8 must not make a batch unspoolable.
  return json{{"batch_id", b.id.str()}, {"rows", b.rows}, {"items", std::move(items)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

batch from_json_line(const std::string& line) {
  const auto j = json::parse(line);
  batch b;
  b.id = get_uuid(j, "batch_id");
  for (const auto& i : j.at("items")) {
    if (i.contains("session")) b.items.emplace_back(session_from(i["session"]));
    else b.items.emplace_back(page_from(i.at("page")));
    b.rows += rows_of(b.items.back());
  }
  b.maybe_committed = true;
  return b;
}

std::optional<spool_file> spool_file::open_locked(const std::filesystem::path& path, bool wait) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot open spool file " + path.string() + ": " + std::strerror(errno));
  while (::flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    ::close(fd);
    if (errno == EWOULDBLOCK) return std::nullopt;
    throw std::runtime_error("cannot lock spool file " + path.string() + ": " + std::strerror(errno));
  }
  return spool_file(path, fd);
}

spool_file::spool_file(spool_file&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) { o.fd_ = -1; }
spool_file& spool_file::operator=(spool_file&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}
spool_file::~spool_file() {
  if (fd_ >= 0) ::close(fd_);
}

void spool_file::append(const std::string& line) {
  std::string data = line + "\n";
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::runtime_error("cannot write spool file " + path_.string() + ": " + std::strerror(errno));
    p += n;
    left -= std::size_t(n);
  }
  if (::fdatasync(fd_) != 0)
    throw std::runtime_error("cannot sync spool file " + path_.string() + ": " + std::strerror(errno));
}

std::vector<std::string> spool_file::lines() const {
  std::ifstream in(path_, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = all.find('\n', start)) != std::string::npos; start = nl + 1)
    if (nl > start) out.push_back(all.substr(start, nl - start));
  if (start < all.size())
    spdlog::warn("spool file {}: ignoring a torn last line of {} bytes", path_.string(),
                 all.size() - start);
  return out;
}

bool spool_file::empty() const {
  std::error_code ec;
  return std::filesystem::file_size(path_, ec) == 0 || ec;
}

void spool_file::clear() {
  if (::ftruncate(fd_, 0) != 0)
    throw std::runtime_error("cannot truncate spool file " + path_.string());
}

void spool_file::remove() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

std::filesystem::path default_spool_dir() {
  if (const char* d = std::getenv("FOOTFALL_SPOOL_DIR"); d && *d) return d;
  if (::geteuid() == 0) return "/var/lib/footfall/spool";
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::filesystem::path(x) / "footfall/spool";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".local/state/footfall/spool";
}

}  // namespace detail
}  // namespace footfall::storage
