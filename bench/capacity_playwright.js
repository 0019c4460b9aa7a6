'use strict';
// bench/capacity's workload driven by Playwright: N human-paced visitors on the fixture site
// (test/site/journey, served by bench_capacity), each running sessions back to back until the
// hold window ends, one Chromium with one context per session (Playwright's own model), launched
// with the same binary and the same flags as footfall (bench_capacity passes them).
//
// The journey imitates footfall's pace-1 persona (bench/capacity/step.cpp capacity_persona and
// engine/persona/behaviour.cpp): a session plans 20-30 s and 2-3 pages, 3-5 actions a page; the think
// time before each action is log-normal (sigma 0.5) around duration / (pages x (mean actions +
// 1)), capped at 5x; actions are drawn with the persona's weights (scroll 0.7, click 0.5,
// typing 0.15 as in action_weights, rarer types folded into the nearest common one). Input
// follows footfall's input model (engine/persona/human_input.cpp) in what it sends, so both tools
// send the same amount of input per visitor (bench_capacity counts it from the pages' side):
// pointer paths timed by Fitts's law in ~16 ms steps with a corrective sub-movement, scrolls of
// 300-1200 px as 100 px wheel notches in flicks of 1-4, a resting hand's small drifts while the
// visitor thinks, clicks with a hold, keys with a delay.
//
// Fidelity, measured as footfall measures it: start lag = how late the timer pacing an action
// fired against its plan; page load = the page's own loadEventEnd (Navigation Timing).
//
// Protocol with bench_capacity (stdout lines): "READY <chromium pid>", "WINDOW_START",
// "WINDOW_END", "RESULT <json>". Installed as ../shared/bench/anchors/README.md says
// (npm install playwright-core@1.65.1 in /tmp/footfall-anchors, or NODE_MODULES_DIR).
//
// usage: node capacity_playwright.js --visitors N --warm-s S --hold-s S --base URL
//        [--chrome /usr/bin/chromium] [--flags JSON_ARRAY] [--seed N] [--node-modules DIR]
const fs = require('fs');
const os = require('os');
const path = require('path');

function args() {
  const a = {};
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  return a;
}
const A = args();
const N = Number(A.visitors || 1), WARM_S = Number(A['warm-s'] || 15), HOLD_S = Number(A['hold-s'] || 45);
const BASE = A.base, CHROME = A.chrome || process.env.CHROME_BIN || '/usr/bin/chromium';
const FLAGS = JSON.parse(A.flags || '[]');
const MODULES = A['node-modules'] || process.env.NODE_MODULES_DIR || '/tmp/footfall-anchors/node_modules';
const { chromium } = require(path.join(MODULES, 'playwright-core'));

// Seeded RNG (mulberry32) so the same visitors do the same things run after run.
function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, between, normal, lognormal: (median, sigma) => median * Math.exp(sigma * normal()) };
}

const now = () => performance.now();
const sleep = ms => new Promise(r => setTimeout(r, Math.max(0, ms)));
const lags = [], loads = [];
let windowFrom = Infinity, windowTo = Infinity, sessions = 0, failed = 0, actions = 0;
const inWindow = t => t >= windowFrom && t < windowTo;

// Waits `ms` as planned and records how late the timer fired (footfall: engine/journey/actions.cpp pause).
// While it waits, a resting hand drifts 0-2 px every 100-400 ms (footfall: human_input.cpp
// idle_jitter, played by actions.cpp pause), then comes back where it rests.
async function pause(ms, page, pos, r) {
  const due = now() + ms;
  if (page && ms > 300 && (pos.x > 0 || pos.y > 0)) {
    const clamp = v => Math.max(-2, Math.min(2, v));
    let drifted = false;
    for (let t = 100 + 300 * r.next(); now() + 100 < due; t = 100 + 300 * r.next()) {
      if (now() + t >= due) break;
      await sleep(t);
      await page.mouse.move(pos.x + clamp(0.8 * r.normal()), pos.y + clamp(0.8 * r.normal()));
      drifted = true;
    }
    if (drifted) await page.mouse.move(pos.x, pos.y);
  }
  await sleep(due - now());
  const t = now();
  if (inWindow(t)) { lags.push(t - due); actions++; }
}

