"""The moderation inbox: reports, the trusted-flag threshold, decisions, appeals, the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.moderation import actions, inbox, reports
from aixplore.domain.moderation.trust import is_trusted_flagger
from aixplore.domain.notifications.models import Notification
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import profiles
from aixplore.domain.solutions import services as solutions
from tests.api_support import bearer, client, make_key
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in
from tests.moderation_support import make_trusted

SPAM = {"rating": 1, "title": "Buy tokens cheap", "body": "Visit my site for cheap tokens!"}


def _as(user) -> Actor | None:
    return actor_for(sign_in(user.email))


def _spam_review() -> tuple[str, int, User]:
    owner, author = make_member(), make_member(name="Sam Spammer")
    slug = make_solution(owner.email).slug
    with session_scope() as db:
        reviews.do_write_review(db, _as(author), slug, SPAM)
    with session_scope() as db:
        [review], _ = review_reading.list_reviews(db, None, slug)
        user = db.get(User, author.id)
    assert user is not None
    return slug, review.id, user


def _visible(slug: str) -> int:
    with session_scope() as db:
        return review_reading.list_reviews(db, None, slug)[1]


def _notes(user_id: int) -> list[tuple[str, str]]:
    with session_scope() as db:
        rows = db.exec(select(Notification).where(Notification.user_id == user_id)).all()
    return [(n.title, n.link) for n in rows if n.kind == "moderation"]


def test_trusted_flags_hide_pending_review_and_an_admin_restores() -> None:
    slug, review_id, author = _spam_review()
    newcomer, first, second = make_member(), make_trusted(), make_trusted()
    with session_scope() as db:
        assert not is_trusted_flagger(db, newcomer.id) and is_trusted_flagger(db, first.id or 0)
    for reporter in (newcomer, first):
        with session_scope() as db:
            reports.do_report(db, _as(reporter), "review", review_id, {"reason": "spam"})
    assert _visible(slug) == 1  # one trusted flag is under the threshold
    with session_scope() as db:
        reports.do_report(db, _as(second), "review", review_id, {"reason": "harassment"})
    assert _visible(slug) == 0
    [(title, link)] = _notes(author.id or 0)
    assert title == "Your review was hidden by the moderators"
    assert link.startswith("/moderation/appeal/")
    admin = _as(make_admin())
    with session_scope() as db:
        [item] = inbox.list_inbox(db, admin)
        assert item.hidden and [r.trusted for r in item.reports] == [False, True, True]
        actions.do_act(db, admin, "review", review_id, {"action": "restore", "note": "Fine."})
    assert _visible(slug) == 1
    assert _notes(first.id or 0) == [
        ("Your report of a review was reviewed: no action was needed", _notes(first.id or 0)[0][1])
    ]
    with session_scope() as db:
        log, _next = inbox.public_log(db)
        audited = db.exec(select(AuditEntry.action)).all()
    assert [(e.action_label, e.subject) for e in log] == [
        ("Restored", f"A review of {solutions_name(slug)}"),
        ("Hidden", f"A review of {solutions_name(slug)}"),
    ]
    text = repr(log)
    assert "Sam" not in text and "@" not in text
    assert {"moderation.hide", "moderation.restore"} <= set(audited)


def solutions_name(slug: str) -> str:
    """The solution's name as the log names it."""
    with session_scope() as db:
        return solutions.get_solution(db, None, slug).name


