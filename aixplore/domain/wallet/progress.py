"""What a member has earned and what to do next: the /token page's view of the earning rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from aixplore.domain.reviews.models import Review, SolutionUsage
from aixplore.domain.solutions.models import Solution, SolutionStatus
from aixplore.domain.wallet.earning import (
    EARN_RULES,
    EVENT,
    EVENT_MIN_ATTENDEES,
    PREFIX,
    REVIEW,
    WELCOME,
    EarnRule,
    month_start,
)
from aixplore.domain.wallet.models import (
    TransactionKind,
    WalletAccount,
    WalletEntry,
    WalletTransaction,
)


@dataclass(frozen=True)
class Earned:
    """A member's earning so far: the welcome grant, and this month's grants per rule."""

    welcomed: bool
    this_month: tuple[tuple[str, int], ...]  # (rule key, grants this month)

    def count(self, rule: EarnRule) -> int:
        """Grants of ``rule`` this month (the welcome grant: 1 once made, ever)."""
        if rule is WELCOME:
            return int(self.welcomed)
        return dict(self.this_month).get(rule.key, 0)


def rule_of(reference: str) -> str:
    """The rule key of an earning reference ("" for any other reference)."""
    if not reference.startswith(PREFIX):
        return ""
    return reference[len(PREFIX) :].split(":", 1)[0]


def earned_by(session: Session, user_id: int) -> Earned:
    """What user ``user_id`` has earned (one query over their own ledger entries)."""
    welcome = f"{PREFIX}{WELCOME.key}:{user_id}"
    rows = session.exec(
        select(WalletTransaction.reference)
        .join(WalletEntry, col(WalletEntry.transaction_id) == WalletTransaction.id)
        .join(WalletAccount, col(WalletAccount.id) == WalletEntry.account_id)
        .where(
            WalletAccount.user_id == user_id,
            col(WalletTransaction.reference).startswith(PREFIX),
            or_(
                col(WalletTransaction.created_at) >= month_start(),
                col(WalletTransaction.reference) == welcome,
            ),
        )
    ).all()
    counts: dict[str, int] = {}
    for reference in rows:
        key = rule_of(reference)
        counts[key] = counts.get(key, 0) + 1
    return Earned(
        welcomed=welcome in rows,
        this_month=tuple(sorted((k, n) for k, n in counts.items() if k != WELCOME.key)),
    )


def review_to_write(session: Session, user_id: int) -> tuple[str, str] | None:
    """(slug, name) of a published solution the member used and has not reviewed, if any."""
    row = session.exec(
        select(Solution.slug, Solution.name)
        .join(SolutionUsage, col(SolutionUsage.solution_id) == Solution.id)
        .outerjoin(
            Review,
            (col(Review.solution_id) == Solution.id) & (col(Review.author_id) == user_id),
        )
        .where(
            SolutionUsage.user_id == user_id,
            Solution.status == SolutionStatus.PUBLISHED,
            Solution.owner_id != user_id,
            col(Review.id).is_(None),
        )
        .order_by(col(SolutionUsage.id).desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class NextStep:
    """The one thing the /token page suggests doing next."""

    action: str  # "claim" (the welcome grant's button) or "link"
    text: str
    label: str  # the button's or link's words
    href: str = ""


def next_step(
    earned: Earned, review: tuple[str, str] | None, *, buying: bool, to_next: int, tier: str
) -> NextStep:
    """The most useful next step for a member, from what they earned and can still earn."""
    if not earned.welcomed:
        return NextStep(
            "claim",
            f"Your email address is confirmed: collect your {WELCOME.amount} ECE welcome grant.",
            "Collect the welcome grant",
        )
    reviews_left = earned.count(REVIEW) < REVIEW.cap
    if review is not None and reviews_left:
        slug, name = review
        return NextStep(
            "link",
            f"You ordered {name}: a review of it earns {REVIEW.amount} ECE.",
            f"Review {name}",
            f"/solutions/{slug}",
        )
    goal = f" {to_next:,} more tokens reach {tier}." if tier and to_next > 0 else ""
    if buying:
        return NextStep("link", f"Buy a token pack.{goal}", "See the token packs", "#buy-tokens")
    if reviews_left:
        return NextStep(
            "link",
            f"Order a solution, then review it: each review earns {REVIEW.amount} ECE.{goal}",
            "Find a solution",
            "/solutions",
        )
    return NextStep(
        "link",
        f"Host an event: {EVENT.amount} ECE when at least {EVENT_MIN_ATTENDEES} members go.",
        "Plan an event",
        "/events/new",
    )


def describe(reference: str, kind: str) -> str:
    """What a ledger line was for, in the page's words (never the raw reference)."""
    rule = rule_of(reference)
    for candidate in EARN_RULES:
        if candidate.key == rule:
            return candidate.title
    if reference.startswith("purchase:"):
        return "Token pack"
    if reference.startswith("order:"):
        return "Order refund" if kind == TransactionKind.REFUND else "Order payment"
    if reference.startswith("demo-grant:"):
        return "Demo grant"
    return kind.capitalize() if kind else "Tokens"
