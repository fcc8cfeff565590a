"""Which database a catalog read goes to when no replica can answer (core/replica.py)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.engine import make_url

from aixplore.core import replica
from aixplore.core.settings import get_settings


def test_wal_positions_compare_as_numbers() -> None:
    assert replica.lsn("0/16B3748") == 0x16B3748
    assert replica.lsn("1/0") > replica.lsn("0/FFFFFFFF")
    assert replica.lsn(None) == replica.lsn("") == 0


def test_a_replica_is_used_only_beside_a_postgresql_primary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    standby = "postgresql+psycopg://reader@replica.internal:5432/aixplore"
    monkeypatch.setattr(settings, "database_replica_url", None)
    assert replica.replica_url() is None
    monkeypatch.setattr(settings, "database_replica_url", standby)
    monkeypatch.setattr(settings, "database_url", "sqlite:////tmp/aixplore.db")
    assert replica.replica_url() is None, "SQLite ignores the setting"
    monkeypatch.setattr(settings, "database_url", "postgresql+psycopg://app@primary/aixplore")
    assert replica.replica_url() == standby


def test_without_a_replica_every_catalog_read_goes_to_the_primary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "database_replica_url", None)
    labels = {"source": "primary", "reason": "unset"}
    before = REGISTRY.get_sample_value("aixplore_catalog_reads_total", labels) or 0.0
    url = replica.catalog_read(lambda db: str(db.get_bind().engine.url))
    assert url == str(make_url(get_settings().database_url))
    assert REGISTRY.get_sample_value("aixplore_catalog_reads_total", labels) == before + 1
