"""Tokens a member earns: the rules, their caps, and grants that can never be made twice.

Every grant moves tokens from the issuance account with a reference that names the rule and
what earned it (``earn:welcome:<user>``, ``earn:review:<solution>:<reviewer>``,
``earn:first-reviews:<solution>:<reviewer>``, ``earn:event:<event>``). The ledger refuses a
reference twice, so a retried job, a second worker or a review deleted and written again
earns nothing more. Caps count the recipient's grants of the rule in the current calendar
month (UTC) after locking the recipient's wallet, so two grants at once cannot both take the
last place under a cap.

Where grants happen (and why):

- **In the same transaction as what earns them** when a member's own action is the proof:
  the email confirmation (``grant_welcome``) and a review written with verified usage
  (``grant_for_review``). The grant commits with the act or not at all, no job can be lost
  between them, and the member sees the tokens on their next page.
- **By the job queue** (``aixplore/jobs/wallet.py``) when the proof arrives later or from
  another feature: an event that has ended (``grant_due_events``, a periodic sweep) and an
  order delivered from a solution, which records the verified usage that makes the member's
  review count (``grant_for_review`` again). The sweep looks back a week, so a lost job is
  redone; the references make every repeat harmless.

A refusal (a cap reached, no verified usage, an unverified or suspended member, your own
solution) is an answer, never an error: the act that called the grant still commits. What a
member has earned, and the next step the /token page suggests, are in ``progress.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.events.models import Event, EventRsvp, EventStatus, RsvpStatus
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.wallet import services as ledger
from aixplore.domain.wallet.models import (
    SystemAccount,
    TransactionKind,
    TransferResult,
    WalletEntry,
    WalletTransaction,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EarnRule:
    """One way to earn tokens: how many, how often, and what the page says about it."""

    key: str
    title: str
    amount: int
    cap: int  # grants per calendar month (UTC); the welcome grant is once ever
    how: str


WELCOME = EarnRule("welcome", "Welcome", 100, 1, "once, when you confirm your email address")
REVIEW = EarnRule(
    "review",
    "Review with verified usage",
    20,
    5,
    "for a review of a solution you ordered (one per solution; never your own)",
)
FIRST_REVIEWS = EarnRule(
    "first-reviews",
    "First reviews of your solution",
    10,
    10,
    "to the publisher, for each of the first 3 reviews with verified usage of each "
    "published solution",
)
EVENT = EarnRule(
    "event",
    "Hosting an event",
    50,
    2,
    "for an event you hosted that ended, not cancelled, with at least 3 other members going",
)
# The rules, as the /token page lists them. Against the tiers (silver at 1,000, gold at
# 5,000): a month of every contribution earns 400 at most, so tiers are reached by taking
# part for months or by buying a pack, never by a burst of activity.
EARN_RULES: tuple[EarnRule, ...] = (WELCOME, REVIEW, FIRST_REVIEWS, EVENT)
FIRST_REVIEWS_PER_SOLUTION = 3
EVENT_MIN_ATTENDEES = 3
# How far back the periodic sweep looks for ended events (a lost run is redone within it).
EVENT_LOOKBACK = timedelta(days=7)
PREFIX = "earn:"


@dataclass(frozen=True)
class Grant:
    """The outcome of one attempt to grant: ``granted`` or the reason why not."""

    rule: str
    user_id: int | None
    amount: int
    granted: bool
    reason: str = ""  # for a refusal: why (tests and logs; never shown as an error)


def month_start(now: datetime | None = None) -> datetime:
    """The start of the calendar month (UTC) that caps count in."""
    now = (now or utcnow()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _refused(rule: EarnRule, user_id: int | None, reason: str) -> Grant:
    return Grant(rule.key, user_id, 0, False, reason)


def _eligible_member(session: Session, user_id: int | None) -> User | None:
    user = session.get(User, user_id) if user_id else None
    if user is None or user.email_verified_at is None or user.suspended_at is not None:
        return None
    return user


def _granted_this_month(session: Session, account_id: int, rule: EarnRule) -> int:
    return session.exec(
        select(func.count())
        .select_from(WalletEntry)
        .join(WalletTransaction, col(WalletTransaction.id) == WalletEntry.transaction_id)
        .where(
            WalletEntry.account_id == account_id,
            col(WalletTransaction.reference).startswith(f"{PREFIX}{rule.key}:"),
            WalletTransaction.created_at >= month_start(),
        )
    ).one()


def _has_reference(session: Session, reference: str) -> bool:
    return (
        session.exec(
            select(WalletTransaction.id).where(WalletTransaction.reference == reference)
        ).first()
        is not None
    )


def _grant(session: Session, rule: EarnRule, user_id: int, reference: str, scope: str) -> Grant:
    """Grant ``rule`` to ``user_id`` once per ``reference``, within the rule's monthly cap.

    ``scope`` is a reference prefix whose grants to this member count against a per-subject
    limit (the first reviews of one solution); empty for none.
    """
    issuance = ledger.system_account(session, SystemAccount.ISSUANCE)
    target = ledger.user_account(session, user_id)
    assert issuance.id is not None and target.id is not None
    # Both rows, in the order every transfer locks them: the cap is counted under the lock.
    ledger.lock_accounts(session, [issuance.id, target.id])
    if _has_reference(session, reference):
        return _refused(rule, user_id, "already granted")
    if rule.cap and _granted_this_month(session, target.id, rule) >= rule.cap:
        return _refused(rule, user_id, "monthly cap reached")
    if scope and _count_with_prefix(session, target.id, scope) >= FIRST_REVIEWS_PER_SOLUTION:
        return _refused(rule, user_id, "solution has its first reviews")
    try:
        result: TransferResult = ledger.transfer(
            session, issuance.id, target.id, rule.amount, TransactionKind.GRANT, reference
        )
    except Conflict:  # the reference belongs to someone else (a reused user id on SQLite)
        log.warning("earn reference already used elsewhere", extra={"reference": reference})
        return _refused(rule, user_id, "already granted")
    if not result.created:  # cannot happen under the lock; kept honest for the caller
        return _refused(rule, user_id, "already granted")
    return Grant(rule.key, user_id, rule.amount, True)


def _count_with_prefix(session: Session, account_id: int, prefix: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(WalletEntry)
        .join(WalletTransaction, col(WalletTransaction.id) == WalletEntry.transaction_id)
        .where(
            WalletEntry.account_id == account_id,
            col(WalletTransaction.reference).startswith(prefix),
        )
    ).one()


# ---- Welcome ----


def _mailbox(email: str) -> tuple[str, str]:
    local, _, domain = email.lower().partition("@")
    return local.split("+", 1)[0], domain


def _mailbox_already_welcomed(session: Session, user: User) -> bool:
    """Whether another account at the same mailbox (``name+tag@`` is ``name@``) got a welcome."""
    local, domain = _mailbox(user.email)
    escaped = local.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    siblings = session.exec(
        select(User.id).where(
            User.id != user.id,
            or_(
                func.lower(User.email) == f"{local}@{domain}",
                func.lower(User.email).like(f"{escaped}+%@{domain}", escape="\\"),
            ),
        )
    ).all()
    references = [f"{PREFIX}{WELCOME.key}:{uid}" for uid in siblings]
    return bool(references) and (
        session.exec(
            select(WalletTransaction.id).where(col(WalletTransaction.reference).in_(references))
        ).first()
        is not None
    )


def grant_welcome(session: Session, user_id: int | None) -> Grant:
    """Give a member the welcome grant once their email is confirmed (once per mailbox)."""
    user = _eligible_member(session, user_id)
    if user is None or user.id is None:
        return _refused(WELCOME, user_id, "email not confirmed")
    if _mailbox_already_welcomed(session, user):
        return _refused(WELCOME, user.id, "mailbox already welcomed")
    return _grant(session, WELCOME, user.id, f"{PREFIX}{WELCOME.key}:{user.id}", "")


def do_claim_welcome(session: Session, actor: Actor | None) -> Grant:
    """The signed-in member collects the welcome grant (members confirmed before it existed,
    through single sign-on or by an admin); a second claim changes nothing."""
    actor = require_actor(actor)
    outcome = grant_welcome(session, actor.user_id)
    if outcome.reason == "mailbox already welcomed":
        raise Conflict("Another account with the same mailbox has had the welcome grant.")
    if outcome.reason == "email not confirmed":
        raise Conflict("Confirm your email address first.")
    return outcome


# ---- Reviews ----


def grant_for_review(session: Session, review: Review) -> list[Grant]:
    """Grant the reviewer, and the solution's publisher for its first reviews, for a review
    with verified usage of a published solution that is not the reviewer's own."""
    reviewer = review.author_id
    reasons = ""
    solution = session.get(Solution, review.solution_id)
    if not review.verified_usage:
        reasons = "no verified usage"
    elif review.status != ReviewStatus.VISIBLE:
        reasons = "review hidden"
    elif solution is None or solution.status != SolutionStatus.PUBLISHED:
        reasons = "solution not published"
    elif solution.owner_id == reviewer:
        reasons = "own solution"
    if reasons or solution is None or reviewer is None:
        reason = reasons or "no reviewer"
        return [_refused(REVIEW, reviewer, reason), _refused(FIRST_REVIEWS, None, reason)]
    grants = []
    if _eligible_member(session, reviewer) is None:
        grants.append(_refused(REVIEW, reviewer, "email not confirmed"))
    else:
        reference = f"{PREFIX}{REVIEW.key}:{solution.id}:{reviewer}"
        grants.append(_grant(session, REVIEW, reviewer, reference, ""))
    publisher = solution.owner_id
    if _eligible_member(session, publisher) is None:
        grants.append(_refused(FIRST_REVIEWS, publisher, "publisher not eligible"))
    else:
        scope = f"{PREFIX}{FIRST_REVIEWS.key}:{solution.id}:"
        grants.append(_grant(session, FIRST_REVIEWS, publisher, f"{scope}{reviewer}", scope))
    return grants


