"""Feed items as readers see them: one query per kind, only subjects still shown.

Each kind names its subject's table; an item whose subject is gone, unpublished, hidden by a
moderator or cancelled is left out (so a feed never shows what its page would refuse). A new
kind (a signal) adds one loader here; a kind whose feature imports this package (forum
threads) registers its loader with :func:`register_loader` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from aixplore.domain.accounts.models import User
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.events.models import Event, EventStatus
from aixplore.domain.events.reading import initials
from aixplore.domain.relations.models import Mute
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.social.models import FeedEntry, PersonCard, Profile
from aixplore.domain.social.people import person_cards
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.trading.instruments import price_text
from aixplore.domain.trading.models import TradingSignal

# (verb, title, detail, link) of each shown subject id.
Shown = dict[int, tuple[str, str, str, str]]


def _solutions(session: Session, ids: list[int]) -> Shown:
    # Only the columns shown: whole rows carry long texts a feed never reads.
    rows = session.exec(
        select(Solution.id, Solution.name, Solution.tagline, Solution.slug).where(
            col(Solution.id).in_(ids), Solution.status == SolutionStatus.PUBLISHED
        )
    ).all()
    return {
        sid or 0: ("published", name, tagline, f"/solutions/{slug}")
        for sid, name, tagline, slug in rows
    }


def _reviews(session: Session, ids: list[int]) -> Shown:
    rows = session.execute(
        select_columns(
            col(Review.id),
            col(Review.rating),
            col(Review.title),
            col(Solution.name),
            col(Solution.slug),
        )
        .join(Solution, col(Solution.id) == col(Review.solution_id))
        .where(
            col(Review.id).in_(ids),
            col(Review.status) == ReviewStatus.VISIBLE,
            col(Solution.status) == SolutionStatus.PUBLISHED,
        )
    ).all()
    return {
        rid or 0: (
            "reviewed",
            name,
            f"{'★' * rating}{'☆' * (5 - rating)} {title}",
            f"/solutions/{slug}#review-{rid}",
        )
        for rid, rating, title, name, slug in rows
    }


def _events(session: Session, ids: list[int]) -> Shown:
    rows = session.exec(
        select(Event.id, Event.title, Event.starts_at).where(
            col(Event.id).in_(ids), Event.status == EventStatus.SCHEDULED
        )
    ).all()
    return {
        eid or 0: ("is hosting", title, starts.strftime("%d %b %Y, %H:%M UTC"), f"/events/{eid}")
        for eid, title, starts in rows
    }


def _signals(session: Session, ids: list[int]) -> Shown:
    rows = session.exec(select(TradingSignal).where(col(TradingSignal.id).in_(ids))).all()
    return {
        s.id or 0: (
            "published a signal",
            f"{s.instrument} {s.direction}",
            f"entry {price_text(s.instrument, s.entry)}, stop {price_text(s.instrument, s.stop_loss)}, "
            f"target {price_text(s.instrument, s.take_profit)} · #{s.seq} {s.hash[:12]}",
            f"/trading/signals/{s.id}",
        )
        for s in rows
    }


_LOADERS: dict[FeedKind, Callable[[Session, list[int]], Shown]] = {
    FeedKind.SOLUTION_PUBLISHED: _solutions,
    FeedKind.REVIEW_WRITTEN: _reviews,
    FeedKind.EVENT_HOSTED: _events,
    FeedKind.SIGNAL_PUBLISHED: _signals,
}


def register_loader(kind: FeedKind, load: Callable[[Session, list[int]], Shown]) -> None:
    """Add the loader of a kind whose feature sits above this one (forum threads)."""
    _LOADERS[kind] = load


def _entries(session: Session, items: list, authors: dict[int, PersonCard]) -> dict[int, FeedEntry]:
    shown: dict[FeedKind, Shown] = {}
    for kind, load in _LOADERS.items():
        subjects = [i.subject_id for i in items if i.kind == kind]
        shown[kind] = load(session, subjects) if subjects else {}
    entries: dict[int, FeedEntry] = {}
    for item in items:
        found = shown.get(item.kind, {}).get(item.subject_id)
        author = authors.get(item.actor_id)
        if found is None or author is None or item.id is None:
            continue
        verb, title, detail, link = found
        entries[item.id] = FeedEntry(
            id=item.id,
            kind=item.kind,
            author=author,
            verb=verb,
            title=title,
            detail=detail,
            link=link,
            created_at=item.created_at,
        )
    return entries


def reader_entries(
    session: Session, item_ids: Iterable[int], reader_id: int
) -> dict[int, FeedEntry]:
    """The entries among ``item_ids`` a reader sees (people they muted left out), by item id.

    One statement reads the items with their authors' cards and leaves the muted out (the
    home feed's hot path: each round trip counts), then one per kind present reads subjects.
    """
    ids = list(set(item_ids))
    if not ids:
        return {}
    muted = select_columns(col(Mute.muted_id)).where(col(Mute.muter_id) == reader_id)
    rows = session.execute(
        select_columns(
            col(FeedItem.id),
            col(FeedItem.actor_id),
            col(FeedItem.kind),
            col(FeedItem.subject_id),
            col(FeedItem.created_at),
            col(Profile.handle),
            col(Profile.avatar_path),
            col(User.display_name),
        )
        .join(User, col(User.id) == col(FeedItem.actor_id))
        .outerjoin(Profile, col(Profile.user_id) == col(FeedItem.actor_id))
        .where(col(FeedItem.id).in_(ids), col(FeedItem.actor_id).not_in(muted))
    ).all()
    authors: dict[int, PersonCard] = {}
    for row in rows:
        if row.handle is not None:
            authors[row.actor_id] = PersonCard(
                id=row.actor_id,
                handle=row.handle,
                name=row.display_name,
                initials=initials(row.display_name),
                avatar_url=f"/media/{row.avatar_path}"
                if row.avatar_path
                else "",  # as avatar_url()
            )
    # An author without a profile yet (made on first sight, as everywhere else).
    authors |= person_cards(session, {r.actor_id for r in rows if r.handle is None})
    return _entries(session, list(rows), authors)


def entries_for(
    session: Session, item_ids: Iterable[int], *, skip_actors: set[int] | None = None
) -> dict[int, FeedEntry]:
    """The shown entries among ``item_ids``, by item id (people in ``skip_actors`` left out)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    items = [
        i
        for i in session.execute(
            select_columns(
                col(FeedItem.id),
                col(FeedItem.actor_id),
                col(FeedItem.kind),
                col(FeedItem.subject_id),
                col(FeedItem.created_at),
            ).where(col(FeedItem.id).in_(ids))
        ).all()
        if not skip_actors or i.actor_id not in skip_actors
    ]
    authors: dict[int, PersonCard] = person_cards(session, {i.actor_id for i in items})
    return _entries(session, items, authors)
