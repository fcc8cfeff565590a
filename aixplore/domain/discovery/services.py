"""Bookmarks, collections and saved searches, each private to its owner unless made public."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.discovery.models import (
    Bookmark,
    Collection,
    CollectionInput,
    CollectionItem,
    CollectionPublic,
    SavedSearch,
    SavedSearchPublic,
)
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.notifications.services import notify
from aixplore.domain.solutions.models import Solution, SolutionCard, SolutionStatus
from aixplore.domain.solutions.search import SearchQuery, SortBy, search
from aixplore.domain.solutions.services import cards_for

MAX_COLLECTIONS = 50
MAX_ITEMS = 200
MAX_SAVED_SEARCHES = 20
SOLUTION_BOOKMARKED = "solution.bookmarked"


def _published_id(session: Session, slug: Any) -> int:
    if not isinstance(slug, str) or not 1 <= len(slug) <= 80:
        raise NotFound("No such solution.")
    row = session.exec(
        select(Solution.id).where(
            Solution.slug == slug, Solution.status == SolutionStatus.PUBLISHED
        )
    ).first()
    if row is None:
        raise NotFound("No such solution.")
    return row


# ---- Bookmarks ----


def do_toggle_bookmark(session: Session, actor: Actor | None, slug: Any) -> bool:
    """Bookmark a solution, or remove the bookmark; returns whether it is bookmarked now."""
    actor = require_actor(actor)
    solution_id = _published_id(session, slug)
    existing = session.get(Bookmark, (actor.user_id, solution_id))
    if existing is not None:
        session.delete(existing)
        return False
    try:
        with session.begin_nested():
            session.add(Bookmark(user_id=actor.user_id, solution_id=solution_id))
    except IntegrityError:
        pass  # a double click bookmarked it already
    return True


def is_bookmarked(session: Session, actor: Actor | None, solution_id: int) -> bool:
    """Whether the actor bookmarked the solution."""
    return actor is not None and session.get(Bookmark, (actor.user_id, solution_id)) is not None


def list_bookmarks(session: Session, actor: Actor | None) -> list[SolutionCard]:
    """The actor's bookmarked solutions that are still published, newest first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Solution)
        .join(Bookmark, col(Bookmark.solution_id) == Solution.id)
        .where(Bookmark.user_id == actor.user_id, Solution.status == SolutionStatus.PUBLISHED)
        .order_by(col(Bookmark.created_at).desc())
        .limit(500)
    ).all()
    return cards_for(session, list(rows))


# ---- Collections ----


def _collection(session: Session, collection_id: Any) -> Collection:
    if not isinstance(collection_id, int) or isinstance(collection_id, bool):
        raise NotFound("No such collection.")
    found = session.get(Collection, collection_id)
    if found is None:
        raise NotFound("No such collection.")
    return found


def _own_collection(session: Session, actor: Actor, collection_id: Any) -> Collection:
    found = _collection(session, collection_id)
    if found.owner_id != actor.user_id:
        raise NotFound("No such collection.")  # private lists of others do not exist for you
    return found


def _public(
    session: Session, rows: list[Collection], contains_id: int | None = None
) -> list[CollectionPublic]:
    ids = [c.id for c in rows if c.id is not None]
    counts = (
        dict(
            session.exec(
                select(CollectionItem.collection_id, func.count())
                .where(col(CollectionItem.collection_id).in_(ids))
                .group_by(col(CollectionItem.collection_id))
            ).all()
        )
        if ids
        else {}
    )
    holding: set[int] = set()
    if contains_id is not None and ids:
        holding = set(
            session.exec(
                select(CollectionItem.collection_id).where(
                    col(CollectionItem.collection_id).in_(ids),
                    CollectionItem.solution_id == contains_id,
                )
            ).all()
        )
    owners = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_({c.owner_id for c in rows}))
        ).all()
    }
    return [
        CollectionPublic(
            id=c.id or 0,
            name=c.name,
            description=c.description,
            is_public=c.is_public,
            owner_id=c.owner_id,
            owner_name=owners.get(c.owner_id, ""),
            count=int(counts.get(c.id or 0, 0)),
            contains=(c.id in holding),
        )
        for c in rows
    ]


