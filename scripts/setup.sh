#!/usr/bin/env bash
# Installs what is missing (Debian packages only), then configures and builds footfall (Release).
# Idempotent and quiet when everything is already there.
# Usage: scripts/setup.sh [BUILD_DIR [TARGET...]] — no TARGET: everything (tests, benchmarks);
# scripts/demo.sh asks for `footfall` alone, which builds in a fraction of the time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${FOOTFALL_BUILD_DIR:-$here/build}}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")

packages=(build-essential cmake pkg-config git ca-certificates ccache
  libboost-all-dev nlohmann-json3-dev libpqxx-dev libspdlog-dev doctest-dev
  libzstd-dev libssl-dev
  chromium chromium-headless-shell postgresql-15 xvfb python3 procps
  prometheus-cpp-dev python3-yaml
  podman runc uidmap mmdebstrap)  # scripts/container-test.sh: rootful podman with runc

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # The postgresql package would start a cluster of its own; footfall runs a private one instead.
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=${FOOTFALL_JOBS:-2}
# ccache: a rebuild of an unchanged file is a copy. CCACHE_BASEDIR makes the paths in each compile
# command relative to the tree, so the container image's build of the same sources
# (scripts/container-test.sh bind-mounts this cache into it) hits the objects compiled here.
# system_headers: /usr/include is not part of an object's key. The image's apt mirror may carry a
# later Debian 12 point release of linux-libc-dev or libpq-dev than this machine (same ABI), and
# their headers alone would make every object a miss. The price: after an apt upgrade of a -dev
# package, `ccache -C` (or a new build dir) to be sure nothing stale is reused.
# ccache also hashes the locale variables: the build runs in C.UTF-8, as the image's does.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=system_headers LANG=C.UTF-8
unset LC_ALL LC_CTYPE LC_MESSAGES
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    >/dev/null
fi
target_flags=()
((${#targets[@]})) && target_flags=(--target "${targets[@]}")
cmake --build "$build" -j "$jobs" "${target_flags[@]}" 2>&1 | grep -vE '^\[ *[0-9]+%\]|^-- |^Consolidate|^Scanning' || true
test -x "$build/engine/footfall" || { echo "setup: build failed" >&2; exit 3; }