def test_members_acting_as_moderators_or_appealing_for_others_are_refused() -> None:
    _slug, review_id, author = _spam_review()
    member, admin, as_author = _as(make_member()), _as(make_admin()), _as(author)
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="Only platform admins"):
            actions.do_act(db, member, "review", review_id, {"action": "hide"})
        with pytest.raises(PermissionDenied):
            inbox.list_inbox(db, member)
        with pytest.raises(PermissionDenied):
            inbox.list_open_appeals(db, member)
        with pytest.raises(ValidationFailed, match="cannot be reported"):
            reports.do_report(db, member, "wallet", 1, {"reason": "spam"})
        with pytest.raises(ValidationFailed, match="Invalid target"):
            reports.do_report(db, member, "review", "1; drop", {"reason": "spam"})
        with pytest.raises(NotFound):
            reports.do_report(db, member, "review", 10**9, {"reason": "spam"})
        with pytest.raises(ValidationFailed, match="your own review"):
            reports.do_report(db, as_author, "review", review_id, {"reason": "spam"})
        done = actions.do_act(db, admin, "review", review_id, {"action": "warn", "reason": "spam"})
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="Only the person this decision affected"):
            actions.do_appeal(db, member, done.id, {"body": "Not me, but unfair anyway."})
        with pytest.raises(NotFound):
            inbox.get_case(db, member, done.id)
        appeal = actions.do_appeal(db, as_author, done.id, {"body": "It was a real review."})
    with session_scope() as db:
        with pytest.raises(Conflict, match="already appealed"):
            actions.do_appeal(db, as_author, done.id, {"body": "Once more, please look."})
        with pytest.raises(PermissionDenied):
            actions.do_decide_appeal(db, member, appeal.id, "overturn")
        with pytest.raises(ValidationFailed):
            actions.do_decide_appeal(db, admin, appeal.id, "maybe")
        actions.do_decide_appeal(db, admin, appeal.id, "uphold", "It was an advert.")
    assert _notes(author.id or 0)[-1][0] == "Your appeal was declined: the decision stands"


def test_a_suspension_refuses_sign_in_with_its_end_and_lapses_by_itself() -> None:
    _slug, review_id, author = _spam_review()
    admin = _as(make_admin())
    token, key = sign_in(author.email), make_key(author.email, ["solutions:read"])
    with session_scope() as db:
        actions.do_act(
            db, admin, "review", review_id, {"action": "suspend", "reason": "spam", "days": 3}
        )
    assert actor_for(token) is None  # the open session ended
    assert client().get("/api/v1/solutions", headers=bearer(key)).status_code == 401
    with pytest.raises(PermissionDenied, match=r"suspended until .* by the moderators"):
        sign_in(author.email)
    with session_scope() as db:
        user = db.get(User, author.id)
        assert user is not None and user.suspended_until is not None
        user.suspended_until = utcnow() - timedelta(minutes=1)
        db.add(user)
    assert client().get("/api/v1/solutions", headers=bearer(key)).status_code == 200
    assert actor_for(sign_in(author.email)) is not None
    with session_scope() as db, pytest.raises(ValidationFailed):
        actions.do_act(db, admin, "review", review_id, {"action": "suspend", "days": 0})


def test_an_overturned_hide_comes_back_and_a_hidden_profile_or_solution_stays_down() -> None:
    slug, review_id, author = _spam_review()
    admin, as_author = _as(make_admin()), _as(author)
    with session_scope() as db:
        hid = actions.do_act(db, admin, "review", review_id, {"action": "hide"})
        appeal = actions.do_appeal(db, as_author, hid.id, {"body": "Honest, if short, review."})
        actions.do_decide_appeal(db, admin, appeal.id, "overturn")
    assert _visible(slug) == 1
    owner = make_member(name="Shady Publisher")
    shady, as_owner = make_solution(owner.email, name="Shady Tool"), _as(owner)
    with session_scope() as db:
        actions.do_act(db, admin, "solution", shady.id, {"action": "hide", "reason": "illegal"})
        actions.do_act(db, admin, "profile", owner.id, {"action": "hide"})
    with session_scope() as db:
        with pytest.raises(Conflict, match="moderators took this solution down"):
            solutions.do_set_status(db, as_owner, shady.slug, "published")
        with pytest.raises(NotFound, match="hidden by the moderators"):
            profiles.get_profile(db, None, "shady_publisher")
        with pytest.raises(Conflict, match="not hidden"):
            actions.do_act(db, admin, "review", review_id, {"action": "restore"})
