# footfall in a container: built on Debian 12 from Debian's packages only, run on Debian 12 with
# Chromium. In Kubernetes every pod of one Indexed Job runs the same command against a shared
# PostgreSQL (DATABASE_URL): `footfall worker --campaign-file /config/campaign.json`
# (scripts/k8s/). scripts/container-test.sh builds this image with podman and runs it for real.
#
# Layers are ordered for the cache: the apt layers change only with this file; the build layer
# only with the library sources (tests, benchmarks, scripts and docs are not copied into it).
FROM debian:12 AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      g++ make cmake pkg-config ccache libboost-dev libboost-system-dev \
      libboost-program-options-dev nlohmann-json3-dev libpqxx-dev libspdlog-dev doctest-dev \
      prometheus-cpp-dev libzstd-dev libssl-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cdp cdp
COPY storage storage
COPY analytics analytics
COPY engine engine
# -j2: the CI machines have two cores. The ccache cache mount survives between builds on one
# host (podman/buildah and docker buildx both support it), so a one-file change rebuilds fast.
# CCACHE_DIR may name another cache: scripts/container-test.sh bind-mounts the host's, which the
# host build just filled (scripts/setup.sh), and every object is a hit. That works because the
# build tree is /src/build beside the sources, as on the host ($here/build), and CCACHE_BASEDIR
# makes the paths in each command relative, so host and image send ccache the same command (the
# unity batch files include their sources by relative paths for the same reason: CMakeLists.txt);
# system_headers keeps a later point release of a Debian -dev package in the image from making
# every object a miss, and ccache hashes the locale, so both builds set LANG alike
# (scripts/setup.sh says more).
ARG CCACHE_DIR=/root/.cache/ccache
RUN --mount=type=cache,target=/root/.cache/ccache \
    export CCACHE_DIR="$CCACHE_DIR" CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1 \
      CCACHE_SLOPPINESS=system_headers LANG=C.UTF-8 \
 && unset LC_ALL LC_CTYPE LC_MESSAGES \
 && cmake -S . -B /src/build -DCMAKE_BUILD_TYPE=Release -DFOOTFALL_TESTS=OFF -DFOOTFALL_BENCH=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null \
 && cmake --build /src/build -j2 --target footfall \
 && { ccache --show-stats | grep -iE 'hits|misses' || true; } \
 && strip /src/build/engine/footfall

FROM debian:12
# chromium and chromium-headless-shell: the browsers (the campaign's "browser"); postgresql-15:
# only for the embedded server when DATABASE_URL is unset;
# the lib* packages are exactly the shared libraries the binary links (ldd).
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium chromium-headless-shell postgresql-15 libpqxx-6.4 libspdlog1.10 libfmt9 \
      libboost-program-options1.74.0 libprometheus-cpp-core1.0 libzstd1 libssl3 ca-certificates \
      fonts-liberation tini \
 && rm -rf /var/lib/apt/lists/*
# Chromium's own sandbox is OFF: footfall always passes --no-sandbox (cdp/launcher.cpp). The
# sandbox needs user namespaces (or a setuid helper), which the default seccomp/AppArmor profiles
# of Kubernetes and podman deny to unprivileged containers. The isolation boundary here is the
# container: a non-root user, no added capabilities, nothing mounted but /config and /dev/shm.
# Point footfall only at sites you trust to run in that boundary (README, "Sandbox").
RUN useradd --create-home --uid 10001 footfall && mkdir -p /var/lib/footfall \
 && chown footfall /var/lib/footfall
COPY examples /opt/footfall/examples
COPY --from=build /src/build/engine/footfall /usr/local/bin/footfall
USER footfall
ENV FOOTFALL_DATA_DIR=/var/lib/footfall/pg FOOTFALL_SPOOL_DIR=/var/lib/footfall/spool
# tini reaps Chromium's orphaned helpers (crashpad) so the pod never collects zombies, and
# forwards SIGTERM to footfall, which drains (README, "What survives what").
ENTRYPOINT ["/usr/bin/tini", "--", "footfall"]
CMD ["--help"]
