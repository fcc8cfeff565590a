"""GDPR erasure: a request, a grace period to change one's mind, then deletion.

When the grace period is over the account row is deleted, and the database's foreign keys do
the rest: every table that references ``user.id`` either deletes its rows with the user
(``ON DELETE CASCADE``: sessions, keys, listings, bookmarks, RSVPs, ...) or keeps them
anonymous (``SET NULL``: reviews and replies under "deleted user", analytics events). Reviews
are kept only when the user agreed; otherwise they are deleted first. Mails to the address
are deleted, and so are the files of their kept stream recordings (once erasure commits). The audit log keeps its entries (security records, a legitimate interest; they
name the user by number only and its hash chain must stay intact).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, ValidationFailed
from aixplore.core.security import verify_password
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import get_user, parse_input, require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.gdpr.models import ErasureRequest
from aixplore.domain.holds.models import ModerationHold
from aixplore.domain.mail.models import OutboxMail
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.moderation.models import ModerationAppeal, ModerationReport
from aixplore.domain.orders.models import PIPELINE, Order, OrderStatus
from aixplore.domain.orgs.models import Organization, OrgMembership, OrgRole
from aixplore.domain.reviews.models import Review
from aixplore.domain.streams.recordings import erase_recordings
from aixplore.domain.webhooks.models import WebhookEndpoint


class ErasureInput(BaseModel):
    """The erasure form: the password again, and what to do with reviews."""

    model_config = ConfigDict(extra="forbid", strict=True)

    password: str = Field(min_length=1, max_length=256)
    keep_reviews: bool = False


def pending_request(session: Session, user_id: int) -> ErasureRequest | None:
    """The user's erasure request that is still to be carried out, if any."""
    return session.exec(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user_id, col(ErasureRequest.cancelled_at).is_(None)
        )
    ).first()


def do_request_erasure(
    session: Session, actor: Actor | None, data: Any, *, ip: str = ""
) -> ErasureRequest:
    """Ask for the account to be erased after the grace period (password required)."""
    actor = require_actor(actor)
    form: ErasureInput = parse_input(ErasureInput, data)
    user = get_user(session, actor.user_id)
    if not verify_password(user.password_hash, form.password):
        raise ValidationFailed("The password is incorrect.", field="password")
    if pending_request(session, actor.user_id) is not None:
        raise Conflict("Your account is already scheduled for erasure.")
    blocker = erasure_blocker(session, actor.user_id)
    if blocker:
        raise Conflict(blocker)
    days = get_settings().erasure_grace_days
    request = ErasureRequest(
        user_id=actor.user_id,
        keep_reviews=form.keep_reviews,
        execute_after=utcnow() + timedelta(days=days),
    )
    session.add(request)
    session.flush()
    audit(
        session,
        actor.user_id,
        "gdpr.erasure_requested",
        target=f"user:{actor.user_id}",
        ip=ip,
        detail={"keep_reviews": form.keep_reviews, "days": days},
    )
    do_queue_mail(
        session,
        to=user.email,
        subject="Your AiXplore account will be erased",
        body=(
            f"Hello {user.display_name},\n\nAs you asked, your account and data will be erased "
            f"on {request.execute_after:%Y-%m-%d}. Changed your mind? Sign in and cancel under "
            "Settings > Your data before then.\n"
        ),
        kind="erasure_requested",
        user_id=user.id,
    )
    return request


def erasure_blocker(session: Session, user_id: int) -> str:
    """Why the account cannot be erased yet ("" when it can).

    An organization needs an owner (transfer ownership first), and an order that is paid but not
    finished is still being built with the user's money (wait for delivery or its refund).
    """
    owned = session.exec(
        select(Organization.name)
        .join(OrgMembership, col(OrgMembership.org_id) == Organization.id)
        .where(OrgMembership.user_id == user_id, OrgMembership.role == OrgRole.OWNER)
    ).first()
    if owned is not None:
        return f"You own the organization {owned}: transfer its ownership first."
    running = session.exec(
        select(Order.id).where(
            Order.user_id == user_id, col(Order.status).in_([OrderStatus.PAID, *PIPELINE])
        )
    ).first()
    if running is not None:
        return f"Your order #{running} is still being built: wait until it is delivered."
    return ""