def do_create_collection(session: Session, actor: Actor | None, data: Any) -> CollectionPublic:
    """Start a new list."""
    actor = require_actor(actor)
    form: CollectionInput = parse_input(CollectionInput, data)
    owned = session.exec(
        select(func.count()).select_from(Collection).where(Collection.owner_id == actor.user_id)
    ).one()
    if owned >= MAX_COLLECTIONS:
        raise Conflict(f"You can keep at most {MAX_COLLECTIONS} collections.")
    collection = Collection(
        owner_id=actor.user_id,
        name=form.name,
        description=form.description,
        is_public=form.is_public,
    )
    session.add(collection)
    session.flush()
    return _public(session, [collection])[0]


def do_update_collection(
    session: Session, actor: Actor | None, collection_id: Any, data: Any
) -> CollectionPublic:
    """Rename, describe, or change who can see a list."""
    actor = require_actor(actor)
    form: CollectionInput = parse_input(CollectionInput, data)
    collection = _own_collection(session, actor, collection_id)
    collection.name, collection.description, collection.is_public = (
        form.name,
        form.description,
        form.is_public,
    )
    collection.updated_at = utcnow()
    session.add(collection)
    return _public(session, [collection])[0]


def do_delete_collection(session: Session, actor: Actor | None, collection_id: Any) -> None:
    """Delete one of the actor's lists."""
    actor = require_actor(actor)
    collection = _own_collection(session, actor, collection_id)
    session.exec(delete(CollectionItem).where(col(CollectionItem.collection_id) == collection.id))
    session.delete(collection)


def do_toggle_in_collection(
    session: Session, actor: Actor | None, collection_id: Any, slug: Any
) -> bool:
    """Add a solution to a list, or take it out; returns whether it is in the list now."""
    actor = require_actor(actor)
    collection = _own_collection(session, actor, collection_id)
    solution_id = _published_id(session, slug)
    item = session.get(CollectionItem, (collection.id, solution_id))
    if item is not None:
        session.delete(item)
        return False
    size = session.exec(
        select(func.count())
        .select_from(CollectionItem)
        .where(CollectionItem.collection_id == collection.id)
    ).one()
    if size >= MAX_ITEMS:
        raise Conflict(f"A collection holds at most {MAX_ITEMS} solutions.")
    try:
        with session.begin_nested():
            session.add(CollectionItem(collection_id=collection.id or 0, solution_id=solution_id))
    except IntegrityError:
        pass
    collection.updated_at = utcnow()
    session.add(collection)
    return True


def list_my_collections(
    session: Session, actor: Actor | None, *, containing_slug: Any = None
) -> list[CollectionPublic]:
    """The actor's lists, marking those that hold ``containing_slug``."""
    actor = require_actor(actor)
    rows = session.exec(
        select(Collection)
        .where(Collection.owner_id == actor.user_id)
        .order_by(col(Collection.updated_at).desc())
    ).all()
    contains = None
    if containing_slug is not None:
        contains = _published_id(session, containing_slug)
    return _public(session, list(rows), contains)


def list_public_collections(session: Session, *, limit: int = 24) -> list[CollectionPublic]:
    """Recently updated public lists with at least one solution."""
    has_items = select(CollectionItem.collection_id).distinct()
    rows = session.exec(
        select(Collection)
        .where(col(Collection.is_public).is_(True), col(Collection.id).in_(has_items))
        .order_by(col(Collection.updated_at).desc())
        .limit(limit)
    ).all()
    return _public(session, list(rows))


def get_collection(
    session: Session, actor: Actor | None, collection_id: Any
) -> tuple[CollectionPublic, list[SolutionCard]]:
    """A list and its published solutions: public lists for all, private ones for the owner."""
    collection = _collection(session, collection_id)
    if not collection.is_public and (actor is None or actor.user_id != collection.owner_id):
        raise NotFound("No such collection.")
    rows = session.exec(
        select(Solution)
        .join(CollectionItem, col(CollectionItem.solution_id) == Solution.id)
        .where(
            CollectionItem.collection_id == collection.id,
            Solution.status == SolutionStatus.PUBLISHED,
        )
        .order_by(col(CollectionItem.added_at))
    ).all()
    return _public(session, [collection])[0], cards_for(session, list(rows))


# ---- Saved searches ----


