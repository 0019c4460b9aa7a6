'use strict';
// bench/capacity's workload driven by Playwright: N human-paced visitors on the fixture site
// (test/site/journey, served by bench_capacity), each running sessions back to back until the
// hold window ends, one Chromium with one context per session (Playwright's own model), launched
// with the same binary and the same flags as footfall (bench_capacity passes them).
//
// The journey imitates footfall's pace-1 persona (bench/capacity/step.cpp capacity_persona and
// engine/persona/behaviour.cpp): a session plans 20-30 s and 2-3 pages, 3-5 actions a page; the think
// time before each action is log-normal (sigma 0.5) around duration / (pages x (mean actions +
// 1)), capped at 5x; actions are drawn with the persona's weights (action_weights; a drag
// folded into a click, a select into a key press). Input and the time it takes follow footfall's
// (engine/persona/human_input.cpp, typing_model.cpp, engine/journey/session_actions.cpp), so
// both tools send the same input per visitor-minute (bench_capacity counts it from the pages'
// side) and spend as long on each action, which is what sets how many actions fit the plan:
// pointer paths timed by Fitts's law in ~16 ms steps with a corrective sub-movement, wheel
// gestures of 100 px notches in flicks of 1-4, a resting hand's small drifts while the visitor
// thinks, targets anywhere on the page brought into view by wheel gestures, clicks aimed and
// held, keys at footfall's typing profiles, and footfall's waits (a click's outcome, a hover's
// linger, a look after each gesture). Until round 15 the actions were quicker than footfall's
// (keys every ~170 ms, no aim, no wait after a click): its visits fitted ~1.2x the steps a
// minute into the same plan.
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

// footfall's target lists (engine/page/js/page_script.js CLICK, HOVER, NAV).
const CLICK = 'button, input[type=button], input[type=checkbox], input[type=radio], input[type=reset], ' +
  '[role=button], summary, label, [data-ff-click], p, h1, h2, h3';
const HOVER = 'a[href], button, [role=button], nav li, img, [title], [data-ff-hover]';
const NAV = 'a[href], input[type=submit], input[type=image], form button:not([type=button]):not([type=reset])';
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
// footfall's action weights (engine/persona/behaviour.cpp action_weights, the capacity persona's
// scroll 0.7, click 0.5, typing 0.15); a drag is folded into a click, a select (arrow keys on a
// focused select) into a key press.
const ACTIONS = [['scroll', 0.7], ['scroll_to', 0.7 * 0.08], ['click', 0.5 * 0.58],
  ['double_click', 0.5 * 0.04], ['right_click', 0.5 * 0.03], ['hover', 0.5 * 0.30], ['type', 0.15],
  ['clear', 0.15 * 0.10], ['key_press', 0.15 * 0.15 + 0.5 * 0.02 + 0.15 * 0.30 + 0.5 * 0.03]];
function nextAction(r) {
  const total = ACTIONS.reduce((s, a) => s + a[1], 0);
  let x = r.next() * total;
  for (const [name, w] of ACTIONS) if ((x -= w) < 0) return name;
  return 'scroll';
}

// footfall's typing profiles (engine/persona/typing_model.cpp profile_for: inter-key interval
// mean and sd, hold median and spread, typo rate) and the "mixed" persona's draw of one per
// session (human_dispatch.cpp: 20 % novice, 60 % average, 20 % expert).
const SKILLS = { novice: [380, 170, 115, 0.25, 0.03], average: [239, 112, 100, 0.22, 0.02],
  expert: [140, 60, 88, 0.2, 0.01] };
const skillOf = r => {
  const u = r.next();
  return SKILLS[u < 0.2 ? 'novice' : u < 0.8 ? 'average' : 'expert'];
};

