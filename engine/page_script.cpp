#include "engine/page_script.hpp"

namespace footfall::engine {
namespace {

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
constexpr std::string_view script = R"JS((() => {
if (globalThis.__ff) return;
const st = { depth: 0, last: null };
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

const describe = (el, x, y, r, scrolled, extra) => Object.assign({
  selector: selectorOf(el), text: secret(el) ? '' : textOf(el), tag: el.tagName.toLowerCase(),
  x: Math.round(x), y: Math.round(y), w: Math.round(r.width), h: Math.round(r.height), scrolled,
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
// Actionability: visible, enabled, scrolled into view, not moving, and really the element at
// the chosen point. Returns {ok}, {covered: hit} or {skip}.
const actionable = (el, u2, u3, avoidNav) => {
  if (!visible(el) || !enabled(el)) return { skip: 'hidden or disabled' };
  const w = viewOf(el);
  let r = el.getBoundingClientRect(), off = offsetOf(el), scrolled = false;
  const outside = () => !inView(r, w) || off.x + r.left < 0 || off.y + r.top < 0 ||
    off.x + r.right > innerWidth || off.y + r.bottom > innerHeight;
  if (outside()) {
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    scrolled = true;
    r = el.getBoundingClientRect();
    off = offsetOf(el);
  }
  if (moving(el)) return { skip: 'moving' };
  // u2/u3: where in the element, as fractions — the engine's click-placement model
  // (engine/human_input.hpp click_fraction), 0.5/0.5 for the centre.
  const lx = clamp(r.left + r.width * clamp(u2, 0, 1), 0, w.innerWidth - 1);
  const ly = clamp(r.top + r.height * clamp(u3, 0, 1), 0, w.innerHeight - 1);
  const x = Math.round(lx + off.x), y = Math.round(ly + off.y);
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return { skip: 'outside viewport' };
  const hit = deepHit(x, y);
  if (!hit) return { skip: 'outside viewport' };
  if (!hits(el, hit)) return { covered: hit, scrolled };
  if (avoidNav && hit.closest(NAV)) return { skip: 'would navigate' };
  return { ok: true, x, y, r, scrolled };
};

// Tries the candidates from index floor(u1*n) on, wrapping; the first actionable one wins. An
// overlay in the way is dismissed (its close button becomes the target) when it has a button.
// The chosen element is remembered for check().
const choose = (list, u1, u2, u3, avoidNav, extra) => {
  const n = list.length;
  if (!n) return null;
  const start = Math.min(n - 1, Math.floor(u1 * n));
  let scrolledAny = false;
  for (let i = 0; i < Math.min(n, 40); i++) {
    const el = list[(start + i) % n];
    const a = actionable(el, u2, u3, avoidNav);
    scrolledAny = scrolledAny || !!a.scrolled;
    if (a.ok) { st.last = el; return describe(el, a.x, a.y, a.r, a.scrolled, extra ? extra(el) : null); }
    if (a.covered) {
      const b = dismissFor(a.covered);
      if (b) {
        const d = actionable(b, 0.5, 0.5, false);
        if (d.ok) {
          st.last = b;
          return describe(b, d.x, d.y, d.r, d.scrolled || a.scrolled, { dismiss: true, covered: selectorOf(el) });
        }
      }
    }
  }
  return { none: true, scrolled: scrolledAny };
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

const pagestats = () => {
  depth();
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    url: location.href, title: document.title.slice(0, 500), depth: st.depth,
    ttfb: nav ? nav.responseStart : null, status: nav && nav.responseStatus ? nav.responseStatus : 0,
    dcl: nav && nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,
    load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null,
    height: docHeight(), scrollY: Math.round(scrollY), vh: innerHeight, webdriver: !!navigator.webdriver
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
        const list = deepAll('h1, h2, h3, section, img, footer, form').filter(visible);
        const out = list.filter(e => !inView(e.getBoundingClientRect(), viewOf(e)));
        const pickFrom = out.length ? out : list;
        if (!pickFrom.length) return null;
        const el = pickFrom[Math.min(pickFrom.length - 1, Math.floor(u1 * pickFrom.length))];
        el.scrollIntoView({ block: 'center', behavior: 'instant' });
        const r = el.getBoundingClientRect(), off = offsetOf(el);
        return describe(el, off.x + r.left + r.width / 2, off.y + r.top + r.height / 2, r, true);
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
      out.hit = describe(hit, x, y, r, false);
    }
    if (el && el.isConnected) {
      const a = actionable(el, u2, u3, false);
      if (a.ok) out.again = describe(el, a.x, a.y, a.r, a.scrolled);
    }
    return out;
  },
  // How many candidates of a kind this document offers (the engine spreads its choice over the
  // page's out-of-process frames by these counts).
  count: kind => {
    const lists = { click: CLICK, hover: HOVER, type: TEXT, clear: TEXT, select: 'select:not([multiple])', drag: DRAG };
    return lists[kind] ? deepAll(lists[kind]).length : 0;
  },
  // An (out-of-process) iframe element: its selector and where its viewport starts in the top
  // viewport, after scrolling it into view when it is not.
  frameBox: f => {
    if (!inView(f.getBoundingClientRect(), viewOf(f)))
      f.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    const off = offsetOf(f), o = contentOffset(f);
    return { selector: selectorOf(f), x: off.x + o.x, y: off.y + o.y };
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
})();)JS";

}  // namespace

std::string_view page_script() { return script; }

std::string_view page_world_name() { return "footfall_agent"; }

}  // namespace footfall::engine