async function recordLoad(page) {
  const t = now();
  const ms = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return n && n.loadEventEnd > 0 ? n.loadEventEnd : null;
  });
  if (ms !== null && inWindow(t)) loads.push([new URL(page.url()).pathname, ms]);
}

// A pointer path as footfall plays one (human_input.cpp mouse_path): Fitts's law time (100 ms +
// 230 ms/bit for a target `w` wide), a primary sub-movement over 80 % of it to ~93 % of the
// distance, a 40 ms dwell, a corrective one (at least 60 ms) onto the target; ~16 ms steps.
async function moveTo(page, pos, x, y, r, w = 20) {
  const dist = Math.hypot(x - pos.x, y - pos.y);
  if (dist < 3) { await page.mouse.move(x, y); pos.x = x; pos.y = y; return; }
  const T = (100 + 230 * Math.log2(dist / Math.max(w, 1) + 1)) * r.lognormal(1, 0.15);
  const reach = Math.max(0.85, Math.min(0.99, 0.93 + 0.03 * r.normal()));
  const aim = { x: pos.x + (x - pos.x) * reach, y: pos.y + (y - pos.y) * reach };
  const leg = async (from, to, ms) => {
    const n = Math.max(2, Math.round(ms / 16));
    for (let i = 1; i <= n; i++) {
      const t = i / n, s = t * t * t * (10 - 15 * t + 6 * t * t);
      await page.mouse.move(from.x + (to.x - from.x) * s, from.y + (to.y - from.y) * s);
      await sleep(16);
    }
  };
  const from = { x: pos.x, y: pos.y };
  await leg(from, aim, 0.8 * T);
  await sleep(r.lognormal(40, 0.3));
  await leg(aim, { x, y }, Math.max(60, 0.2 * T));
  pos.x = x; pos.y = y;
}

async function pointAt(page, selector, r) {
  const boxes = await page.$$eval(selector, els => els.map(e => {
    const b = e.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && b.top >= 0 && b.bottom <= innerHeight ? [b.x, b.y, b.width, b.height] : null;
  }).filter(Boolean));
  if (!boxes.length) return null;
  const [x, y, w, h] = boxes[r.between(0, boxes.length - 1)];
  return { x: x + w * (0.3 + 0.4 * r.next()), y: y + h * (0.3 + 0.4 * r.next()), w };
}

const TEXT = 'input:not([type]), input[type=text], input[type=search], input[type=email], ' +
  'input[type=tel], input[type=url], input[type=password], input[type=number], textarea';
// What footfall types into a field (session_actions.cpp text_for_field), so both type as much.
const WORDS = ['quick', 'guide', 'pricing', 'shoes', 'weather', 'recipe', 'garden', 'laptop', 'holiday', 'books'];
function textFor(type, name, autocomplete, r) {
  if (type === 'email' || name.includes('mail')) return `visitor${r.between(1, 999)}@example.com`;
  if (type === 'password' || autocomplete.includes('password')) return `Pa55word${r.between(10, 99)}`;
  if (name.includes('card') || autocomplete.includes('cc-number')) return '4111 1111 1111 1111';
  if (type === 'tel' || name.includes('phone')) return `555${r.between(1000000, 9999999)}`;
  if (type === 'number') return String(r.between(1, 99));
  if (name.includes('name')) return r.next() < 0.5 ? 'Alex Morgan' : 'Sam Lee';
  return Array.from({ length: r.between(1, 3) }, () => WORDS[r.between(0, WORDS.length - 1)]).join(' ');
}
const ACTIONS = [['scroll', 0.7 * 1.08], ['click', 0.5 * 0.59], ['hover', 0.5 * 0.36], ['type', 0.15 * 1.55]];
function nextAction(r) {
  const total = ACTIONS.reduce((s, a) => s + a[1], 0);
  let x = r.next() * total;
  for (const [name, w] of ACTIONS) if ((x -= w) < 0) return name;
  return 'scroll';
}

