#!/usr/bin/env bash
# Build GraphiQL for /api/graphiql from the npm registry (pinned in tools/graphiql's lock file)
# into aixplore/api/static/graphiql/, which is committed: the app serves it itself and no page
# loads anything from a CDN. Run it after changing tools/graphiql (a version bump), then commit
# the two files with the lock file; tests/integration/test_api_graphiql.py checks they match.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/tools/graphiql"
OUT="$ROOT/aixplore/api/static/graphiql"
npm ci --prefix "$SRC" --no-audit --no-fund --silent
mkdir -p "$OUT"
"$SRC/node_modules/.bin/esbuild" "$SRC/main.jsx" --bundle --minify --format=iife --target=es2020 \
  --jsx=automatic --define:process.env.NODE_ENV='"production"' --legal-comments=eof \
  --outdir="$OUT" --entry-names=graphiql --log-level=warning
# What it was built from, so a test can tell a stale bundle from a fresh one.
sha256sum "$SRC/package-lock.json" "$SRC/main.jsx" "$SRC/accessible.css" | awk '{print $1}' >"$OUT/SOURCE_SHA256"
echo "built $(du -sh "$OUT" | cut -f1) into ${OUT#"$ROOT"/}"