def do_cancel_erasure(session: Session, actor: Actor | None, *, ip: str = "") -> None:
    """Call off a pending erasure."""
    actor = require_actor(actor)
    request = pending_request(session, actor.user_id)
    if request is None:
        raise Conflict("Your account is not scheduled for erasure.")
    request.cancelled_at = utcnow()
    session.add(request)
    audit(session, actor.user_id, "gdpr.erasure_cancelled", target=f"user:{actor.user_id}", ip=ip)


def erase_user(session: Session, user_id: int, *, keep_reviews: bool) -> None:
    """Delete the account now (the foreign keys delete or anonymize the rest)."""
    user = session.get(User, user_id)
    if user is None:
        return
    if not keep_reviews:
        session.execute(delete(Review).where(col(Review.author_id) == user_id))
    session.execute(delete(OutboxMail).where(col(OutboxMail.to_address) == user.email))
    _erase_moderation(session, user_id)
    erase_recordings(session, user_id)  # the files; the streams' rows go with the account
    audit(
        session,
        None,
        "gdpr.erased",
        target=f"user:{user_id}",
        detail={"keep_reviews": keep_reviews},
    )
    _hand_over_org_endpoints(session, user_id)
    actor_cache.forget_after_commit(session, user_ids=[user_id])
    session.delete(user)
    session.flush()


def _erase_moderation(session: Session, user_id: int) -> None:
    """Remove the person's own words from moderation and what others reported of their profile.

    Reports they filed stay for the moderators, anonymized (reporter gone, note cleared); the
    public log keeps its decisions, which name nobody.
    """
    session.execute(delete(ModerationAppeal).where(col(ModerationAppeal.appellant_id) == user_id))
    session.execute(
        update(ModerationReport)
        .where(col(ModerationReport.reporter_id) == user_id)
        .values(note="", reporter_id=None)
    )
    session.execute(
        delete(ModerationReport).where(
            col(ModerationReport.target_kind) == "profile",
            col(ModerationReport.target_id) == user_id,
        )
    )
    session.execute(
        delete(ModerationHold).where(
            col(ModerationHold.target_kind) == "profile", col(ModerationHold.target_id) == user_id
        )
    )


def _hand_over_org_endpoints(session: Session, user_id: int) -> None:
    """An organization's webhooks outlive the admin who registered them: the owner takes them.

    Erasure waits while the user owns an organization, so every org here has another owner.
    """
    endpoints = session.exec(
        select(WebhookEndpoint).where(
            WebhookEndpoint.user_id == user_id, col(WebhookEndpoint.org_id).is_not(None)
        )
    ).all()
    for endpoint in endpoints:
        owner = session.exec(
            select(OrgMembership.user_id).where(
                OrgMembership.org_id == endpoint.org_id, OrgMembership.role == OrgRole.OWNER
            )
        ).first()
        if owner is not None:
            endpoint.user_id = owner
            session.add(endpoint)


def do_execute_due(session: Session, *, now: datetime | None = None) -> int:
    """Carry out every erasure whose grace period is over (the daily job)."""
    due = session.exec(
        select(ErasureRequest).where(
            col(ErasureRequest.cancelled_at).is_(None),
            col(ErasureRequest.execute_after) <= (now or utcnow()),
        )
    ).all()
    done = 0
    for request in due:
        if erasure_blocker(session, request.user_id):
            # Became blocked during the grace period (an order paid, ownership gained): try
            # again tomorrow.
            request.execute_after = (now or utcnow()) + timedelta(days=1)
            session.add(request)
            continue
        erase_user(session, request.user_id, keep_reviews=request.keep_reviews)
        done += 1
    return done