async function act(page, pos, kind, r) {
  if (kind === 'scroll') {
    // footfall's do_scroll (session_actions.cpp) and wheel_notches (human_input.cpp): 300-1200 px,
    // down 85 % of the time (up at the bottom, down at the top), from a hand over the content.
    const [y, vh, h] = await page.evaluate(() => [scrollY, innerHeight, document.documentElement.scrollHeight]);
    const dir = y + vh >= h - 2 ? -1 : y <= 0 ? 1 : r.next() < 0.85 ? 1 : -1;
    let notches = Math.max(1, Math.round(r.between(300, 1200) / 100));
    if (pos.x <= 0 && pos.y <= 0) await moveTo(page, pos, 400, vh / 2, r, 200);
    for (let first = true; notches > 0; first = false) {
      const flick = Math.min(notches, r.between(1, 4));
      for (let i = 0; i < flick; i++) {
        if (!first || i > 0) await sleep(i === 0 ? r.lognormal(350, 0.35) : r.lognormal(42, 0.25));
        await page.mouse.wheel(0, 100 * dir);
      }
      notches -= flick;
    }
    return;
  }
  if (kind === 'type') {
    // Any text field on the page (footfall's page script's TEXT), scrolled to first when out of
    // view (footfall reveals one).
    const fields = await page.$$eval(TEXT, els => els.map((e, i) =>
      e.getBoundingClientRect().width > 0 && !e.disabled && !e.readOnly
        ? [i, e.type || '', e.name || '', e.autocomplete || ''] : null).filter(Boolean));
    const field = fields.length ? fields[r.between(0, fields.length - 1)] : null;
    const at = field && await reveal(page, TEXT, field[0], r);
    if (at) {
      await moveTo(page, pos, at.x, at.y, r, at.w);
      await page.mouse.click(at.x, at.y, { delay: r.between(60, 120) });
      await page.keyboard.type(textFor(field[1], field[2], field[3], r), { delay: r.between(120, 220) });
      return;
    }
    kind = 'click';
  }
  const at = await pointAt(page, kind === 'hover' ? 'a, button' : 'p, h1, h2, button:not([type=submit])', r);
  if (!at) return;
  await moveTo(page, pos, at.x, at.y, r, at.w);
  if (kind === 'click') await page.mouse.click(at.x, at.y, { delay: r.between(60, 120) });
}

// The i-th element of `selector`, brought into view in wheel notches when it is not (as footfall
// reveals a target); its centre and width, or null when 40 notches did not bring it in.
async function reveal(page, selector, i, r) {
  for (let notches = 0; notches < 40; notches++) {
    const [x, y, top, bottom, h, w] = await page.$$eval(selector, (els, i) => {
      const b = els[i].getBoundingClientRect();
      return [b.x + b.width / 2, b.y + b.height / 2, b.top, b.bottom, innerHeight, b.width];
    }, i);
    if (top >= 0 && bottom <= h) return { x, y, w };
    await page.mouse.wheel(0, top < 0 ? -100 : 100);
    await sleep(r.between(40, 120));
  }
  return null;
}

// Follows a same-site link (as footfall's navigate_by_link: http(s), same host, not a download,
// any on the page: one out of view is scrolled to in wheel notches first, as footfall reveals it).
async function followLink(page, pos, r) {
  const candidates = await page.$$eval('a[href]', as => as.map((a, i) => {
    const u = new URL(a.href, location.href);
    return u.host === location.host && /\.html$/.test(u.pathname) && !a.hasAttribute('download') &&
      !u.pathname.includes('/private/') && a.getBoundingClientRect().width > 0 ? i : -1;
  }).filter(i => i >= 0));
  if (!candidates.length) return false;
  const at = await reveal(page, 'a[href]', candidates[r.between(0, candidates.length - 1)], r);
  if (!at) return false;
  await moveTo(page, pos, at.x, at.y, r, at.w);
  // A click that loads nothing (an overlay took it) leaves the visitor where it is, as footfall's
  // click outcomes do, instead of failing the session.
  const loaded = page.waitForEvent('load', { timeout: 5000 }).then(() => true, () => false);
  await page.mouse.click(at.x, at.y, { delay: r.between(60, 120) });
  if (await loaded) await recordLoad(page);
  return true;
}

