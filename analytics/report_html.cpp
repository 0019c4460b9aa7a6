// The HTML report: one self-contained page. The data goes in as JSON in a <script> block and
// small canvas-drawing functions render the charts, so the file works offline and from file://.
#include <algorithm>
#include <chrono>

#include "analytics/report.hpp"
#include "analytics/json_values.hpp"
#include "analytics/report_arrivals.hpp"
#include "analytics/timing.hpp"

namespace footfall::analytics {
namespace {

using namespace storage;

/// The chart data: only what the page draws, with bounded sizes so a huge campaign still gives
/// a page a browser opens quickly.
nlohmann::json chart_data(const campaign_report& r) {
  nlohmann::json d = render_json(r);
  d.erase("sessions");
  double t0 = INFINITY;
  for (const auto& s : r.data.sessions)
    if (s.row.started_at) t0 = std::min(t0, epoch_ms(*s.row.started_at));
  nlohmann::json sessions = nlohmann::json::array();
  nlohmann::json pauses = nlohmann::json::object();
  for (const auto* label : pause_bucket_labels()) pauses[label] = 0;
  for (const auto& s : r.data.sessions) {
    nlohmann::json o{{"i", s.row.session_index}, {"status", to_string(s.row.status)},
                     {"pages", s.row.pages_visited}, {"actions", s.row.total_actions},
                     {"id", s.row.id.str()}, {"ua", s.row.user_agent}};
    if (s.row.started_at) {
      const double start = epoch_ms(*s.row.started_at) - t0;
      double end = start + s.row.session_duration_ms.value_or(0);
      if (s.row.completed_at) end = std::max(end, epoch_ms(*s.row.completed_at) - t0);
      o["start"] = start;
      o["end"] = end;
    }
    o["error"] = s.row.error_message ? nlohmann::json(*s.row.error_message) : nlohmann::json();
    if (s.analytics) {
      o["rhythm"] = jopt(s.analytics->rhythm_score);
      o["risk"] = s.analytics->detection_risk_score;
      o["dwell"] = jopt(s.analytics->avg_page_dwell_time_ms);
      for (const auto& [k, v] : s.analytics->pause_distribution.items())
        if (pauses.contains(k) && v.is_number()) pauses[k] = pauses[k].get<double>() + v.get<double>();
    }
    sessions.push_back(std::move(o));
  }
  d["sessions"] = sessions;
  d["pauses"] = pauses;
  // Mean strength of each detection signal over the sessions that measured it: explains the
  // campaign's risk score ("navigator_webdriver 1.00" says what to fix).
  nlohmann::json signals = nlohmann::json::object();
  for (const auto& s : r.data.sessions) {
    if (!s.analytics) continue;
    for (const auto& [name, v] : s.analytics->risk_signals.items()) {
      if (!v.is_object() || !v.contains("strength") || !v["strength"].is_number()) continue;
      auto& acc = signals[name];
      if (acc.is_null()) acc = {{"sum", 0.0}, {"n", 0}, {"weight", v.value("weight", 0.0)}};
      acc["sum"] = acc["sum"].get<double>() + v["strength"].get<double>();
      acc["n"] = acc["n"].get<int>() + 1;
    }
  }
  d["signals"] = signals;
  nlohmann::json dwell = nlohmann::json::array();
  for (const auto& v : r.data.visits)
    if (v.visit.left_ms && dwell.size() < 50000) dwell.push_back(*v.visit.left_ms - v.visit.arrived_ms);
  d["dwell"] = dwell;
  nlohmann::json clicks = nlohmann::json::array();
  for (const auto& c : r.data.clicks)
    if (c.viewport_width > 0 && c.viewport_height > 0)
      clicks.push_back({double(c.x) / c.viewport_width, double(c.y) / c.viewport_height});
  d["clicks"] = clicks;
  return d;
}

/// JSON safe inside <script>: "</" cannot close the element, U+2028/9 are escaped by dump().
std::string script_json(const nlohmann::json& j) {
  std::string s = j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') out += "<\\";
    else out += s[i];
  }
  return out;
}

constexpr const char* css = R"CSS(
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2330;--mute:#6b7385;--line:#e3e6ec;--ok:#2e9e6a;
--bad:#d64545;--warn:#e0a030;--acc:#3b6fd8}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
sans-serif;background:var(--bg);color:var(--ink)}header{background:#1d2330;color:#fff;padding:22px 32px}
header h1{margin:0 0 4px;font-size:22px}header .sub{color:#aab3c5;font-size:13px}
main{padding:20px 32px;display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px}
.card h2{font-size:15px;margin:0 0 10px}.band-good{color:#1a8f4a}.band-needs{color:#b97800}.band-poor{color:#d0342c;font-weight:600}.card p.note{color:var(--mute);font-size:12px;margin:6px 0 0}
.wide{grid-column:1/-1}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.kpi .v{font-size:24px;font-weight:600}
.kpi .l{color:var(--mute);font-size:12px}.kpi .bar{height:5px;background:var(--line);border-radius:3px;margin-top:6px}
.kpi .bar i{display:block;height:100%;border-radius:3px}
canvas{width:100%;display:block}table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line)}th{color:var(--mute);font-weight:500}
td.n{text-align:right;font-variant-numeric:tabular-nums}.pill{padding:1px 8px;border-radius:10px;font-size:12px;color:#fff}
.completed{background:var(--ok)}.failed{background:var(--bad)}.timeout{background:var(--warn)}
.pending,.running{background:var(--mute)}.empty{color:var(--mute);font-style:italic}
)CSS";

constexpr const char* script = R"JS(
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const C = {ok:"#2e9e6a",bad:"#d64545",warn:"#e0a030",acc:"#3b6fd8",mute:"#6b7385",line:"#e3e6ec",ink:"#1d2330"};
const statusColor = s => ({completed:C.ok,failed:C.bad,timeout:C.warn})[s] || C.mute;
const fmt = (v, d=0) => v === null || v === undefined ? "–" : Number(v).toFixed(d);
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"})[c]);
let drawn = 0;

function setup(id, h) {
  const cv = document.getElementById(id), r = window.devicePixelRatio || 1;
  const w = cv.clientWidth || 600;
  cv.width = w * r; cv.height = h * r; cv.style.height = h + "px";
  const g = cv.getContext("2d"); g.scale(r, r); g.font = "12px system-ui,sans-serif";
  return {g, w, h};
}
function empty(c, text) { c.g.fillStyle = C.mute; c.g.fillText(text, 10, 24); }
function bars(id, labels, series, opts) {
  const c = setup(id, opts.h || Math.max(120, labels.length * 26 + 30)), g = c.g;
  if (!labels.length) { empty(c, "no data"); return; }
  const lw = opts.labelWidth || 150, max = Math.max(1, ...series.flatMap(s => s.values));
  const rowH = (c.h - 24) / labels.length, bh = Math.max(4, (rowH - 6) / series.length);
  labels.forEach((lab, i) => {
    const y = 4 + i * rowH;
    g.fillStyle = C.ink; g.textBaseline = "middle";
    const fit = Math.floor(lw / 7);
    g.fillText(lab.length > fit ? lab.slice(0, fit - 1) + "…" : lab, 4, y + rowH / 2);
    series.forEach((s, k) => {
      const v = s.values[i] || 0, bw = (c.w - lw - 70) * v / max;
      g.fillStyle = s.color; g.fillRect(lw, y + k * bh + 2, bw, bh - 2);
      g.fillStyle = C.mute; g.fillText(fmt(v, opts.decimals || 0), lw + bw + 4, y + k * bh + bh / 2 + 1);
    });
  });
  series.forEach((s, k) => { g.fillStyle = s.color; g.fillRect(lw + k * 110, c.h - 14, 10, 10);
    g.fillStyle = C.ink; g.fillText(s.name, lw + k * 110 + 14, c.h - 9); });
}

function kpis() {
  const a = D.analytics || {}, el = document.getElementById("kpis");
  const items = [
    ["success rate", a.success_rate, 2, v => v >= .95 ? C.ok : v >= .8 ? C.warn : C.bad, 1],
    ["rhythm (0 robotic … 1 human)", a.avg_rhythm_score, 2, v => v >= .6 ? C.ok : v >= .3 ? C.warn : C.bad, 1],
    ["detection risk (0 … 1 bot)", a.detection_risk_score, 2, v => v <= .2 ? C.ok : v <= .5 ? C.warn : C.bad, 1],
    ["avg session (s)", a.avg_session_duration_ms == null ? null : a.avg_session_duration_ms / 1000, 1, () => C.acc, 0],
    ["avg pages / session", a.avg_pages_per_session, 2, () => C.acc, 0],
    ["avg actions / session", a.avg_actions_per_session, 1, () => C.acc, 0],
    ["behavioral variance (s²)", a.behavioral_variance, 3, () => C.acc, 0],
    ["console errors", D.console_errors, 0, v => v ? C.bad : C.ok, 0],
    ["failed requests", D.failed_requests, 0, v => v ? C.bad : C.ok, 0],
    ["browser runtime (s)", a.total_runtime_ms == null ? null : a.total_runtime_ms / 1000, 1, () => C.acc, 0],
    ["avg CPU", a.avg_cpu_usage, 2, () => C.acc, 1],
    ["peak memory (MB)", a.peak_memory_mb, 0, () => C.acc, 0]];
  el.innerHTML = items.map(([l, v, d, col, unit]) => {
    const bar = unit && v != null ? `<div class="bar"><i style="width:${Math.min(100, v * 100)}%;background:${col(v)}"></i></div>` : "";
    return `<div class="kpi"><div class="v" style="color:${v == null ? C.mute : col(v)}">${fmt(v, d)}</div><div class="l">${esc(l)}</div>${bar}</div>`;
  }).join("");
}

function timeline() {
  const S = D.sessions.filter(s => s.start !== undefined);
  const c = setup("timeline", Math.min(420, Math.max(120, S.length * 8 + 40))), g = c.g;
  if (!S.length) { empty(c, "no started sessions"); return; }
  const tmax = Math.max(1, ...S.map(s => s.end)), rows = S.length, rh = (c.h - 30) / rows;
  g.strokeStyle = C.line; g.fillStyle = C.mute;
  const W = c.w - 70;
  for (let k = 0; k <= 5; k++) { const x = 40 + W * k / 5;
    g.beginPath(); g.moveTo(x, 0); g.lineTo(x, c.h - 20); g.stroke();
    g.fillText((tmax * k / 5 / 1000).toFixed(1) + "s", x - 10, c.h - 6); }
  S.forEach((s, i) => { const x = 40 + W * s.start / tmax;
    const w = Math.max(2, W * (s.end - s.start) / tmax);
    g.fillStyle = statusColor(s.status); g.fillRect(x, 2 + i * rh, w, Math.max(1, rh - 1)); });
  g.fillStyle = C.mute; g.fillText("#" + S[0].i, 2, 12); g.fillText("#" + S[S.length - 1].i, 2, c.h - 24);
}

function actionMix() {
  const e = Object.entries(D.action_mix).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  bars("mix", e.map(x => x[0]), [{name: "actions of this type", color: C.acc, values: e.map(x => x[1])}], {labelWidth: 130});
}

function histogram(id, values, edges, labels, color) {
  const counts = labels.map(() => 0);
  values.forEach(v => { let k = edges.findIndex(e => v < e); counts[k < 0 ? labels.length - 1 : k]++; });
  const c = setup(id, 200), g = c.g, max = Math.max(1, ...counts), bw = (c.w - 20) / labels.length;
  if (!values.length) { empty(c, "no data"); return; }
  counts.forEach((n, k) => { const h = (c.h - 40) * n / max;
    g.fillStyle = color; g.fillRect(10 + k * bw + 2, c.h - 24 - h, bw - 4, h);
    g.fillStyle = C.mute; g.fillText(labels[k], 10 + k * bw + 2, c.h - 8);
    if (n) { g.fillStyle = C.ink; g.fillText(n, 10 + k * bw + 4, c.h - 28 - h); } });
}

function dwell() {
  const edges = [1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000];
  histogram("dwell", D.dwell, edges, ["<1s", "1-2s", "2-5s", "5-10s", "10-20s", "20-30s", "30-60s", "1-2m", ">2m"], C.acc);
}

function pauses() {
  const keys = ["<100ms", "100-250ms", "250-500ms", "0.5-1s", "1-2s", "2-5s", "5-10s", ">10s"];
  const labels = ["<.1s", ".1-.25s", ".25-.5s", ".5-1s", "1-2s", "2-5s", "5-10s", ">10s"];
  const c = setup("pauses", 200), g = c.g, counts = keys.map(l => D.pauses[l] || 0);
  const max = Math.max(1, ...counts), bw = (c.w - 20) / labels.length;
  if (!counts.some(x => x)) { empty(c, "no pauses recorded"); return; }
  counts.forEach((n, k) => { const h = (c.h - 40) * n / max;
    g.fillStyle = "#7a5fd0"; g.fillRect(10 + k * bw + 2, c.h - 24 - h, bw - 4, h);
    g.fillStyle = C.mute; g.fillText(labels[k], 10 + k * bw + 2, c.h - 8);
    if (n) { g.fillStyle = C.ink; g.fillText(n, 10 + k * bw + 4, c.h - 28 - h); } });
}

function heatmap() {
  const cv = document.getElementById("heat"), w = cv.clientWidth || 600, h = Math.round(w * 9 / 16);
  const c = setup("heat", h), g = c.g;
  g.fillStyle = "#10141c"; g.fillRect(0, 0, w, h);
  if (!D.clicks.length) { empty(c, "no clicks recorded"); return; }
  const off = document.createElement("canvas"); off.width = w; off.height = h;
  const o = off.getContext("2d"), rad = Math.max(10, w / 40);
  D.clicks.forEach(([x, y]) => { const px = x * w, py = y * h;
    const gr = o.createRadialGradient(px, py, 0, px, py, rad);
    gr.addColorStop(0, "rgba(0,0,0,0.35)"); gr.addColorStop(1, "rgba(0,0,0,0)");
    o.fillStyle = gr; o.fillRect(px - rad, py - rad, 2 * rad, 2 * rad); });
  const img = o.getImageData(0, 0, w, h), p = img.data;
  for (let i = 0; i < p.length; i += 4) { const a = p[i + 3] / 255; if (!a) continue;
    const t = Math.min(1, a * 1.4);   // blue → green → yellow → red
    p[i] = Math.round(255 * Math.min(1, 2 * t)); p[i + 1] = Math.round(255 * (t < .5 ? 2 * t : 2 - 2 * t) + 60 * (1 - t));
    p[i + 2] = Math.round(255 * Math.max(0, 1 - 2 * t)); p[i + 3] = Math.round(255 * Math.min(1, .25 + a * 1.5)); }
  o.putImageData(img, 0, 0); g.drawImage(off, 0, 0, w, h);
  g.fillStyle = "#aab3c5"; g.fillText(D.clicks.length + " clicks, positions relative to the viewport", 8, h - 8);
}

function loads() {
  const P = D.paths.filter(p => p.load_samples > 0);
  bars("loads", P.map(p => p.path), [
    {name: "p50 ms", color: C.acc, values: P.map(p => p.load_p50_ms)},
    {name: "p95 ms", color: C.warn, values: P.map(p => p.load_p95_ms)}], {labelWidth: 170, decimals: 0});
}

function scatter() {
  const S = D.sessions.filter(s => s.rhythm != null && s.risk != null);
  const c = setup("scores", 220), g = c.g, L = 40, B = 30;
  if (!S.length) { empty(c, "no session analytics yet"); return; }
  g.strokeStyle = C.line; g.strokeRect(L, 6, c.w - L - 10, c.h - B - 6);
  g.fillStyle = C.mute; g.fillText("rhythm →", c.w - 70, c.h - 8); g.fillText("risk", 6, 16);
  g.fillText("0", L - 10, c.h - B + 12); g.fillText("1", c.w - 14, c.h - B + 12);
  S.forEach(s => { const x = L + (c.w - L - 10) * s.rhythm, y = c.h - B - (c.h - B - 6) * s.risk;
    g.fillStyle = statusColor(s.status); g.globalAlpha = .7; g.beginPath(); g.arc(x, y, 4, 0, 7); g.fill(); });
  g.globalAlpha = 1;
}

function tables() {
  const paths = D.paths.map(p => `<tr><td>${esc(p.path)}</td><td class=n>${p.visits}</td><td class=n>${fmt(p.load_p50_ms)}</td><td class=n>${fmt(p.load_p95_ms)}</td><td class=n>${fmt(p.avg_dwell_ms)}</td><td class=n>${p.console_errors}</td><td class=n>${p.failed_requests}</td></tr>`).join("");
  document.getElementById("paths").innerHTML = paths || `<tr><td colspan=7 class=empty>no page visits</td></tr>`;
  const errs = D.sessions.filter(s => s.error).slice(0, 200).map(s => `<tr><td>#${s.i}</td><td><span class="pill ${esc(s.status)}">${esc(s.status)}</span></td><td>${esc(s.error)}</td></tr>`).join("");
  document.getElementById("errors").innerHTML = errs || `<tr><td colspan=3 class=empty>no session errors</td></tr>`;
  const rows = D.sessions.slice(0, 500).map(s => `<tr><td>#${s.i}</td><td><span class="pill ${esc(s.status)}">${esc(s.status)}</span></td><td class=n>${s.pages}</td><td class=n>${s.actions}</td><td class=n>${s.end === undefined ? "–" : fmt((s.end - s.start) / 1000, 1)}</td><td class=n>${fmt(s.rhythm, 2)}</td><td class=n>${fmt(s.risk, 2)}</td></tr>`).join("");
  document.getElementById("sessions").innerHTML = rows || `<tr><td colspan=7 class=empty>no sessions</td></tr>`;
}

function signals() {
  const e = Object.entries(D.signals).sort((a, b) => b[1].weight - a[1].weight);
  bars("signals", e.map(([k, v]) => k.replace(/_/g, " ") + " (w " + v.weight + ")"),
       [{name: "mean strength over sessions (0 … 1)", color: C.bad, values: e.map(([, v]) => v.n ? v.sum / v.n : 0)}],
       {labelWidth: 230, decimals: 2});
}

const charts = [kpis, timeline, actionMix, dwell, pauses, heatmap, loads, scatter, signals, tables];
try {
  charts.forEach(f => { f(); drawn++; });
  document.body.dataset.charts = "ok " + drawn;
} catch (e) {
  document.body.dataset.charts = "error " + e;
  throw e;
}
)JS";

}  // namespace

