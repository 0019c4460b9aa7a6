#!/usr/bin/env bash
# bench/sessions of this build beside an earlier build of footfall (and the raw ws client), in one
# run: figures from another day cannot be compared on these machines, so "no slower than commit
# X" is measured by building X and interleaving the two. Also runs this build with
# `--reveal script` (bench/sessions.cpp): the journey as builds before issue 9 did it, targets
# scrolled into view by script, so the like-for-like ratio is printed beside the as-shipped one.
#
# Usage: bench/compare_builds.sh OTHER_BUILD_DIR [ROUNDS] [BUILD_DIR]
#   e.g. git worktree add /tmp/ff-old 5d01827 && cmake -S /tmp/ff-old -B /tmp/ff-old/build \
#          -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/ff-old/build -j2 --target bench_sessions
#        bench/compare_builds.sh /tmp/ff-old/build 8
# Needs the anchors' npm packages for the raw client (as compare_anchors.sh); RESULTS= to keep
# the samples elsewhere.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
other=${1:?usage: bench/compare_builds.sh OTHER_BUILD_DIR [ROUNDS] [BUILD_DIR]}
rounds=${2:-8}
build=${3:-$here/build}
A=${ANCHORS_DIR:-$here/../shared/bench/anchors}
export PORT=18765
python3 -m http.server $PORT --bind 127.0.0.1 --directory $A/site >/dev/null 2>&1 &
srv=$!
trap 'kill $srv' EXIT
sleep 1
out=${RESULTS:-/tmp/footfall-anchors/compare-builds.jsonl}
: > "$out"
# One bench_sessions sample: BIN TOOL_NAME [ARGS...], its RESULT line tagged with TOOL_NAME.
sample() {
  local bin=$1 name=$2
  shift 2
  "$bin" --json --site $A/site "$@" 2>/dev/null | grep '^RESULT' | sed 's/^RESULT //' |
    python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['tool']='$name'; print(json.dumps(r))" >> "$out"
}
tools=(other this this-script raw-ws)
for round in $(seq "$rounds"); do
  for i in 0 1 2 3; do
    t=${tools[$(( (i + round) % 4 ))]}
    echo "round $round: $t" >&2
    case $t in
      other) sample "$other/bench/bench_sessions" other ;;
      this) sample "$build/bench/bench_sessions" this ;;
      this-script) sample "$build/bench/bench_sessions" this-script --reveal script ;;
      raw-ws) (cd $A && node bench_sessions.js --tool raw-ws 2>/dev/null | grep '^RESULT' | sed 's/^RESULT //' >> "$out") ;;
    esac
  done
done
python3 - "$out" <<'PY'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows: by.setdefault(r['tool'], []).append(r)
print("| build | runs | sessions/min median (each) | Chromium CPU s/session | driver CPU s | verified |")
print("|---|---|---|---|---|---|")
for t in ['other', 'this', 'this-script', 'raw-ws']:
    rs = by.get(t, [])
    if not rs: continue
    spm = [r['sessions_per_min'] for r in rs]
    ff = 'footfall_cpu_s' in rs[0]
    cpu = st.median([r['footfall_cpu_s' if ff else 'node_cpu_s'] for r in rs])
    ok = sum(r['verified' if ff else 'ok'] for r in rs)
    print(f"| {t} | {len(rs)} | {st.median(spm):.1f} ({' '.join(f'{x:.0f}' for x in spm)}) | "
          f"{st.median([r['chromium_cpu_s'] / r['sessions'] for r in rs]):.2f} | {cpu:.2f} | "
          f"{ok}/{sum(r['sessions'] for r in rs)} |")
# Rounds hold one sample of each; the ratio within a round cancels the machine's drift.
def ratios(a, b):
    ra, rb = by.get(a, []), by.get(b, [])
    return [x['sessions_per_min'] / y['sessions_per_min'] for x, y in zip(ra, rb)]
print()
for a, b in [('this', 'other'), ('this-script', 'other'), ('this', 'raw-ws'), ('other', 'raw-ws')]:
    r = ratios(a, b)
    if r:
        print(f"{a} / {b}: median {st.median(r):.3f}, geometric mean {st.geometric_mean(r):.3f} "
              f"over {len(r)} rounds (each {' '.join(f'{x:.2f}' for x in r)})")
PY
