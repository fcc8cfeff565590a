"""Wallet services: accounts, idempotent transfers, derived balances and tiers.

Concurrency: a transfer locks both account rows in id order (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite every unit of work takes the write lock at BEGIN, see
``aixplore.core.db``) before reading the payer's balance, so two transfers from one account
can never both spend the same tokens, and the fixed lock order cannot deadlock. A repeated
``reference`` returns the first transfer instead of moving tokens twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.wallet.models import (
    MAX_AMOUNT,
    MAX_REFERENCE,
    TIER_THRESHOLDS,
    LedgerLine,
    SystemAccount,
    Tier,
    TransactionKind,
    TransferResult,
    WalletAccount,
    WalletEntry,
    WalletSummary,
    WalletTransaction,
)

DEMO_GRANT = 2_500
STATEMENT_LIMIT = 50
# Published after a commit that moved tokens: the ids of the users whose wallets changed.
WALLET_CHANGED = "wallet.changed"


# ---- Accounts ----


def _get_or_create(session: Session, **owner: Any) -> WalletAccount:
    key, value = next(iter(owner.items()))
    found = session.exec(select(WalletAccount).where(getattr(WalletAccount, key) == value)).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            account = WalletAccount(**owner)
            session.add(account)
            session.flush()
    except IntegrityError:  # created at the same moment by another unit of work
        account = session.exec(
            select(WalletAccount).where(getattr(WalletAccount, key) == value)
        ).one()
    return account


def system_account(session: Session, name: SystemAccount) -> WalletAccount:
    """The system account ``name``, created on first use."""
    return _get_or_create(session, system_name=SystemAccount(name).value)


def user_account(session: Session, user_id: int) -> WalletAccount:
    """The wallet of user ``user_id``, created on first use."""
    if session.get(User, user_id) is None:
        raise NotFound("No such user.")
    return _get_or_create(session, user_id=user_id)


# ---- Balances and tiers ----


def balance_of(session: Session, account_id: int) -> int:
    """The balance of ``account_id``: the sum of its entries (0 for none)."""
    total = session.exec(
        select(func.coalesce(func.sum(WalletEntry.amount), 0)).where(
            WalletEntry.account_id == account_id
        )
    ).one()
    return int(total)


def user_balance(session: Session, user_id: int) -> int:
    """The token balance of user ``user_id`` (0 without a wallet yet)."""
    account_id = session.exec(
        select(WalletAccount.id).where(WalletAccount.user_id == user_id)
    ).first()
    return 0 if account_id is None else balance_of(session, account_id)


def tier_for(balance: int) -> Tier:
    """The tier a balance earns (negative balances, impossible for users, count as the lowest)."""
    tier = TIER_THRESHOLDS[0][0]
    for candidate, floor in TIER_THRESHOLDS:
        if balance >= floor:
            tier = candidate
    return tier


def summarize(balance: int) -> WalletSummary:
    """Balance, tier and the distance to the next tier."""
    tier = tier_for(balance)
    higher = [(t, floor) for t, floor in TIER_THRESHOLDS if floor > max(balance, 0)]
    if not higher:
        return WalletSummary(balance=balance, tier=tier, next_tier=None, to_next_tier=0)
    next_tier, floor = higher[0]
    return WalletSummary(
        balance=balance, tier=tier, next_tier=next_tier, to_next_tier=floor - balance
    )


def get_my_wallet(session: Session, actor: Actor | None) -> WalletSummary:
    """The signed-in actor's balance and tier."""
    actor = require_actor(actor)
    return summarize(user_balance(session, actor.user_id))


def list_my_entries(session: Session, actor: Actor | None) -> list[LedgerLine]:
    """The newest entries on the actor's wallet."""
    actor = require_actor(actor)
    rows = session.exec(
        select(WalletEntry, WalletTransaction)
        .join(WalletTransaction, col(WalletTransaction.id) == WalletEntry.transaction_id)
        .join(WalletAccount, col(WalletAccount.id) == WalletEntry.account_id)
        .where(WalletAccount.user_id == actor.user_id)
        .order_by(col(WalletEntry.id).desc())
        .limit(STATEMENT_LIMIT)
    ).all()
    return [
        LedgerLine(
            transaction_id=tx.id or 0,
            kind=tx.kind,
            amount=entry.amount,
            created_at=tx.created_at,
            reference=tx.reference,
        )
        for entry, tx in rows
    ]


# ---- Transfers ----


