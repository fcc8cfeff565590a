"""Per-worker facet columns: the facet cell and the tags of every published solution.

A search with words counts its matches, thousands for a common word, into a total and five
facets. Grouping them in SQL joins every match to its row and to its tags: 35-90 ms over
100,000 solutions on SQLite and 80-280 ms on PostgreSQL. This module keeps in each worker two
compact columns over solution ids (numpy arrays, about 1 MB per 100,000 solutions): the facet
cell of each published solution (category, pricing, star floor, verified publisher; -1 for
anything not published) and its tags (compressed rows). Counting the matched ids is then a
few gathers and ``bincount``\\ s, a millisecond or two for 15,000 matches, on either engine.

They never serve a stale count. Columns are labelled with the catalog generation
(``cache.generation(CATALOG)``, bumped after every commit that changes what search counts,
and shared through Redis by every worker) read *before* their rows, and a search uses them
only while that generation is still current. Otherwise the search counts in SQL as before,
with the same result, and a background thread rebuilds the columns: one build at a time per
worker, started at most once per :data:`MIN_REBUILD_SECONDS` and never more often than
would spend a tenth of the worker's time building. So a busy catalog costs a worker at most
about a tenth of one core, and a quiet one answers every word search from the columns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import CursorResult, Engine
from sqlmodel import Session

from aixplore.core import cache, db, replica
from aixplore.domain.solutions.facet_cells import STAR_FLOORS, TOP_TAGS, Cell
from aixplore.domain.solutions.models import Pricing, SolutionStatus
from aixplore.domain.solutions.search_query import SearchQuery, SortBy

log = logging.getLogger(__name__)

CATALOG = "catalog"  # the cache generation search counts depend on (search.CATALOG)
MIN_REBUILD_SECONDS = 2.0
REBUILD_SHARE = 0.1  # at most this share of a worker's time goes to rebuilding

IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Columns:
    """One build of the columns, for one database at one catalog generation."""

    url: str
    generation: int
    cell: NDArray[np.int32]  # per solution id: its cell code, -1 when not published
    cells: tuple[tuple[int, str, int, int], ...]  # code -> (category, pricing, floor, verified)
    cell_category: IntArray  # the same per cell code, as arrays (pricing by its Pricing index)
    cell_pricing: IntArray
    cell_floor: IntArray
    cell_verified: IntArray
    rating_score: NDArray[np.float64]  # per solution id: the rating order's key
    rating_count: NDArray[np.int64]  # per solution id: how many reviews
    published_us: NDArray[np.int64]  # per solution id: orders as its publication time does
    tag_start: NDArray[np.int64]  # solution id -> where its tags start in tag_codes
    tag_codes: NDArray[np.int32]
    tag_owner: NDArray[np.int32]  # the solution id of each entry of tag_codes
    tag_names: tuple[str, ...]
    tag_code: dict[str, int] = field(repr=False)
    build_seconds: float = 0.0
    built_at: float = field(default_factory=time.monotonic)

    def _published(self, ids: IntArray) -> NDArray[np.bool_]:
        """Which of ``ids`` are published solutions."""
        inside = (ids >= 0) & (ids < len(self.cell))
        inside[inside] = self.cell[ids[inside]] >= 0
        return inside

    def _with_tags(self, ids: IntArray, tags: Iterable[str]) -> NDArray[np.bool_]:
        """Which of ``ids`` carry every one of ``tags``."""
        keep = np.ones(len(ids), dtype=bool)
        for tag in tags:
            code = self.tag_code.get(tag)
            if code is None:
                return np.zeros(len(ids), dtype=bool)
            has = np.zeros(len(self.cell), dtype=bool)
            has[self.tag_owner[self.tag_codes == code]] = True
            keep &= has[ids]
        return keep

    def cells_of(self, ids: IntArray, query: SearchQuery) -> list[Cell]:
        """The published ``ids`` carrying ``query.tags``, grouped into facet cells."""
        ids = ids[self._published(ids)]
        codes = self.cell[ids]
        if query.tags:
            codes = codes[self._with_tags(ids, query.tags)]
        counts = np.bincount(codes, minlength=len(self.cells))
        return [(*self.cells[i], int(counts[i])) for i in np.flatnonzero(counts)]

    def _accepted(self, query: SearchQuery, category_id: int | None) -> NDArray[np.bool_]:
        """Per cell code: whether its solutions pass every filter of ``query`` but tags."""
        accepted = self.cell_floor >= query.min_rating
        if query.category:
            accepted &= self.cell_category == (category_id if category_id is not None else -1)
        if query.pricing:
            wanted = [i for i, p in enumerate(Pricing) if p in query.pricing]
            accepted &= np.isin(self.cell_pricing, wanted)
        if query.verified:
            accepted &= self.cell_verified == 1
        return accepted

    def _filtered(self, ids: IntArray, query: SearchQuery, category_id: int | None) -> Any:
        """Which of ``ids`` pass every filter of ``query`` but tags (a boolean mask)."""
        keep = self._published(ids)
        keep[keep] = self._accepted(query, category_id)[self.cell[ids[keep]]]
        return keep

    def rank(
        self,
        ids: IntArray,
        scores: NDArray[np.float64] | None,
        query: SearchQuery,
        category_id: int | None,
        limit: int,
    ) -> list[int]:
        """The first ``limit`` of the ``ids`` that pass every filter of ``query``, in its
        sort's order with ties broken as search's SQL breaks them (relevance: best ``scores``
        first, then the better rated, then the newer id). Trending moves without a new
        generation, so it is never ordered here."""
        keep = self._filtered(ids, query, category_id)
        if query.tags:
            keep[keep] = self._with_tags(ids[keep], query.tags)
        ids = ids[keep]
        newest_first = -ids
        if query.sort == SortBy.RELEVANCE:
            if scores is None:
                raise ValueError("relevance needs the scores")
            keys = (newest_first, -self.rating_score[ids], -scores[keep])
        elif query.sort == SortBy.RATING:
            keys = (newest_first, -self.rating_count[ids], -self.rating_score[ids])
        elif query.sort == SortBy.REVIEWS:
            keys = (newest_first, -self.rating_count[ids])
        elif query.sort == SortBy.NEWEST:
            keys = (newest_first, -self.published_us[ids])
        else:
            raise ValueError(f"no order for {query.sort}")
        if limit < len(ids):
            # Only rows whose first key ties or beats the limit-th smallest can be among the
            # first ``limit``: sort those (a few hundred of 15,000 matches, say), not all.
            head = keys[-1] <= np.partition(keys[-1], limit - 1)[limit - 1]
            ids, keys = ids[head], tuple(k[head] for k in keys)
        return ids[np.lexsort(keys)[:limit]].tolist()

    def top_tags(
        self, ids: IntArray, query: SearchQuery, category_id: int | None
    ) -> list[tuple[str, int]]:
        """The most used tags of the published ``ids`` under every filter of ``query`` but
        tags (most used first, then by name; at most ``TOP_TAGS``)."""
        chosen = ids[self._filtered(ids, query, category_id)]
        starts = self.tag_start[chosen]
        lengths = self.tag_start[chosen + 1] - starts
        # The positions of every tag of every chosen solution, without a Python loop.
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        entries = self.tag_codes[offsets + np.arange(int(lengths.sum()))]
        counts = np.bincount(entries, minlength=len(self.tag_names))
        used = [(self.tag_names[i], int(counts[i])) for i in np.flatnonzero(counts)]
        used.sort(key=lambda pair: (-pair[1], pair[0]))
        return used[:TOP_TAGS]


def _floor(rating: NDArray[np.float64]) -> NDArray[np.int64]:
    """The star floor of each rating, as search's SQL cells compute it."""
    floors = np.zeros(len(rating), dtype=np.int64)
    for n in sorted(STAR_FLOORS):
        floors[rating >= n] = n
    return floors


