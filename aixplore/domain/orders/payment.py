"""Order wizard steps 4 and 5: the quote, promo codes and paying from the wallet.

Like the other order services, every function takes the acting user and authorizes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor, require_platform_admin
from aixplore.domain.orders.lifecycle import ORDER_QUEUED, lock_order, transition
from aixplore.domain.orders.models import EDITABLE, Order, OrderStatus, PaymentMethod, PromoCode
from aixplore.domain.orders.services import get_order, own_editable
from aixplore.domain.orders.spec import quote_for
from aixplore.domain.wallet.models import SystemAccount, TransactionKind
from aixplore.domain.wallet.services import system_account, transfer, user_account

QUOTE_VALID = timedelta(hours=1)


def _promo(session: Session, code: str) -> PromoCode:
    promo = session.exec(select(PromoCode).where(PromoCode.code == code.strip().upper())).first()
    now = utcnow()
    if (
        promo is None
        or not promo.active
        or (promo.expires_at is not None and promo.expires_at < now)
        or (promo.max_uses is not None and promo.uses >= promo.max_uses)
    ):
        raise ValidationFailed("That promo code is not valid.", field="promo_code")
    return promo


def do_quote(session: Session, actor: Actor | None, order_id: Any, promo_code: Any = "") -> Order:
    """Step 4: price the complete draft (draft or quoted -> quoted)."""
    order = own_editable(session, actor, order_id)
    if not order.repo_full_name:
        raise ValidationFailed("Pick a repository first (step 1).")
    if not order.requirements:
        raise ValidationFailed("Describe the app first (step 2).")
    if not order.configuration:
        raise ValidationFailed("Configure the branch first (step 3).")
    code = promo_code.strip().upper() if isinstance(promo_code, str) else ""
    percent = _promo(session, code).percent_off if code else 0
    order.promo_code = code or None
    order.quote = quote_for(order.requirements, order.scan, percent)
    order.price_tokens = order.quote["tokens"]
    order.quoted_at = utcnow()
    order.step = 5
    transition(session, order, OrderStatus.QUOTED, actor_user_id=require_actor(actor).user_id)
    return order


def lock_own_order(session: Session, actor: Actor, order_id: Any) -> Order:
    """The actor's own order, locked for paying (an admin sees every order but pays none)."""
    order = get_order(session, actor, order_id)
    if order.user_id != actor.user_id:
        raise NotFound("No such order.")
    return lock_order(session, order.id or 0)


def check_payable(order: Order, approve_write: Any) -> None:
    """Refuse to take payment without a fresh quote and approved write access."""
    if order.status != OrderStatus.QUOTED or not order.quote or not order.quoted_at:
        raise Conflict("Review the quote before paying.")
    if approve_write is not True:
        raise ValidationFailed(
            "Approve write access to the repository so the pull request can be opened.",
            field="approve_write",
        )
    if utcnow() - order.quoted_at > QUOTE_VALID:
        raise Conflict("The quote has expired; review it again.")


def do_pay_with_wallet(
    session: Session, actor: Actor | None, order_id: Any, approve_write: Any
) -> Order:
    """Step 5: pay the quote from the wallet and queue the order.

    A repeated submit finds the order already paid and charges nothing more (the payment's
    reference is unique per order, and the row is locked while paying).
    """
    actor = require_actor(actor)
    order = lock_own_order(session, actor, order_id)
    if order.status not in EDITABLE:
        return order  # already paid: a double submit changes nothing
    check_payable(order, approve_write)
    assert order.quote is not None
    if order.promo_code:
        _claim_promo(session, order.promo_code)
    price = int(order.quote["tokens"])
    payer = user_account(session, actor.user_id)
    orders = system_account(session, SystemAccount.ORDERS)
    assert payer.id is not None and orders.id is not None
    paid = transfer(
        session, payer.id, orders.id, price, TransactionKind.PAYMENT, f"order:{order.id}:payment"
    )
    order.price_tokens = price
    order.payment_method = PaymentMethod.WALLET.value
    order.payment_reference = paid.reference
    order.write_approved = True
    transition(session, order, OrderStatus.PAID, actor_user_id=actor.user_id, note="Wallet.")
    transition(session, order, OrderStatus.QUEUED)
    publish_after_commit(session, ORDER_QUEUED, order.id)
    return order


def _claim_promo(session: Session, code: str) -> None:
    promo = _promo(session, code)
    result = session.execute(
        update(PromoCode)
        .where(col(PromoCode.id) == promo.id)
        .where(
            (col(PromoCode.max_uses).is_(None)) | (col(PromoCode.uses) < col(PromoCode.max_uses))
        )
        .values(uses=col(PromoCode.uses) + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("That promo code has just been used up; review the quote again.")


class PromoInput(BaseModel):
    """An admin's new promo code."""

    code: str
    percent_off: int
    max_uses: int | None = None
    expires_at: datetime | None = None


def do_create_promo(session: Session, actor: Actor | None, data: Any) -> PromoCode:
    """Create a promo code (platform admins)."""
    require_platform_admin(actor, "create_promo")
    promo: PromoInput = parse_input(PromoInput, data)
    code = promo.code.strip().upper()
    if not 3 <= len(code) <= 40 or not code.replace("-", "").isalnum():
        raise ValidationFailed("A promo code has 3 to 40 letters, digits or dashes.")
    if not 1 <= promo.percent_off <= 100:
        raise ValidationFailed("The discount must be 1 to 100 percent.")
    if session.exec(select(PromoCode).where(PromoCode.code == code)).first():
        raise Conflict("That promo code exists already.")
    row = PromoCode(
        code=code,
        percent_off=promo.percent_off,
        max_uses=promo.max_uses,
        expires_at=promo.expires_at,
    )
    session.add(row)
    session.flush()
    return row