// footfall's keys: each held log-normally, one after another at the profile's interval (clamped
// 35-2500 ms as plan_typing clamps it), a mistyped letter now and then, corrected with Backspace.
async function typeKeys(page, text, skill, r) {
  const [ikiMean, ikiSd, holdMedian, holdSigma, typo] = skill;
  const key = async k => {
    const t0 = now(), hold = r.lognormal(holdMedian, holdSigma);
    await page.keyboard.down(k);
    await sleep(hold);
    await page.keyboard.up(k);
    await sleep(Math.min(2500, Math.max(35, ikiMean + ikiSd * r.normal())) - (now() - t0));
  };
  for (const ch of text) {
    if (/[a-z]/.test(ch) && r.next() < typo) {
      await key(ch === 'a' ? 's' : 'a');
      await key('Backspace');
    }
    await key(ch);
  }
}

// footfall's press (actions.cpp press and press_buttons): aim (~80 ms), then the button held
// ~95 ms (human_input.cpp click_hold_ms), twice for a double click.
async function press(page, x, y, r, button = 'left', count = 1) {
  await sleep(r.lognormal(80, 0.3));
  for (let n = 1; n <= count; n++) {
    await page.mouse.click(x, y, { button, delay: r.lognormal(95, 0.22) });
    if (n < count) await sleep(r.lognormal(90, 0.3));
  }
}

// One wheel gesture of `total` px (human_input.cpp wheel_notches): 100 px notches in flicks of
// 1-4, ~350 ms between flicks and ~42 ms between a flick's notches.
async function wheelGesture(page, total, r) {
  const dir = total < 0 ? -1 : 1;
  let notches = Math.max(1, Math.round(Math.abs(total) / 100));
  for (let first = true; notches > 0; first = false) {
    const flick = Math.min(notches, r.between(1, 4));
    for (let i = 0; i < flick; i++) {
      if (!first || i > 0) await sleep(i === 0 ? r.lognormal(350, 0.35) : r.lognormal(42, 0.25));
      await page.mouse.wheel(0, 100 * dir);
    }
    notches -= flick;
  }
}

// An element of `selector` on the whole page (as footfall's page script picks: any of them, not
// only those in view), brought into view; null when there is none.
async function anyOf(page, selector, r, avoidNav = false) {
  const candidates = await page.$$eval(selector, (els, [avoid, nav]) => els.map((e, i) => {
    const b = e.getBoundingClientRect();
    const usable = b.width > 0 && b.height > 0 && !e.disabled && !e.readOnly;
    return usable && !(avoid && e.closest(nav)) ? i : -1;
  }).filter(i => i >= 0), [avoidNav, NAV]);
  if (!candidates.length) return null;
  const i = candidates[r.between(0, candidates.length - 1)];
  const at = await reveal(page, selector, i, r);
  if (!at) return null;
  const [type, name, autocomplete] = await page.$$eval(selector, (els, i) =>
    [els[i].type || '', els[i].name || '', els[i].autocomplete || ''], i);
  return Object.assign(at, { type, name, autocomplete,
    x: at.x + at.w * (0.4 * r.next() - 0.2), y: at.y + at.h * (0.4 * r.next() - 0.2) });
}

// do_scroll_to_element's landmarks (page_script.js pick 'scroll_to').
const LANDMARKS = 'h1, h2, h3, section, img, footer, form';
const KEYS = [['Tab', 3], ['ArrowDown', 3], ['ArrowUp', 1], ['PageDown', 2], ['Home', 0.5],
  ['End', 0.5]];

