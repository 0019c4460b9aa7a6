// Runs at document start, before the page's scripts; <body> may not exist yet, so the element is
// added when it does. Appended last, so the page's own :nth-of-type selectors are unchanged.
(() => {
  if (window.__footfallCursorInstalled) return;
  window.__footfallCursorInstalled = true;
  const ID = '__footfall_cursor';
  let el = null, last = null;
  const place = () => {
    if (!el || !last) return;
    el.style.display = 'block';
    el.style.left = last.x + 'px';
    el.style.top = last.y + 'px';
  };
  const ensure = () => {
    if (el && el.isConnected) return;
    if (!document.body) return;
    el = document.createElement('div');
    el.id = ID;
    el.setAttribute('aria-hidden', 'true');
    el.style.cssText = 'position:fixed;left:0;top:0;width:18px;height:18px;margin:-11px 0 0 -11px;' +
      'border:2px solid #d0021b;border-radius:50%;background:rgba(208,2,27,.25);' +
      'box-shadow:0 0 0 1px #fff;pointer-events:none;z-index:2147483647;display:none;' +
      'transition:none;box-sizing:content-box';
    document.body.appendChild(el);
    place();
  };
  // A new document has not seen the pointer yet: the engine says where it is (after arrival).
  window.__footfallCursorAt = (x, y) => { last = { x, y }; ensure(); place(); };
  addEventListener('mousemove', (e) => { last = { x: e.clientX, y: e.clientY }; ensure(); place(); },
                   true);
  addEventListener('mousedown', () => {
    ensure();
    if (el) el.style.background = 'rgba(208,2,27,.8)';
  }, true);
  addEventListener('mouseup', () => { if (el) el.style.background = 'rgba(208,2,27,.25)'; }, true);
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', ensure);
  else
    ensure();
})();
