"""The development secret key: random per installation, kept beside the database, and the
published key never serves other machines."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aixplore.core.settings import (
    DEV_SECRET_KEY,
    PROJECT_ROOT,
    SECRET_KEY_FILE,
    Settings,
    is_loopback,
)


def _dev(data_dir: Path) -> Settings:
    return Settings(env="development", secret_key="", data_dir=data_dir)


def test_first_run_generates_a_private_random_key_and_keeps_it(tmp_path: Path) -> None:
    first = _dev(tmp_path / "a").secret_key
    key_file = tmp_path / "a" / SECRET_KEY_FILE
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 60 and first != DEV_SECRET_KEY
    assert not _dev(tmp_path / "a").published_secret_key
    # Used from then on; another installation gets its own.
    assert _dev(tmp_path / "a").secret_key == first
    assert _dev(tmp_path / "b").secret_key != first


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: _dev(tmp_path).secret_key, range(16)))
    assert len(keys) == 1


def test_an_explicit_key_wins_and_production_still_needs_one(tmp_path: Path) -> None:
    chosen = "x" * 40
    assert Settings(env="development", secret_key=chosen, data_dir=tmp_path).secret_key == chosen
    assert not (tmp_path / SECRET_KEY_FILE).exists()
    with pytest.raises(ValueError, match="AIXPLORE_SECRET_KEY"):
        Settings(env="production", secret_key="", data_dir=tmp_path)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("localhost.evil.example", False),
        ("", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_published_key_is_refused_on_a_public_address(tmp_path: Path) -> None:
    published = Settings(env="development", secret_key=DEV_SECRET_KEY, data_dir=tmp_path)
    with pytest.raises(RuntimeError, match=r"Refusing to listen on 0\.0\.0\.0"):
        published.check_listen_address("0.0.0.0")
    published.check_listen_address("127.0.0.1")
    _dev(tmp_path).check_listen_address("0.0.0.0")


def _import_app(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import aixplore.web.app"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TELEMETRY_ENABLED": "false", **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_the_app_will_not_start_on_all_interfaces_with_the_published_key(tmp_path: Path) -> None:
    published = {
        "AIXPLORE_ENV": "development",
        "AIXPLORE_SECRET_KEY": DEV_SECRET_KEY,
        "AIXPLORE_DATA_DIR": str(tmp_path),
    }
    refused = _import_app({**published, "REFLEX_BACKEND_HOST": "0.0.0.0"})
    assert refused.returncode != 0
    assert "Refusing to listen on 0.0.0.0" in refused.stderr
    assert _import_app({**published, "REFLEX_BACKEND_HOST": "127.0.0.1"}).returncode == 0
