// The frame fixtures' cross-site frames: 127.0.0.1 and localhost are different sites to Chromium,
// so a frame on the other one runs out of process.
'use strict';

/** Points iframe `id` at `page` (beside this one) on the other of 127.0.0.1 and localhost. */
function frameOnOtherSite(id, page) {
  const u = new URL(page, location.href);
  u.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  document.getElementById(id).src = u.href;
}
