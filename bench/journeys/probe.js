// bench/journeys' probe: what the page received, as the page saw it, told to the bench as it
// happens. bench_journeys injects it at the top of every fixture page it serves (the files in
// test/site stay as they are); each frame runs its own copy. Like test/site/recorder.js's sink, a
// report is a synchronous POST, so it has reached the bench before the browser acknowledges the
// input event to the engine (a context closed right after the last action loses nothing).
// It never reports a key or a field's value: only that a key went down, and whether the field was
// a secret one (the bench counts secrets in what footfall stored, never in what the page saw).
(function () {
  'use strict';
  const top = window === window.top;
  function send(r) {
    try {
      const x = new XMLHttpRequest();
      x.open('POST', '/__journeys/sink', false);
      x.setRequestHeader('Content-Type', 'application/json');
      x.send(JSON.stringify(Object.assign(
        { host: location.host, top: top, frame: top ? '' : window.name, page: location.pathname },
        r)));
    } catch (e) { /* the bench compares counts: a lost report shows as a gap */ }
  }
  function describe(t) {
    if (!t || !t.tagName) return t && t.nodeName ? t.nodeName.toLowerCase() : String(t);
    let s = t.tagName.toLowerCase();
    if (t.id) s += '#' + t.id;
    else if (t.classList && t.classList.length) s += '.' + t.classList[0];
    return s;
  }
  function secretField(t) {
    if (!t || t.tagName !== 'INPUT') return false;
    const ac = (t.getAttribute('autocomplete') || '').trim();
    return t.type === 'password' || /^(cc-|current-password|new-password|one-time-code)/i.test(ac);
  }
  function onEvent(e) {
    // The element that really received it: through open shadow roots, the window's capture
    // listener sees the outermost host as e.target, composedPath()[0] the element itself.
    const path = e.composedPath ? e.composedPath() : [];
    const inner = path.length ? path[0] : e.target;
    if (e.type === 'change' && !(inner && inner.type === 'range')) return;
    const r = { type: e.type, trusted: e.isTrusted, target: describe(inner),
                shadow: inner !== e.target };
    if (e.type === 'keydown') r.secret = secretField(inner);
    send(r);
  }
  for (const t of ['mousedown', 'keydown', 'dragstart', 'drop', 'change'])
    window.addEventListener(t, onEvent, { capture: true, passive: true });
})();