def _canonical(params: Any) -> tuple[SearchQuery, str]:
    if isinstance(params, str):
        params = dict(parse_qsl(params.lstrip("?"), keep_blank_values=False))
    if not isinstance(params, dict):
        raise ValidationFailed("Invalid search.")
    query = SearchQuery.from_params(params)
    canonical = urlencode(query.to_params(page=1, per_page=24))
    return query, canonical


def do_save_search(
    session: Session, actor: Actor | None, params: Any, name: Any = ""
) -> SavedSearchPublic:
    """Keep a search and tell the actor when new solutions match it."""
    actor = require_actor(actor)
    query, canonical = _canonical(params)
    if not canonical:
        raise ValidationFailed("Choose some words or filters before saving a search.")
    if not isinstance(name, str) or len(name) > 80:
        raise ValidationFailed("Name the search in at most 80 characters.")
    count = session.exec(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == actor.user_id)
    ).one()
    if count >= MAX_SAVED_SEARCHES:
        raise Conflict(f"You can keep at most {MAX_SAVED_SEARCHES} saved searches.")
    label = name.strip() or (f"“{query.q}”" if query.q else "My search")
    saved = SavedSearch(user_id=actor.user_id, name=label[:80], query_string=canonical)
    try:
        with session.begin_nested():
            session.add(saved)
    except IntegrityError as exc:
        raise Conflict("You already saved this search.") from exc
    session.flush()
    return _saved_public(saved)


def _saved_public(saved: SavedSearch) -> SavedSearchPublic:
    return SavedSearchPublic(
        id=saved.id or 0,
        name=saved.name,
        href=f"/solutions?{saved.query_string}",
        notify=saved.notify,
        created_at=saved.created_at,
    )


def list_saved_searches(session: Session, actor: Actor | None) -> list[SavedSearchPublic]:
    """The actor's saved searches."""
    actor = require_actor(actor)
    rows = session.exec(
        select(SavedSearch)
        .where(SavedSearch.user_id == actor.user_id)
        .order_by(col(SavedSearch.created_at).desc())
    ).all()
    return [_saved_public(s) for s in rows]


def do_delete_saved_search(session: Session, actor: Actor | None, saved_id: Any) -> None:
    """Forget a saved search."""
    actor = require_actor(actor)
    if not isinstance(saved_id, int) or isinstance(saved_id, bool):
        raise NotFound("No such saved search.")
    saved = session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != actor.user_id:
        raise NotFound("No such saved search.")
    session.delete(saved)


def do_notify_saved_searches(session: Session, *, base_url: str, limit: int = 500) -> int:
    """Tell each saved search's owner (in the app and by mail) what was published since.

    Returns how many searches found something. Safe to run concurrently: each search's check
    time moves forward in the same transaction as its notice and mail.
    """
    rows = session.exec(
        select(SavedSearch, User)
        .join(User, col(User.id) == SavedSearch.user_id)
        .where(col(SavedSearch.notify).is_(True), col(User.suspended_at).is_(None))
        .order_by(col(SavedSearch.checked_at))
        .limit(limit)
        .with_for_update(skip_locked=True, of=SavedSearch)  # type: ignore[arg-type]
    ).all()
    sent = 0
    now = utcnow()
    for saved, user in rows:
        query, _ = _canonical(saved.query_string)
        page = search(
            session,
            query.model_copy(update={"per_page": 10, "sort": SortBy.NEWEST}),
            with_facets=False,
            published_after=saved.checked_at,
        )
        saved.checked_at = now
        session.add(saved)
        if page.total == 0:
            continue
        found = f"{page.total} new solution{'s' if page.total != 1 else ''} for {saved.name}"
        notify(
            session,
            user.id or 0,
            "saved_search",
            found,
            ", ".join(c.name for c in page.items),
            f"/solutions?{saved.query_string}",
        )
        lines = "\n".join(
            f"- {c.name}: {c.tagline}\n  {base_url.rstrip('/')}/solutions/{c.slug}"
            for c in page.items
        )
        do_queue_mail(
            session,
            to=user.email,
            subject=found,
            body=(
                f"Hello {user.display_name},\n\nNew solutions match your saved search {saved.name}:\n\n{lines}\n\n"
                f"See them all: {base_url.rstrip('/')}/solutions?{saved.query_string}\n"
                f"Stop these mails: {base_url.rstrip('/')}/saved\n"
            ),
            kind="saved_search",
            user_id=user.id,
        )
        sent += 1
    return sent
