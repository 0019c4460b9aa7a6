// footfall's recorder: logs every input event the page sees, as the page sees it, so tests can
// prove the engine's input is real (isTrusted) and lands where the engine says (clientX/Y).
// Stable API (other suites include this file from their own pages):
//   window.__footfallRecorder.events([type])  -> array of records (optionally of one type)
//   window.__footfallRecorder.clear()
//   window.__footfallRecorder.count([type])
// Records survive navigations within the tab (sessionStorage); each names the page it came from.
// Runs in another process (scripts/container-test.sh) cannot ask the page: a page served with
// <meta name="footfall-recorder-sink" content="/path"> also POSTs each mousedown record, tagged
// with a per-tab id, to that path — synchronously, so it has reached the server before the
// browser acknowledges the input event to the engine.
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
  const sinkMeta = document.querySelector('meta[name="footfall-recorder-sink"]');
  const SINK = sinkMeta ? sinkMeta.content : null;
  let tab = null;
  if (SINK) {
    try { tab = sessionStorage.getItem(KEY + 'Tab'); } catch (e) { /* no storage */ }
    if (!tab) {
      tab = Math.random().toString(36).slice(2) + Date.now().toString(36);
      try { sessionStorage.setItem(KEY + 'Tab', tab); } catch (e) { /* no storage */ }
    }
  }
  function report(r) {
    try {
      const x = new XMLHttpRequest();
      x.open('POST', SINK, false);
      x.setRequestHeader('Content-Type', 'application/json');
      x.send(JSON.stringify(Object.assign({ tab: tab }, r)));
    } catch (e) { /* the test counts what arrived; a lost report fails it */ }
  }
  // The element that really received the event, through open shadow roots (the window sees the
  // outermost host): "div#outer >>shadow>> button#go".
  function deep(e) {
    const path = e.composedPath ? e.composedPath() : [];
    const parts = [];
    for (let n = path[0]; n && n.nodeType === 1;) {
      parts.unshift(describe(n));
      const root = n.getRootNode();
      n = root && root.host ? root.host : null;
    }
    return parts.join(' >>shadow>> ');
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
    if (e.composedPath && e.composedPath()[0] !== e.target) r.deep = deep(e);
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
    if (SINK && e.type === 'mousedown') report(r);
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
