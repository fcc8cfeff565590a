# Multi-stage image: build the front end once, run as a non-root user, migrate before start.
# One port serves everything (pages, event socket, REST API); a backend worker that dies is
# replaced by granian while the others keep serving (aixplore/serve.py).
#
# Docker cannot run on the development machines, so tests/e2e/test_image.py runs this file
# outside Docker: it copies what the COPY lines copy, applies the ARG and ENV lines, runs the
# RUN lines verbatim (except the apt-get, venv, bun and glTF tools installs, which the test
# machine provides from the same pins), then starts the CMD and runs the HEALTHCHECK against it.
#
#   docker build -t aixplore .
#   docker run -p 3000:3000 -e AIXPLORE_SECRET_KEY=... -e AIXPLORE_DATABASE_URL=... aixplore
#
# The front end connects its event socket to the host it was loaded from on AIXPLORE_PORT
# (or, behind an HTTPS proxy, on the default port): publish the same port, or build with
# --build-arg AIXPLORE_PORT=<the published port>.

FROM python:3.11-slim-bookworm AS build
ARG AIXPLORE_PORT=3000
ENV PIP_NO_CACHE_DIR=1 TELEMETRY_ENABLED=false PYTHONDONTWRITEBYTECODE=1 \
    AIXPLORE_PORT=${AIXPLORE_PORT}
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm unzip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY aixplore ./aixplore
COPY components3d ./components3d
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --upgrade pip && /opt/venv/bin/pip install .
# Outside /app: the runtime stage copies /app and needs no bun.
RUN npm install --prefix /opt/bun --no-audit --no-fund bun@1.4.4
# The glTF tools that check and compress uploaded 3D models (validator, glTF-Transform, DRACO):
# installed now from their lock file, never at run time, outside /app; the runtime stage runs
# them with Debian's node.
COPY tools/gltf /opt/gltf
RUN npm ci --prefix /opt/gltf --omit=dev --no-audit --no-fund
COPY rxconfig.py alembic.ini ./
COPY alembic ./alembic
COPY assets ./assets
ENV PATH=/opt/venv/bin:$PATH REFLEX_BUN_PATH=/opt/bun/node_modules/.bin/bun
# Compile the pages and build the static front end; keep only what the server reads of .web.
RUN python -m aixplore.serve build --prune

FROM python:3.11-slim-bookworm AS runtime
ARG AIXPLORE_PORT=3000
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TELEMETRY_ENABLED=false \
    PATH=/opt/venv/bin:$PATH AIXPLORE_ENV=production AIXPLORE_PORT=${AIXPLORE_PORT} \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus AIXPLORE_GLTF_TOOLS_DIR=/opt/gltf
# postgresql-client: pg_dump and pg_restore for `cli backup`/`restore` and the scheduled
# backups (Debian bookworm's 15, matching the compose file's server).
# nodejs: runs the glTF tools on model uploads (without it uploads are refused as unavailable).
RUN apt-get update && apt-get install -y --no-install-recommends libxmlsec1-openssl \
    postgresql-client nodejs \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 aixplore \
    && install -d -o aixplore -g aixplore /app /app/backups
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/gltf /opt/gltf
COPY --from=build --chown=aixplore:aixplore /app /app
USER aixplore
EXPOSE ${AIXPLORE_PORT}
# Healthy only when /api/health reports the database, Redis and the job queue ok and the
# front page is served.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "aixplore.serve", "probe"]
# Migrations run before the server starts; the front end was built in the build stage.
CMD ["python", "-m", "aixplore.serve", "start", "--migrate"]
