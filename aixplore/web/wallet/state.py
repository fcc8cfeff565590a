"""State of the token page: balance and tier, what the member earned, the next step, packs."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core import ratelimit
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, ValidationFailed
from aixplore.domain.wallet import earning, progress, purchases
from aixplore.domain.wallet import statement as wallet_statement
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.session import acting

# Opening Checkout sessions costs a call to Stripe each: a member gets a few an hour.
BUY_LIMIT = "10/hour"


def flip_request(payload: Any) -> bool | None:
    """The face asked for in a scene's flip event (``{"flipped": bool}``), or None if malformed."""
    if isinstance(payload, dict) and isinstance(payload.get("flipped"), bool):
        return payload["flipped"]
    return None


def rule_rows(earned: progress.Earned) -> list[dict[str, str]]:
    """One row per earning rule: what it gives, its limit and the member's progress."""
    rows = []
    for rule in earning.EARN_RULES:
        done = earned.count(rule)
        if rule is earning.WELCOME:
            limit, progress = "Once", "Earned" if done else "Not yet"
        else:
            limit = f"{rule.cap} a month"
            progress = f"{done} of {rule.cap} this month"
        rows.append(
            {
                "key": rule.key,
                "title": rule.title,
                "amount": f"+{rule.amount} ECE",
                "how": rule.how[:1].upper() + rule.how[1:] + ".",
                "limit": limit,
                "progress": progress,
                "full": "yes" if done >= rule.cap else "",
            }
        )
    return rows


class TokenState(rx.State):
    """The token on /token and /profile."""

    balance: int = 0
    tier: str = "bronze"
    next_tier: str = ""
    to_next_tier: int = 0
    flipped: bool = False
    flips: int = 0
    statement: list[dict[str, Any]] = []
    rules: list[dict[str, str]] = []
    step_text: str = ""
    step_label: str = ""
    step_href: str = ""
    step_claim: bool = False
    buying: bool = False
    returned_from_checkout: bool = False
    loaded: bool = False

    @rx.var
    def label(self) -> str:
        """The token's text equivalent."""
        return f"ECE token: {self.balance:,} tokens, {self.tier} tier"

    @rx.var
    def balance_text(self) -> str:
        """The balance with thousands separators."""
        return f"{self.balance:,}"

    @rx.var
    def progress(self) -> str:
        """How far the next tier is."""
        if not self.next_tier:
            return "Highest tier reached."
        return f"{self.to_next_tier:,} more tokens to {self.next_tier}."

    @rx.event
    async def load(self):
        """Read the balance (derived from the ledger), the newest entries and the earnings."""
        async with acting(self, also=wallet_statement.cache_keys) as actor:
            try:
                with read_scope() as db:
                    statement = wallet_statement.my_statement(db, actor)
            except DomainError as exc:
                # Also loaded on /profile: come back to the page the visitor asked for.
                return answer_error(exc, next_path=self.router.url.path or "/token")
        summary = statement.summary
        self.balance = summary.balance
        self.tier = summary.tier.value
        self.next_tier = summary.next_tier.value if summary.next_tier else ""
        self.to_next_tier = summary.to_next_tier
        self.statement = [
            {
                "id": line.transaction_id,
                "kind": progress.describe(line.reference, line.kind.value),
                "amount": f"{line.amount:+,}",
                "when": line.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            }
            for line in statement.lines
        ]
        self.buying = purchases.buying_enabled()
        self.rules = rule_rows(statement.earned)
        step = progress.next_step(
            statement.earned,
            statement.review,
            buying=self.buying,
            to_next=self.to_next_tier,
            tier=self.next_tier,
        )
        self.step_text, self.step_label = step.text, step.label
        self.step_href, self.step_claim = step.href, step.action == "claim"
        params = self.router.url.query_parameters
        self.returned_from_checkout = params.get("purchase") == "paid"
        self.loaded = True
        return None

    @rx.event
    async def claim_welcome(self):
        """Collect the welcome grant (members confirmed before it was made automatically)."""
        async with acting(self) as actor:
            try:
                with session_scope() as db:
                    outcome = earning.do_claim_welcome(db, actor)
            except DomainError as exc:
                return answer_error(exc, next_path="/token")
        message = (
            f"{outcome.amount} ECE welcome grant added."
            if outcome.granted
            else "You already have the welcome grant."
        )
        return [toast_ok(message), TokenState.load]

    @rx.event
    async def buy(self, pack: Any):
        """Open Stripe Checkout for a token pack (credited once Stripe confirms the payment)."""
        async with acting(self) as actor:
            try:
                if not purchases.buying_enabled():
                    raise ValidationFailed("Buying tokens is not available on this server.")
                purchases.pack_named(pack)
                if actor is not None:
                    ratelimit.hit(
                        BUY_LIMIT,
                        "token-buy",
                        str(actor.user_id),
                        message="Too many purchases started; try again later.",
                    )
                with session_scope() as db:
                    url = purchases.do_buy_pack(db, actor, pack)
            except DomainError as exc:
                return answer_error(exc, next_path="/token")
        return rx.redirect(url, is_external=True)

    @rx.event
    def flip(self, payload: dict):
        """The scene asks to show the other face (a click, Enter or Space on the coin)."""
        wanted = flip_request(payload)
        if wanted is not None:
            self.flipped = wanted
            self.flips += 1
