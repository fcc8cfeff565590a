""" "Discuss" threads: one per solution and per event, made when someone first posts.

They live in two platform categories made on first need ("Solutions" and "Events"). The
thread is titled after its subject; its opening post is the first discussant's. A subject
the viewer may not see (an unpublished solution, an event hidden from them) has no thread
for them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.events.reading import get_event
from aixplore.domain.forums.categories import check_can_post
from aixplore.domain.forums.models import ForumCategory, ForumThread, SubjectKind
from aixplore.domain.forums.posting import do_reply, start_thread
from aixplore.domain.forums.text import clean_title
from aixplore.domain.solutions.models import Solution, SolutionStatus

_CATEGORIES = {
    SubjectKind.SOLUTION: ("Solutions", "solutions", "Talk about the solutions in the catalog."),
    SubjectKind.EVENT: ("Events", "events", "Talk about events before and after they happen."),
}


def _subject(
    session: Session, viewer: Actor | None, kind: Any, subject_id: Any
) -> tuple[SubjectKind, int, str]:
    try:
        sort = SubjectKind(kind)
    except ValueError:
        raise NotFound("Nothing to discuss there.") from None
    if (
        not isinstance(subject_id, int)
        or isinstance(subject_id, bool)
        or not 0 < subject_id < 2**31
    ):
        raise NotFound("Nothing to discuss there.")
    if sort == SubjectKind.SOLUTION:
        solution = session.get(Solution, subject_id)
        if solution is None or solution.status != SolutionStatus.PUBLISHED:
            raise NotFound("No such solution.")
        return sort, subject_id, solution.name
    return sort, subject_id, get_event(session, viewer, subject_id).title


def _category(session: Session, kind: SubjectKind) -> ForumCategory:
    name, slug, description = _CATEGORIES[kind]
    found = session.exec(select(ForumCategory).where(ForumCategory.slug == slug)).first()
    if found is None:
        found = ForumCategory(name=name, slug=slug, description=description, position=100)
        session.add(found)
        session.flush()
    return found


def discussion_of(session: Session, viewer: Actor | None, kind: Any, subject_id: Any) -> int | None:
    """The id of the subject's thread, or None while nobody has posted."""
    sort, sid, _title = _subject(session, viewer, kind, subject_id)
    return session.exec(
        select(ForumThread.id).where(
            ForumThread.subject_kind == sort.value, ForumThread.subject_id == sid
        )
    ).first()


def do_discuss(session: Session, actor: Actor | None, kind: Any, subject_id: Any, body: Any) -> int:
    """Post in the subject's thread, starting it when it does not exist; returns its id."""
    actor = require_actor(actor)
    sort, sid, title = _subject(session, actor, kind, subject_id)
    existing = discussion_of(session, actor, sort.value, sid)
    if existing is not None:
        do_reply(session, actor, existing, body)
        return existing
    category = _category(session, sort)
    check_can_post(session, actor, category)
    name = (title if len(title) >= 5 else f"Discuss: {title}")[:150]
    return start_thread(
        session, actor, category, clean_title(name), body, subject=(sort.value, sid)
    )
