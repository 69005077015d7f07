# syntax=docker/dockerfile:1
# newsworker image: one image for every runtime service (migrate, worker, beat); the
# command picks the role, e.g. `docker run IMAGE worker --concurrency 1`.
# No secrets are baked in: database and broker URLs come from the environment at run time
# (docker-compose.yml, .env). Sources are read from /app/config (compose mounts ./config).

# --- build: wheels for the project and its dependencies (no compiler needed at run time)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY scrapers ./scrapers
RUN pip wheel --wheel-dir /wheels .

# --- runtime
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSWORKER_CONFIG_DIR=/app/config \
    NEWSWORKER_DATA_DIR=/data
# libjemalloc2: every process of the image runs under jemalloc (LD_PRELOAD below), whose
# heap does not fragment the way glibc's does over thousands of parsed pages.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-index --find-links=/wheels newsworker \
 && groupadd --system --gid 10001 newsworker \
 && useradd --system --uid 10001 --gid newsworker --home-dir /app --shell /usr/sbin/nologin newsworker \
 && mkdir -p /app /data \
 && chown newsworker:newsworker /data
# Preloaded by name: the dynamic loader finds it in the architecture's library directory
# (/usr/lib/x86_64-linux-gnu, /usr/lib/aarch64-linux-gnu, ...).
ENV LD_PRELOAD=libjemalloc.so.2
WORKDIR /app
# Shipped source files; compose mounts ./config over this read-only so sources can be
# added or edited without a rebuild.
COPY config/sources ./config/sources
# /data (NEWSWORKER_DATA_DIR): beat's schedule file, and for `newsworker run` the embedded
# SQLite database and broker. No VOLUME here (it would leave an anonymous volume behind
# every scaled worker); mount one where it matters: compose does for beat, and a laptop run
# is `docker run -v newsworker-data:/data IMAGE`.
USER newsworker:newsworker
# No HEALTHCHECK here: what "healthy" means differs per role (a worker answers a broker
# ping, beat and migrate have nothing cheap to probe); docker-compose.yml declares them.
ENTRYPOINT ["newsworker"]
# Without a command: the laptop mode (worker + beat in one process, SQLite under /data).
CMD ["run"]
