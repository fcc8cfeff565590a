"""Order services: drafts, authorization, validation, quote rules, wallet payment, refunds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from aixplore.domain.orders import admin as order_admin
from aixplore.domain.orders import lifecycle, payment
from aixplore.domain.orders import services as orders
from aixplore.domain.orders.models import Order, OrderEvent, OrderStatus
from aixplore.domain.orders.spec import quote_for
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import SystemAccount, WalletTransaction
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.support.orders import REQUIREMENTS, configuration, quoted_order


def _actor(admin: bool = False):
    user = make_admin() if admin else make_member()
    actor = actor_for(sign_in(user.email))
    assert actor is not None
    return actor


def _balance(user_id: int) -> int:
    with session_scope() as db:
        return wallet.user_balance(db, user_id)


def _req(**changes: Any) -> dict[str, Any]:
    return {**REQUIREMENTS, **changes}


def test_draft_is_saved_at_every_step_and_resumed_from_another_session() -> None:
    owner = _actor()
    with session_scope() as db:
        oid = orders.do_create_draft(db, owner).id
        orders.do_save_repository(db, owner, oid, {"repo_full_name": "octo/app"}, None)
    # A second device: a new sign-in of the same user reads the same draft.
    other_device = actor_for(sign_in(owner.email))
    with session_scope() as db:
        order = orders.get_order(db, other_device, oid)
        assert order.repo_full_name == "octo/app" and order.step == 2
        orders.do_save_requirements(db, other_device, oid, REQUIREMENTS)
        orders.do_save_configuration(db, other_device, oid, configuration())
    with session_scope() as db:
        view = orders.order_view(orders.get_order(db, owner, oid))
    assert view["step"] == 4 and view["template"] == "api_service"
    assert view["configuration"]["branch_name"] == "aixplore/library"


def test_only_the_owner_sees_or_changes_an_order_and_admins_see_all() -> None:
    owner, stranger, admin = _actor(), _actor(), _actor(admin=True)
    oid = quoted_order(owner)
    with session_scope() as db:
        with pytest.raises(NotFound):
            orders.get_order(db, stranger, oid)
        with pytest.raises(NotFound):
            orders.do_save_requirements(db, stranger, oid, REQUIREMENTS)
        with pytest.raises(NotFound):
            payment.do_pay_with_wallet(db, stranger, oid, True)
        with pytest.raises(NotAuthenticated):
            orders.get_order(db, None, oid)
        assert orders.get_order(db, admin, oid).id == oid
        # An admin can look but cannot pay for or edit someone's order.
        with pytest.raises(NotFound):
            payment.do_pay_with_wallet(db, admin, oid, True)
        assert [o.id for o in orders.list_all_orders(db, admin)] == [oid]
        assert orders.list_my_orders(db, stranger) == []
        with pytest.raises(Exception, match="Only platform admins"):
            orders.list_all_orders(db, owner)


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        (_req(template="blockchain_dapp"), "Unknown template"),
        (
            _req(entities=[{"name": "class", "fields": [{"name": "x", "type": "text"}]}]),
            "PascalCase",
        ),
        (
            _req(entities=[{"name": "Import", "fields": [{"name": "def", "type": "text"}]}]),
            "reserved",
        ),
        (
            _req(entities=[{"name": "Thing", "fields": [{"name": "size", "type": "blob"}]}]),
            "Input should be",
        ),
        (
            _req(
                entities=[
                    {"name": f"E{i}x", "fields": [{"name": "a", "type": "text"}]} for i in range(13)
                ]
            ),
            "at most 12",
        ),
        (
            _req(
                entities=[
                    {
                        "name": "Thing",
                        "fields": [{"name": f"f{i}", "type": "text"} for i in range(31)],
                    }
                ]
            ),
            "at most 30",
        ),
        (_req(notes="x" * 5000), "too long"),
        (_req(pages=["Home Page"]), "lower-case"),
        ("not a dict", "could not be read"),
    ],
)
def test_bad_requirements_get_clear_messages(requirements: Any, message: str) -> None:
    owner = _actor()
    with session_scope() as db:
        oid = orders.do_create_draft(db, owner).id
        with pytest.raises(ValidationFailed, match=message):
            orders.do_save_requirements(db, owner, oid, requirements)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"branch_name": "bad..branch"}, "branch name"),
        ({"root_dir": "../etc"}, "relative path"),
        ({"framework": "cobol"}, "Choose a framework"),
        ({"env_vars": [{"name": "HUGE", "value": "x" * 5000}]}, "too long"),
        ({"env_vars": [{"name": "lower", "value": "v"}]}, "UPPER_CASE"),
        ({"env_vars": [{"name": "TOKEN", "value": "", "secret": True}]}, "Enter a value"),
    ],
)
def test_bad_configuration_gets_clear_messages(changes: dict[str, Any], message: str) -> None:
    owner = _actor()
    with session_scope() as db:
        oid = orders.do_create_draft(db, owner).id
        with pytest.raises(ValidationFailed, match=message):
            orders.do_save_configuration(db, owner, oid, configuration(**changes))


def test_secret_env_values_are_encrypted_and_never_echoed_back() -> None:
    owner = _actor()
    oid = quoted_order(owner)
    with session_scope() as db:
        order = orders.get_order(db, owner, oid)
        stored = next(v for v in order.env_vars or [] if v["name"] == "API_KEY")
        assert "s3cr3t-value" not in str(order.env_vars)
        assert "s3cr3t-value" not in str(orders.order_view(order))
        assert orders.secret_value(order, "API_KEY") == "s3cr3t-value"
        # Saving the step again with the mask keeps the stored secret.
        cfg = configuration()
        cfg["env_vars"][0]["value"] = orders.SECRET_MASK
        orders.do_save_configuration(db, owner, oid, cfg)
        order = orders.get_order(db, owner, oid)
        assert orders.secret_value(order, "API_KEY") == "s3cr3t-value"
        assert stored["value_encrypted"].startswith("v1.")


def test_quote_follows_the_documented_rules() -> None:
    # api_service 350 + 2 entities x 60 + 8 fields x 8 + 2 pages x 30 + sign-in 120 = 714.
    quote = quote_for(REQUIREMENTS, None)
    assert quote["tokens"] == 714 and quote["money_cents"] == 714 * 5
    assert quote["minutes"] == 3 + 2 + 1
    large = quote_for(REQUIREMENTS, {"file_count": 5000})
    assert large["tokens"] == 714 + 71
    assert quote_for(REQUIREMENTS, None, percent_off=100)["tokens"] == 100  # the floor


def test_promo_codes_discount_and_run_out() -> None:
    admin, owner = _actor(admin=True), _actor()
    with session_scope() as db:
        payment.do_create_promo(db, admin, {"code": "launch-20", "percent_off": 20, "max_uses": 1})
        with pytest.raises(Exception, match="Only platform admins"):
            payment.do_create_promo(db, owner, {"code": "FREE", "percent_off": 100})
    oid = quoted_order(owner)
    with session_scope() as db, pytest.raises(ValidationFailed, match="not valid"):
        payment.do_quote(db, owner, oid, "NOPE")
    with session_scope() as db:
        order = payment.do_quote(db, owner, oid, "launch-20")
        assert order.price_tokens == 714 - 142
        payment.do_pay_with_wallet(db, owner, oid, True)
    second = quoted_order(owner, grant=0)
    with session_scope() as db, pytest.raises(ValidationFailed, match="not valid"):
        payment.do_quote(db, owner, second, "LAUNCH-20")


def test_paying_charges_once_queues_and_records_each_transition() -> None:
    owner = _actor()
    oid = quoted_order(owner, grant=1_000)
    with session_scope() as db, pytest.raises(ValidationFailed, match="Approve write access"):
        payment.do_pay_with_wallet(db, owner, oid, False)
    with session_scope() as db:
        order = payment.do_pay_with_wallet(db, owner, oid, True)
        assert order.status == OrderStatus.QUEUED and order.write_approved
    with session_scope() as db:  # double submit
        payment.do_pay_with_wallet(db, owner, oid, True)
        history = [(e.from_status, e.to_status) for e in orders.order_history(db, owner, oid)]
        payments = db.exec(
            select(WalletTransaction).where(WalletTransaction.reference == f"order:{oid}:payment")
        ).all()
    assert len(payments) == 1 and _balance(owner.user_id) == 1_000 - 714
    assert history == [
        ("draft", "quoted"),
        ("quoted", "paid"),
        ("paid", "queued"),
    ]
    with session_scope() as db, pytest.raises(Conflict, match="paid"):
        orders.do_save_requirements(db, owner, oid, REQUIREMENTS)


def test_concurrent_double_submit_charges_once() -> None:
    owner = _actor()
    oid = quoted_order(owner, grant=1_000)

    def pay() -> str:
        try:
            with session_scope() as db:
                return payment.do_pay_with_wallet(db, owner, oid, True).status.value
        except Conflict as exc:
            return exc.message

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: pay(), range(4)))
    assert all(r == "queued" for r in results), results
    assert _balance(owner.user_id) == 1_000 - 714


def test_not_enough_tokens_is_refused_and_the_order_stays_quoted() -> None:
    owner = _actor()
    oid = quoted_order(owner, grant=100)
    with session_scope() as db, pytest.raises(Conflict, match="Not enough tokens"):
        payment.do_pay_with_wallet(db, owner, oid, True)
    with session_scope() as db:
        assert orders.get_order(db, owner, oid).status == OrderStatus.QUOTED


def test_state_machine_refuses_invalid_moves_and_failure_refunds() -> None:
    owner = _actor()
    oid = quoted_order(owner, grant=1_000)
    with session_scope() as db:
        order = db.get(Order, oid)
        assert order is not None
        with pytest.raises(Conflict, match="cannot become delivered"):
            lifecycle.transition(db, order, OrderStatus.DELIVERED)
        payment.do_pay_with_wallet(db, owner, oid, True)
    with session_scope() as db:
        assert lifecycle.advance(db, oid, OrderStatus.QUEUED, OrderStatus.ANALYZING)
        assert not lifecycle.advance(db, oid, OrderStatus.QUEUED, OrderStatus.ANALYZING)
    with session_scope() as db:
        lifecycle.fail_and_refund(db, oid, "The generated tests failed.")
    with session_scope() as db:
        lifecycle.fail_and_refund(db, oid, "again")  # a retry changes nothing
        order = db.get(Order, oid)
        assert order is not None and order.status == OrderStatus.REFUNDED
        assert order.failure_reason == "The generated tests failed."
        events = db.exec(
            select(OrderEvent.to_status)
            .where(OrderEvent.order_id == oid)
            .order_by(col(OrderEvent.id))  # PostgreSQL returns rows in no set order otherwise
        ).all()
        assert events[-2:] == ["failed", "refunded"]
        orders_account = wallet.system_account(db, SystemAccount.ORDERS)
        assert wallet.balance_of(db, orders_account.id or 0) == 0
        assert wallet.ledger_is_balanced(db)
    assert _balance(owner.user_id) == 1_000


def test_custom_version_of_a_solution_prefills_requirements() -> None:
    from tests.factories import make_solution

    owner = _actor()
    slug = make_solution(owner.email).slug
    with session_scope() as db:
        order = orders.do_create_draft(db, owner, slug)
        assert order.solution_slug == slug
        assert "custom version" in (order.requirements or {})["notes"]
        with pytest.raises(NotFound):
            orders.do_create_draft(db, owner, "no-such-solution")


def test_admins_requeue_and_refund_paid_orders_members_cannot() -> None:
    owner, admin = _actor(), _actor(admin=True)
    oid = quoted_order(owner, grant=1_000)
    with session_scope() as db:
        with pytest.raises(Conflict, match="in the pipeline"):
            order_admin.do_admin_requeue(db, admin, oid)
        payment.do_pay_with_wallet(db, owner, oid, True)
    with session_scope() as db:
        with pytest.raises(Exception, match="Only platform admins"):
            order_admin.do_admin_refund(db, owner, oid, "mine")
        with pytest.raises(Exception, match="Only platform admins"):
            order_admin.do_admin_requeue(db, owner, oid)
        lifecycle.claim_lease(db, oid)
        assert order_admin.do_admin_requeue(db, admin, oid).lease_until is None
    with session_scope() as db:
        order = order_admin.do_admin_refund(db, admin, oid, "GitHub was down all day")
        assert order.status == OrderStatus.REFUNDED
        assert "GitHub was down all day" in (order.failure_reason or "")
    assert _balance(owner.user_id) == 1_000