# Read through the driver, without SQLAlchemy's per-value processing (two thirds of a build).
# Publication times only need to order like the database orders them: SQLite stores them as
# ISO text (ranked here as text), PostgreSQL gives exact microseconds since 1970.
_SOLUTIONS = (
    "SELECT s.id, s.category_id, s.pricing, s.rating_avg, "
    "CASE WHEN u.verified_publisher_at IS NULL THEN 0 ELSE 1 END, "
    "s.rating_score, s.rating_count, {published} "
    'FROM solution s JOIN "user" u ON u.id = s.owner_id '
    "WHERE s.status = 'published'"
)
_PUBLISHED = {
    "sqlite": "coalesce(s.published_at, '')",
    "postgresql": "coalesce((extract(epoch FROM s.published_at) * 1000000)::bigint, 0)",
}
_TAGS = "SELECT solution_id, tag FROM solution_tag ORDER BY solution_id"


def raw_rows(result: CursorResult[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The driver's own rows, without building SQLAlchemy rows around them."""
    cursor = result.cursor
    if cursor is None:
        return []
    return list(cursor.fetchall())


def _published_order(values: tuple[Any, ...], dialect: str) -> NDArray[np.int64]:
    """An integer key per row that orders as the database orders its publication times."""
    if dialect == "sqlite":
        _, order = np.unique(np.array(values, dtype=str), return_inverse=True)
        return order.reshape(-1).astype(np.int64)
    return np.array(values, dtype=np.int64)


_VERSION = "SELECT n FROM search_catalog_version"  # SQLite (migration 8d2e3f4a5b6c)
_SEEN = "aixplore_version_seen"  # session.info: (transaction, version_seen)


def build(engine: Engine) -> Columns:
    """Read the columns from ``engine``'s database, labelled with the catalog's version.

    On SQLite the version is the trigger-kept counter, read in the same snapshot as the rows.
    Elsewhere it is the catalog generation, read before the rows: columns that miss a change
    were built under an older generation than the one its commit bumped to, so they are never
    taken for current. Raises when the generation cannot be read (Redis down).
    """
    started = time.perf_counter()
    dialect = engine.dialect.name
    generation = 0 if dialect == "sqlite" else cache.generation(CATALOG, strict=True)
    assert SolutionStatus.PUBLISHED.value == "published"  # as _SOLUTIONS spells it
    # A read-only transaction: on SQLite a plain BEGIN, which never blocks a writer.
    with engine.connect().execution_options(aixplore_read_only=True) as conn, conn.begin():
        if dialect == "sqlite":
            generation = int(conn.exec_driver_sql(_VERSION).scalar_one())
        statement = _SOLUTIONS.format(published=_PUBLISHED[dialect])
        rows = raw_rows(conn.exec_driver_sql(statement))
        tag_rows = raw_rows(conn.exec_driver_sql(_TAGS))
    empty: tuple[tuple[Any, ...], ...] = ((),) * 8
    found = tuple(zip(*rows, strict=True)) if rows else empty
    prices = {p.value: i for i, p in enumerate(Pricing)}
    ids = np.array(found[0], dtype=np.int64)
    tag_owners, tag_names_of = zip(*tag_rows, strict=True) if tag_rows else ((), ())
    owners = np.array(tag_owners, dtype=np.int32)
    size = int(max(ids.max(initial=0), owners.max(initial=0))) + 1
    keys = np.empty((len(ids), 4), dtype=np.int64)
    keys[:, 0] = np.array(found[1], dtype=np.int64)
    keys[:, 1] = np.array([prices[p] for p in found[2]], dtype=np.int64)
    keys[:, 2] = _floor(np.array(found[3], dtype=np.float64))
    keys[:, 3] = np.array(found[4], dtype=np.int64)
    distinct, codes = np.unique(keys, axis=0, return_inverse=True)
    cell = np.full(size, -1, dtype=np.int32)
    cell[ids] = codes.reshape(-1)
    rating_score = np.zeros(size, dtype=np.float64)
    rating_score[ids] = np.array(found[5], dtype=np.float64)
    rating_count = np.zeros(size, dtype=np.int64)
    rating_count[ids] = np.array(found[6], dtype=np.int64)
    published_us = np.zeros(size, dtype=np.int64)
    published_us[ids] = _published_order(found[7], dialect)
    pricing_of = [p.value for p in Pricing]
    cells = tuple((int(c), pricing_of[int(p)], int(f), int(v)) for c, p, f, v in distinct)

    tag_code: dict[str, int] = {}
    entries = np.array([tag_code.setdefault(t, len(tag_code)) for t in tag_names_of], np.int32)
    tag_start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=size), out=tag_start[1:])
    return Columns(
        url=str(engine.url),
        generation=generation,
        cell=cell,
        cells=cells,
        cell_category=distinct[:, 0].copy(),
        cell_pricing=distinct[:, 1].copy(),
        cell_floor=distinct[:, 2].copy(),
        cell_verified=distinct[:, 3].copy(),
        rating_score=rating_score,
        rating_count=rating_count,
        published_us=published_us,
        tag_start=tag_start,
        tag_codes=entries,
        tag_owner=owners,
        tag_names=tuple(tag_code),
        tag_code=tag_code,
        build_seconds=time.perf_counter() - started,
    )


