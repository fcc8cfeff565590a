"""Run the pinned node tools under ``tools/gltf`` (installed by ``npm ci``, never fetched now).

They are local programs like Pillow is a local library: no network, a time limit, input
through a temporary file, a JSON summary on stdout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from aixplore.core.errors import DomainError, ServiceUnavailable, ValidationFailed
from aixplore.core.settings import get_settings

UNAVAILABLE = "3D models cannot be checked on this server right now: its glTF tools are missing."


def tools_ready() -> bool:
    """Whether node and the installed tools are there."""
    folder = get_settings().gltf_tools_dir
    return (
        shutil.which("node") is not None and (folder / "node_modules" / "gltf-validator").is_dir()
    )


def run_tool(
    script: str,
    *,
    data: bytes | None = None,
    source: Path | None = None,
    args: list[str] | None = None,
    timeout: float = 60,
) -> Any:
    """Run ``node tools/gltf/<script> FILE [args]``; return its JSON output.

    ``data`` is written to a temporary file first (or ``source`` is passed as it is).
    Raises :class:`ServiceUnavailable` when the tools are missing and
    :class:`ValidationFailed` when the tool fails or runs out of time on this input.
    """
    if not tools_ready():
        raise ServiceUnavailable(UNAVAILABLE)
    folder = get_settings().gltf_tools_dir
    node = shutil.which("node") or "node"
    with tempfile.TemporaryDirectory(prefix="aixplore-gltf-") as tmp:
        if source is None:
            source = Path(tmp) / "upload.bin"
            source.write_bytes(data or b"")
        command = [
            node,
            "--max-old-space-size=1024",
            str(folder / script),
            str(source),
            *(args or []),
        ]
        try:
            done = subprocess.run(  # noqa: S603 (fixed program and arguments, no shell)
                command, cwd=folder, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ValidationFailed("The model took too long to process.", field="model") from exc
        except OSError as exc:
            raise ServiceUnavailable(UNAVAILABLE) from exc
    if done.returncode != 0:
        raise ValidationFailed("The model could not be read: it looks corrupt.", field="model")
    try:
        return json.loads(done.stdout.decode("utf-8", "replace") or "null")
    except ValueError as exc:
        raise DomainError("The model tools gave an unreadable answer.") from exc
