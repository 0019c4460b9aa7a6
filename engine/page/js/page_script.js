// Runs in footfall's isolated world (Page.addScriptToEvaluateOnNewDocument with worldName), in
// every frame: it shares the DOM with the page but not its JavaScript globals, so the page sees
// no footfall name and no wrapped function. Console errors and failed requests are counted from
// CDP events by the page agent, not here.
//
// Targets come from the whole page: the top document, same-origin iframes and open shadow roots.
// An element's place is its "hops" (frames and shadow hosts from the top); its selector names
// them: `iframe#f >>frame>> #host >>shadow>> button.go`. Points are top-viewport CSS pixels.
// Candidate order is document order (top document first, then shadow roots, then frames) and
// every choice comes from the numbers the engine passes in (its seeded RNG).
(() => {
if (globalThis.__ff) return;
const st = { depth: 0, last: null, ptr: null };
const top = window === window.top;
const docHeight = () => Math.max(document.documentElement.scrollHeight,
  document.body ? document.body.scrollHeight : 0);
const depth = () => {
  const h = docHeight();
  const d = h > 0 ? Math.min(100, Math.round((scrollY + innerHeight) / h * 100)) : 100;
  if (d > st.depth) st.depth = d;
};
if (top) {
  addEventListener('scroll', depth, { passive: true, capture: true });
  addEventListener('load', depth);
}

// Scopes: a shadow root's host or a same-origin frame's element, from the top down.
const isShadow = r => r && r.nodeType === 11 && !!r.host;
const hopsOf = el => {
  const hops = [];
  for (let n = el; n;) {
    const root = n.getRootNode();
    if (isShadow(root)) { hops.unshift({ frame: false, el: root.host }); n = root.host; continue; }
    let fe = null;
    try { fe = root.defaultView && root.defaultView.frameElement; } catch (e) { fe = null; }
    if (fe) { hops.unshift({ frame: true, el: fe }); n = fe; continue; }
    break;
  }
  return hops;
};
const frameDoc = f => { try { return f.contentDocument; } catch (e) { return null; } };
// Where a frame's viewport starts in its parent's viewport (border + padding inside the box).
const contentOffset = f => {
  const r = f.getBoundingClientRect(), cs = f.ownerDocument.defaultView.getComputedStyle(f);
  return { x: r.left + f.clientLeft + parseFloat(cs.paddingLeft || 0),
           y: r.top + f.clientTop + parseFloat(cs.paddingTop || 0) };
};
const offsetOf = el => {
  let x = 0, y = 0;
  for (const h of hopsOf(el)) if (h.frame) { const o = contentOffset(h.el); x += o.x; y += o.y; }
  return { x, y };
};
// Every element matching `sel` in the document, its open shadow roots and same-origin frames.
const deepAll = sel => {
  const out = [];
  const walk = (root, depth) => {
    if (depth > 8) return;
    out.push(...root.querySelectorAll(sel));
    for (const h of root.querySelectorAll('*')) if (h.shadowRoot) walk(h.shadowRoot, depth + 1);
    for (const f of root.querySelectorAll('iframe, frame')) {
      const d = frameDoc(f);
      if (d && d.documentElement) walk(d, depth + 1);
    }
  };
  walk(document, 0);
  return out;
};
// The innermost element at a top-viewport point, through shadow roots and same-origin frames.
const deepHit = (x, y) => {
  let doc = document, ox = 0, oy = 0;
  for (let depth = 0; depth < 10; depth++) {
    let e = doc.elementFromPoint(x - ox, y - oy);
    if (!e) return null;
    while (e.shadowRoot) {
      const inner = e.shadowRoot.elementFromPoint(x - ox, y - oy);
      if (!inner || inner === e) break;
      e = inner;
    }
    const d = (e.tagName === 'IFRAME' || e.tagName === 'FRAME') ? frameDoc(e) : null;
    if (!d || !d.documentElement) return e;
    const o = contentOffset(e);
    ox += o.x; oy += o.y; doc = d;
  }
  return null;
};
// `n` is `el` or inside it, across shadow boundaries (not frames).
const within = (el, n) => {
  for (; n; n = n.parentNode || n.host) if (n === el) return true;
  return false;
};

const rootOf = el => el.getRootNode();
const unique = (el, s) => { try { return rootOf(el).querySelectorAll(s).length === 1; } catch (e) { return false; } };
const q = v => '"' + String(v).replace(/["\\]/g, '\\$&') + '"';
// Fields whose value is never reported: passwords, payment cards, one-time codes.
const SECRET_AC = /^(cc-|current-password|new-password|one-time-code)/i;
const SECRET_NAME = /pass|card|cvv|cvc|ccnum|iban|ssn|secret|pin\b/i;
const secret = el => {
  if (!/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) return false;
  const type = (el.getAttribute('type') || '').toLowerCase();
  const ac = (el.getAttribute('autocomplete') || '').trim().split(/\s+/).pop();
  return type === 'password' || SECRET_AC.test(ac || '') ||
    SECRET_NAME.test(el.getAttribute('name') || '') || SECRET_NAME.test(el.id || '');
};
const buttonLike = el => el.tagName === 'INPUT' && /^(button|submit|reset|image)$/i.test(el.type);
const localSelector = el => {
  if (el.id && unique(el, '#' + CSS.escape(el.id))) return '#' + CSS.escape(el.id);
  const tag = el.tagName.toLowerCase();
  // A field's value attribute may be what the visitor typed (or a pre-filled secret): never part
  // of a selector, except on buttons where it is the label.
  const attrs = el.tagName === 'INPUT' && !buttonLike(el)
    ? ['name', 'data-testid', 'aria-label', 'type']
    : ['name', 'data-testid', 'aria-label', 'href', 'for', 'value', 'type'];
  for (const a of attrs) {
    const v = el.getAttribute(a);
    if (v && v.length < 80 && unique(el, tag + '[' + a + '=' + q(v) + ']')) return tag + '[' + a + '=' + q(v) + ']';
  }
  if (el.classList.length) {
    const s = tag + '.' + [...el.classList].slice(0, 3).map(c => CSS.escape(c)).join('.');
    if (unique(el, s)) return s;
  }
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== e.ownerDocument.documentElement; e = e.parentElement) {
    if (e !== el && e.id && unique(el, '#' + CSS.escape(e.id))) { parts.unshift('#' + CSS.escape(e.id)); break; }
    let p = e.tagName.toLowerCase();
    const par = e.parentElement;
    if (par) {
      const same = [...par.children].filter(c => c.tagName === e.tagName);
      if (same.length > 1) p += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(p);
    if (unique(el, parts.join(' > '))) break;
  }
  return parts.join(' > ');
};
const selectorOf = el => {
  if (!el || el.nodeType !== 1) return '';
  return hopsOf(el).map(h => localSelector(h.el) + (h.frame ? ' >>frame>> ' : ' >>shadow>> ')).join('') +
    localSelector(el);
};
// Finds elements by a selector selectorOf made (or a plain CSS selector).
const resolve = sel => {
  const parts = sel.split(/ >>(frame|shadow)>> /);
  let roots = [document];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const host = roots[0].querySelector(parts[i]);
    const next = !host ? null : parts[i + 1] === 'frame' ? frameDoc(host) : host.shadowRoot;
    if (!next) return [];
    roots = [next];
  }
  return [...roots[0].querySelectorAll(parts[parts.length - 1])];
};
// Visible label of an element; a field's value only for buttons, never for what was typed.
const textOf = el => String(el.innerText || (buttonLike(el) ? el.value : '') || el.alt || el.title ||
  el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 100);

const viewOf = el => el.ownerDocument.defaultView;
const visible = el => {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  const cs = viewOf(el).getComputedStyle(el);
  return cs.visibility !== 'hidden' && cs.display !== 'none' && +cs.opacity > 0.05;
};
const enabled = el => !el.disabled && el.getAttribute('aria-disabled') !== 'true' &&
  !el.closest('fieldset[disabled]') && viewOf(el).getComputedStyle(el).pointerEvents !== 'none';
const inView = (r, w) => r.top >= 0 && r.left >= 0 && r.bottom <= w.innerHeight && r.right <= w.innerWidth;
// Running CSS animations/transitions mean the box may move under the pointer: not stable.
const moving = el => !!(el.getAnimations && el.getAnimations().some(a => a.playState === 'running'));
const NAV = 'a[href], input[type=submit], input[type=image], form button:not([type=button]):not([type=reset])';
const hits = (el, hit) => within(el, hit) || (el.control && el.control === hit) ||
  (hit.tagName === 'LABEL' && hit.control === el);
const DISMISS = /^(×|✕|✖|x|close|dismiss|accept|accept all|ok|okay|got it|no thanks|agree|i agree|continue)$/i;

const describe = (el, x, y, r, extra) => Object.assign({
  selector: selectorOf(el), text: secret(el) ? '' : textOf(el), tag: el.tagName.toLowerCase(),
  x: Math.round(x), y: Math.round(y), w: Math.round(r.width), h: Math.round(r.height),
  type: (el.getAttribute('type') || '').toLowerCase(), name: el.getAttribute('name') || el.id || '',
  autocomplete: el.getAttribute('autocomplete') || '', secret: secret(el),
  frame: hopsOf(el).some(h => h.frame), shadow: hopsOf(el).some(h => !h.frame)
}, extra || {});

// Finds the close button of the overlay that covers `hit`, if it has one.
const dismissFor = hit => {
  for (let e = hit; e && e !== e.ownerDocument.body; e = e.parentElement) {
    const pos = viewOf(e).getComputedStyle(e).position;
    if (pos !== 'fixed' && pos !== 'sticky' && pos !== 'absolute') continue;
    for (const b of e.querySelectorAll('button, [role=button], a, [data-dismiss]')) {
      const label = (b.getAttribute('aria-label') || b.innerText || b.value || '').trim();
      if ((b.hasAttribute('data-dismiss') || DISMISS.test(label)) && visible(b)) return b;
    }
  }
  return null;
};

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// Scrolling (issue 11): the script never scrolls — a person's scroll has input behind it. For a
// target out of view it says how far to scroll and where the wheel must be sent, the engine
// wheels there (engine/actions.cpp reveal) and asks again. Boxes are top-viewport CSS px.
const box = (left, top, w, h) => ({ left, top, right: left + w, bottom: top + h });
const clip = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
  right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
const SCROLLS = /(auto|scroll|overlay)/;
const scroller = el => {
  const cs = viewOf(el).getComputedStyle(el);
  return (SCROLLS.test(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) ||
    (SCROLLS.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1);
};
const clientBox = el => {
  const r = el.getBoundingClientRect(), o = offsetOf(el);
  return box(o.x + r.left + el.clientLeft, o.y + r.top + el.clientTop, el.clientWidth, el.clientHeight);
};
// What scrolls around `n`, innermost first: scrollable elements (across shadow roots), the
// viewports of same-origin frames ({frame}), and last this window's viewport ({el: null}).
const containersOf = n => {
  const out = [];
  for (let i = 0; n && i < 500; i++) {
    let p = n.parentElement;
    if (!p) { const root = n.getRootNode(); if (isShadow(root)) p = root.host; }
    if (p) {
      const d = p.ownerDocument;
      if (p !== d.documentElement && p !== d.body && scroller(p)) out.push({ el: p, box: clientBox(p) });
      n = p;
      continue;
    }
    const v = n.ownerDocument && n.ownerDocument.defaultView;
    let fe = null;
    try { fe = v && v.frameElement; } catch (e) { fe = null; }
    if (!fe) break;
    const o = offsetOf(fe), c = contentOffset(fe);
    out.push({ el: fe, frame: true, box: box(o.x + c.x, o.y + c.y, v.innerWidth, v.innerHeight) });
    n = fe;
  }
  out.push({ el: null, box: box(0, 0, innerWidth, innerHeight) });
  return out;
};
// Can container `c` still scroll in the direction of (dx, dy)? (Chromium latches a wheel gesture
// to the innermost scroller under the pointer that can; https://crbug.com/526463.)
const canScroll = (c, dx, dy) => {
  if (!c.el) return true;
  const s = c.frame ? (frameDoc(c.el) || {}).scrollingElement : c.el;
  if (!s) return false;
  return (dy > 0 && s.scrollTop + s.clientHeight < s.scrollHeight - 1) || (dy < 0 && s.scrollTop > 0) ||
    (dx > 0 && s.scrollLeft + s.clientWidth < s.scrollWidth - 1) || (dx < 0 && s.scrollLeft > 0);
};
// Does a wheel at (x, y) scroll container `c`? Not when something inside it that can scroll
// that way, a cross-origin frame (its own process) or an overlay is under the point instead.
const wheelsAt = (c, x, y, dx, dy) => {
  const hit = deepHit(x, y);
  if (!hit || hit.tagName === 'IFRAME' || hit.tagName === 'FRAME') return false;
  for (const k of containersOf(hit)) if (k.el === c.el || canScroll(k, dx, dy)) return k.el === c.el;
  return false;
};
// Where to wheel container `c` (visible part `vis`): the pointer if it is already a good place
// (a hand does not move for nothing), else the middle, else a grid over the visible part.
const wheelPoint = (c, vis, dx, dy) => {
  const pts = [];
  if (st.ptr) pts.push(st.ptr);
  for (const f of [0.5, 0.3, 0.7, 0.15, 0.85])
    for (const g of [0.5, 0.3, 0.7, 0.15, 0.85])
      pts.push([vis.left + (vis.right - vis.left) * g, vis.top + (vis.bottom - vis.top) * f]);
  const inside = p => p[0] >= vis.left + 2 && p[0] <= vis.right - 2 && p[1] >= vis.top + 2 && p[1] <= vis.bottom - 2;
  const p = pts.find(p => inside(p) && wheelsAt(c, p[0], p[1], dx, dy)) || pts[1];
  return [Math.round(p[0]), Math.round(p[1])];
};
// Per axis: a subject that fits (<= 80 % of the container) must be inside it; a bigger one must
// have the aim point `a` inside. need: how far to scroll to bring it to the middle.
const shows = (lo, hi, slo, shi, a) => shi - slo <= (hi - lo) * 0.8 ? slo >= lo && shi <= hi : a >= lo + 4 && a <= hi - 4;
const need = (lo, hi, slo, shi, a) => shows(lo, hi, slo, shi, a) ? 0 :
  Math.round((shi - slo <= (hi - lo) * 0.8 ? (slo + shi) / 2 : a) - (lo + hi) / 2);
// null when `el` (aimed at (ax, ay)) is in view through every container; otherwise
// {scroll_by: [dx, dy], over: [x, y]}: the innermost container hiding it that the pointer can
// reach (its visible part at least 10 px each way), or the viewport. A container out of view
// becomes the subject of the next one out, so the outer scroll brings the container in first.
const reveal = (el, ax, ay) => {
  const cs = containersOf(el), r = el.getBoundingClientRect(), o = offsetOf(el);
  let s = box(o.x + r.left, o.y + r.top, r.width, r.height);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i], b = c.box;
    const dx = need(b.left, b.right, s.left, s.right, ax), dy = need(b.top, b.bottom, s.top, s.bottom, ay);
    if (!dx && !dy) continue;
    let vis = b;
    for (let j = i + 1; j < cs.length; j++) vis = clip(vis, cs[j].box);
    if (!c.el || (vis.right - vis.left >= 10 && vis.bottom - vis.top >= 10))
      return { scroll_by: [dx, dy], over: wheelPoint(c, vis, dx, dy) };
    s = b;
    ax = clamp(ax, b.left, b.right);
    ay = clamp(ay, b.top, b.bottom);
  }
  return null;
};

// Actionability: visible, enabled, in view, not moving, and really the element at the chosen
// point (u2/u3: where in the element, as fractions — the engine's click-placement model,
// engine/human_input.hpp click_fraction; 0.5/0.5 for the centre). Returns {ok}, {covered: hit},
// {skip} or, out of view, {offscreen: {scroll_by, over}} (see reveal).
const actionable = (el, u2, u3, avoidNav) => {
  if (!visible(el) || !enabled(el)) return { skip: 'hidden or disabled' };
  const w = viewOf(el);
  const r = el.getBoundingClientRect(), off = offsetOf(el);
  const ax = off.x + r.left + r.width * clamp(u2, 0, 1), ay = off.y + r.top + r.height * clamp(u3, 0, 1);
  const away = reveal(el, ax, ay);
  if (away) return { offscreen: away };
  if (moving(el)) return { skip: 'moving' };
  const lx = clamp(r.left + r.width * clamp(u2, 0, 1), 0, w.innerWidth - 1);
  const ly = clamp(r.top + r.height * clamp(u3, 0, 1), 0, w.innerHeight - 1);
  const x = Math.round(lx + off.x), y = Math.round(ly + off.y);
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return { skip: 'outside viewport' };
  const hit = deepHit(x, y);
  if (!hit) return { skip: 'outside viewport' };
  if (!hits(el, hit)) return { covered: hit };
  if (avoidNav && hit.closest(NAV)) return { skip: 'would navigate' };
  return { ok: true, x, y, r };
};
// A target out of view: the element, and where and how far to wheel.
const away = (el, a, extra) => {
  const r = el.getBoundingClientRect(), o = offsetOf(el);
  return describe(el, o.x + r.left + r.width / 2, o.y + r.top + r.height / 2, r, Object.assign({}, extra || {}, a));
};

// Tries the candidates from index floor(u1*n) on, wrapping; the first actionable one wins. An
// overlay in the way is dismissed (its close button becomes the target) when it has a button.
// The chosen element is remembered for check().
const choose = (list, u1, u2, u3, avoidNav, extra) => {
  const n = list.length;
  if (!n) return null;
  const start = Math.min(n - 1, Math.floor(u1 * n));
  for (let i = 0; i < Math.min(n, 40); i++) {
    const el = list[(start + i) % n];
    const a = actionable(el, u2, u3, avoidNav);
    if (a.offscreen) return away(el, a.offscreen);
    if (a.ok) { st.last = el; return describe(el, a.x, a.y, a.r, extra ? extra(el) : null); }
    if (a.covered) {
      const b = dismissFor(a.covered);
      if (b) {
        const d = actionable(b, 0.5, 0.5, false);
        if (d.ok) {
          st.last = b;
          return describe(b, d.x, d.y, d.r, { dismiss: true, covered: selectorOf(el) });
        }
      }
    }
  }
  return { none: true };
};

const CLICK = 'button, input[type=button], input[type=checkbox], input[type=radio], input[type=reset], [role=button], summary, label, [data-ff-click], p, h1, h2, h3';
const HOVER = 'a[href], button, [role=button], nav li, img, [title], [data-ff-hover]';
const TEXT = 'input:not([type]), input[type=text], input[type=search], input[type=email], input[type=tel], input[type=url], input[type=password], input[type=number], textarea';
const DRAG = '[draggable=true], [data-ff-drag], input[type=range]';
const DROP = '[data-ff-drop], .dropzone, [dropzone], #dropzone, [ondrop], [aria-dropeffect]';
const editable = el => !el.readOnly && !el.disabled;

// Where a drag goes: the centre of a visible drop zone for a draggable element; for a range input
// (a pointer-driven widget) another point along its track.
const dragTo = (el, u1) => {
  if (el.tagName === 'INPUT') {
    const r = el.getBoundingClientRect(), off = offsetOf(el);
    return { to: [Math.round(off.x + r.left + r.width * (0.1 + 0.8 * u1)), Math.round(off.y + r.top + r.height / 2)],
             toSelector: selectorOf(el) };
  }
  const d = deepAll(DROP).find(z => !within(z, el) && !within(el, z) && visible(z));
  if (!d) return { to: null };
  const r = d.getBoundingClientRect(), off = offsetOf(d);
  return { to: [Math.round(off.x + r.left + r.width / 2), Math.round(off.y + r.top + r.height / 2)], toSelector: selectorOf(d) };
};

// The headless shell's tells under a Chrome user agent (bench_fingerprint: what else differs is
// covered by the session identity, but for the canvas hash, which a page can only judge against
// hashes it already knows): no window.chrome, no PDF viewer plugins, pdfViewerEnabled false,
// notifications denied before anyone was asked (a fresh Chrome profile says 'default'). The
// share of them present; null when the user agent does not claim Chrome (Firefox and Safari
// have no window.chrome of their own).
const embedderTells = () => {
  if (!/Chrome\//.test(navigator.userAgent)) return null;
  const tells = [typeof window.chrome !== 'object', navigator.plugins.length === 0,
                 navigator.pdfViewerEnabled === false,
                 typeof Notification !== 'undefined' && Notification.permission === 'denied'];
  return tells.filter(Boolean).length / tells.length;
};

// Page health (engine/page/page_health.hpp), when the engine switched it on: interactions'
// Event Timing entries and the first contentful paint, from buffered observers in this isolated
// world (the page's performance timeline belongs to its window, which every world shares), so
// nothing is added to the page's own world. Only interactions count (interactionId > 0: a moving
// pointer's hover entries are not interactions); an interaction's latency is its longest entry.
// LCP and layout shifts come over CDP (PerformanceTimeline), not from here.
const perf = { fcp: null, ev: new Map(), obs: [] };
const perfTake = list => {
  for (const e of list) {
    if (e.entryType === 'paint') { if (e.name === 'first-contentful-paint') perf.fcp = e.startTime; }
    else if (e.interactionId > 0) perf.ev.set(e.interactionId, Math.max(perf.ev.get(e.interactionId) || 0, e.duration));
  }
};
if (top && globalThis.__ffPerf) {
  for (const o of [{ type: 'paint', buffered: true }, { type: 'first-input', buffered: true },
                   { type: 'event', buffered: true, durationThreshold: 16 }]) {
    try {
      const ob = new PerformanceObserver(l => perfTake(l.getEntries()));
      ob.observe(o);
      perf.obs.push(ob);
    } catch (e) { /* an entry type this Chromium lacks */ }
  }
}
// What the observers saw (entries still queued included), with the document's time origin.
// INP needs only the ten longest interactions and how many there were (web-vitals' onINP keeps
// ten too): a typing visit has dozens, and every facts read carries this report.
const perfReport = () => {
  if (!perf.obs.length) return undefined;
  for (const ob of perf.obs) perfTake(ob.takeRecords());
  return { origin: performance.timeOrigin, fcp: perf.fcp, n: perf.ev.size,
           ev: [...perf.ev].sort((a, b) => b[1] - a[1]).slice(0, 10),
           ic: typeof performance.interactionCount === 'number' ? performance.interactionCount : null };
};

const pagestats = () => {
  depth();
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    url: location.href, title: document.title.slice(0, 500), depth: st.depth,
    ttfb: nav ? nav.responseStart : null, status: nav && nav.responseStatus ? nav.responseStatus : 0,
    dcl: nav && nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,
    load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null,
    height: docHeight(), scrollY: Math.round(scrollY), vh: innerHeight, webdriver: !!navigator.webdriver,
    embedder: embedderTells(),
    perf: perfReport()
  };
};

const api = {
  // Resolves once input already sent has been applied: wheel and scroll keys are handled
  // asynchronously (rAF-aligned), so geometry read before that would be stale.
  settle: () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  // On arrival: the page's facts and its links (the engine filters them: origin, robots, ...).
  arrive: () => Object.assign(pagestats(), {
    links: [...document.querySelectorAll('a[href]')].map(a => [a.href, a.hasAttribute('download')])
  }),
  // Pick a target of the given kind with actionability checks; u1 picks, u2/u3 place the point.
  pick: (kind, u1, u2, u3) => {
    switch (kind) {
      case 'click': return choose(deepAll(CLICK), u1, u2, u3, true);
      case 'hover': return choose(deepAll(HOVER), u1, u2, u3, false);
      case 'type': return choose(deepAll(TEXT).filter(editable), u1, u2, u3, false);
      case 'clear': return choose(deepAll(TEXT).filter(e => editable(e) && e.value !== ''), u1, u2, u3, false);
      case 'select': return choose(deepAll('select:not([multiple])').filter(s => s.options.length > 1), u1, u2, u3, false,
        s => {
          // Focused the way a Tab would (no popup, which headless cannot show); the engine then
          // chooses with the arrow keys, as a keyboard user does.
          s.focus({ preventScroll: true });
          return { options: [...s.options].map(o => o.value), selected: s.selectedIndex };
        });
      case 'drag': return choose(deepAll(DRAG), u1, u2, u3, true, el => dragTo(el, u1));
      case 'scroll_to': {
        // Somewhere further on the page: one of the landmarks out of view (the engine wheels
        // there; none out of view: nothing to do).
        const out = deepAll('h1, h2, h3, section, img, footer, form').filter(e => visible(e) &&
          !inView(e.getBoundingClientRect(), viewOf(e)));
        if (!out.length) return null;
        const el = out[Math.min(out.length - 1, Math.floor(u1 * out.length))];
        const r = el.getBoundingClientRect(), o = offsetOf(el);
        const a = reveal(el, o.x + r.left + r.width / 2, o.y + r.top + r.height / 2);
        return a ? away(el, a) : null;
      }
    }
    return null;
  },
  // Before leaving: the page's final facts, and the first actionable link among the indexes.
  depart: (indexes, u2, u3) => {
    const links = [...document.querySelectorAll('a[href]')];
    const target = choose(indexes.map(i => links[i]).filter(Boolean), 0, u2, u3, false);
    return Object.assign(pagestats(), { target });
  },
  // A named element (selectorOf's form or CSS) with the same actionability checks.
  target: (sel, u2, u3, avoidNav) => choose(resolve(sel).slice(0, 1), 0, u2, u3, !!avoidNav),
  // The page's final facts and a named link to leave by, in one call.
  departTo: (sel, u2, u3) => Object.assign(pagestats(), { target: choose(resolve(sel).slice(0, 1), 0, u2, u3, false) }),
  stats: pagestats,
  // Where the engine's pointer is now (top-viewport px of this world's window, or null): the
  // first place reveal tries to wheel at.
  pointer: p => { st.ptr = p; },
  // Resolves once the document's load event has fired.
  loaded: () => document.readyState === 'complete' ||
    new Promise(r => addEventListener('load', () => r(true), { once: true })),
  // Aim, then check: what is under (x, y) now. ok when it is the chosen element; otherwise where
  // that element is now (when it is still actionable) and what the point would really hit.
  check: (x, y, u2, u3) => {
    const el = st.last, hit = deepHit(x, y);
    if (el && hit && hits(el, hit)) return { ok: true };
    const out = { ok: false };
    if (hit) {
      const r = hit.getBoundingClientRect();
      out.hit = describe(hit, x, y, r);
    }
    if (el && el.isConnected) {
      const a = actionable(el, u2, u3, false);
      if (a.ok) out.again = describe(el, a.x, a.y, a.r);
    }
    return out;
  },
  // How many candidates of a kind this document offers (the engine spreads its choice over the
  // page's out-of-process frames by these counts).
  count: kind => {
    const lists = { click: CLICK, hover: HOVER, type: TEXT, clear: TEXT, select: 'select:not([multiple])', drag: DRAG };
    return lists[kind] ? deepAll(lists[kind]).length : 0;
  },
  // An (out-of-process) iframe element: its selector, where its viewport starts in the top
  // viewport and, when it is not in view, where and how far to wheel (reveal).
  frameBox: f => {
    const off = offsetOf(f), o = contentOffset(f), r = f.getBoundingClientRect();
    const a = reveal(f, off.x + r.left + r.width / 2, off.y + r.top + r.height / 2);
    return Object.assign({ selector: selectorOf(f), x: off.x + o.x, y: off.y + o.y }, a || {});
  },
  // The element keys go to now (for recording a key press), through frames and shadow roots.
  active: () => {
    let el = document.activeElement;
    for (let i = 0; el && i < 10; i++) {
      const inner = el.shadowRoot ? el.shadowRoot.activeElement
        : (el.tagName === 'IFRAME' && frameDoc(el)) ? frameDoc(el).activeElement : null;
      if (!inner) break;
      el = inner;
    }
    return el && el.tagName !== 'BODY' && el.tagName !== 'HTML'
      ? { selector: selectorOf(el), text: secret(el) ? '' : textOf(el) } : { selector: 'body' };
  }
};
globalThis.__ff = api;
})();
