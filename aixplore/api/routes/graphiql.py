"""``GET /api/graphiql``: GraphiQL, the in-browser GraphQL editor, served by the app itself.

The editor is bundled from the npm registry (``scripts/build_graphiql.sh``) and its script
and stylesheet come from this site only, never a CDN. The page is for signed-in members (any
deployment) and for everyone in development; others get a page asking them to sign in. The
editor sends queries without the site's cookie: callers put their API key in its Headers tab,
so it sees exactly what that key may see over the API.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from aixplore.api.plain_page import plain_page
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.actor_cache import authenticate

router = APIRouter(include_in_schema=False)
SESSION_COOKIE = "aixplore_session"  # aixplore.web.session.COOKIE_NAME
_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


@lru_cache(maxsize=4)
def _asset(name: str) -> bytes:
    return resources.files("aixplore.api.static").joinpath(f"graphiql/{name}").read_bytes()


def _version() -> str:
    return _asset("SOURCE_SHA256").decode().split()[0][:12]


def _page() -> str:
    version = _version()
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>GraphiQL · AiXplore API</title>"
        f"<link rel='stylesheet' href='/api/graphiql/graphiql.css?v={version}'>"
        "<style>html,body,#graphiql{height:100%;margin:0}"
        "h1{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}</style>"
        "</head><body><header><h1>GraphiQL: AiXplore's GraphQL API</h1></header>"
        "<main id='graphiql' aria-label='GraphiQL'>"
        "<noscript>GraphiQL needs JavaScript.</noscript></main>"
        f"<script src='/api/graphiql/graphiql.js?v={version}'></script></body></html>"
    )


@router.get("/api/graphiql")
def graphiql(request: Request) -> Response:
    """The editor for signed-in members (and anyone in development)."""
    signed_in = authenticate(request.cookies.get(SESSION_COOKIE, "")) is not None
    if not signed_in and get_settings().env != "development":
        link = f"/login?{urlencode({'next': '/api/graphiql'})}"
        body = (
            "<h1>Sign in to use GraphiQL</h1>"
            f"<p><a href='{link}'>Sign in to AiXplore</a> to explore the GraphQL API in "
            "your browser, or send queries to <code>POST /api/graphql</code> with your API "
            "key.</p>"
        )
        return plain_page("GraphiQL", body, 401)
    return HTMLResponse(_page(), headers={"Cache-Control": "private, no-cache"})


@router.get("/api/graphiql/graphiql.{kind}")
def graphiql_asset(kind: Literal["js", "css"]) -> Response:
    """The bundled script or stylesheet (versioned URLs: kept a year)."""
    return Response(
        _asset(f"graphiql.{kind}"),
        media_type=_TYPES[kind],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
