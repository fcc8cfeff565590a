"""/api/health and /metrics, including a dead Redis that must not hang anything."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings


@pytest.fixture
def client() -> TestClient:
    return TestClient(build_api())


def test_health_reports_every_backing_service(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["jobs"]["ok"] is True
    assert body["checks"]["redis"]["configured"] is (get_settings().redis_url is not None)


def test_health_says_so_quickly_when_redis_is_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aixplore.core import redis as core_redis

    monkeypatch.setattr(get_settings(), "redis_url", "redis://127.0.0.1:1/0")
    core_redis._client.cache_clear()
    started = time.monotonic()
    response = client.get("/api/health")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "configured": True}


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    client.get("/api/health")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "aixplore_http_requests_total" in response.text


def test_unknown_api_paths_get_problem_details_not_a_trace(client: TestClient) -> None:
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_a_database_out_of_reach_is_a_503_with_retry_after_not_a_500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    from sqlalchemy import create_engine

    from aixplore.api.routes import solutions as route

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/x")

    def unreachable(*_args, **_kwargs):
        with dead.connect():  # the driver's real "connection refused"
            pass

    monkeypatch.setattr(route.solutions, "get_solution", unreachable)
    client = TestClient(build_api(), raise_server_exceptions=False)
    response = client.get("/api/v1/solutions/database-outage-probe")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "connection" not in response.text.lower()

    def bug(*_args, **_kwargs):
        raise KeyError("a bug, not an outage")

    monkeypatch.setattr(route.solutions, "get_solution", bug)
    assert client.get("/api/v1/solutions/a-bug-probe").status_code == 500
