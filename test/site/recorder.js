// footfall's recorder: logs every input event the page sees, as the page sees it, so tests can
// prove the engine's input is real (isTrusted) and lands where the engine says (clientX/Y).
// Stable API (other suites include this file from their own pages):
//   window.__footfallRecorder.events([type])  -> array of records (optionally of one type)
//   window.__footfallRecorder.clear()
//   window.__footfallRecorder.count([type])
// Records survive navigations within the tab (sessionStorage); each names the page it came from.
(function () {
  'use strict';
  if (window.__footfallRecorder) return;
  const KEY = '__footfallRecorder';
  const MAX = 20000;
  let events = [];
  try { events = JSON.parse(sessionStorage.getItem(KEY) || '[]'); } catch (e) { events = []; }

  function describe(t) {
    if (!t || !t.tagName) return t && t.nodeName ? t.nodeName.toLowerCase() : String(t);
    let s = t.tagName.toLowerCase();
    if (t.id) s += '#' + t.id;
    else if (t.classList && t.classList.length) s += '.' + t.classList[0];
    return s;
  }
  let dirty = false;
  function save() {
    dirty = false;
    try { sessionStorage.setItem(KEY, JSON.stringify(events)); } catch (e) { /* quota: keep memory */ }
  }
  function record(e) {
    const r = {
      type: e.type, isTrusted: e.isTrusted, target: describe(e.target),
      page: location.pathname, t: performance.now(), time: Date.now(),
    };
    if (typeof e.clientX === 'number') {
      r.clientX = e.clientX; r.clientY = e.clientY; r.button = e.button; r.buttons = e.buttons;
      r.detail = e.detail;
    }
    if (e.type === 'wheel') { r.deltaX = e.deltaX; r.deltaY = e.deltaY; r.deltaMode = e.deltaMode; }
    if (e.type === 'scroll') { r.scrollY = Math.round(scrollY); r.scrollX = Math.round(scrollX); }
    // Where in its element a press landed (fractions of the box), for click-placement stats.
    if (e.type === 'mousedown' && e.target && e.target.getBoundingClientRect) {
      const b = e.target.getBoundingClientRect();
      if (b.width > 0 && b.height > 0) {
        r.fx = (e.clientX - b.left) / b.width; r.fy = (e.clientY - b.top) / b.height;
        r.w = b.width; r.h = b.height;
      }
    }
    if (typeof e.key === 'string') {
      r.key = e.key; r.code = e.code; r.keyCode = e.keyCode;
      r.shiftKey = e.shiftKey; r.repeat = e.repeat;
    }
    if (e.type === 'input' || e.type === 'change') {
      r.value = e.target && 'value' in e.target ? e.target.value : undefined;
      r.inputType = e.inputType; r.data = e.data;
    }
    events.push(r);
    if (events.length > MAX) events.splice(0, events.length - MAX);
    // mousemove, wheel and scroll fire at high rate: persisted lazily, everything else at once.
    if (e.type === 'mousemove' || e.type === 'wheel' || e.type === 'scroll') {
      if (!dirty) { dirty = true; setTimeout(save, 200); }
    } else {
      save();
    }
  }
  const TYPES = ['click', 'dblclick', 'contextmenu', 'auxclick', 'mousedown', 'mouseup',
    'mousemove', 'mouseover', 'wheel', 'keydown', 'keyup', 'keypress', 'input', 'change',
    'dragstart', 'dragend', 'drop', 'focus', 'scroll'];
  for (const t of TYPES) {
    // Capture phase on window: seen even if the page stops propagation.
    window.addEventListener(t, record, { capture: true, passive: true });
  }
  window.addEventListener('pagehide', save);

  window.__footfallRecorder = {
    events(type) { return type ? events.filter(e => e.type === type) : events.slice(); },
    count(type) { return type ? events.filter(e => e.type === type).length : events.length; },
    clear() { events = []; save(); },
    version: 1,
  };
})();
