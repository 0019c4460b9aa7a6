// Checks a HAR footfall wrote with a real consumer: every required HAR 1.2 field is there with its
// type (ahmadnassri/har-spec 1.2), then Playwright's routeFromHAR serves the recorded pages with
// the site gone (notFound: 'abort': anything not in the HAR fails), and each page comes back with
// the status and content type the HAR recorded; a URL the session never requested is refused.
// Prints one JSON line of what it checked; exit 0 pass, 1 a check failed.
const fs = require('fs');
const { chromium } = require('playwright-core');

const [harFile, executablePath] = process.argv.slice(2);
const har = JSON.parse(fs.readFileSync(harFile, 'utf8'));
const problems = [];
const need = (obj, path, field, type) => {
  const v = obj == null ? undefined : obj[field];
  const ok = type === 'array' ? Array.isArray(v) : typeof v === type;
  if (!ok) problems.push(`${path}.${field}: expected ${type}, got ${JSON.stringify(v)}`);
  return v;
};
const nonNegative = (obj, path, field) => {
  const v = need(obj, path, field, 'number');
  if (typeof v === 'number' && v < 0) problems.push(`${path}.${field}: ${v} < 0`);
};
const log = need(har, '', 'log', 'object') || {};
if (log.version !== '1.2') problems.push(`log.version: ${log.version}`);
const creator = need(log, 'log', 'creator', 'object');
need(creator, 'log.creator', 'name', 'string');
need(creator, 'log.creator', 'version', 'string');
const pages = need(log, 'log', 'pages', 'array') || [];
const entries = need(log, 'log', 'entries', 'array') || [];
const pageIds = new Set();
pages.forEach((p, i) => {
  const at = `log.pages[${i}]`;
  if (isNaN(Date.parse(need(p, at, 'startedDateTime', 'string')))) problems.push(`${at}.startedDateTime`);
  pageIds.add(need(p, at, 'id', 'string'));
  need(p, at, 'title', 'string');
  const t = need(p, at, 'pageTimings', 'object');
  for (const k of ['onContentLoad', 'onLoad']) if (t && t[k] !== undefined) need(t, `${at}.pageTimings`, k, 'number');
});
entries.forEach((e, i) => {
  const at = `log.entries[${i}]`;
  if (isNaN(Date.parse(need(e, at, 'startedDateTime', 'string')))) problems.push(`${at}.startedDateTime`);
  nonNegative(e, at, 'time');
  if (e.pageref !== undefined && !pageIds.has(e.pageref)) problems.push(`${at}.pageref ${e.pageref} names no page`);
  const rq = need(e, at, 'request', 'object');
  for (const [f, ty] of [['method', 'string'], ['url', 'string'], ['httpVersion', 'string'], ['cookies', 'array'],
                         ['headers', 'array'], ['queryString', 'array'], ['headersSize', 'number'], ['bodySize', 'number']])
    need(rq, `${at}.request`, f, ty);
  const rs = need(e, at, 'response', 'object');
  for (const [f, ty] of [['status', 'number'], ['statusText', 'string'], ['httpVersion', 'string'], ['cookies', 'array'],
                         ['headers', 'array'], ['content', 'object'], ['redirectURL', 'string'], ['headersSize', 'number'],
                         ['bodySize', 'number']])
    need(rs, `${at}.response`, f, ty);
  if (rs && rs.content) { need(rs.content, `${at}.response.content`, 'size', 'number'); need(rs.content, `${at}.response.content`, 'mimeType', 'string'); }
  need(e, at, 'cache', 'object');
  const t = need(e, at, 'timings', 'object');
  for (const k of ['send', 'wait', 'receive']) nonNegative(t, `${at}.timings`, k);
  for (const k of ['blocked', 'dns', 'connect', 'ssl'])
    if (t && t[k] !== undefined && (typeof t[k] !== 'number' || (t[k] < 0 && t[k] !== -1))) problems.push(`${at}.timings.${k}: ${t[k]}`);
  if (t) {
    const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'].reduce((s, k) => s + (t[k] > 0 ? t[k] : 0), 0);
    if (Math.abs(sum - e.time) > 0.01) problems.push(`${at}.time ${e.time} is not the sum of its timings ${sum}`);
  }
});

(async () => {
  const served = [];
  if (problems.length === 0) {
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext();
      await context.routeFromHAR(harFile, { notFound: 'abort' });
      const page = await context.newPage();
      // Every document the session loaded (the last hop of each visit), in order.
      const docs = entries.filter(e => e.request.method === 'GET' && e._resourceType === 'Document' &&
                                       e.response.status >= 200 && e.response.status < 300);
      if (docs.length === 0) problems.push('the HAR has no document entry to serve');
      for (const d of docs) {
        const res = await page.goto(d.request.url).catch(err => ({ err }));
        if (res.err) { problems.push(`goto ${d.request.url}: ${res.err.message.split('\n')[0]}`); continue; }
        const type = (res.headers()['content-type'] || '');
        if (res.status() !== d.response.status) problems.push(`${d.request.url}: status ${res.status()}, HAR ${d.response.status}`);
        if (!type.startsWith(d.response.content.mimeType)) problems.push(`${d.request.url}: content-type ${type}, HAR ${d.response.content.mimeType}`);
        served.push({ url: d.request.url, status: res.status() });
      }
      // Every 4xx/5xx the HAR holds comes back with its status from the HAR, not from a server.
      for (const e of entries.filter(x => x.response.status >= 400 && x.request.method === 'GET')) {
        const status = await page.evaluate(u => fetch(u).then(r => r.status, () => -1), e.request.url);
        if (status !== e.response.status) problems.push(`${e.request.url}: fetched ${status}, HAR ${e.response.status}`);
        else served.push({ url: e.request.url, status });
      }
      const missing = await page.goto(new URL('/never-requested-by-footfall', docs[0] ? docs[0].request.url : 'http://127.0.0.1/').href)
        .then(() => 'served', () => 'aborted');
      if (missing !== 'aborted') problems.push('a URL not in the HAR was served');
    } finally {
      await browser.close();
    }
  }
  console.log(JSON.stringify({ pages: pages.length, entries: entries.length, served, problems }));
  process.exit(problems.length ? 1 : 0);
})().catch(e => { console.log(JSON.stringify({ problems: [String(e)] })); process.exit(1); });
