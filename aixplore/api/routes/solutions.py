"""Read API of the marketplace: search, one solution, its reviews, the categories.

Every caller is anonymous for now (the API has no authentication yet): only published
solutions are visible. Responses carry a weak ``ETag`` (a digest of the body) and
``Cache-Control``; a matching ``If-None-Match`` gets ``304 Not Modified``. Refusals from the
domain (``DomainError``) become problem details in ``aixplore.api.app``.

Rendered bodies are kept for a few seconds per worker process (``response_cache``): a search
with facets costs tens of milliseconds of database work, and popular searches repeat. When a
body gets older than ``RESPONSE_CACHE_SECONDS`` the next request refreshes it in the
background while callers still get the old one (stale-while-revalidate), and concurrent misses
of one key share a single computation, so a popular search never stampedes the database.
Readers may see a change a few seconds late, within the ``max-age`` these responses already
allow shared caches.

Blocking work never runs on the event loop: on a cache miss the database reads (in read-only
units of work, which run side by side even on SQLite), the rendering and the hashing run in
the thread pool (``run_in_threadpool``). The routes themselves are
``async`` so that a cache hit costs no thread hand-off: measured with granian and 64 clients,
a plain ``def`` route answered about 3x fewer cached requests per second than this.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from aixplore.api.schemas import (
    CategoryList,
    CategoryOut,
    Problem,
    ReviewOut,
    ReviewPage,
    SearchResults,
    SolutionOut,
)
from aixplore.core.errors import DomainError, NotFound
from aixplore.core.replica import catalog_read
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import SolutionStatus
from aixplore.domain.solutions.search import MAX_PAGE, SearchQuery, SortBy, search

router = APIRouter(prefix="/api/v1", tags=["solutions"])

# Public data: shared caches may keep it briefly; reviews and ratings change often.
SEARCH_CACHE = "public, max-age=30"
DETAIL_CACHE = "public, max-age=60"
CATEGORIES_CACHE = "public, max-age=300"


def _problem(description: str) -> dict[str, Any]:
    # Inline, without ``model``: FastAPI would also list ``application/json`` for it.
    schema = Problem.model_json_schema()
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


NOT_FOUND = {404: _problem("No such published solution.")}
INVALID = {422: _problem("A parameter is out of range or malformed.")}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` ETag is still current."}
}


def _etag_matches(header: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): ``W/`` prefixes are ignored, ``*`` matches anything."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


class ResponseCache:
    """Rendered JSON bodies with their ETags, per process, LRU-bounded.

    An entry is fresh for ``seconds``, then stale for ``stale_seconds`` more: a stale body is
    still served while one request refreshes it in the background (stale-while-revalidate).
    """

    def __init__(self, seconds: float, stale_seconds: float, max_entries: int = 512) -> None:
        """An empty cache; ``seconds`` of 0 turns it off."""
        self.seconds = seconds
        self.stale_seconds = stale_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bytes, str, bool] | None:
        """The body, ETag and whether it is still fresh, unless absent or too old."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            fresh_until, body, etag = entry
            if fresh_until + self.stale_seconds <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return body, etag, fresh_until > now

    def put(self, key: Hashable, body: bytes, etag: str) -> None:
        """Keep a body (no-op when the cache is off)."""
        if self.seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + self.seconds, body, etag)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        """Forget one body."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget every body."""
        with self._lock:
            self._entries.clear()


RESPONSE_CACHE_SECONDS = 5.0
RESPONSE_STALE_SECONDS = 25.0  # fresh + stale stays within the 30 s max-age of searches
response_cache = ResponseCache(RESPONSE_CACHE_SECONDS, RESPONSE_STALE_SECONDS)
# One computation per key at a time (per event loop): concurrent misses share its result.
_inflight: dict[tuple[asyncio.AbstractEventLoop, Hashable], asyncio.Task[tuple[bytes, str]]] = {}


def _render(key: Hashable, build: Callable[[], BaseModel]) -> tuple[bytes, str]:
    """Build, serialize and digest a body, and keep it (blocking: call in the thread pool)."""
    try:
        body = build().model_dump_json().encode()
    except DomainError:
        response_cache.discard(key)  # e.g. unpublished since: stop serving the old body
        raise
    etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    response_cache.put(key, body, etag)
    return body, etag


def _refresh(key: Hashable, build: Callable[[], BaseModel]) -> asyncio.Task[tuple[bytes, str]]:
    """The running computation of ``key``, started now unless one is under way."""
    slot = (asyncio.get_running_loop(), key)
    task = _inflight.get(slot)
    if task is None:

        async def compute() -> tuple[bytes, str]:
            try:
                return await run_in_threadpool(_render, key, build)
            finally:
                _inflight.pop(slot, None)

        task = _inflight[slot] = asyncio.ensure_future(compute())
        # A background refresh nobody awaits must not log "exception never retrieved".
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
    return task


