#!/usr/bin/env bash
# bench/sessions beside the peers (../shared/bench/anchors): interleaved samples of the same
# session workload by raw-ws, puppeteer, playwright and footfall, order rotating each round.
# Needs the anchors' npm packages in /tmp/footfall-anchors (see their README) and a built
# bench_sessions. Usage: bench/compare_anchors.sh [BUILD_DIR] [ROUNDS]  -> results.jsonl + table
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
rounds=${2:-3}
A=${ANCHORS_DIR:-$here/../shared/bench/anchors}
export PORT=18765
python3 -m http.server $PORT --bind 127.0.0.1 --directory $A/site >/dev/null 2>&1 &
srv=$!
trap 'kill $srv' EXIT
sleep 1
out=${RESULTS:-/tmp/footfall-anchors/compare-results.jsonl}
: > $out
tools=(raw-ws puppeteer playwright footfall)
for round in $(seq "$rounds"); do
  for i in 0 1 2 3; do
    t=${tools[$(( (i + round) % 4 ))]}
    echo "round $round: $t" >&2
    if [ "$t" = footfall ]; then
      "$build/bench/bench_sessions" --json --site $A/site 2>/dev/null | grep '^RESULT' | sed 's/^RESULT //' >> $out
    else
      (cd $A && node bench_sessions.js --tool $t 2>/dev/null | grep '^RESULT' | sed 's/^RESULT //' >> $out)
    fi
  done
done
python3 - "$out" <<'PY'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows: by.setdefault(r['tool'], []).append(r)
print("| tool | runs | wall s | sessions/min | driver CPU s | driver peak RSS MiB | Chromium CPU s | Chromium CPU s/session | verified |")
print("|---|---|---|---|---|---|---|---|---|")
for t in ['footfall', 'raw-ws', 'puppeteer', 'playwright']:
    rs = by.get(t, [])
    if not rs: continue
    m = lambda k: st.median([r[k] for r in rs if r.get(k) is not None])
    ff = t == 'footfall'
    cpu, rss = (m('footfall_cpu_s'), m('footfall_peak_rss_mib')) if ff else (m('node_cpu_s'), m('node_maxrss_mib'))
    ok = sum(r['verified' if ff else 'ok'] for r in rs)
    print(f"| {t} | {len(rs)} | {m('wall_s'):.1f} | {m('sessions_per_min'):.1f} | {cpu:.2f} | {rss:.0f} | {m('chromium_cpu_s'):.1f} | {m('chromium_cpu_s')/rs[0]['sessions']:.2f} | {ok}/{sum(r['sessions'] for r in rs)} |")
PY
