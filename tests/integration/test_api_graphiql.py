"""GraphiQL at /api/graphiql: self-hosted (no CDN), for signed-in members, and not stale."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings
from tests.factories import make_member, sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_signed_in_members_get_the_editor_and_its_own_assets() -> None:
    api = TestClient(build_api())
    api.cookies.set("aixplore_session", sign_in(make_member().email))
    page = api.get("/api/graphiql")
    assert page.status_code == 200
    sources = re.findall(r"(?:src|href)='([^']+)'", page.text)
    assert len(sources) == 2 and all(s.startswith("/api/graphiql/") for s in sources)
    for source in sources:
        asset = api.get(source)
        assert asset.status_code == 200 and len(asset.content) > 10_000
        # Nothing is fetched from elsewhere: no remote imports, stylesheets or fonts.
        assert not re.search(rb"""(import\(|@import |url\()["']?https?://""", asset.content)
    assert "max-age=31536000" in api.get(sources[0]).headers["cache-control"]


def test_signed_out_visitors_are_asked_to_sign_in_outside_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = TestClient(build_api())
    refused = api.get("/api/graphiql")
    assert refused.status_code == 401 and "Sign in to use GraphiQL" in refused.text
    assert "graphiql.js" not in refused.text
    monkeypatch.setattr(get_settings(), "env", "development")
    assert api.get("/api/graphiql").status_code == 200
    assert api.get("/api/graphiql/graphiql.html").status_code == 422  # only the two assets


def test_the_committed_bundle_was_built_from_the_pinned_sources() -> None:
    # scripts/build_graphiql.sh records what it built from; a version bump without a rebuild
    # (or a hand-edited bundle's sources) fails here.
    tools = ROOT / "tools" / "graphiql"
    wanted = [
        hashlib.sha256((tools / name).read_bytes()).hexdigest()
        for name in ("package-lock.json", "main.jsx", "accessible.css")
    ]
    recorded = (ROOT / "aixplore/api/static/graphiql/SOURCE_SHA256").read_text().split()
    assert recorded == wanted, "run scripts/build_graphiql.sh and commit its output"
