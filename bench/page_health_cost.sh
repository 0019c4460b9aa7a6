#!/usr/bin/env bash
# What page health costs (issue 21), measured so that the machine's own noise cancels: each pair
# runs two bench_sessions processes AT THE SAME TIME, one with --page-health on and one with off,
# each with its own browser, footfall process and site server, so whatever else the machine does
# during the pair slows both alike. Run one after the other (round 9), a single run's Chromium CPU
# varied by ±10–15 % with nothing changed, wider than the ≤ 5 % being measured; side by side the
# noise is shared and the ratio within a pair is what is left.
#
# Usage: bench/page_health_cost.sh [PAIRS] [BUILD_DIR]   (default 10 pairs, ./build)
#        SIDES="on no-rows" bench/page_health_cost.sh ...   other sides (bench_sessions'
#        --page-health values; no-rows: everything recorded but the request rows written)
# Each side: 24 pace-0 sessions, 2 at a time (4 at once in all: bench/sessions' usual load).
# Prints each pair and the geometric mean of on ÷ off with a 95 % confidence interval (t over
# pairs) for Chromium CPU per session, footfall CPU and sessions/min. RESULTS= keeps the samples.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-10}
build=${2:-$here/build}
A=${ANCHORS_DIR:-$here/../shared/bench/anchors}
bin=$build/bench/bench_sessions
out=${RESULTS:-/tmp/footfall-page-health-cost.jsonl}
: > "$out"
read -r a b <<< "${SIDES:-on off}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pair in $(seq "$pairs"); do
  echo "pair $pair of $pairs" >&2
  for side in $a $b; do
    "$bin" --json --site "$A/site" --sessions 24 --concurrency 2 --page-health $side \
      > "$tmp/$side.out" 2> "$tmp/$side.err" &
  done
  wait
  for side in $a $b; do
    line=$(grep '^RESULT ' "$tmp/$side.out" | sed 's/^RESULT //')
    if [ -z "$line" ]; then
      echo "pair $pair: the $side side printed no result:" >&2
      tail -5 "$tmp/$side.err" >&2
      continue
    fi
    echo "$line" | python3 -c "import json,sys; r=json.load(sys.stdin); r['pair']=$pair; print(json.dumps(r))" >> "$out"
  done
done
python3 - "$out" "$a" "$b" <<'PY'
import json, math, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
A, B = sys.argv[2], sys.argv[3]
by = {}
for r in rows: by.setdefault(r['pair'], {})[r['page_health']] = r
full = [p for _, p in sorted(by.items()) if A in p and B in p]
if not full: sys.exit("no complete pair")
# t quantiles (two-sided 95 %) for small samples; normal beyond 30.
T = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23,
     11: 2.20, 12: 2.18, 13: 2.16, 14: 2.14, 15: 2.13, 16: 2.12, 17: 2.11, 18: 2.10, 19: 2.09,
     20: 2.09, 25: 2.06, 30: 2.04}
def t95(df): return T.get(df) or (T[max(k for k in T if k <= df)] if df < 30 else 1.96)
keys = [('Chromium CPU s / session', 'chromium_cpu_per_session_s'),
        ('footfall CPU s (24 sessions)', 'footfall_cpu_s'),
        ('sessions / min', 'sessions_per_min')]
# What footfall's CPU follows (bench_sessions since round 13): the messages Chromium sends, their
# bytes, and the io thread's wake-ups (context switches); user and system CPU apart.
extra = [('CDP messages / session', 'cdp_messages_per_session'),
         ('CDP KiB / session', 'cdp_kib_per_session'),
         ('footfall context switches', 'footfall_context_switches'),
         ('footfall user CPU s', 'footfall_user_s'),
         ('footfall system CPU s', 'footfall_sys_s')]
print("| pair | " + " | ".join(f"{k}, {A} / {B}" for k, _ in keys) + f" | verified {A} / {B} | rows {A} / {B} |")
print("|---|" + "---|" * (len(keys) + 2))
for i, p in enumerate(full, 1):
    cells = [f"{p[A][f]:.3g} / {p[B][f]:.3g}" for _, f in keys]
    print(f"| {i} | " + " | ".join(cells) +
          f" | {p[A]['verified']} / {p[B]['verified']} | {p[A]['rows_written']} / {p[B]['rows_written']} |")
print()
print(f"{A} ÷ {B} over {len(full)} pairs run side by side: geometric mean [95 % CI]")
print()
print(f"| measure | {A} ÷ {B} | 95 % CI |")
print("|---|---|---|")
for name, f in keys + [k for k in extra if all(k[1] in p[A] and p[B].get(k[1]) for p in full)]:
    logs = [math.log(p[A][f] / p[B][f]) for p in full]
    m = st.mean(logs)
    half = t95(len(logs) - 1) * st.stdev(logs) / math.sqrt(len(logs)) if len(logs) > 1 else float('nan')
    print(f"| {name} | {math.exp(m):.3f} | [{math.exp(m - half):.3f}, {math.exp(m + half):.3f}] |")
PY
