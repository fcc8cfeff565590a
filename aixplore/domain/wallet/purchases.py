"""Buying tokens: a few fixed packs, paid on Stripe Checkout, credited once when Stripe says so.

Starting a purchase records it (pack, tokens, price) and opens a Checkout session whose
metadata names the purchase. Tokens are credited only from a signature-verified
``checkout.session.completed`` (or ``checkout.session.async_payment_succeeded``) event
saying the session is paid, with the purchase row locked and the credit's reference
``purchase:<id>``: the same event delivered twice, even at the same moment, credits once.
Money is in integer cents, tokens in whole tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.wallet import services as ledger
from aixplore.domain.wallet.models import (
    PurchaseStatus,
    SystemAccount,
    TokenPurchase,
    TransactionKind,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenPack:
    """A pack of tokens for a fixed price."""

    key: str
    name: str
    tokens: int
    amount_cents: int
    currency: str = "EUR"

    @property
    def price(self) -> str:
        """The price as the page shows it (``EUR 50.00``)."""
        return f"{self.currency} {self.amount_cents // 100:,}.{self.amount_cents % 100:02d}"


# Orders price a token at EUR 0.05; bigger packs add tokens on top of that rate.
TOKEN_PACKS: tuple[TokenPack, ...] = (
    TokenPack("starter", "Starter", 200, 1_000),
    TokenPack("builder", "Builder", 1_100, 5_000),
    TokenPack("studio", "Studio", 5_750, 25_000),
)
PACKS = {pack.key: pack for pack in TOKEN_PACKS}
PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
METADATA_KEY = "token_purchase_id"
# (purchase id, pack) -> (Checkout session id, URL to send the browser to)
Checkout = Callable[[int, TokenPack], tuple[str, str]]


@dataclass(frozen=True)
class PackCheckout:
    """The card processor's adapter for token packs, registered by the composition root."""

    enabled: Callable[[], bool]
    # (purchase id, description, cents, currency, success URL, cancel URL) -> (session id, URL)
    create: Callable[[int, str, int, str, str, str], tuple[str, str]]


_pack_checkout: list[PackCheckout] = []


def register_pack_checkout(adapter: PackCheckout) -> None:
    """Make ``adapter`` the way token packs are paid for."""
    _pack_checkout[:] = [adapter]


def buying_enabled() -> bool:
    """Whether members can buy tokens here (a card processor is registered and configured)."""
    return bool(_pack_checkout) and _pack_checkout[0].enabled()


def pack_named(value: Any) -> TokenPack:
    """The pack called ``value``; ValidationFailed for anything else."""
    if not isinstance(value, str) or value not in PACKS:
        raise ValidationFailed("Choose one of the token packs.", field="pack")
    return PACKS[value]


def do_start_token_purchase(
    session: Session, actor: Actor | None, pack_key: Any, checkout: Checkout
) -> str:
    """Record a purchase of a pack and open its Checkout session; the URL to go to."""
    actor = require_actor(actor)
    pack = pack_named(pack_key)
    user = session.get(User, actor.user_id)
    if user is None or user.email_verified_at is None:
        raise Conflict("Confirm your email address before buying tokens.")
    purchase = TokenPurchase(
        user_id=actor.user_id,
        pack=pack.key,
        tokens=pack.tokens,
        amount_cents=pack.amount_cents,
        currency=pack.currency,
    )
    session.add(purchase)
    session.flush()
    assert purchase.id is not None
    checkout_id, url = checkout(purchase.id, pack)
    purchase.checkout_id = checkout_id
    session.add(purchase)
    session.flush()
    return url


def do_buy_pack(session: Session, actor: Actor | None, pack_key: Any) -> str:
    """Start buying a pack on the registered processor's page; the URL to send the browser to."""
    if not buying_enabled():
        raise ValidationFailed("Buying tokens is not available on this server.")
    adapter = _pack_checkout[0]
    base = get_settings().base_url.rstrip("/")

    def checkout(purchase_id: int, pack: TokenPack) -> tuple[str, str]:
        description = f"{pack.tokens:,} ECE tokens ({pack.name} pack)"
        success, cancel = f"{base}/token?purchase=paid", f"{base}/token"
        return adapter.create(
            purchase_id, description, pack.amount_cents, pack.currency, success, cancel
        )

    return do_start_token_purchase(session, actor, pack_key, checkout)


def is_token_purchase(event: dict[str, Any]) -> bool:
    """Whether a verified Stripe event is about a token purchase (not an order)."""
    checkout = (event.get("data") or {}).get("object") or {}
    return isinstance(checkout, dict) and METADATA_KEY in (checkout.get("metadata") or {})


def do_fulfill_token_purchase(session: Session, event: dict[str, Any]) -> str:
    """Credit the pack of a verified, paid Checkout event, once; the outcome in a word."""
    if event.get("type") not in PAID_EVENTS:
        return "ignored"
    checkout = event.get("data", {}).get("object", {})
    raw_id = str((checkout.get("metadata") or {}).get(METADATA_KEY, ""))
    if not raw_id.isdigit():
        raise ValidationFailed("The checkout session names no token purchase.")
    purchase = session.exec(
        select(TokenPurchase)
        .where(TokenPurchase.id == int(raw_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if purchase is None or purchase.id is None:
        raise NotFound("No such token purchase.")
    if purchase.status == PurchaseStatus.PAID:
        return "duplicate"
    if purchase.checkout_id != checkout.get("id"):
        raise Conflict("That checkout session is not this purchase's.")
    if checkout.get("payment_status") != "paid":
        return "unpaid"
    paid = int(checkout.get("amount_total") or 0)
    currency = str(checkout.get("currency") or "").upper()
    if paid != purchase.amount_cents or currency != purchase.currency:
        raise Conflict("The amount paid does not match the pack's price.")
    if purchase.user_id is None:
        # Paid, but the member was deleted meanwhile: nothing to credit; an admin refunds.
        log.error("paid token purchase without a member", extra={"purchase": purchase.id})
        return "no member"
    issuance = ledger.system_account(session, SystemAccount.ISSUANCE)
    wallet = ledger.user_account(session, purchase.user_id)
    assert issuance.id is not None and wallet.id is not None
    ledger.transfer(
        session,
        issuance.id,
        wallet.id,
        purchase.tokens,
        TransactionKind.PURCHASE,
        f"purchase:{purchase.id}",
    )
    purchase.status = PurchaseStatus.PAID
    purchase.paid_at = utcnow()
    purchase.payment_reference = str(checkout.get("payment_intent") or checkout.get("id"))[:120]
    session.add(purchase)
    session.flush()
    return "credited"
