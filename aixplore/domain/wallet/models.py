"""Ledger tables: accounts, transactions and the entries that move tokens between accounts.

Every transaction holds two or more entries whose amounts sum to zero; an account's balance
is the sum of its entries (never a stored column that could drift from the history).
Amounts are integers of whole ECE tokens.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

MAX_AMOUNT = 10**12
MAX_REFERENCE = 120


class SystemAccount(enum.StrEnum):
    """Accounts owned by the platform rather than a person."""

    ISSUANCE = "issuance"  # where new tokens come from: its balance is minus the supply
    ORDERS = "orders"  # what users pay for orders goes here
    FEES = "fees"


class TransactionKind(enum.StrEnum):
    """Why tokens moved."""

    GRANT = "grant"
    TRANSFER = "transfer"
    PAYMENT = "payment"
    REFUND = "refund"
    PURCHASE = "purchase"  # a token pack paid by card (``purchases.py``)


class Tier(enum.StrEnum):
    """A holder's tier, from the balance thresholds in ``TIER_THRESHOLDS``."""

    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


# Lowest balance of each tier, ascending.
TIER_THRESHOLDS: tuple[tuple[Tier, int], ...] = (
    (Tier.BRONZE, 0),
    (Tier.SILVER, 1_000),
    (Tier.GOLD, 5_000),
    (Tier.PLATINUM, 25_000),
)


class WalletAccount(SQLModel, table=True):
    """A ledger account: a user's wallet or a named system account, never both.

    When a user is deleted their account stays, owner-less, so the history still balances;
    entries and transactions are never deleted (their foreign keys restrict).
    """

    __tablename__ = "wallet_account"  # type: ignore[assignment]
    __table_args__ = (
        CheckConstraint("user_id IS NULL OR system_name IS NULL", name="ck_wallet_account_owner"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int | None = SQLField(
        default=None, foreign_key="user.id", unique=True, ondelete="SET NULL"
    )
    system_name: str | None = SQLField(default=None, max_length=32, unique=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class WalletTransaction(SQLModel, table=True):
    """One movement of tokens; ``reference`` makes retries idempotent (unique)."""

    __tablename__ = "wallet_transaction"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    kind: TransactionKind = SQLField(
        sa_column=enum_column(TransactionKind, "wallet_transaction_kind")
    )
    reference: str = SQLField(max_length=MAX_REFERENCE, unique=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class WalletEntry(SQLModel, table=True):
    """One side of a transaction: a signed amount on one account (credit > 0, debit < 0)."""

    __tablename__ = "wallet_entry"  # type: ignore[assignment]
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ck_wallet_entry_nonzero"),
        Index("ix_wallet_entry_account", "account_id", "id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    transaction_id: int = SQLField(
        sa_column=Column(
            Integer,
            ForeignKey("wallet_transaction.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        )
    )
    account_id: int = SQLField(
        sa_column=Column(
            Integer, ForeignKey("wallet_account.id", ondelete="RESTRICT"), nullable=False
        )
    )
    amount: int = SQLField(sa_column=Column(BigInteger, nullable=False))


class PurchaseStatus(enum.StrEnum):
    """Where a token pack purchase stands."""

    PENDING = "pending"  # the member is on Stripe's page, or Stripe has not confirmed yet
    PAID = "paid"  # Stripe's signed webhook said paid; the tokens are credited


class TokenPurchase(SQLModel, table=True):
    """A token pack bought by card through Stripe Checkout; credited once, when paid.

    The pack's tokens and price are copied here when the checkout starts, so a later change
    of the packs never changes what a started purchase credits or costs. The row stays when
    its member is deleted (money moved: the record is kept, owner-less, like the ledger).
    """

    __tablename__ = "token_purchase"  # type: ignore[assignment]
    __table_args__ = (
        CheckConstraint("tokens > 0 AND amount_cents > 0", name="ck_token_purchase_amounts"),
        Index("ix_token_purchase_user", "user_id", "id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int | None = SQLField(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    )
    pack: str = SQLField(max_length=16)
    tokens: int
    amount_cents: int
    currency: str = SQLField(max_length=3)
    status: PurchaseStatus = SQLField(
        default=PurchaseStatus.PENDING,
        sa_column=enum_column(PurchaseStatus, "token_purchase_status"),
    )
    # Stripe's Checkout session id, set once the session exists.
    checkout_id: str | None = SQLField(
        default=None, sa_column=Column(String(120), unique=True, nullable=True)
    )
    payment_reference: str | None = SQLField(default=None, max_length=120)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    paid_at: datetime | None = SQLField(default=None, sa_column=utc_column())


# ---- Shapes handed to callers (plain values, never live rows) ----


@dataclass(frozen=True)
class TransferResult:
    """A committed (or, for a repeated reference, earlier) transfer."""

    transaction_id: int
    reference: str
    kind: TransactionKind
    from_account_id: int
    to_account_id: int
    amount: int
    created: bool  # False when the reference had already been used for this same transfer


@dataclass(frozen=True)
class WalletSummary:
    """What the token shows: the balance, its tier and the way to the next one."""

    balance: int
    tier: Tier
    next_tier: Tier | None
    to_next_tier: int


@dataclass(frozen=True)
class LedgerLine:
    """One entry on an account's statement."""

    transaction_id: int
    kind: TransactionKind
    amount: int
    created_at: datetime
    reference: str = ""  # says what the movement was for (``progress.describe``)
