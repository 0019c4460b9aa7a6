#!/usr/bin/env bash
# The container, tested for real: builds the Dockerfile's image with podman, starts a throwaway
# PostgreSQL on 127.0.0.1 (TCP, password auth) and the fixture site with a recorder sink, creates
# a campaign from one container, runs it with two worker containers, kills one with SIGKILL
# mid-run, and asserts (test/scripts/container/check_run.py) that the campaign completes, every
# session ends exactly once with one attempt's rows, and the page-side recorder saw every recorded
# click.
# Prints a timing table. Exit 0 passed, 1 a check failed, 3 the setup failed.
#
# Needs root (rootful podman with runc and cgroupfs, as on these CI machines), podman, runc,
# mmdebstrap (only when no debian:12 image is present), postgresql-15, python3.
# FOOTFALL_CT_KEEP=1 keeps the work directory (logs, sink, database) for a post-mortem.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
t_start=$(date +%s)

podman=(podman --runtime runc --cgroup-manager cgroupfs)
# --network host: the database and the site listen on the host's 127.0.0.1 (no CNI here);
# explicit ulimits: podman's defaults exceed what these hosts allow; /dev/shm: Chromium needs
# more than the 64 MiB default (scripts/k8s gives it an in-memory emptyDir).
run_flags=(--network host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --shm-size 512m)
image=${FOOTFALL_CT_IMAGE:-localhost/footfall:container-test}
pgbin=/usr/lib/postgresql/15/bin
tag=fftest-$$
lease_s=5

log() { echo "container-test: $*" >&2; }
die() { log "$*"; exit 3; }
[ "$(id -u)" -eq 0 ] || die "run as root (rootful podman)"

