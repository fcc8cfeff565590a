"""Order tables: the order (a wizard draft until paid), its audited transitions, promo codes,
the encrypted GitHub connection and the review request of a delivery to a local repository."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class OrderStatus(enum.StrEnum):
    """Where an order stands; transitions are listed in ``TRANSITIONS``."""

    DRAFT = "draft"
    QUOTED = "quoted"
    PAID = "paid"
    QUEUED = "queued"
    ANALYZING = "analyzing"
    GENERATING = "generating"
    VALIDATING = "validating"
    PR_OPENED = "pr_opened"
    DELIVERED = "delivered"
    FAILED = "failed"
    REFUNDED = "refunded"


S = OrderStatus
# The only moves an order can make. Pipeline stages fail forward into FAILED; a failed order
# that was paid is refunded. Editing a quoted draft drops it back to DRAFT.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.QUOTED}),
    S.QUOTED: frozenset({S.DRAFT, S.QUOTED, S.PAID}),
    S.PAID: frozenset({S.QUEUED, S.FAILED}),
    S.QUEUED: frozenset({S.ANALYZING, S.FAILED}),
    S.ANALYZING: frozenset({S.GENERATING, S.FAILED}),
    S.GENERATING: frozenset({S.VALIDATING, S.FAILED}),
    S.VALIDATING: frozenset({S.PR_OPENED, S.FAILED}),
    S.PR_OPENED: frozenset({S.DELIVERED, S.FAILED}),
    S.DELIVERED: frozenset(),
    S.FAILED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}
EDITABLE = frozenset({S.DRAFT, S.QUOTED})
PIPELINE = (S.QUEUED, S.ANALYZING, S.GENERATING, S.VALIDATING, S.PR_OPENED)
# The user-facing order of the happy path (the order page's progress line).
HAPPY_PATH = (
    S.DRAFT,
    S.QUOTED,
    S.PAID,
    S.QUEUED,
    S.ANALYZING,
    S.GENERATING,
    S.VALIDATING,
    S.PR_OPENED,
    S.DELIVERED,
)


class PaymentMethod(enum.StrEnum):
    """How an order was paid."""

    WALLET = "wallet"


class Order(SQLModel, table=True):
    """One order: the wizard's draft, then the paid job the pipeline works through.

    JSON columns hold the validated wizard steps (``requirements``, ``configuration``,
    ``env_vars`` with secret values encrypted, ``scan``: the read-only repository scan).
    ``lease_token``/``lease_until`` let exactly one worker run the pipeline at a time.
    """

    __tablename__ = "app_order"  # type: ignore[assignment]
    __table_args__ = (Index("ix_app_order_user", "user_id", "id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    )
    status: OrderStatus = SQLField(
        default=OrderStatus.DRAFT, sa_column=enum_column(OrderStatus, "order_status", index=True)
    )
    step: int = SQLField(default=1)
    solution_slug: str | None = SQLField(default=None, max_length=120)
    # Where the repository lives: "github" (owner/name) or "local" (a folder name).
    provider: str = SQLField(default="github", max_length=16)
    repo_full_name: str | None = SQLField(default=None, max_length=200)
    base_branch: str | None = SQLField(default=None, max_length=100)
    template: str | None = SQLField(default=None, max_length=32)
    requirements: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))
    configuration: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))
    env_vars: list[dict[str, Any]] | None = SQLField(default=None, sa_column=Column(JSON))
    scan: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))
    promo_code: str | None = SQLField(default=None, max_length=40)
    quote: dict[str, Any] | None = SQLField(default=None, sa_column=Column(JSON))
    quoted_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    price_tokens: int | None = SQLField(default=None)
    payment_method: str | None = SQLField(default=None, max_length=16)
    payment_reference: str | None = SQLField(default=None, max_length=120)
    # Stripe's refund id once a card-paid order's refund went through (jobs/orders.py).
    card_refund_id: str | None = SQLField(default=None, max_length=120)
    write_approved: bool = SQLField(default=False)
    files_digest: str | None = SQLField(default=None, max_length=64)
    commit_sha: str | None = SQLField(default=None, max_length=64)
    pr_number: int | None = SQLField(default=None)
    pr_url: str | None = SQLField(default=None, max_length=300)
    failure_reason: str | None = SQLField(default=None, max_length=1000)
    stage_log: list[dict[str, Any]] | None = SQLField(default=None, sa_column=Column(JSON))
    lease_token: str | None = SQLField(default=None, max_length=40)
    lease_until: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class OrderEvent(SQLModel, table=True):
    """One recorded transition of an order (the order's own audit trail)."""

    __tablename__ = "order_event"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    order_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("app_order.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_status: str = SQLField(max_length=32)
    to_status: str = SQLField(max_length=32)
    actor_user_id: int | None = SQLField(default=None)
    note: str = SQLField(default="", max_length=1000)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class PromoCode(SQLModel, table=True):
    """A discount code: percent off, optional use limit and expiry."""

    __tablename__ = "promo_code"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    code: str = SQLField(max_length=40, unique=True)
    percent_off: int = SQLField(default=10)
    max_uses: int | None = SQLField(default=None)
    uses: int = SQLField(default=0)
    expires_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    active: bool = SQLField(default=True)


class GithubConnection(SQLModel, table=True):
    """A user's GitHub token, encrypted at rest (``aixplore.core.crypto``)."""

    __tablename__ = "github_connection"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    login: str = SQLField(max_length=100)
    token_encrypted: str = SQLField(max_length=2000)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class GithubLoginState(SQLModel, table=True):
    """A started "Connect with GitHub" (OAuth app) sign-in, used once within minutes.

    Only digests of the ``state`` sent to GitHub and of the browser cookie are kept; the
    PKCE verifier is encrypted. Rows are deleted when used and swept when expired.
    """

    __tablename__ = "github_login_state"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    order_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("app_order.id", ondelete="CASCADE"), nullable=True),
    )
    state_hash: str = SQLField(max_length=64, unique=True)
    browser_hash: str = SQLField(default="", max_length=64)
    verifier_enc: str = SQLField(max_length=500)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))


class ReviewStatus(enum.StrEnum):
    """Where a review request stands; ``accepting``/``rejecting`` claim it while git works."""

    OPEN = "open"
    ACCEPTING = "accepting"
    REJECTING = "rejecting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ReviewRequest(SQLModel, table=True):
    """A delivery to a local repository waiting for its owner: a branch to merge or reject.

    Created with the order's move to ``pr_opened`` (one per order); accepting merges the
    branch into the base branch, rejecting deletes or keeps it (``branch_kept``).
    """

    __tablename__ = "order_review_request"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    order_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("app_order.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    repo: str = SQLField(max_length=200)
    branch: str = SQLField(max_length=100)
    base_branch: str = SQLField(max_length=100)
    head_sha: str = SQLField(default="", max_length=64)
    status: ReviewStatus = SQLField(
        default=ReviewStatus.OPEN, sa_column=enum_column(ReviewStatus, "review_status")
    )
    claimed_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    decided_by: int | None = SQLField(default=None)
    decided_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    merge_sha: str | None = SQLField(default=None, max_length=64)
    merge_kind: str | None = SQLField(default=None, max_length=20)
    branch_kept: bool | None = SQLField(default=None)
    note: str = SQLField(default="", max_length=500)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
