"""The backup archive: a tar.gz of the database dump, uploaded files, Git repositories and a manifest."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class Manifest:
    """What an archive holds, and the checksum of each file in it."""

    engine: str
    alembic_revision: str | None
    created_at: str
    row_counts: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> size, sha256
    dirs: list[str] = field(default_factory=list)
    format_version: int = FORMAT_VERSION
    excluded: str = (
        "The secret key (<data_dir>/secret_key, AIXPLORE_SECRET_KEY) and the encryption keys "
        "(AIXPLORE_ENCRYPTION_KEY, AIXPLORE_PREVIOUS_ENCRYPTION_KEYS) are never in a backup: "
        "keep them apart; without them stored secrets and sessions cannot be read."
    )

    def counts_text(self) -> str:
        """The key tables' row counts, e.g. ``3 user, 5 solution``."""
        return ", ".join(f"{n} {t}" for t, n in self.row_counts.items())

    def to_json(self) -> bytes:
        """The manifest as pretty JSON."""
        body = {
            "format_version": self.format_version,
            "engine": self.engine,
            "alembic_revision": self.alembic_revision,
            "created_at": self.created_at,
            "row_counts": self.row_counts,
            "total_bytes": sum(f["size"] for f in self.files.values()),
            "excluded": self.excluded,
            "files": self.files,
            "dirs": self.dirs,
        }
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Read a manifest; a malformed one is a corrupt archive."""
        try:
            body = json.loads(raw)
            version = body["format_version"]
            if version != FORMAT_VERSION:
                raise BackupError(
                    f"archive format version {version} is not supported (this release reads "
                    f"version {FORMAT_VERSION})"
                )
            return cls(
                engine=str(body["engine"]),
                alembic_revision=body["alembic_revision"],
                created_at=str(body["created_at"]),
                row_counts={str(k): int(v) for k, v in body["row_counts"].items()},
                files={str(k): dict(v) for k, v in body["files"].items()},
                dirs=[str(d) for d in body["dirs"]],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"corrupt archive: unreadable manifest ({exc})") from None


class _Hashing:
    """A file reader that hashes what passes through it."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        return chunk


class ArchiveWriter:
    """Writes members into a tar.gz once, hashing each file on the way; the manifest last."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.manifest = manifest
        # Level 6: dumps and PNGs gain little from more, and it halves the time of level 9.
        self._tar = tarfile.open(path, "w:gz", compresslevel=6)  # noqa: SIM115 - closed in close()

    def add_file(self, source: Path, name: str) -> None:
        """Add one file under ``name``, recording its size and SHA-256."""
        info = tarfile.TarInfo(name)
        with source.open("rb") as handle:
            info.size = os.fstat(handle.fileno()).st_size
            info.mode = 0o644
            info.mtime = int(os.fstat(handle.fileno()).st_mtime)
            reader = _Hashing(handle)
            self._tar.addfile(info, reader)  # type: ignore[arg-type]
        self.manifest.files[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}

    def add_tree(self, root: Path, prefix: str, skip: set[Path]) -> None:
        """Add every file and folder under ``root`` (links, and files or folders in ``skip``, left out)."""
        if not root.is_dir():
            return
        self._add_dir(prefix)
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            # os.walk descends only into the folders left in ``dirs``.
            dirs[:] = sorted(
                d for d in dirs if not (here / d).is_symlink() and (here / d).resolve() not in skip
            )
            rel = here.relative_to(root)
            for name in dirs:
                self._add_dir(f"{prefix}/{(rel / name).as_posix()}")
            for name in sorted(files):
                path = here / name
                if path.is_symlink() or not path.is_file() or path.resolve() in skip:
                    continue
                self.add_file(path, f"{prefix}/{(rel / name).as_posix()}")

    def _add_dir(self, name: str) -> None:
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        self._tar.addfile(info)
        self.manifest.dirs.append(name)

    def close(self) -> None:
        """Write the manifest and finish the archive."""
        raw = self.manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mode = 0o644
        self._tar.addfile(info, io.BytesIO(raw))
        self._tar.close()

    def abort(self) -> None:
        """Close without a manifest (the caller deletes the file)."""
        self._tar.close()


def extract(archive: Path, into: Path) -> Manifest:
    """Unpack ``archive`` into ``into`` and check every file against the manifest."""
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, zlib.error, gzip.BadGzipFile, EOFError, OSError) as exc:
        raise BackupError(f"corrupt archive {archive.name}: {exc}") from None
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            f"corrupt archive {archive.name}: it is damaged or cut short (no {MANIFEST} found)"
        )
    manifest = Manifest.from_json(manifest_path.read_bytes())
    for name, meta in manifest.files.items():
        path = into / name
        if not path.is_file():
            raise BackupError(f"corrupt archive {archive.name}: {name} is missing")
        if sha256_of(path) != meta.get("sha256") or path.stat().st_size != meta.get("size"):
            raise BackupError(
                f"checksum mismatch in {archive.name}: {name} is not the file that was backed up"
            )
    listed = set(manifest.files) | {MANIFEST}
    for path in into.rglob("*"):
        if path.is_file() and path.relative_to(into).as_posix() not in listed:
            raise BackupError(f"corrupt archive {archive.name}: {path.name} is not in the manifest")
    return manifest


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
