// The page's own measurement of its vitals (the reference footfall's values are checked against):
// its own PerformanceObserver in its own world, posted to /health/report after every change, so
// the test reads them from the server, not from the page. CLS windows and INP as web-vitals does.
(() => {
  const v = { lcp: null, cls: 0, fcp: null, interactions: {} };
  let win = 0, first = 0, last = 0, pending = null;
  const send = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      const lat = Object.values(v.interactions).sort((a, b) => b - a);
      const inp = lat.length ? lat[Math.min(lat.length - 1, Math.floor(lat.length / 50))] : null;
      fetch('/health/report', { method: 'POST', body: JSON.stringify({
        page: location.pathname, lcp: v.lcp, cls: v.cls, fcp: v.fcp, inp }) });
    }, 50);
  };
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) v.lcp = e.startTime;
    send();
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) {
      if (e.hadRecentInput) continue;
      if (win > 0 && e.startTime - last < 1000 && e.startTime - first < 5000) win += e.value;
      else { win = e.value; first = e.startTime; }
      last = e.startTime;
      v.cls = Math.max(v.cls, win);
    }
    send();
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver(l => {
    for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') v.fcp = e.startTime;
    send();
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver(l => {
    for (const e of l.getEntries())
      if (e.interactionId > 0)
        v.interactions[e.interactionId] = Math.max(v.interactions[e.interactionId] || 0, e.duration);
    send();
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
})();
