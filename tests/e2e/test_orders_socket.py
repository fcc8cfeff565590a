"""Order handlers fired straight through the event socket as the wrong user are refused."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.web.orders.order_state import OrderPageState
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
            page = await tab.hydrate(f"/orders/{victim_order}")
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
