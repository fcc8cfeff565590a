"""Build and start the production server: ``python -m aixplore.serve {build,start,probe}``.

One start path for every way the app runs in production: ``scripts/run``, the Docker image
(its build step and its command) and the end-to-end tests all call these commands.

- ``build`` compiles the pages and builds the static front end into ``.web/build/client``
  (``reflex export --frontend-only``); ``--prune`` then drops everything in ``.web`` that the
  server does not read (the image keeps only the built files).
- ``start`` serves the whole app from one port (``AIXPLORE_PORT``): the built front end, the
  event socket and the REST API, in ``GRANIAN_WORKERS`` worker processes. It is what
  ``reflex run --env prod`` does after its build, with one difference: granian replaces a
  worker that dies (``respawn_failed_workers``) while the others keep serving. Reflex 0.10.1
  starts granian's ``Server`` without that option, so one killed worker stopped the whole
  server. ``--migrate`` upgrades the database first.
- ``probe`` exits 0 only when the server answers ``/api/health`` with every check ok and
  serves the front page: the image's and docker-compose's health check.

If a respawned worker dies again within about 5 seconds (it cannot start at all), granian
stops the server with a non-zero exit instead of looping; then the process supervisor
(Docker's restart policy) starts it afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

# What the running server reads from .web: the built pages and the routes manifest.
SERVED_FROM_WEB = ("build", "routes.json")
BUILD_COMMAND = ["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]


def web_dir() -> Path:
    """The Reflex build folder of the app in the current directory."""
    return Path.cwd() / ".web"


def frontend_index() -> Path:
    """The built front page; the server refuses to start without it."""
    return web_dir() / "build" / "client" / "index.html"


def build(*, prune: bool = False) -> int:
    """Compile the app and build the static front end; return the exit status."""
    reflex = Path(sys.executable).with_name("reflex")
    command = [str(reflex) if reflex.exists() else BUILD_COMMAND[0], *BUILD_COMMAND[1:]]
    env = {**os.environ, "TELEMETRY_ENABLED": "false"}
    status = subprocess.run(command, env=env, check=False).returncode  # noqa: S603 - fixed
    if status != 0:
        return status
    if not frontend_index().exists():
        print(f"the build wrote no {frontend_index()}", file=sys.stderr)
        return 1
    if prune:
        for child in web_dir().iterdir():
            if child.name not in SERVED_FROM_WEB:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    return 0


def _prepare_metrics_dir() -> None:
    """Give the workers an empty Prometheus folder (files of a former run would be summed)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink(missing_ok=True)


def start(*, migrate: bool = False, host: str | None = None) -> int:
    """Serve the built app on ``AIXPLORE_PORT`` until SIGTERM/SIGINT; return the exit status."""
    if not frontend_index().exists():
        print(
            f"{frontend_index()} is missing: build the front end first "
            "(python -m aixplore.serve build)",
            file=sys.stderr,
        )
        return 2
    if migrate:
        from aixplore.cli import migrate as upgrade

        upgrade()
    _prepare_metrics_dir()
    os.environ.setdefault("TELEMETRY_ENABLED", "false")
    _serve(host)
    return 0


def _serve(host: str | None) -> None:
    """Run granian as Reflex's production backend does, respawning failed workers."""
    import multiprocessing

    if host:  # the app's own check of its listen address (web/app.py) reads Reflex's config
        os.environ["REFLEX_BACKEND_HOST"] = host

    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server
    from reflex.utils import exec as reflex_exec
    from reflex_base import constants
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    # What `reflex run --env prod` sets before it starts the backend: production mode, no
    # compile in the workers (the build did it), the built front end mounted on the backend.
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)
    config = get_config()
    # Reflex's own fork preparation (pinned reflex==0.10.1): workers forked from a
    # supervisor that imported the app share its pages, respawned ones included.
    start_method = reflex_exec._backend_start_method()
    if start_method is not None:
        multiprocessing.set_start_method(start_method, force=True)
        if start_method == "fork" and not reflex_exec._preload_for_fork(None):
            multiprocessing.set_start_method("spawn", force=True)
    port = int(os.environ.get("AIXPLORE_PORT", "3000"))
    public = os.environ.get("AIXPLORE_BASE_URL", f"http://localhost:{port}")
    print(f"App running at: {public}", flush=True)
    server = Server(
        target=reflex_exec.get_app_instance_from_file(),
        factory=True,
        address=host or config.backend_host,
        port=port,
        interface=Interfaces.ASGI,
        workers=int(os.environ.get("GRANIAN_WORKERS", str(reflex_exec._get_backend_workers()))),
        respawn_failed_workers=True,
        # Respawns and unexpected worker exits are logged at info and error.
        log_level=LogLevels(os.environ.get("GRANIAN_LOG_LEVEL", "info")),
        log_dictconfig=reflex_exec._granian_log_dictconfig(),
    )
    server.serve()


def probe(base_url: str | None = None, timeout: float = 5.0) -> int:
    """Return 0 when the app answers healthy and serves its front page, else 1."""
    base = base_url or f"http://127.0.0.1:{os.environ.get('AIXPLORE_PORT', '3000')}"
    try:
        with urllib.request.urlopen(f"{base}/api/health", timeout=timeout) as reply:  # noqa: S310
            report = json.load(reply)
        with urllib.request.urlopen(f"{base}/", timeout=timeout) as page:  # noqa: S310
            front = page.read(4096)
    except (OSError, ValueError) as exc:  # refused, timed out, 503 (HTTPError), not JSON
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if report.get("status") != "ok" or b"<html" not in front.lower():
        print(f"unhealthy: {json.dumps(report)}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m aixplore.serve", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    built = sub.add_parser("build", help="compile the pages and build the front end")
    built.add_argument("--prune", action="store_true", help="keep only what the server reads")
    started = sub.add_parser("start", help="serve the built app on AIXPLORE_PORT")
    started.add_argument("--migrate", action="store_true", help="upgrade the database first")
    started.add_argument("--host", default=None, help="address to bind (default 0.0.0.0)")
    probed = sub.add_parser("probe", help="exit 0 when the running app is healthy")
    probed.add_argument("--url", default=None, help="default http://127.0.0.1:$AIXPLORE_PORT")
    args = parser.parse_args(argv)
    if args.cmd == "build":
        return build(prune=args.prune)
    if args.cmd == "start":
        return start(migrate=args.migrate, host=args.host)
    return probe(args.url)


if __name__ == "__main__":
    sys.exit(main())
