#!/usr/bin/env bash
# The first command to run: installs what is missing and builds (scripts/setup.sh), serves the
# bundled demo site on 127.0.0.1, runs examples/demo-campaign.json (20 visitors, 4 at once) with
# the embedded PostgreSQL, and prints the summary table.
# The demo runs in chromium-headless-shell (README "Browser choice"): on a 2-core machine full
# Chromium keeps the cores saturated for most of the run (51 of 68 s), the shell for 6 of 52 s.
# --headed (a window) or --browser of your own choosing runs it in that browser instead.
# Usage: scripts/demo.sh [extra `footfall run` flags, e.g. --headed --pace 1]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${FOOTFALL_BUILD_DIR:-$here/build}
"$here/scripts/setup.sh" "$build" footfall  # the demo needs the binary alone
footfall="$build/engine/footfall"

# A free port on 127.0.0.1 (bind 0, read it back), then the demo site's server on it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$here/examples/site" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/index.html', timeout=1)" 2>/dev/null && break
  sleep 0.1
done

# The demo persona is referenced by name: store it (idempotent), then run.
"$footfall" persona add "$here/examples/personas/casual-reader.json" >/dev/null
echo "demo site on http://127.0.0.1:$port/ — running examples/demo-campaign.json" >&2
browser=(--browser headless-shell)
for a in "$@"; do
  case $a in --headed | --browser | --browser=*) browser=() ;; esac
done
"$footfall" run "$here/examples/demo-campaign.json" --target-url "http://127.0.0.1:$port/index.html" \
  "${browser[@]}" "$@"
