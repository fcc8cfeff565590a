"""Per-worker cards of the solutions search shows, labelled with the catalog's version.

A page of results needs 24 cards: each solution's own columns, its category's and its
publisher's names and its tags. Read for every new search, that was an ORM load of whole rows
(descriptions included) and three more queries, about a third of a new search's time on the
demo catalog. Each worker keeps the cards it has read, labelled with the catalog version
(``facet_columns.version_seen``: on SQLite the trigger-kept counter that every process's
commits raise, read in the search's own snapshot; else the generation every worker shares
through Redis, read *before* the rows), and uses
them only while that version is still current: a solution added or edited by any worker (its
card columns, its tags, its publisher's name or mark, its category's name) changes the version,
so the next search of every worker reads the cards again.

Without a shared version (PostgreSQL without Redis) a worker's version cannot see another
process's writes: cards are then trusted for :data:`facet_columns.LOCAL_LIFETIME_SECONDS`, as
the facet columns are.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from aixplore.core import cache
from aixplore.domain.accounts.models import User
from aixplore.domain.solutions import facet_columns
from aixplore.domain.solutions.models import (
    CardSource,
    Category,
    Solution,
    SolutionCard,
    SolutionStatus,
)
from aixplore.domain.solutions.services import card_of, tags_for

# About 1 KB each: a worker holds at most this many (some 20 MB), then starts again.
MAX_CARDS = 20_000

# Only what a card shows (cards_for reads these attributes).
_CARD_COLUMNS = (
    col(Solution.id),
    col(Solution.slug),
    col(Solution.name),
    col(Solution.tagline),
    col(Solution.category_id),
    col(Solution.owner_id),
    col(Solution.pricing),
    col(Solution.rating_avg),
    col(Solution.rating_count),
    col(Solution.logo_path),
    col(Solution.status),
)


_CARD_ROWS = (
    sa_select(
        *_CARD_COLUMNS,
        col(Category.slug).label("category_slug"),
        col(Category.name).label("category_name"),
        col(User.display_name).label("publisher_name"),
        col(User.verified_publisher_at).label("publisher_verified_at"),
    )
    .join(Category, col(Category.id) == col(Solution.category_id))
    .join(User, col(User.id) == col(Solution.owner_id))
)


@dataclass(eq=False)
class _Held:
    version: int
    cards: dict[int, SolutionCard] = field(default_factory=dict)
    since: float = field(default_factory=time.monotonic)


_lock = threading.Lock()
_held: dict[str, _Held] = {}


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _current(engine: Engine, version: int) -> _Held:
    """The worker's cards of ``engine``'s database at ``version`` (emptied when stale)."""
    url = str(engine.url)
    local = engine.dialect.name != "sqlite" and not cache.shared()
    with _lock:
        held = _held.get(url)
        expired = local and held is not None
        if expired and held is not None:
            expired = time.monotonic() - held.since >= facet_columns.LOCAL_LIFETIME_SECONDS
        if held is None or held.version != version or expired or len(held.cards) > MAX_CARDS:
            held = _held[url] = _Held(version)
        return held


def cards(session: Session, ids: list[int]) -> list[SolutionCard]:
    """The cards of the published solutions among ``ids``, in that order (a row unpublished
    since ``ids`` were listed is skipped)."""
    # Read before the rows, in the same snapshot on SQLite: a later change shows next time.
    version = facet_columns.version_seen(session)
    held = _current(_engine(session), version) if version is not None else _Held(0)
    missing = [i for i in ids if i not in held.cards]
    if missing:
        # One statement for the card columns and the category's and publisher's: three
        # queries (cards_for's) cost a search over 100,000 solutions a millisecond more.
        stmt = _CARD_ROWS.where(col(Solution.id).in_(missing))
        rows = session.connection().execute(stmt).all()
        tags = tags_for(session, [r.id for r in rows])
        read = {
            r.id: card_of(
                cast("CardSource", r),  # a row gives its columns as attributes
                (r.category_slug, r.category_name),
                (r.publisher_name, r.publisher_verified_at is not None),
                tags.get(r.id, []),
            )
            for r in rows
        }
        with _lock:
            held.cards.update(read)
    found = (held.cards.get(i) for i in ids)
    # Copies: a caller may change its page's cards; the held ones stay as read.
    return [c.model_copy() for c in found if c is not None and c.status == SolutionStatus.PUBLISHED]


def forget() -> None:
    """Drop every worker copy (tests)."""
    with _lock:
        _held.clear()
