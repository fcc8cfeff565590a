"""Pages answer at their own address: no redirect to a slash at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from aixplore.web.page_paths import PagePaths


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A production build's layout: each page as ``x.html`` and as ``x/index.html``."""
    for name in ("solutions", "about"):
        (tmp_path / f"{name}.html").write_text(f"<h1>{name}</h1>")
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f"<h1>{name}</h1>")
    (tmp_path / "404.html").write_text("<h1>not found</h1>")
    return tmp_path


def _app(pages: Path) -> Starlette:
    """Routes in front of the build's static files, as Reflex mounts them in production."""

    async def echo(request) -> PlainTextResponse:
        return PlainTextResponse(request.url.path)

    return Starlette(
        routes=[
            Route("/api/v1/solutions", echo, methods=["GET", "POST"]),
            Mount("/", app=PrecompressedStaticFiles(directory=pages, html=True)),
        ]
    )


def test_a_page_is_served_at_its_address_without_a_redirect(pages: Path) -> None:
    client = TestClient(PagePaths(_app(pages), pages), follow_redirects=False)
    for path in ("/solutions", "/solutions/", "/about", "/solutions?q=pdf+translation"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == f"<h1>{path.strip('/').split('?')[0]}</h1>"
    assert client.head("/solutions").status_code == 200


def test_the_bare_static_files_redirect_so_the_wrapper_is_what_serves_them(pages: Path) -> None:
    client = TestClient(_app(pages), follow_redirects=False)
    response = client.get("/solutions")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/solutions/")


def test_other_requests_pass_through_unchanged(pages: Path) -> None:
    client = TestClient(PagePaths(_app(pages), pages), follow_redirects=False)
    assert client.get("/api/v1/solutions").text == "/api/v1/solutions"
    assert client.post("/api/v1/solutions").text == "/api/v1/solutions"
    assert client.get("/solutions.html").status_code == 200
    assert client.get("/no-such-page").status_code == 404
