# footfall in a container: build on Debian 12 with Debian's packages only, run on a slim Debian 12
# with Chromium. In Kubernetes, point DATABASE_URL at a shared PostgreSQL and run
# `footfall worker CAMPAIGN_ID` in as many pods as you like (see scripts/k8s/).
FROM debian:12 AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config libboost-all-dev nlohmann-json3-dev libpqxx-dev \
      libspdlog-dev doctest-dev ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DFOOTFALL_TESTS=OFF -DFOOTFALL_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" --target footfall

FROM debian:12-slim
# chromium: the browsers; postgresql-15: only for the embedded default when DATABASE_URL is unset;
# the rest are the shared libraries the binary links.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium postgresql-15 libpqxx-6.4 libspdlog1.10 libfmt9 libboost-program-options1.74.0 \
      ca-certificates fonts-liberation tini && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/engine/footfall /usr/local/bin/footfall
COPY examples /opt/footfall/examples
# Chromium runs as an unprivileged user, so no --no-sandbox is needed outside CI.
RUN useradd --create-home --uid 10001 footfall && mkdir -p /var/lib/footfall \
 && chown footfall /var/lib/footfall
USER footfall
ENV FOOTFALL_DATA_DIR=/var/lib/footfall/pg
# tini reaps Chromium's orphaned helpers (crashpad) so the pod never collects zombies.
ENTRYPOINT ["/usr/bin/tini", "--", "footfall"]
CMD ["--help"]
