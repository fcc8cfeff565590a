"""Who may read /metrics: a scraper with the token, anyone outside production without one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings

TOKEN = "scrape-token-0123456789abcdef"


def _get(headers: dict[str, str] | None = None):
    return TestClient(build_api()).get("/metrics", headers=headers or {})


def test_with_a_token_only_the_scraper_that_brings_it_reads_the_metrics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "metrics_token", TOKEN)
    for headers in (None, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = _get(headers)
        assert refused.status_code == 401, headers
        assert refused.headers["www-authenticate"] == 'Bearer realm="metrics"'
        assert "aixplore_" not in refused.text and "Authorization: Bearer" in refused.text
    allowed = _get({"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and "aixplore_" in allowed.text


def test_production_without_a_token_keeps_the_metrics_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "metrics_token", None)
    monkeypatch.setattr(get_settings(), "env", "production")
    off = _get()
    assert off.status_code == 404 and "AIXPLORE_METRICS_TOKEN" in off.json()["detail"]
    monkeypatch.setattr(get_settings(), "env", "test")
    assert _get().status_code == 200
