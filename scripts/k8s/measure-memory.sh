#!/usr/bin/env bash
# Measures the memory a footfall worker pod needs: peak PSS of footfall plus its Chromium (every
# process in its tree) while N contexts run sessions at human pace on the fixture journey site,
# for N in ${COUNTS:-1 2 4 8}. PSS (Proportional Set Size, /proc/PID/smaps_rollup) splits pages
# shared between Chromium's processes among them, so the sum is what the pod's memory cgroup is
# charged (RSS would count the shared libraries once per renderer).
# Usage: scripts/k8s/measure-memory.sh [BUILD_DIR]  (root: embedded server under /var/lib/footfall)
# Prints a table; scripts/k8s/measured-memory.tsv keeps the last one, campaign-job.yaml's
# resources come from it.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
bin=$build/engine/footfall
counts=${COUNTS:-1 2 4 8}
window_s=${WINDOW_S:-40}
data=${MEASURE_PGDATA:-/var/lib/footfall/measure-memory-pg-$$}
work=$(mktemp -d)
site_pid=""
cleanup() {
  [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null || true
  "$bin" db stop --data-dir "$data" >/dev/null 2>&1 || true
  rm -rf "$work"
  case "$data" in /var/lib/footfall/measure-memory-pg-*) rm -rf "$data" ;; esac
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$here/test/site" >/dev/null 2>&1 &
site_pid=$!
sleep 1

# Sum of Pss over `pid` and its descendants (postgres excluded: the embedded server is not the
# pod's); prints "total_kib footfall_kib".
tree_pss() {
  python3 - "$1" <<'EOF'
import os, sys
root = int(sys.argv[1])
children = {}
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        with open(f"/proc/{p}/stat") as f:
            st = f.read()
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        comm = st[st.index("(") + 1:st.rindex(")")]
    except OSError:
        continue
    children.setdefault(ppid, []).append((int(p), comm))
def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
total, todo = pss(root), [root]
while todo:
    for pid, comm in children.get(todo.pop(), []):
        if comm.startswith("postgres"):
            continue
        total += pss(pid)
        todo.append(pid)
print(total, pss(root))
EOF
}

printf 'contexts\tpeak_pss_mib\tfootfall_mib\tper_context_mib\n' >"$work/table.tsv"
base=""
for n in $counts; do
  cat >"$work/c$n.json" <<EOF
{"name": "measure-memory-$n-$$", "target_url": "http://127.0.0.1:$port/journey/index.html",
 "total_sessions": $n, "concurrent_sessions": $n, "seed": $n, "pace": 1,
 "rate_limit_delay_ms": 100, "session_timeout_s": 300,
 "persona": {"name": "measure-memory", "session_duration_min": 120, "session_duration_max": 180,
   "pages_min": 4, "pages_max": 6, "actions_per_page_min": 4, "actions_per_page_max": 8,
   "scroll_probability": 0.7, "click_probability": 0.7, "typing_probability": 0.3}}
EOF
  "$bin" run "$work/c$n.json" --data-dir "$data" --browsers 1 --contexts-per-browser "$n" \
    --no-progress >"$work/run$n.log" 2>&1 &
  pid=$!
  sleep 8  # launch, first navigations
  kill -0 "$pid" 2>/dev/null || { tail -5 "$work/run$n.log" >&2; echo "footfall run ended early" >&2; exit 3; }
  peak=0 ff=0
  for _ in $(seq $((window_s * 2))); do
    read -r t f < <(tree_pss "$pid")
    [ "$t" -gt "$peak" ] && peak=$t
    [ "$f" -gt "$ff" ] && ff=$f
    sleep 0.5
  done
  kill -TERM "$pid" 2>/dev/null || true
  sleep 1
  kill -TERM "$pid" 2>/dev/null || true  # again: abort the running sessions
  wait "$pid" 2>/dev/null || true
  peak_mib=$((peak / 1024))
  [ -z "$base" ] && base=$peak_mib
  per=$([ "$n" -gt 1 ] && echo $(((peak_mib - base) / (n - 1))) || echo "-")
  printf '%s\t%s\t%s\t%s\n' "$n" "$peak_mib" "$((ff / 1024))" "$per" >>"$work/table.tsv"
done
column -t "$work/table.tsv"
cp "$work/table.tsv" "$here/scripts/k8s/measured-memory.tsv"
