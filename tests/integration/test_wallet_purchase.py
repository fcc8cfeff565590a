"""Buying a token pack: a Checkout session through the real stripe SDK against the local
Stripe-compatible server, credited once from the signed webhook, refusals for anything else."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

import aixplore.jobs.orders  # noqa: F401 - the composition root registers Stripe for token packs
from aixplore.api.app import build_api
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.wallet import purchases
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import (
    PurchaseStatus,
    TokenPurchase,
    TransactionKind,
    WalletTransaction,
)
from tests.factories import actor_for, make_member, sign_in
from tests.support.fake_stripe import FakeStripe
from tests.support.stripe_fixture import WEBHOOK_SECRET, signed


def _started(pack: str = "builder") -> tuple[int, int, str]:
    """A member who started buying ``pack``: (user id, purchase id, Checkout session id)."""
    member = make_member()
    actor = actor_for(sign_in(member.email))
    with session_scope() as db:
        url = purchases.do_buy_pack(db, actor, pack)
    assert url.startswith(f"{get_settings().stripe_api_base}/pay/cs_test_")
    with read_scope() as db:
        purchase = db.exec(select(TokenPurchase).where(TokenPurchase.user_id == member.id)).one()
        assert purchase.status == PurchaseStatus.PENDING and purchase.id is not None
        return member.id, purchase.id, str(purchase.checkout_id)


def _event(purchase_id: int, sid: str, cents: int, **extra: object) -> dict:
    checkout = {
        "id": sid,
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": cents,
        "currency": "eur",
        "metadata": {"token_purchase_id": str(purchase_id)},
        "payment_intent": "pi_test_tokens",
        **extra,
    }
    return {
        "id": "evt_tokens",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": checkout},
    }


def _post(client: TestClient, event: dict, secret: str = WEBHOOK_SECRET):
    payload, signature = signed(event, secret)
    return client.post(
        "/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
    )


def _balance(user_id: int) -> int:
    with read_scope() as db:
        return wallet.user_balance(db, user_id)


def test_a_pack_opens_a_checkout_session_with_its_price_and_purchase(
    fake_stripe: FakeStripe,
) -> None:
    _, purchase_id, sid = _started("builder")
    path, form, headers = fake_stripe.requests[-1]
    assert path == "/v1/checkout/sessions" and sid.startswith("cs_test_")
    assert form["metadata[token_purchase_id]"] == str(purchase_id)
    assert int(form["line_items[0][price_data][unit_amount]"]) == 5_000
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert headers.get("Idempotency-Key") == f"token-purchase-{purchase_id}-5000"


def test_the_paid_webhook_credits_the_pack_once_even_when_repeated_at_once(
    fake_stripe: FakeStripe,
) -> None:
    user_id, purchase_id, sid = _started("builder")
    client = TestClient(build_api())
    event = _event(purchase_id, sid, 5_000)

    def post(_: int) -> str:
        reply = _post(client, event)
        assert reply.status_code == 200, reply.text
        return reply.json()["outcome"]

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(post, range(4)))
    assert outcomes == ["credited", "duplicate", "duplicate", "duplicate"]
    assert _balance(user_id) == 1_100
    with read_scope() as db:
        purchase = db.get(TokenPurchase, purchase_id)
        assert purchase is not None and purchase.status == PurchaseStatus.PAID
        assert purchase.payment_reference == "pi_test_tokens"
        [tx] = db.exec(
            select(WalletTransaction).where(
                WalletTransaction.reference == f"purchase:{purchase_id}"
            )
        ).all()
        assert tx.kind == TransactionKind.PURCHASE
        assert wallet.ledger_is_balanced(db)


def test_forged_unpaid_mismatched_and_foreign_events_credit_nothing(
    fake_stripe: FakeStripe,
) -> None:
    user_id, purchase_id, sid = _started("starter")
    client = TestClient(build_api())
    forged = _post(client, _event(purchase_id, sid, 1_000), secret="whsec_attacker")
    assert forged.status_code == 422 and "signature is not valid" in forged.json()["detail"]
    unpaid = _post(client, _event(purchase_id, sid, 1_000, payment_status="unpaid"))
    assert unpaid.json()["outcome"] == "unpaid"
    for event, message in (
        (_event(purchase_id, sid, 999), "does not match"),
        (_event(purchase_id, sid, 1_000, currency="usd"), "does not match"),
        (_event(purchase_id, "cs_test_other", 1_000), "not this purchase's"),
    ):
        reply = _post(client, event)
        assert reply.status_code == 409 and message in reply.json()["detail"]
    assert _post(client, _event(10**6, sid, 1_000)).status_code == 404
    assert _balance(user_id) == 0
    # An order's event still goes to the orders flow (it names no token purchase).
    order_event = _event(purchase_id, sid, 1_000, metadata={"order_id": "x"})
    assert "names no order" in _post(client, order_event).json()["detail"]
    paid = _post(client, _event(purchase_id, sid, 1_000))
    assert paid.json()["outcome"] == "credited" and _balance(user_id) == 200


def test_unknown_packs_and_anonymous_buyers_are_refused(fake_stripe: FakeStripe) -> None:
    actor = actor_for(sign_in(make_member().email))
    for bad in ("platinum", "", None, 5, ["builder"], {"pack": "builder"}):
        with session_scope() as db, pytest.raises(ValidationFailed, match="token packs"):
            purchases.do_buy_pack(db, actor, bad)
    with session_scope() as db, pytest.raises(NotAuthenticated):
        purchases.do_buy_pack(db, None, "starter")
    assert fake_stripe.requests == []
    with read_scope() as db:
        assert db.exec(select(TokenPurchase)).all() == []


def test_buying_is_refused_where_no_card_processor_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "stripe_secret_key", "")
    actor = actor_for(sign_in(make_member().email))
    assert not purchases.buying_enabled()
    with session_scope() as db, pytest.raises(ValidationFailed, match="not available"):
        purchases.do_buy_pack(db, actor, "starter")
    with read_scope() as db:
        assert db.exec(select(TokenPurchase)).all() == []
