"""Remux a stream recording to MP4 with ffmpeg: the same audio and video, no re-encoding.

``ffmpeg -c copy -movflags +faststart`` copies the streams into an MP4 whose index (``moov``)
comes first, so a browser starts playing and seeks with Range requests before the whole file
has arrived. It writes a ``.part`` file beside the target and renames it at the end: a remux
killed midway leaves no half MP4 under the final name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT = 600  # seconds: a copy of hours of video takes seconds, not minutes


class RemuxFailed(RuntimeError):
    """ffmpeg could not remux the recording."""


def to_mp4(source: Path, target: Path) -> Path:
    """Write ``source`` (FLV, or an HLS playlist) as the MP4 ``target``; returns ``target``."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RemuxFailed("ffmpeg is not installed")
    part = target.with_name(target.name + ".part")
    done = subprocess.run(  # noqa: S603 - ffmpeg with fixed options on files of the folder
        [
            ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-i", str(source),
            "-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(part),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        part.unlink(missing_ok=True)
        raise RemuxFailed(f"ffmpeg failed ({done.returncode}): {done.stderr[-500:]}")
    os.replace(part, target)
    return target
