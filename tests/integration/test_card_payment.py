"""Stripe Checkout with the real stripe SDK against a local Stripe-compatible server; webhooks
signed with Stripe's scheme and verified by the SDK; duplicate webhooks at once pay once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.core.errors import ValidationFailed
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.orders import lifecycle
from aixplore.domain.orders.card import do_start_card_payment
from aixplore.domain.orders.models import Order, OrderEvent, OrderStatus
from aixplore.integrations import stripe_checkout
from tests.factories import actor_for, make_member, sign_in
from tests.support.fake_stripe import FakeStripe
from tests.support.orders import quoted_order
from tests.support.stripe_fixture import signed


def _checkout(order_id: int, cents: int, currency: str) -> tuple[str, str]:
    return stripe_checkout.create_checkout(
        order_id, cents, currency, "http://app/orders/ok", "http://app/order"
    )


def _started_order() -> tuple[int, str, int]:
    actor = actor_for(sign_in(make_member().email))
    assert actor is not None
    oid = quoted_order(actor, grant=0)
    with session_scope() as db:
        url = do_start_card_payment(db, actor, oid, True, _checkout)
        order = db.get(Order, oid)
        assert order is not None and order.quote is not None
        assert url.startswith(f"{get_settings().stripe_api_base}/pay/cs_test_")
        return oid, str(order.payment_reference), int(order.quote["money_cents"])


def _event(oid: int, sid: str, cents: int, **extra: object) -> dict:
    checkout = {
        "id": sid,
        "object": "checkout.session",
        "payment_status": "paid",
        "amount_total": cents,
        "metadata": {"order_id": str(oid)},
        "payment_intent": "pi_test_1",
        **extra,
    }
    return {
        "id": "evt_1",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": checkout},
    }


def test_checkout_session_through_the_sdk(fake_stripe: FakeStripe) -> None:
    oid, sid, cents = _started_order()
    path, form, headers = fake_stripe.requests[-1]
    assert path == "/v1/checkout/sessions" and sid.startswith("cs_test_")
    assert form["metadata[order_id]"] == str(oid)
    assert int(form["line_items[0][price_data][unit_amount]"]) == cents == 714 * 5
    assert headers.get("Idempotency-Key") == f"order-{oid}-checkout-{cents}"
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None and order.status == OrderStatus.QUOTED  # not paid yet


def test_duplicate_webhooks_at_once_pay_and_queue_once(fake_stripe: FakeStripe) -> None:
    oid, sid, cents = _started_order()
    payload, signature = signed(_event(oid, sid, cents))
    client = TestClient(build_api())

    def post() -> dict:
        reply = client.post(
            "/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
        )
        assert reply.status_code == 200, reply.text
        return reply.json()

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(r["outcome"] for r in pool.map(lambda _: post(), range(4)))
    assert outcomes == ["duplicate", "duplicate", "duplicate", "paid"]
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None and order.status == OrderStatus.QUEUED
        assert order.payment_reference == "pi_test_1"
        paid = db.exec(
            select(OrderEvent).where(OrderEvent.order_id == oid, OrderEvent.to_status == "paid")
        ).all()
        assert len(paid) == 1


def test_bad_signature_wrong_amount_and_foreign_session_are_refused(
    fake_stripe: FakeStripe,
) -> None:
    oid, sid, cents = _started_order()
    client = TestClient(build_api())
    payload, _good = signed(_event(oid, sid, cents))
    _, forged = signed(_event(oid, sid, cents), secret="whsec_attacker")
    for signature in (forged, "t=1,v1=00", ""):
        reply = client.post(
            "/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
        )
        assert reply.status_code == 422 and "signature is not valid" in reply.json()["detail"]
    for event, message in (
        (_event(oid, sid, cents - 1), "does not match the quote"),
        (_event(oid, "cs_test_other", cents), "not this order's"),
    ):
        body, signature = signed(event)
        reply = client.post(
            "/api/stripe/webhook", content=body, headers={"Stripe-Signature": signature}
        )
        assert reply.status_code == 409 and message in reply.json()["detail"]
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None and order.status == OrderStatus.QUOTED


def test_failed_card_order_is_refunded_at_stripe(fake_stripe: FakeStripe) -> None:
    oid, sid, cents = _started_order()
    refunds: list[dict] = []
    subscribe(lifecycle.CARD_REFUND, refunds.append)
    payload, signature = signed(_event(oid, sid, cents))
    TestClient(build_api()).post(
        "/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
    )
    with session_scope() as db:
        lifecycle.fail_and_refund(db, oid, "The generated tests failed.")
    assert {"order_id": oid, "payment_intent": "pi_test_1"} in refunds
    refund_id = stripe_checkout.refund("pi_test_1", oid)
    path, form, headers = fake_stripe.requests[-1]
    assert refund_id.startswith("re_test_") and path == "/v1/refunds"
    assert form == {"payment_intent": "pi_test_1"}
    assert headers.get("Idempotency-Key") == f"order-{oid}-refund"


def test_card_payment_without_configuration_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "stripe_secret_key", None)
    with pytest.raises(ValidationFailed, match="not configured"):
        _checkout(1, 100, "EUR")


def test_a_lost_card_refund_job_runs_again_and_refunds_once(fake_stripe: FakeStripe) -> None:
    from datetime import timedelta

    from aixplore.core.time import utcnow
    from aixplore.jobs.orders import refund_card

    oid, sid, cents = _started_order()
    payload, signature = signed(_event(oid, sid, cents))
    TestClient(build_api()).post(
        "/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}
    )
    with session_scope() as db:
        lifecycle.fail_and_refund(db, oid, "The generated tests failed.")
    # The refund job was lost (its worker killed during the call): nothing is recorded, and
    # the sweep finds the order once the grace period is over, and only then.
    later = utcnow() + timedelta(minutes=10)
    with session_scope() as db:
        assert lifecycle.unrefunded_card_orders(db, utcnow() - timedelta(minutes=3)) == []
        assert lifecycle.unrefunded_card_orders(db, later) == [(oid, "pi_test_1")]
    first = refund_card.call_local(oid, "pi_test_1")
    again = refund_card.call_local(oid, "pi_test_1")  # a duplicate run: Stripe's key dedupes
    assert first == again and first.startswith("re_test_")
    assert list(fake_stripe.refunds) == ["pi_test_1"]
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None and order.card_refund_id == first
        assert lifecycle.unrefunded_card_orders(db, later) == []


def test_a_refund_run_after_stripes_idempotency_window_is_recorded_not_retried(
    fake_stripe: FakeStripe,
) -> None:
    stripe_checkout.refund("pi_test_9", 9)
    fake_stripe._answered.clear()  # Stripe forgets idempotency keys after a day
    assert stripe_checkout.refund("pi_test_9", 9) == stripe_checkout.ALREADY_REFUNDED
