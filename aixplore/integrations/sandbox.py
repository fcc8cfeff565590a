"""Validate a generated project in a temporary directory with time and memory limits.

Steps: byte-compile every Python file, lint it with ruff's pyflakes rules when ruff is
installed, then run the project's own tests (``python -m unittest``). Each runs in a child
process with a wall-clock limit, an address-space limit and an empty environment.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MEMORY_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Validation:
    """The outcome: passed, and the tail of what the failing step printed."""

    passed: bool
    step: str
    output: str


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _ruff() -> str | None:
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.exists() else shutil.which("ruff")


def validate_project(files: dict[str, str], root_dir: str, timeout: int) -> Validation:
    """Write ``files`` to a temporary directory and check them; never raises for bad code."""
    with tempfile.TemporaryDirectory(prefix="aixplore-validate-") as tmp:
        base = Path(tmp)
        for path, content in files.items():
            target = (base / path).resolve()
            if base.resolve() not in target.parents:
                return Validation(False, "write", f"refused path {path}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        project = base / root_dir if root_dir else base
        steps = [("compile", [sys.executable, "-m", "compileall", "-q", "."])]
        ruff = _ruff()
        if ruff:
            steps.append(
                ("lint", [ruff, "check", "--no-cache", "--isolated", "--select", "F,E9", "."])
            )
        steps.append(
            ("tests", [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."])
        )
        for name, command in steps:
            try:
                done = subprocess.run(  # noqa: S603 - fixed commands, generated files
                    command,
                    cwd=project,
                    capture_output=True,
                    timeout=timeout,
                    env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
                    preexec_fn=_limits,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return Validation(False, name, f"{name} took longer than {timeout} s")
            output = (done.stdout + done.stderr).decode(errors="replace")
            if done.returncode != 0:
                return Validation(False, name, output[-2000:])
        return Validation(True, "tests", output[-2000:])
