// The session page: the timeline is cut at each frame. A frame is taken after an action, so it
// shows the page the following actions were performed on: those actions' points are drawn over
// it, and they and the errors up to the next frame are listed under it.
#include "analytics/session_page.hpp"

#include <algorithm>
#include <cstdio>

#include "analytics/report.hpp"

namespace footfall::analytics {
namespace {

using namespace storage;

double seconds_since(time_point t0, time_point t) {
  return std::chrono::duration<double>(t - t0).count();
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string cut(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

const char* kStyle = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1.4em 0 .4em}
.status{padding:.1em .5em;border-radius:4px;color:#fff;background:#2a7}
.status.failed,.status.timeout{background:#c33} .status.running,.status.pending{background:#888}
code{background:#f3f3f3;padding:.1em .3em;border-radius:3px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em} dt{color:#666}
.step{display:flex;gap:1em;border-top:1px solid #ddd;padding:.8em 0}
.frame{position:relative;flex:none;align-self:flex-start;border:1px solid #999;line-height:0}
.frame img{display:block}
.mark{position:absolute;transform:translate(-50%,-50%);width:18px;height:18px;border-radius:50%;
background:rgba(230,40,40,.85);color:#fff;font:bold 11px/18px sans-serif;text-align:center;
box-shadow:0 0 0 2px #fff}
.noframe{flex:none;width:320px;color:#888;font-style:italic}
table{border-collapse:collapse;width:100%;align-self:flex-start} td{padding:.15em .4em;vertical-align:top;font-size:13px}
td.t{color:#666;white-space:nowrap;text-align:right} tr.err td{background:#fdecec;color:#900}
.sel{font-family:monospace;font-size:12px;word-break:break-all}
</style>
)";

struct step {
  const trace_frame* frame = nullptr;  ///< null: before the first frame
  int first_frame_index = -1;
  std::vector<const traced_action*> actions;
  std::vector<const trace_error*> errors;
};

/// Cuts the timeline at each frame: [frame k, frame k+1).
std::vector<step> build_steps(const traced_session& s, const session_trace* t) {
  std::vector<step> steps(1);
  if (t)
    for (std::size_t i = 0; i < t->frames.size(); ++i)
      steps.push_back({&t->frames[i], static_cast<int>(i), {}, {}});
  auto step_of = [&](time_point at) -> step& {
    for (std::size_t i = steps.size(); i-- > 1;)
      if (steps[i].frame->at <= at) return steps[i];
    return steps[0];
  };
  for (const auto& a : s.actions) step_of(a.at).actions.push_back(&a);
  if (t)
    for (const auto& e : t->errors) step_of(e.at).errors.push_back(&e);
  return steps;
}

std::string frame_html(const step& st, const traced_session& s) {
  const auto& f = *st.frame;
  std::string h = "<div class=\"frame\"><img class=\"film\" alt=\"frame " +
                  std::to_string(st.first_frame_index + 1) + "\" width=\"" +
                  std::to_string(f.width) + "\" height=\"" + std::to_string(f.height) +
                  "\" src=\"data:image/jpeg;base64," + f.jpeg_base64 + "\">";
  // Points are viewport CSS pixels; the frame is the viewport scaled: place them in percent.
  int n = 0;
  for (const auto* a : st.actions) {
    ++n;
    if (!a->x || !a->y || a->visit_order != f.visit_order) continue;
    const double px = 100.0 * *a->x / std::max(1, s.row.viewport_width);
    const double py = 100.0 * *a->y / std::max(1, s.row.viewport_height);
    if (px < 0 || px > 100 || py < 0 || py > 100) continue;
    h += "<span class=\"mark\" title=\"" + xml_escape(a->type) +
         "\" style=\"left:" + fmt("%.2f", px) + "%;top:" + fmt("%.2f", py) + "%\">" +
         std::to_string(n) + "</span>";
  }
  return h + "</div>";
}

std::string action_row(const traced_action& a, int n, time_point t0) {
  std::string where =
      a.x && a.y ? "(" + std::to_string(*a.x) + ", " + std::to_string(*a.y) + ")" : "";
  return "<tr><td class=\"t\">+" + fmt("%.3f", seconds_since(t0, a.at)) + " s</td><td>" +
         std::to_string(n) + "</td><td>page " + std::to_string(a.visit_order) + " · #" +
         std::to_string(a.action_order) + "</td><td><b>" + xml_escape(a.type) +
         "</b></td><td class=\"sel\">" + xml_escape(cut(a.selector, 160)) +
         (a.text.empty() ? "" : "<br>“" + xml_escape(cut(a.text, 80)) + "”") + "</td><td>" + where +
         "</td><td>" + std::to_string(a.duration_ms) + " ms</td><td>" +
         xml_escape(a.navigation_kind == "none" ? "" : a.navigation_kind) + "</td></tr>\n";
}

std::string error_row(const trace_error& e, time_point t0) {
  return "<tr class=\"err\"><td class=\"t\">+" + fmt("%.3f", seconds_since(t0, e.at)) +
         " s</td><td>!</td><td>" + xml_escape(e.kind) + "</td><td colspan=\"5\">" +
         xml_escape(e.text) +
         (e.url.empty() ? "" : "<br><span class=\"sel\">" + xml_escape(e.url) + "</span>") +
         "</td></tr>\n";
}

std::string step_html(const step& st, const traced_session& s, const session_trace* t,
                      time_point t0) {
  if (!st.frame && st.actions.empty() && st.errors.empty()) return {};
  std::string h = "<div class=\"step\">";
  // Without --trace the only frame is the one taken when the session failed.
  const bool full = t && t->mode == "full";
  h += st.frame ? frame_html(st, s)
                : std::string("<div class=\"noframe\">(") +
                      (full ? "before the first frame"
                            : "no frame of these actions: a frame per action is taken with "
                              "--trace") +
                      ")</div>";
  // Actions and errors merged by time.
  std::vector<std::pair<time_point, std::string>> rows;
  int n = 0;
  for (const auto* a : st.actions) rows.emplace_back(a->at, action_row(*a, ++n, t0));
  for (const auto* e : st.errors) rows.emplace_back(e->at, error_row(*e, t0));
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  h += "<table>";
  if (st.frame)
    h += "<tr><td class=\"t\">+" + fmt("%.3f", seconds_since(t0, st.frame->at)) +
         " s</td><td colspan=\"7\"><i>frame " + std::to_string(st.first_frame_index + 1) +
         " (page " + std::to_string(st.frame->visit_order) + ", after action #" +
         std::to_string(st.frame->action_order) + ")</i></td></tr>\n";
  for (const auto& r : rows) h += r.second;
  return h + "</table></div>\n";
}

std::string header_html(const traced_session& s, const session_trace* t) {
  const auto status = std::string(to_string(s.row.status));
  std::string h = "<h1>Session " + std::to_string(s.row.session_index) + " of " +
                  xml_escape(s.campaign_name) + " <span class=\"status " + status + "\">" + status +
                  "</span></h1>\n<dl>";
  auto item = [&](const std::string& k, const std::string& v) {
    h += "<dt>" + k + "</dt><dd>" + v + "</dd>";
  };
  item("session",
       "<code>" + s.row.id.str() + "</code> (attempt " + std::to_string(s.row.attempt) + ")");
  if (s.row.error_message) item("error", "<b>" + xml_escape(*s.row.error_message) + "</b>");
  item("start url", xml_escape(s.row.start_url));
  item("viewport", std::to_string(s.row.viewport_width) + " × " +
                       std::to_string(s.row.viewport_height) + ", " + xml_escape(s.row.user_agent));
  if (s.row.session_duration_ms)
    item("duration", fmt("%.3f s", *s.row.session_duration_ms / 1000.0));
  item("actions", std::to_string(s.actions.size()));
  if (t)
    item("trace", t->mode + ": " + std::to_string(t->frames.size()) + " frames (" +
                      std::to_string(t->frames_dropped) + " dropped), " +
                      std::to_string(t->errors.size()) + " errors (" +
                      std::to_string(t->errors_dropped) + " dropped), " +
                      std::to_string(t->bytes()) + " bytes");
  else
    item("trace", "none stored (failed sessions and --trace runs have one)");
  item("replay", "<code>" + xml_escape(replay_command(s.row.id.str())) + "</code>");
  return h + "</dl>\n";
}

}  // namespace

std::string session_page_command(const std::string& campaign_id, const std::string& session_id) {
  return "footfall report " + campaign_id + " --format html --session " + session_id +
         " -o session-" + session_id + ".html";
}

std::string replay_command(const std::string& session_id) {
  return "footfall replay " + session_id;
}

std::string render_session_page(const traced_session& s, const session_trace* t) {
  time_point t0 = s.row.started_at.value_or(time_point::max());
  for (const auto& a : s.actions) t0 = std::min(t0, a.at);
  if (t && !t->frames.empty()) t0 = std::min(t0, t->frames.front().at);
  if (t0 == time_point::max()) t0 = time_point{};
  const auto steps = build_steps(s, t);
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                  xml_escape("footfall session " + s.row.id.str()) + "</title>\n" + kStyle +
                  "</head>\n<body data-frames=\"" + std::to_string(t ? t->frames.size() : 0) +
                  "\" data-errors=\"" + std::to_string(t ? t->errors.size() : 0) + "\">\n" +
                  header_html(s, t);
  h += "<h2>Timeline</h2>\n<p>Each frame shows the page after the action it names; the numbered "
       "points are where the actions listed beside it happened on that page.</p>\n";
  for (const auto& st : steps) h += step_html(st, s, t, t0);
  return h + "</body></html>\n";
}

}  // namespace footfall::analytics
