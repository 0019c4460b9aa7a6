// bench_capacity serves this in place of test/site/recorder.js (the tests' recorder). The
// recorder keeps every event of a tab and rewrites all of them to sessionStorage on each click,
// key or (every 200 ms) pointer move: a cost that grows with the session and with the input
// sent, so the tool that sends more input paid for it twice — measured at one visitor on the
// headless shell, the recorder was 1.5 of footfall's 5.2 renderer CPU seconds and 0.5 of
// Playwright's 3.4. No real site does that. This counts the trusted input events the page sees,
// by type, and reports the counts to the bench every 3 s (and when the page goes): the one
// neutral measure of how much input each tool's visitors send, read beside CPU per visitor.
(function () {
  'use strict';
  if (window.__footfallRecorder) return;
  const TYPES = ['mousemove', 'mousedown', 'wheel', 'scroll', 'keydown'];
  let counts = {}, due = false;
  const flush = () => {
    due = false;
    if (Object.keys(counts).length) navigator.sendBeacon('/__page-events', JSON.stringify(counts));
    counts = {};
  };
  for (const t of TYPES) {
    addEventListener(t, e => {
      if (!e.isTrusted) return;
      counts[t] = (counts[t] || 0) + 1;
      if (!due) { due = true; setTimeout(flush, 3000); }
    }, { capture: true, passive: true });
  }
  addEventListener('pagehide', flush);
  // The recorder's API, empty: pages of the journey site may ask it.
  window.__footfallRecorder = { events: () => [], count: () => 0, clear() {}, version: 1 };
})();