# ---- One current build per database, rebuilt in the background ----

_lock = threading.Lock()
_built: dict[str, Columns] = {}
_builder: threading.Thread | None = None
_last_start = float("-inf")


def install(columns: Columns) -> None:
    """Make ``columns`` the current build for their database."""
    with _lock:
        _built[columns.url] = columns


# Without Redis and off SQLite, a generation lives in one process: a build is then trusted
# for as long as the read cache trusts its entries there (a write by another process, such as
# a command, shows after that).
LOCAL_LIFETIME_SECONDS = 30.0


def version(session: Session) -> int | None:
    """The catalog version columns must carry to be current now (None: none can be)."""
    found = db.probe(session, _VERSION)  # SQLite: what every process has committed
    if found is not None:
        return int(found[0])
    try:
        return cache.generation(CATALOG, strict=True)
    except cache.Unavailable:
        return None


def version_seen(session: Session) -> int | None:
    """The catalog version ``session``'s own reads see. On SQLite the counter read in its own
    transaction: its snapshot may be older than what :func:`version` reads, and rows labelled
    with a newer version than they were read at would pass for current."""
    # Read once per transaction: every worker copy a search consults (cards, words) asks,
    # and the answer cannot change within one snapshot (elsewhere an earlier read of the
    # generation only labels copies as older than they are: they are read again sooner).
    transaction = session.get_transaction()
    memo = session.info.get(_SEEN)
    if memo is not None and transaction is not None and memo[0] is transaction:
        return memo[1]
    if session.get_bind().dialect.name == "sqlite":
        seen: int | None = int(session.connection().exec_driver_sql(_VERSION).scalar_one())
    else:
        seen = version(session)
    if transaction is not None:
        session.info[_SEEN] = (transaction, seen)
    return seen