async function session(browser, r) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    const duration = r.between(20000, 30000), pages = r.between(2, 3);
    // engine/persona/behaviour.cpp think_budget: what is left of the planned duration, less what
    // the actions still ahead will take at the rate actions have taken so far, spread over the
    // thinks still ahead (this page's actions, then a link and ~4 actions per later page), as
    // a log-normal whose mean fills the share. (Until round 14 the actions' own time was not
    // set aside: on a loaded machine this script's visits overran their plan and did ~2/3 of
    // footfall's actions a minute.)
    const pos = { x: 0, y: 0 }, t0 = now();
    let given = 0, givenMs = 0;
    const think = (p, actionsLeft) => {
      const thinks = Math.max(1, actionsLeft + (pages - p) * 5);
      const elapsed = now() - t0;
      const perAction = given > 0 ? Math.max(elapsed - givenMs, 0) / given : 0;
      const left = duration - elapsed - perAction * thinks;
      const median = Math.min(15000, Math.max(150, left / thinks / Math.exp(0.5 * 0.5 / 2)));
      const ms = Math.min(r.lognormal(median, 0.5), median * 5);
      givenMs += ms;
      given++;
      return ms;
    };
    await page.goto(`${BASE}/journey/index.html`, { waitUntil: 'load' });
    await recordLoad(page);
    for (let p = 1; ; p++) {
      const n = r.between(3, 5);
      for (let i = 0; i < n; i++) { await pause(think(p, n - i), page, pos, r); await act(page, pos, nextAction(r), r); }
      if (p >= pages || (now() - t0 > duration && p >= 2)) break;
      await pause(think(p, 0), page, pos, r);
      if (!await followLink(page, pos, r)) break;
    }
  } finally {
    await ctx.close();
  }
}

async function visitor(browser, index, holdEnd) {
  for (let k = 0; now() < holdEnd; k++) {
    const r = rng(Number(A.seed || 12) * 1000003 + index * 7919 + k);
    try { await session(browser, r); } catch (e) { failed++; process.stderr.write(`session failed: ${e.message}\n`); }
    sessions++;
  }
}

function childPid() {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) return Number(d);
    } catch { /* ended meanwhile */ }
  }
  return 0;
}

function pct(v, q) {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b), pos = q * (s.length - 1), lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

async function main() {
  const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'capacity-pw-'));
  // ignoreDefaultArgs: Playwright adds nothing, so the pipe and profile are passed here.
  const browser = await chromium.launch({
    executablePath: CHROME, ignoreDefaultArgs: true,
    args: [...FLAGS, `--user-data-dir=${udd}`, '--remote-debugging-pipe', 'about:blank'],
  });
  console.log(`READY ${childPid()}`);
  const start = now();
  windowFrom = start + WARM_S * 1000;
  windowTo = windowFrom + HOLD_S * 1000;
  setTimeout(() => console.log('WINDOW_START'), windowFrom - now());
  setTimeout(() => console.log('WINDOW_END'), windowTo - now());
  await Promise.all(Array.from({ length: N }, (_, i) => visitor(browser, i, windowTo)));
  await browser.close();
  fs.rmSync(udd, { recursive: true, force: true });
  console.log('RESULT ' + JSON.stringify({
    sessions, failed, actions, lag_p50_ms: pct(lags, 0.5), lag_p95_ms: pct(lags, 0.95),
    load_p50_ms: pct(loads.map(l => l[1]), 0.5), loads,
  }));
}

main().catch(e => { console.error(e); process.exit(3); });