def grant_for_review_of(session: Session, user_id: int, solution_id: int) -> list[Grant]:
    """``grant_for_review`` for the member's review of a solution, if they wrote one."""
    review = session.exec(
        select(Review).where(Review.solution_id == solution_id, Review.author_id == user_id)
    ).first()
    return [] if review is None else grant_for_review(session, review)


# ---- Events ----


def attendees(session: Session, event: Event) -> int:
    """Members counted as having attended: going (not cancelled, not waitlisted) when the
    event ended, confirmed and not suspended, the host excluded. Nobody checks people in,
    so an RSVP kept to the end is the evidence there is."""
    return session.exec(
        select(func.count())
        .select_from(EventRsvp)
        .join(User, col(User.id) == EventRsvp.user_id)
        .where(
            EventRsvp.event_id == event.id,
            EventRsvp.status == RsvpStatus.GOING,
            EventRsvp.user_id != event.organizer_id,
            col(User.email_verified_at).is_not(None),
            col(User.suspended_at).is_(None),
        )
    ).one()


def grant_for_event(session: Session, event_id: int, now: datetime | None = None) -> Grant:
    """Grant the host of an event that has ended, was not cancelled and had enough people."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    host = event.organizer_id
    if event.status != EventStatus.SCHEDULED:
        return _refused(EVENT, host, "event cancelled")
    if event.ends_at > (now or utcnow()):
        return _refused(EVENT, host, "event not over")
    if attendees(session, event) < EVENT_MIN_ATTENDEES:
        return _refused(EVENT, host, "too few attendees")
    if _eligible_member(session, host) is None:
        return _refused(EVENT, host, "host not eligible")
    return _grant(session, EVENT, host, f"{PREFIX}{EVENT.key}:{event_id}", "")


def due_event_ids(session: Session, now: datetime | None = None) -> list[int]:
    """Events that ended within the look-back window and have no host grant yet."""
    now = now or utcnow()
    ended = session.exec(
        select(Event.id)
        .where(
            Event.status == EventStatus.SCHEDULED,
            Event.ends_at <= now,
            Event.ends_at > now - EVENT_LOOKBACK,
        )
        .order_by(col(Event.ends_at))
    ).all()
    ids = [i for i in ended if i is not None]
    if not ids:
        return []
    done = set(
        session.exec(
            select(WalletTransaction.reference).where(
                col(WalletTransaction.reference).in_([f"{PREFIX}{EVENT.key}:{i}" for i in ids])
            )
        ).all()
    )
    return [i for i in ids if f"{PREFIX}{EVENT.key}:{i}" not in done]
