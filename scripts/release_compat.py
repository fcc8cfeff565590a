"""The previous release's tests against this release's schema: migrations must only expand.

Two versions of the app run side by side during a rolling or blue-green release: the new
release migrates the database first, and the old one keeps serving on it until it is switched
off. So a migration may add tables, nullable columns or columns with a server default, and
indexes; it may not drop, rename or tighten what the previous release still uses (that
"contract" step ships one release later, once no old code runs).

This script checks it. The previous release is the code just before the newest migration was
added (``git log --diff-filter=A -- alembic/versions``). It unpacks that release's ``aixplore``
and ``tests`` into a scratch folder with ``git archive``, and runs a subset of its tests there
against a database that *this* release migrated (the old test session's ``migrate`` is replaced
by this release's ``python -m aixplore.cli migrate``). A failure means the newest migration
breaks the running release.

``.venv/bin/python scripts/release_compat.py`` uses ``AIXPLORE_DATABASE_URL`` (SQLite or
PostgreSQL); the test command runs it on both engines. Without git history (a shallow clone) it
says so and exits 3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The old release's journeys that touch most tables: catalog reads and writes through the API,
# orders, wallet, webhooks, API keys. (Not the old release's schema-wide checks, such as the
# GDPR export's "every table that refers to users": a new table is rightly unknown to it.)
SUBSET = [
    "tests/integration/test_api_solutions.py",
    "tests/integration/test_api_writes.py",
    "tests/integration/test_api_orders.py",
    "tests/integration/test_api_keys.py",
    "tests/integration/test_wallet_statement.py",
    "tests/integration/test_webhooks.py",
]
PLUGIN = '''
"""Loaded by release_compat.py: the old test session migrates with the new release's code."""
import os, subprocess, sys

import aixplore.cli


def _new_release_migrate() -> None:
    env = {**os.environ, "PYTHONPATH": os.environ["RELEASE_COMPAT_NEW"]}
    subprocess.run([sys.executable, "-m", "aixplore.cli", "migrate"],
                   cwd=env["PYTHONPATH"], env=env, check=True)


aixplore.cli.migrate = _new_release_migrate
'''


GIT = shutil.which("git") or "/usr/bin/git"


def git(*args: str) -> str:
    """Git's output in the repository; exit 3 when git cannot answer (no history)."""
    done = subprocess.run([GIT, *args], cwd=ROOT, capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(3)
    return done.stdout.decode().strip()


def main() -> int:
    newest = git("log", "-1", "--format=%H", "--diff-filter=A", "--", "alembic/versions/*.py")
    try:
        previous = git("rev-parse", "--verify", "--quiet", f"{newest}^")
    except SystemExit:
        print("release compatibility: no git history before the newest migration (shallow clone)")
        return 3
    label = git("log", "-1", "--format=%h %cs %s", previous)[:100]
    with tempfile.TemporaryDirectory(prefix="aixplore-previous-") as work:
        old = Path(work)
        git("archive", "--format=tar.gz", "-o", str(old / "previous.tar.gz"), previous,
                  "aixplore", "tests", "alembic", "alembic.ini")  # fmt: skip
        with tarfile.open(old / "previous.tar.gz") as archive:
            archive.extractall(old, filter="data")
        (old / "release_compat_plugin.py").write_text(PLUGIN)
        subset = [t for t in SUBSET if (old / t).exists()]
        env = {
            **os.environ,
            "PYTHONPATH": str(old),
            "RELEASE_COMPAT_NEW": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        print(f"release compatibility: the tests of {label}")
        print(
            f"  against the schema of {git('log', '-1', '--format=%h', 'HEAD')} ({len(subset)} files)"
        )
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run(  # noqa: S603 - this interpreter, a fixed module, our own files
            [*argv, "-p", "release_compat_plugin", *subset], cwd=old, env=env, check=False
        )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
