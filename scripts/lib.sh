# Shared by scripts/run and scripts/test: a virtual environment and bun, installed once.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
BUN_VERSION="1.4.4"
export TELEMETRY_ENABLED=false
export REFLEX_BUN_PATH="$ROOT/.tools/node_modules/.bin/bun"
export PYTHONDONTWRITEBYTECODE=1

say() { printf '\033[1;35m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Pick a Python >= 3.11.
find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "Python 3.11 or newer is needed (python3 --version)."
}

# ensure_python_env EXTRAS: install the pinned dependencies when pyproject.toml changed.
ensure_python_env() {
  local extras="$1" stamp want
  if [ ! -x "$PY" ]; then
    say "creating the virtual environment in .venv"
    "$(find_python)" -m venv "$VENV" || die "python -m venv failed (on Debian: apt-get install python3-venv)"
    "$PY" -m pip install --quiet --upgrade pip
  fi
  stamp="$VENV/.aixplore-installed-$extras"
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing Python dependencies ($extras)"
    if [ "$extras" = "runtime" ]; then
      "$PY" -m pip install --quiet -e "$ROOT"
    else
      "$PY" -m pip install --quiet -e "$ROOT[$extras]"
    fi
    echo "$want" > "$stamp"
  fi
}

# Reflex builds the front end with bun; its own installer needs the internet, npm does not.
ensure_bun() {
  command -v npm >/dev/null 2>&1 || die "Node.js and npm are needed to build the front end."
  if [ ! -x "$REFLEX_BUN_PATH" ] || [ "$("$REFLEX_BUN_PATH" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
    say "installing bun $BUN_VERSION from npm into .tools/"
    npm install --prefix "$ROOT/.tools" --no-audit --no-fund --silent "bun@$BUN_VERSION" ||
      die "npm install bun@$BUN_VERSION failed"
  fi
}

# Uploaded 3D models are checked (Khronos glTF validator) and compressed (glTF-Transform,
# DRACO) by node tools pinned in tools/gltf: installed from its lock file, never at run time.
ensure_gltf_tools() {
  local dir="$ROOT/tools/gltf"
  if [ ! -d "$dir/node_modules/gltf-validator" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    say "installing the glTF tools (npm gltf-validator, glTF-Transform) into tools/gltf"
    npm ci --prefix "$dir" --no-audit --no-fund --silent || die "npm ci in $dir failed"
  fi
}
