"""Single sign-on endpoints have their own, tighter limit per network address."""

from __future__ import annotations

import pytest

from aixplore.core.settings import get_settings
from tests.api_support import client


def test_sso_endpoints_are_limited_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "sso_limit_per_ip", "3/minute")
    api = client()
    answers = [api.get("/api/sso/discover", params={"email": "a@example.com"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    refused = answers[3]
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Rate limit" in refused.json()["detail"]
    # The API's own limits are separate: a read still goes through.
    assert api.get("/api/v1/categories").status_code == 200