# Everything this script starts lives under $work and dies in cleanup (by name or pid).
work=$(mktemp -d /var/tmp/footfall-ct.XXXXXX)
chmod 755 "$work"  # the postgres user must reach its data directory and socket here
site_pid=""
cleanup() {
  for c in "$tag-create" "$tag-w1" "$tag-w2"; do
    "${podman[@]}" rm --ignore -f -t 0 "$c" >/dev/null 2>&1 || true
  done
  [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null || true
  if [ -f "$work/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" stop -D "$work/pg" -m immediate >/dev/null 2>&1 || true
  fi
  if [ "${FOOTFALL_CT_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
since() { echo $(($(date +%s) - $1)); }

# 1. The base image: debian:12 from Debian's packages when it cannot be pulled.
t0=$(date +%s)
if ! "${podman[@]}" image exists debian:12; then
  log "no debian:12 image: building it with mmdebstrap (minbase bookworm)"
  mmdebstrap --quiet --variant=minbase bookworm "$work/deb12.tar" || die "mmdebstrap failed"
  "${podman[@]}" import "$work/deb12.tar" debian:12 >/dev/null
  rm -f "$work/deb12.tar"
fi
t_base=$(since "$t0")

# 2. The image, from the Dockerfile (layers cached between runs).
t0=$(date +%s)
log "building $image"
# The host's ccache (filled by scripts/setup.sh's build of the same sources) serves the image's
# compile: see the Dockerfile. Without it the image compiles on its own cache mount.
cache_flags=()
host_ccache=$(ccache --get-config cache_dir 2>/dev/null || true)
if [ -n "$host_ccache" ] && [ -d "$host_ccache" ]; then
  cache_flags=(--volume "$host_ccache:/host-ccache" --build-arg CCACHE_DIR=/host-ccache)
fi
"${podman[@]}" build --pull=never --network host --ulimit nofile=4096:4096 \
  --ulimit nproc=4096:4096 "${cache_flags[@]}" -t "$image" "$here" >"$work/build.log" 2>&1 ||
  { tail -30 "$work/build.log" >&2; die "image build failed"; }
t_build=$(since "$t0")

# 3. A throwaway PostgreSQL on 127.0.0.1:$pg_port, password auth over TCP.
pg_port=$(free_port)
pw=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
echo "$pw" >"$work/pw" && chown postgres "$work/pw" && chmod 600 "$work/pw"
mkdir -p "$work/pg" "$work/sock" && chown postgres "$work/pg" "$work/sock" && chmod 700 "$work/pg"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -U footfall --pwfile="$work/pw" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log" >&2; die "initdb failed"; }
runuser -u postgres -- "$pgbin/pg_ctl" start -D "$work/pg" -l "$work/sock/pg.log" -w -o \
  "-p $pg_port -k $work/sock -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off" \
  >/dev/null || { cat "$work/sock/pg.log" >&2; die "postgres did not start"; }
export PGPASSWORD=$pw
psql "postgresql://footfall@127.0.0.1:$pg_port/postgres" -X -q -c "CREATE DATABASE footfall" ||
  die "createdb failed"
url="postgresql://footfall:$pw@127.0.0.1:$pg_port/footfall"

# 4. The fixture site with its recorder sink.
python3 "$here/test/scripts/container/site_server.py" --root "$here/test/site" --sink "$work/sink.jsonl" \
  --port-file "$work/site.port" &
site_pid=$!
for _ in $(seq 50); do [ -s "$work/site.port" ] && break; sleep 0.1; done
[ -s "$work/site.port" ] || die "the fixture site did not start"
site_port=$(cat "$work/site.port")
touch "$work/sink.jsonl"

# 5. One create step.
name="container-test-$$"
mkdir -p "$work/config"
cat >"$work/config/campaign.json" <<EOF
{
  "name": "$name",
  "target_url": "http://127.0.0.1:$site_port/journey/index.html",
  "total_sessions": 6,
  "concurrent_sessions": 4,
  "seed": 8,
  "rate_limit_delay_ms": 100,
  "pace": 0.15,
  "persona": {
    "name": "container-visitor",
    "session_duration_min": 5, "session_duration_max": 30,
    "pages_min": 2, "pages_max": 4,
    "actions_per_page_min": 4, "actions_per_page_max": 7,
    "scroll_probability": 0.6, "click_probability": 0.8, "typing_probability": 0.3
  }
}
EOF
chmod -R a+rX "$work/config"
t0=$(date +%s)
"${podman[@]}" run --rm --name "$tag-create" "${run_flags[@]}" -e DATABASE_URL="$url" \
  -v "$work/config:/config:ro" "$image" campaign create /config/campaign.json --json \
  >"$work/create.json" 2>"$work/create.log" || { cat "$work/create.log" >&2; die "create failed"; }
t_create=$(since "$t0")

# 6. Two workers; a short lease when the image's footfall has leases.
worker_flags=(--browsers 1 --contexts-per-browser 2 --no-progress --json)
if "${podman[@]}" run --rm "${run_flags[@]}" "$image" worker --help 2>&1 | grep -q -- '--lease-s'; then
  worker_flags+=(--lease-s "$lease_s")
else
  log "this footfall has no --lease-s: a killed worker's sessions cannot be reclaimed"
fi
metrics_port=$(free_port)
sql() { psql "$url" -X -At -c "$1"; }
t_run=$(date +%s)
for w in w1 w2; do
  extra=()
  [ "$w" = w2 ] && extra=(--metrics-addr "127.0.0.1:$metrics_port" --metrics-linger 8)
  "${podman[@]}" run -d --name "$tag-$w" --hostname "$w" "${run_flags[@]}" \
    -e DATABASE_URL="$url" "$image" worker "$name" "${worker_flags[@]}" "${extra[@]}" >/dev/null
done

# 7. Kill w1 with SIGKILL once it holds running sessions that have written pages.
killed=""
for _ in $(seq 240); do
  n=$(sql "SELECT count(DISTINCT s.id) FROM sessions s JOIN page_visits pv ON pv.session_id = s.id
           WHERE s.status = 'running' AND s.claimed_by LIKE 'w1:%'" || echo 0)
  if [ "${n:-0}" -gt 0 ]; then
    killed=$(sql "SELECT string_agg(id::text, ',') FROM sessions
                  WHERE status = 'running' AND claimed_by LIKE 'w1:%'")
    "${podman[@]}" kill -s KILL "$tag-w1" >/dev/null
    break
  fi
  sleep 0.5
done
[ -n "$killed" ] || log "w1 never held a session with pages: nothing to kill"
t_kill=$(date +%s)
log "killed w1 (SIGKILL) holding session(s) $killed"
scrape() {
  python3 -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$metrics_port/metrics', timeout=5).read().decode())" 2>/dev/null || true
}
metrics_mid=$(scrape)

# 8. Wait for the campaign to end (the survivor reclaims after the lease), then for w2.
deadline=$(($(date +%s) + ${FOOTFALL_CT_TIMEOUT_S:-420}))
status=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  status=$(sql "SELECT status FROM campaigns WHERE name = '$name'")
  case "$status" in completed | failed | cancelled) break ;; esac
  if [ "$("${podman[@]}" inspect -f '{{.State.Running}}' "$tag-w2")" != true ]; then
    status=$(sql "SELECT status FROM campaigns WHERE name = '$name'")
    break
  fi
  sleep 1
done
t_complete=$(since "$t_kill")
sleep 1  # the survivor's last progress tick; it keeps serving for --metrics-linger
scrape >"$work/metrics_end.txt"
w2_exit=$(timeout 60 "${podman[@]}" wait "$tag-w2" 2>/dev/null || echo "still running")
w1_exit=$("${podman[@]}" inspect -f '{{.State.ExitCode}}' "$tag-w1" 2>/dev/null || echo "?")
"${podman[@]}" logs "$tag-w2" >"$work/w2.log" 2>&1 || true
"${podman[@]}" logs "$tag-w1" >"$work/w1.log" 2>&1 || true
t_total=$(since "$t_start")

# 9. The checks.
rc=0
metrics_end=$([ -s "$work/metrics_end.txt" ] && echo yes || true)
[ -n "$metrics_end" ] || { echo "  FAIL  w2's /metrics answered after the campaign ended"; rc=1; }
echo "container test: w1 exit $w1_exit (SIGKILL), w2 exit $w2_exit, campaign $status"
[ "$w2_exit" = 0 ] || { echo "  FAIL  the surviving worker exited 0"; rc=1; }
if [ -n "$metrics_mid" ]; then
  echo "$metrics_mid" | grep -q '^footfall_campaign_sessions{status="running"}' ||
    { echo "  FAIL  w2's /metrics answered with the campaign's sessions"; rc=1; }
else
  echo "  FAIL  w2's /metrics answered during the run"; rc=1
fi
python3 "$here/test/scripts/container/check_run.py" --database-url "$url" --campaign "$name" \
  --sink "$work/sink.jsonl" --killed-sessions "$killed" \
  ${metrics_end:+--metrics "$work/metrics_end.txt"} || rc=1
if [ "$rc" -ne 0 ]; then
  echo "--- w2 log (tail)"; tail -25 "$work/w2.log"
fi

printf '\n%-34s %8s\n' "container test step" "seconds"
printf '%-34s %8s\n' "debian:12 base (mmdebstrap/import)" "$t_base" "image build (podman build)" \
  "$t_build" "create step (container)" "$t_create" "workers start -> SIGKILL of w1" \
  "$((t_kill - t_run))" "SIGKILL -> campaign $status" "$t_complete" "whole test" "$t_total"
exit "$rc"
