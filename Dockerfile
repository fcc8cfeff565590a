# Multi-stage image: build the front end once, run as a non-root user, migrate before start.
# (Docker cannot run on the development machines; this file is kept correct by reading.)

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 TELEMETRY_ENABLED=false PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm unzip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY aixplore ./aixplore
COPY components3d ./components3d
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --upgrade pip && /opt/venv/bin/pip install .
RUN npm install --prefix /app/.tools --no-audit --no-fund bun@1.4.4
COPY rxconfig.py alembic.ini ./
COPY alembic ./alembic
COPY assets ./assets
ENV PATH=/opt/venv/bin:$PATH REFLEX_BUN_PATH=/app/.tools/node_modules/.bin/bun
# Compile the pages and build the static front end into .web/build/client.
RUN reflex export --frontend-only --no-zip --env prod

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TELEMETRY_ENABLED=false \
    PATH=/opt/venv/bin:$PATH AIXPLORE_ENV=production AIXPLORE_PORT=3000 \
    REFLEX_BUN_PATH=/app/.tools/node_modules/.bin/bun
RUN apt-get update && apt-get install -y --no-install-recommends libxmlsec1-openssl curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 aixplore
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=aixplore:aixplore /app /app
USER aixplore
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:3000/api/health || exit 1
# Migrations run before the server starts; the front end was built in the build stage.
CMD ["sh", "-c", "mkdir -p ${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus} && python -m aixplore.cli migrate && exec reflex run --env prod --backend-only --backend-port 3000 --frontend-port 3000"]
