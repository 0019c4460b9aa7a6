#include "engine/page_script.hpp"

namespace footfall::engine {
namespace {

// Runs in the page's main world. Everything is in one closure so it leaves one name behind.
// Candidate order is DOM order and every choice comes from the numbers the engine passes in
// (drawn from the session's seeded RNG), so the same seed on the same site picks the same
// elements.
constexpr std::string_view script = R"JS((() => {
if (window.__footfall) return;
const st = { depth: 0, errors: 0, failed: 0 };
const docHeight = () => Math.max(document.documentElement.scrollHeight,
  document.body ? document.body.scrollHeight : 0);
const depth = () => {
  const h = docHeight();
  const d = h > 0 ? Math.min(100, Math.round((scrollY + innerHeight) / h * 100)) : 100;
  if (d > st.depth) st.depth = d;
};
addEventListener('scroll', depth, { passive: true, capture: true });
addEventListener('load', depth);
// Resource load failures bubble to window only in the capture phase, with the element as target.
addEventListener('error', e => { if (e.target && e.target !== window && e.target.tagName) st.failed++; else st.errors++; }, true);
addEventListener('unhandledrejection', () => st.errors++);
const ce = console.error;
console.error = function (...a) { st.errors++; return ce.apply(this, a); };

const unique = s => { try { return document.querySelectorAll(s).length === 1; } catch (e) { return false; } };
const q = v => '"' + String(v).replace(/["\\]/g, '\\$&') + '"';
const selectorOf = el => {
  if (!el || el.nodeType !== 1) return '';
  if (el.id && unique('#' + CSS.escape(el.id))) return '#' + CSS.escape(el.id);
  const tag = el.tagName.toLowerCase();
  for (const a of ['name', 'data-testid', 'aria-label', 'href', 'for', 'value', 'type']) {
    const v = el.getAttribute(a);
    if (v && v.length < 80 && unique(tag + '[' + a + '=' + q(v) + ']')) return tag + '[' + a + '=' + q(v) + ']';
  }
  if (el.classList.length) {
    const s = tag + '.' + [...el.classList].slice(0, 3).map(c => CSS.escape(c)).join('.');
    if (unique(s)) return s;
  }
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
    if (e !== el && e.id && unique('#' + CSS.escape(e.id))) { parts.unshift('#' + CSS.escape(e.id)); break; }
    let p = e.tagName.toLowerCase();
    const par = e.parentElement;
    if (par) {
      const same = [...par.children].filter(c => c.tagName === e.tagName);
      if (same.length > 1) p += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(p);
    if (unique(parts.join(' > '))) break;
  }
  return parts.join(' > ');
};
const textOf = el => String(el.innerText || el.value || el.alt || el.title ||
  el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 100);

const visible = el => {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  const cs = getComputedStyle(el);
  return cs.visibility !== 'hidden' && cs.display !== 'none' && +cs.opacity > 0.05;
};
const enabled = el => !el.disabled && el.getAttribute('aria-disabled') !== 'true' &&
  !el.closest('fieldset[disabled]') && getComputedStyle(el).pointerEvents !== 'none';
const inView = r => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
// Running CSS animations/transitions mean the box may move under the pointer: not stable.
const moving = el => !!(el.getAnimations && el.getAnimations().some(a => a.playState === 'running'));
const NAV = 'a[href], input[type=submit], input[type=image], form button:not([type=button]):not([type=reset])';
const hits = (el, hit) => hit === el || el.contains(hit) || (el.control && el.control === hit) ||
  (hit.tagName === 'LABEL' && hit.control === el);
const DISMISS = /^(×|✕|✖|x|close|dismiss|accept|accept all|ok|okay|got it|no thanks|agree|i agree|continue)$/i;

const describe = (el, x, y, r, scrolled, extra) => Object.assign({
  selector: selectorOf(el), text: textOf(el), tag: el.tagName.toLowerCase(),
  x: Math.round(x), y: Math.round(y), w: Math.round(r.width), h: Math.round(r.height), scrolled,
  type: (el.getAttribute('type') || '').toLowerCase(), name: el.getAttribute('name') || el.id || '',
  autocomplete: el.getAttribute('autocomplete') || '', value: el.value === undefined ? null : String(el.value)
}, extra || {});

// Finds the close button of the overlay that covers `hit`, if it has one.
const dismissFor = hit => {
  for (let e = hit; e && e !== document.body; e = e.parentElement) {
    const pos = getComputedStyle(e).position;
    if (pos !== 'fixed' && pos !== 'sticky' && pos !== 'absolute') continue;
    for (const b of e.querySelectorAll('button, [role=button], a, [data-dismiss]')) {
      const label = (b.getAttribute('aria-label') || b.innerText || b.value || '').trim();
      if ((b.hasAttribute('data-dismiss') || DISMISS.test(label)) && visible(b)) return b;
    }
  }
  return null;
};

// How far to scroll so the element (or, when it cannot fit, the point) sits mid-viewport.
const scrollNeed = (r, px, py) => {
  const fits = r.height <= innerHeight * 0.8, fitsX = r.width <= innerWidth * 0.8;
  const dy = (fits ? r.top + r.height / 2 : py) - innerHeight / 2;
  const dx = r.left >= 0 && r.right <= innerWidth ? 0 : (fitsX ? r.left + r.width / 2 : px) - innerWidth / 2;
  return [Math.round(dx), Math.round(dy)];
};
// Actionability: visible, enabled, in view, not moving, and really the element at the chosen
// point (u2, u3: where in the element, as fractions — the engine's click-placement model).
// Returns {ok}, {covered: hit}, {skip} or, when out of view, {offscreen: [dx, dy]}: the engine
// scrolls there with wheel input (a person cannot jump) and asks again. `jump` (scripted
// journeys, the peers' benchmark) scrolls instantly instead.
const actionable = (el, u2, u3, avoidNav, jump) => {
  if (!visible(el) || !enabled(el)) return { skip: 'hidden or disabled' };
  let r = el.getBoundingClientRect(), scrolled = false;
  const px = r.left + r.width * u2, py = r.top + r.height * u3;
  const pointIn = px >= 0 && py >= 0 && px < innerWidth && py < innerHeight;
  if (!inView(r) && (!pointIn || r.height <= innerHeight * 0.8)) {
    if (!jump) return { offscreen: scrollNeed(r, px, py) };
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    scrolled = true;
    r = el.getBoundingClientRect();
  }
  if (moving(el)) return { skip: 'moving' };
  const x = Math.round(Math.min(innerWidth - 1, Math.max(0, r.left + r.width * u2)));
  const y = Math.round(Math.min(innerHeight - 1, Math.max(0, r.top + r.height * u3)));
  const hit = document.elementFromPoint(x, y);
  if (!hit) return { skip: 'outside viewport' };
  if (!hits(el, hit)) return { covered: hit, scrolled };
  if (avoidNav && hit.closest(NAV)) return { skip: 'would navigate' };
  return { ok: true, x, y, r, scrolled };
};

// Tries the candidates from index floor(u1*n) on, wrapping; the first actionable one wins. An
// overlay in the way is dismissed (its close button becomes the target) when it has a button.
const choose = (list, u1, u2, u3, avoidNav, extra, jump) => {
  const n = list.length;
  if (!n) return null;
  const start = Math.min(n - 1, Math.floor(u1 * n));
  let scrolledAny = false;
  for (let i = 0; i < Math.min(n, 40); i++) {
    const el = list[(start + i) % n];
    const a = actionable(el, u2, u3, avoidNav, jump);
    if (a.offscreen) return { scroll_by: a.offscreen, selector: selectorOf(el), text: textOf(el) };
    scrolledAny = scrolledAny || !!a.scrolled;
    if (a.ok) return describe(el, a.x, a.y, a.r, a.scrolled, extra ? extra(el) : null);
    if (a.covered) {
      const b = dismissFor(a.covered);
      if (b) {
        const d = actionable(b, 0.5, 0.5, false, true);
        if (d.ok) return describe(b, d.x, d.y, d.r, d.scrolled || a.scrolled, { dismiss: true, covered: selectorOf(el) });
      }
    }
  }
  return { none: true, scrolled: scrolledAny };
};

const all = s => [...document.querySelectorAll(s)];
const CLICK = 'button, input[type=button], input[type=checkbox], input[type=radio], input[type=reset], [role=button], summary, label, [data-ff-click], p, h1, h2, h3';
const HOVER = 'a[href], button, [role=button], nav li, img, [title], [data-ff-hover]';
const TEXT = 'input:not([type]), input[type=text], input[type=search], input[type=email], input[type=tel], input[type=url], input[type=password], input[type=number], textarea';
const editable = el => !el.readOnly && !el.disabled;

const pagestats = () => {
  depth();
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    url: location.href, title: document.title.slice(0, 500), depth: st.depth, errors: st.errors,
    failed: st.failed + (nav && nav.responseStatus >= 400 ? 1 : 0),
    ttfb: nav ? nav.responseStart : null,
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
    links: all('a[href]').map(a => [a.href, a.hasAttribute('download')])
  }),
  // Pick a target of the given kind with actionability checks; u1 picks, u2/u3 place the point.
  pick: (kind, u1, u2, u3) => {
    switch (kind) {
      case 'click': return choose(all(CLICK), u1, u2, u3, true);
      case 'hover': return choose(all(HOVER), u1, u2, u3, false);
      case 'type': return choose(all(TEXT).filter(editable), u1, u2, u3, false);
      case 'clear': return choose(all(TEXT).filter(e => editable(e) && e.value !== ''), u1, u2, u3, false);
      case 'select': return choose(all('select:not([multiple])').filter(s => s.options.length > 1), u1, u2, u3, false,
        s => {
          // Focused the way a Tab would (no popup, which headless cannot show); the engine then
          // chooses with the arrow keys, as a keyboard user does.
          s.focus({ preventScroll: true });
          return { options: [...s.options].map(o => o.value), selected: s.selectedIndex };
        });
      case 'drag': {
        const drops = all('[data-ff-drop], .dropzone, [dropzone]');
        return choose(all('[draggable=true], [data-ff-drag]'), u1, u2, u3, true, el => {
          const d = drops.find(z => !z.contains(el) && visible(z));
          if (!d) return { to: null };
          const r = d.getBoundingClientRect();
          return { to: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)], toSelector: selectorOf(d) };
        });
      }
      case 'scroll_to': {
        const list = all('h1, h2, h3, section, img, footer, form').filter(visible);
        const out = list.filter(e => !inView(e.getBoundingClientRect()));
        const pickFrom = out.length ? out : list;
        if (!pickFrom.length) return null;
        const el = pickFrom[Math.min(pickFrom.length - 1, Math.floor(u1 * pickFrom.length))];
        const r = el.getBoundingClientRect();
        // Out of view: the engine wheels there (scroll_by); in view: nothing to scroll.
        const extra = inView(r) ? {} : { scroll_by: scrollNeed(r, r.left + r.width / 2, r.top + r.height / 2) };
        return describe(el, r.left + r.width / 2, r.top + r.height / 2, r, false, extra);
      }
      case 'mouse': return { x: Math.round(innerWidth * (0.2 + 0.6 * u1)), y: Math.round(innerHeight * (0.2 + 0.6 * u2)) };
      case 'scroll': return pagestats();
    }
    return null;
  },
  // Before leaving: the page's final facts, and the first actionable link among the indexes.
  depart: (indexes, u2, u3) => {
    const links = all('a[href]');
    const target = choose(indexes.map(i => links[i]).filter(Boolean), 0, u2, u3, false);
    return Object.assign(pagestats(), { target });
  },
  // A named element with the same actionability checks (scripted journeys, the benchmark).
  target: (sel, u2, u3, avoidNav) => choose(all(sel).slice(0, 1), 0, u2, u3, !!avoidNav, null, true),
  // The page's final facts and a named link to leave by, in one call.
  departTo: (sel, u2, u3) => Object.assign(pagestats(), { target: choose(all(sel).slice(0, 1), 0, u2, u3, false, null, true) }),
  stats: pagestats,
  // The element keys go to now (for recording a key press).
  active: () => {
    const el = document.activeElement;
    return el && el !== document.body && el !== document.documentElement
      ? { selector: selectorOf(el), text: textOf(el) } : { selector: 'body' };
  }
};
Object.defineProperty(window, '__footfall', { value: api, enumerable: false });
})();)JS";

}  // namespace

std::string_view page_script() { return script; }

std::string page_call(std::string_view call) {
  return "window.__footfall." + std::string(call);
}

}  // namespace footfall::engine
