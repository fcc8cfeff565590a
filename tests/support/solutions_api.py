"""The catalog read API under test: a client with the response cache off, a small catalog,
and reviews written through the real service."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.api.routes import solutions as solution_routes
from aixplore.core.db import session_scope
from aixplore.domain.reviews import services as reviews
from tests.factories import actor_for, make_small_catalog, sign_in


@pytest.fixture
def read_api(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The API with its per-process response cache off (one test turns it on)."""
    solution_routes.response_cache.clear()
    monkeypatch.setattr(solution_routes.response_cache, "seconds", 0)
    return TestClient(build_api())


@pytest.fixture
def small_catalog() -> dict[str, str]:
    """A few published solutions, a draft among them: their slugs by nickname."""
    return make_small_catalog()


def write_review(email: str, slug: str, rating: int, title: str) -> int:
    """A review by the member ``email`` of ``slug``, written through the service; its id."""
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        return reviews.do_write_review(
            db, actor, slug, {"rating": rating, "title": title, "body": f"{title}: details here."}
        ).id
