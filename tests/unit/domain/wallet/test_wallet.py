"""The ECE token ledger: derived balances, idempotent transfers, tiers, demo grants."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, DomainError, NotAuthenticated, NotFound, ValidationFailed
from aixplore.demo.wallets import DEMO_GRANTS, seed_demo_wallets
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import (
    SystemAccount,
    Tier,
    TransactionKind,
    WalletAccount,
    WalletEntry,
    WalletTransaction,
)
from tests.factories import actor_for, make_member, sign_in


def _funded(amount: int) -> tuple[int, int]:
    """A member's account id holding ``amount`` tokens, and a second member's empty account."""
    payer, payee = make_member(), make_member()
    with session_scope() as db:
        wallet.do_grant_demo_tokens(db, payer.id, amount)
        return wallet.user_account(db, payer.id).id, wallet.user_account(db, payee.id).id  # type: ignore[return-value]


def test_balance_is_the_sum_of_entries_and_every_transaction_balances() -> None:
    src, dst = _funded(1_000)
    with session_scope() as db:
        wallet.transfer(db, src, dst, 300, TransactionKind.TRANSFER, "t-1")
        wallet.transfer(db, dst, src, 50, TransactionKind.TRANSFER, "t-2")
    with session_scope() as db:
        assert wallet.balance_of(db, src) == 750
        assert wallet.balance_of(db, dst) == 250
        issuance = wallet.system_account(db, SystemAccount.ISSUANCE)
        assert wallet.balance_of(db, issuance.id) == -1_000  # type: ignore[arg-type]
        total = db.exec(select(func.sum(WalletEntry.amount))).one()
        assert total == 0
        assert wallet.ledger_is_balanced(db)
        # Nothing stores a balance: the account table has no such column.
        assert "balance" not in WalletAccount.model_fields


def test_transfer_is_idempotent_on_its_reference() -> None:
    src, dst = _funded(500)
    with session_scope() as db:
        first = wallet.transfer(db, src, dst, 200, TransactionKind.PAYMENT, "order:42")
    with session_scope() as db:
        again = wallet.transfer(db, src, dst, 200, TransactionKind.PAYMENT, "order:42")
        assert again.transaction_id == first.transaction_id
        assert first.created and not again.created
        assert wallet.balance_of(db, src) == 300
        count = db.exec(
            select(func.count())
            .select_from(WalletTransaction)
            .where(WalletTransaction.reference == "order:42")
        ).one()
        assert count == 1


def test_a_reference_reused_for_another_transfer_is_refused() -> None:
    src, dst = _funded(500)
    with session_scope() as db:
        wallet.transfer(db, src, dst, 200, TransactionKind.PAYMENT, "order:7")
    with session_scope() as db, pytest.raises(Conflict, match="different transfer"):
        wallet.transfer(db, src, dst, 201, TransactionKind.PAYMENT, "order:7")


def test_overdraft_and_bad_input_are_refused_with_clear_messages() -> None:
    src, dst = _funded(100)
    cases = [
        (101, "r1", Conflict, "Not enough tokens"),
        (0, "r2", ValidationFailed, "between 1"),
        (-5, "r3", ValidationFailed, "between 1"),
        (1.5, "r4", ValidationFailed, "whole number"),
        (True, "r5", ValidationFailed, "whole number"),
        ("10", "r6", ValidationFailed, "whole number"),
        (10, "", ValidationFailed, "reference"),
        (10, "x" * 121, ValidationFailed, "reference"),
    ]
    for amount, reference, error, message in cases:
        with session_scope() as db, pytest.raises(error, match=message):
            wallet.transfer(db, src, dst, amount, TransactionKind.TRANSFER, reference)  # type: ignore[arg-type]
    with session_scope() as db, pytest.raises(ValidationFailed, match="same account"):
        wallet.transfer(db, src, src, 1, TransactionKind.TRANSFER, "self")
    with session_scope() as db, pytest.raises(NotFound):
        wallet.transfer(db, src, 10**9, 1, TransactionKind.TRANSFER, "nowhere")
    with session_scope() as db:
        assert wallet.balance_of(db, src) == 100


def test_concurrent_transfers_never_overspend() -> None:
    src, dst = _funded(1_000)

    def spend(n: int) -> bool:
        try:
            with session_scope() as db:
                wallet.transfer(db, src, dst, 150, TransactionKind.TRANSFER, f"race-{n}")
        except Conflict:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(spend, range(12)))
    assert results.count(True) == 6  # 6 x 150 = 900 <= 1,000 < 7 x 150
    with session_scope() as db:
        assert wallet.balance_of(db, src) == 100
        assert wallet.balance_of(db, dst) == 900
        assert wallet.ledger_is_balanced(db)


def test_the_same_reference_sent_at_once_moves_tokens_once() -> None:
    src, dst = _funded(1_000)

    def pay(_: int) -> int:
        with session_scope() as db:
            return wallet.transfer(
                db, src, dst, 400, TransactionKind.PAYMENT, "order:once"
            ).transaction_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(pay, range(6)))
    assert len(ids) == 1
    with session_scope() as db:
        assert wallet.balance_of(db, src) == 600


@pytest.mark.parametrize(
    ("balance", "tier", "next_tier", "to_next"),
    [
        (0, Tier.BRONZE, Tier.SILVER, 1_000),
        (999, Tier.BRONZE, Tier.SILVER, 1),
        (1_000, Tier.SILVER, Tier.GOLD, 4_000),
        (5_000, Tier.GOLD, Tier.PLATINUM, 20_000),
        (25_000, Tier.PLATINUM, None, 0),
        (-3, Tier.BRONZE, Tier.SILVER, 1_003),
    ],
)
def test_tiers_follow_the_thresholds(balance, tier, next_tier, to_next) -> None:
    summary = wallet.summarize(balance)
    assert (summary.tier, summary.next_tier, summary.to_next_tier) == (tier, next_tier, to_next)


def test_my_wallet_needs_a_signed_in_actor_and_shows_my_balance() -> None:
    member = make_member()
    with session_scope() as db:
        with pytest.raises(NotAuthenticated):
            wallet.get_my_wallet(db, None)
        wallet.do_grant_demo_tokens(db, member.id, 1_200)
    actor = actor_for(sign_in(member.email))
    with session_scope() as db:
        summary = wallet.get_my_wallet(db, actor)
        assert (summary.balance, summary.tier) == (1_200, Tier.SILVER)
        lines = wallet.list_my_entries(db, actor)
        assert [(line.kind, line.amount) for line in lines] == [(TransactionKind.GRANT, 1_200)]


def test_demo_grants_are_given_once_per_demo_user() -> None:
    demo = make_member(email="grace@demo.aixplore.dev")
    other = make_member()
    with session_scope() as db:
        assert seed_demo_wallets(db) == 1
    with session_scope() as db:
        assert seed_demo_wallets(db) == 0
        assert wallet.user_balance(db, demo.id) == DEMO_GRANTS[0]
        assert wallet.user_balance(db, other.id) == 0


def test_a_grant_to_an_unknown_user_is_refused() -> None:
    with session_scope() as db, pytest.raises(DomainError):
        wallet.do_grant_demo_tokens(db, 10**9)