def current(session: Session) -> Columns | None:
    """The columns of ``session``'s database if they are current; else None, after starting a
    rebuild in the background when none runs and the throttle allows."""
    engine = session.get_bind()
    if not isinstance(engine, Engine):
        engine = engine.engine
    if replica.on_replica(session):
        # Built from the primary: a build on the replica, in the background past the read's
        # replay check, could label rows older than the generation it read first.
        engine = db.get_engine()
    built = _built.get(str(engine.url))
    wanted = version(session)
    if wanted is None:
        return None
    if built is not None and built.generation == wanted:
        local = engine.dialect.name != "sqlite" and not cache.shared()
        if not local or time.monotonic() - built.built_at < LOCAL_LIFETIME_SECONDS:
            return built
    _rebuild_soon(engine, built)
    return None


def _rebuild_soon(engine: Engine, previous: Columns | None) -> None:
    global _builder, _last_start
    pause = max(MIN_REBUILD_SECONDS, (previous.build_seconds if previous else 0) / REBUILD_SHARE)
    with _lock:
        if _builder is not None and _builder.is_alive():
            return
        now = time.monotonic()
        if now - _last_start < pause:
            return
        _last_start = now
        _builder = threading.Thread(
            target=_rebuild, args=(engine,), name="aixplore-facet-columns", daemon=True
        )
        _builder.start()


def _rebuild(engine: Engine) -> None:
    try:
        install(build(engine))
    except Exception:  # the SQL path keeps answering; the next stale search retries
        log.warning("rebuilding the search facet columns failed", exc_info=True)


def wait(timeout: float = 30.0) -> None:
    """Wait for a background rebuild to finish (tests, benchmarks)."""
    builder = _builder
    if builder is not None:
        builder.join(timeout)


def forget() -> None:
    """Drop every build and the throttle (tests)."""
    global _last_start
    wait()
    with _lock:
        _built.clear()
        _last_start = float("-inf")


def reading(ids: list[int]) -> IntArray:
    """Matched solution ids as the array the columns count."""
    return np.array(ids, dtype=np.int64)


# Replica reads see every catalog change their generation stands for (core/replica.py).
replica.gate(CATALOG)
replica.pins.append(version_seen)