def _check_amount(amount: Any) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ValidationFailed("The amount must be a whole number of tokens.", field="amount")
    if not 1 <= amount <= MAX_AMOUNT:
        raise ValidationFailed(
            f"The amount must be between 1 and {MAX_AMOUNT:,} tokens.", field="amount"
        )
    return amount


def _check_reference(reference: Any) -> str:
    if not isinstance(reference, str) or not 1 <= len(reference.strip()) <= MAX_REFERENCE:
        raise ValidationFailed(
            f"A transfer needs a reference of 1 to {MAX_REFERENCE} characters.", field="reference"
        )
    return reference.strip()


def lock_accounts(session: Session, ids: list[int]) -> dict[int, WalletAccount]:
    """Lock these accounts' rows in id order (the order every transfer uses: no deadlock)."""
    rows = session.exec(
        select(WalletAccount)
        .where(col(WalletAccount.id).in_(ids))
        .order_by(col(WalletAccount.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {row.id: row for row in rows if row.id is not None}


def _existing(
    session: Session, reference: str, kind: TransactionKind, src: int, dst: int, amount: int
) -> TransferResult | None:
    tx = session.exec(
        select(WalletTransaction).where(WalletTransaction.reference == reference)
    ).first()
    if tx is None or tx.id is None:
        return None
    entries = session.exec(select(WalletEntry).where(WalletEntry.transaction_id == tx.id)).all()
    legs = sorted((e.account_id, e.amount) for e in entries)
    if tx.kind != kind or legs != sorted([(src, -amount), (dst, amount)]):
        raise Conflict("That reference was already used for a different transfer.")
    return TransferResult(tx.id, reference, tx.kind, src, dst, amount, created=False)


def transfer(
    session: Session,
    from_account_id: int,
    to_account_id: int,
    amount: int,
    kind: TransactionKind,
    reference: str,
) -> TransferResult:
    """Move ``amount`` tokens; idempotent on ``reference`` (a retry returns the first result).

    User accounts can never go below zero; system accounts can (issuance is minus the supply).
    Raises ValidationFailed for bad input, NotFound for an unknown account, Conflict for
    insufficient funds or a reference reused for a different transfer.
    """
    amount = _check_amount(amount)
    reference = _check_reference(reference)
    kind = TransactionKind(kind)
    if from_account_id == to_account_id:
        raise ValidationFailed("Tokens cannot be sent to the same account.")
    accounts = lock_accounts(session, [from_account_id, to_account_id])
    if from_account_id not in accounts or to_account_id not in accounts:
        raise NotFound("No such wallet.")
    earlier = _existing(session, reference, kind, from_account_id, to_account_id, amount)
    if earlier is not None:
        return earlier
    payer = accounts[from_account_id]
    if payer.user_id is not None and balance_of(session, from_account_id) < amount:
        raise Conflict("Not enough tokens in the wallet.")
    try:
        with session.begin_nested():
            tx = WalletTransaction(kind=kind, reference=reference)
            session.add(tx)
            session.flush()
            assert tx.id is not None
            session.add(
                WalletEntry(transaction_id=tx.id, account_id=from_account_id, amount=-amount)
            )
            session.add(WalletEntry(transaction_id=tx.id, account_id=to_account_id, amount=amount))
            session.flush()
    except IntegrityError:  # the same reference committed by a concurrent unit of work
        earlier = _existing(session, reference, kind, from_account_id, to_account_id, amount)
        if earlier is None:
            raise
        return earlier
    owners = [a.user_id for a in (payer, accounts[to_account_id]) if a.user_id is not None]
    publish_after_commit(session, WALLET_CHANGED, owners)  # cached statements are retired
    return TransferResult(
        tx.id, reference, kind, from_account_id, to_account_id, amount, created=True
    )


def do_grant_demo_tokens(
    session: Session, user_id: int, amount: int = DEMO_GRANT
) -> TransferResult:
    """Give a demo user tokens from issuance, once per user (the reference is per user)."""
    source = system_account(session, SystemAccount.ISSUANCE)
    target = user_account(session, user_id)
    assert source.id is not None and target.id is not None
    return transfer(
        session, source.id, target.id, amount, TransactionKind.GRANT, f"demo-grant:{user_id}"
    )


def ledger_is_balanced(session: Session) -> bool:
    """Whether every transaction's entries sum to zero (an invariant the tests check)."""
    unbalanced = session.exec(
        select(WalletEntry.transaction_id)
        .group_by(col(WalletEntry.transaction_id))
        .having(func.sum(WalletEntry.amount) != 0)
    ).first()
    return unbalanced is None