async def _cached_json(
    request: Request, key: Hashable, build: Callable[[], BaseModel], cache_control: str
) -> Response:
    """The JSON of ``build()`` (or its cached body) with a weak ETag, or 304 when current."""
    cached = response_cache.get(key)
    if cached is None:
        body, etag = await asyncio.shield(_refresh(key, build))
    else:
        body, etag, fresh = cached
        if not fresh:
            _refresh(key, build)
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _split(values: list[str]) -> list[str]:
    """``pricing=free,paid`` and ``pricing=free&pricing=paid`` mean the same."""
    return [part for value in values for part in value.split(",") if part]


@router.get(
    "/solutions",
    response_model=SearchResults,
    summary="Search published solutions",
    responses={**INVALID, **NOT_MODIFIED},
)
async def search_solutions(
    request: Request,
    q: Annotated[str, Query(description="Words to look for (up to 200 characters).")] = "",
    category: Annotated[str, Query(description="A category slug.")] = "",
    pricing: Annotated[
        list[str],
        Query(description="free, freemium, paid or enterprise; repeat or comma-separate."),
    ] = [],  # noqa: B006 - FastAPI copies defaults; a list default documents the type
    tags: Annotated[
        list[str], Query(description="Up to 5 tags, all required; repeat or comma-separate.")
    ] = [],  # noqa: B006
    min_rating: Annotated[int | None, Query(description="0 to 4: average rating at least.")] = None,
    verified: Annotated[bool, Query(description="Only verified publishers.")] = False,
    sort: Annotated[SortBy | None, Query(description="Order of results.")] = None,
    page: Annotated[int | None, Query(description=f"1 to {MAX_PAGE}.")] = None,
    per_page: Annotated[int | None, Query(description="1 to 50 (default 24).")] = None,
    facets: Annotated[
        bool, Query(description="Count facets (about two thirds of the work); false skips them.")
    ] = True,
) -> Response:
    """The same search, filters and facets as the site's search page."""
    query = SearchQuery.from_params(
        {
            "q": q,
            "category": category,
            "pricing": _split(pricing),
            "tags": _split(tags),
            "min_rating": min_rating,
            "verified": "1" if verified else "",
            "sort": sort.value if sort else "",
            "page": page,
            "per_page": per_page,
        }
    )

    def build() -> SearchResults:
        return SearchResults.of(catalog_read(lambda db: search(db, query, with_facets=facets)))

    key = ("search", facets, *sorted(query.to_params().items()))
    return await _cached_json(request, key, build, SEARCH_CACHE)


Slug = Annotated[str, Path(description="The solution's slug.")]


@router.get(
    "/solutions/{slug}",
    response_model=SolutionOut,
    summary="One published solution",
    responses={**NOT_FOUND, **NOT_MODIFIED},
)
async def get_solution(request: Request, slug: Slug) -> Response:
    """A published solution's page: description, links, rating distribution and releases."""

    def build() -> SolutionOut:
        detail = catalog_read(lambda db: solutions.get_solution(db, None, slug))
        if detail.status != SolutionStatus.PUBLISHED:
            raise NotFound("No such solution.")
        return SolutionOut.of_detail(detail)

    return await _cached_json(request, ("solution", slug), build, DETAIL_CACHE)


@router.get(
    "/solutions/{slug}/reviews",
    response_model=ReviewPage,
    summary="Reviews of a published solution",
    responses={**NOT_FOUND, **INVALID, **NOT_MODIFIED},
)
async def list_solution_reviews(
    request: Request,
    slug: Slug,
    sort: Annotated[
        Literal["helpful", "newest"], Query(description="Most helpful first, or newest first.")
    ] = "helpful",
    page: Annotated[int, Query(description="1 to 10,000.")] = 1,
) -> Response:
    """Visible reviews, a page of ten at a time."""

    def build() -> ReviewPage:
        items, total = catalog_read(
            lambda db: review_reading.list_reviews(db, None, slug, sort=sort, page=page)
        )
        return ReviewPage(
            items=[ReviewOut.of(r) for r in items],
            total=total,
            page=page,
            pages=max(1, -(-total // review_reading.PAGE_SIZE)),
            sort=sort,
        )

    return await _cached_json(request, ("reviews", slug, sort, page), build, DETAIL_CACHE)


@router.get(
    "/categories",
    response_model=CategoryList,
    summary="Every category",
    responses=NOT_MODIFIED,
)
async def list_categories(request: Request) -> Response:
    """The categories in display order, each with its number of published solutions."""

    def build() -> CategoryList:
        categories = catalog_read(solutions.list_categories)
        return CategoryList(items=[CategoryOut.of(c) for c in categories])

    return await _cached_json(request, ("categories",), build, CATEGORIES_CACHE)
