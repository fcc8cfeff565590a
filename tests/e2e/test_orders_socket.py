"""Order handlers fired straight through the event socket as the wrong user are refused."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.domain.orders import payment
from aixplore.domain.orders.models import Order, OrderEvent, OrderStatus
from aixplore.web.orders.order_state import AdminOrdersState, OrderPageState
from aixplore.web.orders.wizard_state import WizardState
from tests.e2e.helpers import run_async
from tests.factories import actor_for, make_member, sign_in
from tests.support.orders import quoted_order
from tests.support.reflex_client import ReflexClient

pytestmark = pytest.mark.e2e


def test_another_users_order_cannot_be_read_edited_or_paid(app_url: str) -> None:
    victim = actor_for(sign_in(make_member().email))
    assert victim is not None
    victim_order = quoted_order(victim, grant=2_000)
    mallory = make_member()
    token = sign_in(mallory.email)

    async def attack() -> tuple:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            opened = await tab.hydrate(f"/order?id={victim_order}")
            own_draft = tab.state(WizardState).get("order_id")
            paid = await tab.call(WizardState.pay, form={"approve_write": "on"})
            saved = await tab.call(
                WizardState.save_requirements,
                form={"template": "nope", "entities": "x" * 30_000, "pages": 5},
            )
            page = await tab.hydrate(
                f"/orders/{victim_order}", params={"order_id": str(victim_order)}
            )
            return opened, own_draft, paid, saved, page, tab.state(OrderPageState)

    opened, own_draft, paid, saved, _page, order_state = run_async(attack())
    assert ("error", "No such order.") in opened.toasts, opened.updates
    assert own_draft != victim_order
    assert all("went wrong" not in t.message for r in (paid, saved) for t in r.toasts)
    assert any(t.level == "error" for t in saved.toasts)
    assert order_state.get("missing") is True
    with session_scope() as db:
        order = db.get(Order, victim_order)
        assert order is not None and order.status == OrderStatus.QUOTED


def test_order_page_refresh_follows_the_status(app_url: str) -> None:
    owner = make_member()
    token = sign_in(owner.email)
    actor = actor_for(token)
    assert actor is not None
    order_id = quoted_order(actor, grant=2_000)
    with session_scope() as db:
        payment.do_pay_with_wallet(db, actor, order_id, True)  # queued (no GitHub: it fails)
    from aixplore.jobs.orders import run_order

    run_order(order_id)  # into the queue the app's worker consumes

    async def watch() -> tuple:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            loaded = await tab.hydrate(f"/orders/{order_id}", params={"order_id": str(order_id)})
            first = tab.state(OrderPageState).get("view", {}).get("status")
            refreshed = None
            for _ in range(60):  # the app's worker runs the order (it fails: no GitHub)
                refreshed = await tab.call(OrderPageState.refresh, _done=None)
                if tab.state(OrderPageState).get("view", {}).get("status") == "refunded":
                    break
                await asyncio.sleep(0.5)
            assert refreshed is not None
            return loaded, first, refreshed, tab.state(OrderPageState).get("view", {})

    loaded, first, refreshed, view = run_async(watch())
    assert first in {"queued", "analyzing", "refunded"}
    assert view.get("status") == "refunded", (loaded.updates, refreshed.updates)
    assert "GitHub is not connected" in view.get("failure_reason", "")


def test_members_cannot_use_the_admin_order_controls(app_url: str) -> None:
    owner = actor_for(sign_in(make_member().email))
    assert owner is not None
    order_id = quoted_order(owner, grant=2_000)
    with session_scope() as db:
        payment.do_pay_with_wallet(db, owner, order_id, True)
    token = sign_in(make_member().email)

    async def attack() -> list:
        async with ReflexClient(app_url, cookies={"aixplore_session": token}) as tab:
            return [
                await tab.hydrate("/admin/orders"),
                await tab.call(AdminOrdersState.refund, order_id=order_id),
                await tab.call(AdminOrdersState.requeue, order_id=order_id),
            ]

    for result in run_async(attack()):
        assert ("error", "Only platform admins can do that.") in result.toasts, result.updates
    with session_scope() as db:
        order = db.get(Order, order_id)
        # The app's worker may run (and, with no GitHub, fail and refund) the order; the
        # refused admin refund itself changed nothing.
        assert order is not None
        assert "administrator" not in (order.failure_reason or "")
        events = db.exec(select(OrderEvent.note).where(OrderEvent.order_id == order_id)).all()
        assert not any("administrator" in note for note in events)