// One action as footfall's session_actions.cpp does it; one it cannot do on this page (no field,
// nothing out of view) is a scroll instead, as footfall's perform falls back.
async function act(page, pos, kind, r, skill) {
  if (kind === 'key_press') {
    // do_key_press: a navigation key, held.
    let x = r.next() * KEYS.reduce((s, k) => s + k[1], 0), k = 'Tab';
    for (const [name, w] of KEYS) if ((x -= w) < 0) { k = name; break; }
    await page.keyboard.down(k);
    await sleep(r.lognormal(skill[2], skill[3]));
    await page.keyboard.up(k);
    return;
  }
  if (kind === 'scroll_to') {
    // do_scroll_to_element: a landmark out of view, revealed.
    const out = await page.$$eval(LANDMARKS, els => els.map((e, i) => {
      const b = e.getBoundingClientRect();
      return b.width > 0 && (b.bottom < 0 || b.top > innerHeight) ? i : -1;
    }).filter(i => i >= 0));
    if (out.length) {
      await reveal(page, LANDMARKS, out[r.between(0, out.length - 1)], r);
      return;
    }
    kind = 'scroll';
  }
  if (kind === 'type' || kind === 'clear') {
    // do_type / do_clear: any text field on the page, revealed, clicked to focus; then typed
    // into after a moment, or Ctrl+A and Backspace.
    const at = await anyOf(page, TEXT, r);
    if (at) {
      await moveTo(page, pos, at.x, at.y, r, at.w);
      await press(page, at.x, at.y, r);
      if (kind === 'clear') {
        await page.keyboard.down('Control');
        await page.keyboard.press('a', { delay: r.lognormal(skill[2], skill[3]) });
        await page.keyboard.up('Control');
        await page.keyboard.press('Backspace', { delay: r.lognormal(skill[2], skill[3]) });
        return;
      }
      await sleep(r.lognormal(300, 0.4));
      await typeKeys(page, textFor(at.type, at.name, at.autocomplete, r), skill, r);
      return;
    }
    kind = 'scroll';
  }
  if (kind !== 'scroll') {
    // do_click / do_hover: an element of footfall's lists anywhere on the page, revealed (until
    // round 15 this script took only elements already in view, and so sent 1.2-1.5x fewer wheel
    // events than footfall's visitors); a click never on something that would navigate, and
    // then ~300 ms for whatever it set off (click_outcome.cpp settle_click's quiet budget).
    const at = await anyOf(page, kind === 'hover' ? HOVER : CLICK, r, kind !== 'hover');
    if (at) {
      await moveTo(page, pos, at.x, at.y, r, at.w);
      if (kind === 'hover') { await sleep(r.lognormal(400, 0.5)); return; }  // lingering
      await press(page, at.x, at.y, r, kind === 'right_click' ? 'right' : 'left',
        kind === 'double_click' ? 2 : 1);
      await sleep(300);
      return;
    }
  }
  // do_scroll: 300-1200 px, down 85 % of the time (up at the bottom, down at the top), from a
  // hand over the content.
  const [y, vh, h] = await page.evaluate(() => [scrollY, innerHeight, document.documentElement.scrollHeight]);
  const dir = y + vh >= h - 2 ? -1 : y <= 0 ? 1 : r.next() < 0.85 ? 1 : -1;
  if (pos.x <= 0 && pos.y <= 0) await moveTo(page, pos, 400, vh / 2, r, 200);
  await wheelGesture(page, dir * r.between(300, 1200), r);
}

// The i-th element of `selector`, brought into view as footfall reveals a target (actions.cpp
// reveal, page_script.js need): one wheel gesture that would bring its centre to the
// viewport's, a ~250 ms look, again if needed, at most 5 gestures; its centre and size, or null.
async function reveal(page, selector, i, r) {
  for (let gestures = 0; ; gestures++) {
    const [x, y, top, bottom, vh, w, h] = await page.$$eval(selector, (els, i) => {
      const b = els[i].getBoundingClientRect();
      return [b.x + b.width / 2, b.y + b.height / 2, b.top, b.bottom, innerHeight, b.width, b.height];
    }, i);
    if (top >= 0 && bottom <= vh) return { x, y, w, h };
    if (gestures === 5) return null;
    await wheelGesture(page, Math.round((top + bottom) / 2 - vh / 2), r);
    await sleep(r.lognormal(250, 0.4));
  }
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
  await press(page, at.x, at.y, r);
  if (await loaded) await recordLoad(page);
  return true;
}

async function session(browser, r) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    const duration = r.between(20000, 30000), pages = r.between(2, 3), skill = skillOf(r);
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
      for (let i = 0; i < n; i++) { await pause(think(p, n - i), page, pos, r); await act(page, pos, nextAction(r), r, skill); }
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
