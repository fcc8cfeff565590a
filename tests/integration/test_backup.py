"""Backups and restores on the run's engine (SQLite or PostgreSQL): write, change, restore, refuse."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from pathlib import Path

import pytest
from PIL import Image

from aixplore import cli
from aixplore.backup import BackupError, create_backup, restore_backup
from aixplore.core.db import session_scope
from aixplore.core.settings import SECRET_KEY_FILE, get_settings
from aixplore.domain.accounts import services as accounts
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.media import store_logo
from tests.factories import actor_for, make_member, make_solution, sign_in


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 140, 90)).save(out, format="PNG")
    return out.getvalue()


def _backed_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, str]:
    """A member and a solution with an uploaded logo, backed up: archive, logo path, slug."""
    owner = make_member(email="owner@example.com")
    made = make_solution(owner.email, name="Backed Up Bot")
    logo = store_logo(_png())
    with session_scope() as db:
        solutions.do_set_logo(db, actor_for(sign_in(owner.email)), made.slug, logo)
    assert cli.main(["backup", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "verified" in out and "rows match" in out
    (archive,) = tmp_path.glob("aixplore-backup-*.tar.gz")
    return archive, logo, made.slug


def test_restore_brings_back_exactly_the_backup(tmp_path: Path, capsys) -> None:
    settings = get_settings()
    key_file = settings.data_dir / SECRET_KEY_FILE
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text("a-secret-that-must-never-be-in-a-backup")
    try:
        archive, logo, slug = _backed_up(tmp_path, capsys)
    finally:
        key_file.unlink()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert f"media/{logo}" in names and not any(SECRET_KEY_FILE in n for n in names)
    assert manifest["engine"] == ("sqlite" if settings.is_sqlite else "postgresql")
    assert manifest["row_counts"]["user"] == 1 and manifest["alembic_revision"]
    assert "secret_key" in manifest["excluded"]

    make_member(email="later@example.com")
    (settings.media_root / logo).unlink()
    assert cli.main(["restore", str(archive)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert cli.main(["restore", str(archive), "--yes"]) == 0
    said = capsys.readouterr().out
    assert "replaces" in said and "restored the" in said

    with session_scope() as db:
        assert accounts.get_user_by_email(db, "later@example.com") is None
        assert accounts.get_user_by_email(db, "owner@example.com") is not None
        assert solutions.get_solution(db, None, slug).logo_url.endswith(logo)
    with tarfile.open(archive) as tar:
        backed_up = tar.extractfile(f"media/{logo}").read()  # type: ignore[union-attr]
    assert (settings.media_root / logo).read_bytes() == backed_up
    # The schema still works for writes after the restore.
    make_member(email="after@example.com")


def _repack(archive: Path, edit) -> Path:
    """A copy of ``archive`` with each member's bytes passed through ``edit(name, data)``."""
    copy = archive.with_name("edited.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(copy, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if data is not None:
                data = edit(member.name, data)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    return copy


def test_restore_refuses_a_damaged_archive_and_changes_nothing(tmp_path: Path, capsys) -> None:
    archive, _, _ = _backed_up(tmp_path, capsys)
    make_member(email="kept@example.com")

    broken = tmp_path / "broken.tar.gz"
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    broken.write_bytes(bytes(raw))
    assert cli.main(["restore", str(broken), "--yes"]) == 2
    # Where the flipped byte lands decides which check sees it first: gzip's or the manifest's.
    said = capsys.readouterr().err
    assert "corrupt archive" in said or "checksum mismatch" in said

    tampered = _repack(archive, lambda n, d: d + b"x" if n.startswith("media/") else d)
    assert cli.main(["restore", str(tampered), "--yes"]) == 2
    assert "checksum mismatch" in capsys.readouterr().err

    def other_engine(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        body = json.loads(data)
        body["engine"] = "postgresql" if body["engine"] == "sqlite" else "sqlite"
        return json.dumps(body).encode()

    tampered.unlink()
    mismatched = _repack(archive, other_engine)
    assert cli.main(["restore", str(mismatched), "--yes"]) == 2
    assert "engine mismatch" in capsys.readouterr().err
    with session_scope() as db:
        assert accounts.get_user_by_email(db, "kept@example.com") is not None


def test_a_backup_taken_while_members_sign_up_is_one_consistent_snapshot(tmp_path: Path) -> None:
    make_member(email="first@example.com")
    stop, under_way = threading.Event(), threading.Event()
    written: list[str] = []

    def sign_ups() -> None:
        while not stop.is_set():
            written.append(make_member().email)
            under_way.set()

    writer = threading.Thread(target=sign_ups)
    writer.start()
    try:
        assert under_way.wait(10)
        # The verification compares the scratch restore with counts read in the dump's own
        # snapshot, so a torn copy would fail it.
        assert cli.main(["backup", "--out", str(tmp_path)]) == 0
    finally:
        stop.set()
        writer.join()
    (archive,) = tmp_path.glob("aixplore-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert 1 < manifest["row_counts"]["user"] <= 1 + len(written)


def test_the_secret_key_stays_out_even_when_uploads_share_its_folder(tmp_path: Path) -> None:
    settings = get_settings()
    make_member()
    key_file = settings.data_dir / SECRET_KEY_FILE
    key_file.write_text("a-secret-that-must-never-be-in-a-backup")
    try:
        shared = settings.model_copy(update={"media_dir": settings.data_dir})
        report = create_backup(shared, tmp_path)
    finally:
        key_file.unlink()
    with tarfile.open(report.path) as tar:
        assert "media/" + SECRET_KEY_FILE not in tar.getnames()
    # Restoring would move the whole data folder aside: refused before anything changes.
    with pytest.raises(BackupError, match="cannot replace it"):
        restore_backup(shared, report.path)
