"""POST /api/stripe/webhook: Stripe's signed events (card-paid orders and token packs)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from aixplore.core.db import session_scope
from aixplore.domain.orders.card import do_fulfill_checkout
from aixplore.domain.wallet.purchases import do_fulfill_token_purchase, is_token_purchase
from aixplore.integrations.stripe_checkout import verify_event

router = APIRouter()


@router.post("/api/stripe/webhook")
async def stripe_webhook(request: Request) -> dict[str, object]:
    """Verify the signature with the stripe SDK, then fulfil (idempotent per order or pack)."""
    event = verify_event(await request.body(), request.headers.get("stripe-signature"))
    with session_scope() as db:
        if is_token_purchase(event):
            outcome = do_fulfill_token_purchase(db, event)
        else:
            outcome = do_fulfill_checkout(db, event)
    return {"received": True, "outcome": outcome}