std::string render_html(const campaign_report& r) {
  const auto& c = r.data.info;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>footfall report: " + xml_escape(c.name) + "</title><style>";
  h += css;
  h += "</style></head><body data-charts=\"pending\">\n<header><h1>" + xml_escape(c.name) +
       "</h1><div class=\"sub\">" + xml_escape(c.target_url) + " · campaign " + c.id.str() +
       " · " + std::string(to_string(c.status)) + " · " + std::to_string(r.data.sessions.size()) +
       " sessions · generated " + r.generated_at + "</div></header>\n<main>\n";
  h += render_arrivals_html(r);
  h += render_health_html(r);
  h += R"(<section class="card wide"><h2>Scores</h2><div class="kpis" id="kpis"></div>
<p class="note">Rhythm: how human the intervals between actions look (coefficient of variation, burstiness and local variation against human ranges). Detection risk: noisy-OR of navigator.webdriver, headless user agent, clicks without pointer movement, regular timing and superhuman typing.</p></section>
<section class="card wide"><h2>Sessions timeline</h2><canvas id="timeline"></canvas><p class="note">One bar per session, from start to end; green completed, red failed, amber timeout.</p></section>
<section class="card"><h2>Action mix</h2><canvas id="mix"></canvas></section>
<section class="card"><h2>Click heatmap</h2><canvas id="heat"></canvas></section>
<section class="card"><h2>Dwell time per page</h2><canvas id="dwell"></canvas></section>
<section class="card"><h2>Pauses between actions</h2><canvas id="pauses"></canvas></section>
<section class="card"><h2>Page load per URL path</h2><canvas id="loads"></canvas></section>
<section class="card"><h2>Sessions: rhythm vs detection risk</h2><canvas id="scores"></canvas></section>
<section class="card wide"><h2>Detection signals</h2><canvas id="signals"></canvas><p class="note">Each signal's mean strength over the sessions; the risk of a session is 1 − Π(1 − weight · strength).</p></section>
<section class="card wide"><h2>URL paths</h2><table><thead><tr><th>path</th><th>visits</th><th>load p50 ms</th><th>load p95 ms</th><th>avg dwell ms</th><th>console errors</th><th>failed requests</th></tr></thead><tbody id="paths"></tbody></table></section>
<section class="card wide"><h2>Errors</h2><table><thead><tr><th>session</th><th>status</th><th>error</th></tr></thead><tbody id="errors"></tbody></table></section>
<section class="card wide"><h2>Sessions</h2><table><thead><tr><th>session</th><th>status</th><th>pages</th><th>actions</th><th>duration s</th><th>rhythm</th><th>risk</th></tr></thead><tbody id="sessions"></tbody></table></section>
</main>
<script type="application/json" id="data">)";
  h += script_json(chart_data(r));
  h += "</script>\n<script>";
  h += script;
  h += "</script>\n</body></html>\n";
  return h;
}

}  // namespace footfall::analytics
