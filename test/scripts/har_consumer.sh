#!/bin/sh
# The HAR consumer test's runner: installs Playwright (playwright-core, the version the peer
# benchmarks use: ../shared/bench/anchors) outside the repository, then checks footfall's HAR with
# it (har_consumer.js). A clean clone needs nothing else: npm installs into a cache directory that
# survives between runs. Failing to install is a failure, not a skip.
#
# usage: har_consumer.sh HAR_FILE [CHROMIUM]
set -eu
har=$1
chromium=${2:-${CHROME_BIN:-/usr/bin/chromium}}
dir=${FOOTFALL_HAR_CONSUMER_DIR:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/footfall/har-consumer}
version=1.65.1
if [ ! -f "$dir/node_modules/playwright-core/package.json" ] ||
   ! grep -q "\"version\": \"$version\"" "$dir/node_modules/playwright-core/package.json"; then
  mkdir -p "$dir"
  # --prefix keeps node_modules there; the npm cache is npm's own (~/.npm).
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error \
    "playwright-core@$version" >&2 || { echo "har_consumer: npm could not install playwright-core@$version" >&2; exit 4; }
fi
exec env NODE_PATH="$dir/node_modules" node "$(dirname "$0")/har_consumer.js" "$har" "$chromium"
