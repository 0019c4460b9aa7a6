#!/usr/bin/env bash
# Installs, builds and runs every test: unit tests, and integration tests against the real
# /usr/bin/chromium and a real PostgreSQL 15 server that the tests start (footfall's embedded mode).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${FOOTFALL_BUILD_DIR:-$here/build}
"$here/scripts/setup.sh" "$build"

# The tests' own PostgreSQL lives under /var/lib/footfall when root (the postgres user must be
# able to reach it), else in the build tree; it is stopped again when the tests end.
if [ "$(id -u)" -eq 0 ]; then
  export FOOTFALL_TEST_PGDATA=${FOOTFALL_TEST_PGDATA:-/var/lib/footfall/test-pg}
else
  export FOOTFALL_TEST_PGDATA=${FOOTFALL_TEST_PGDATA:-$build/test-pg}
fi
stop_pg() { "$build/engine/footfall" db stop --data-dir "$FOOTFALL_TEST_PGDATA" >/dev/null 2>&1 || true; }
trap stop_pg EXIT

cd "$build"
ctest --output-on-failure --timeout 600 "$@"

# The whole run (no ctest arguments): then the image, tested for real with podman (needs root;
# FOOTFALL_CONTAINER_TEST=0 skips it). See scripts/container-test.sh.
if [ $# -eq 0 ] && [ "${FOOTFALL_CONTAINER_TEST:-1}" != 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    "$here/scripts/container-test.sh"
  else
    echo "test.sh: container test SKIPPED: rootful podman needs root" >&2
  fi
fi
