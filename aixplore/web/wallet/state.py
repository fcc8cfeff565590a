"""State of the token scene: the signed-in user's balance and tier, and which face is up."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope
from aixplore.core.errors import DomainError
from aixplore.domain.wallet import statement as wallet_statement
from aixplore.web.feedback import answer_error
from aixplore.web.session import acting


def flip_request(payload: Any) -> bool | None:
    """The face asked for in a scene's flip event (``{"flipped": bool}``), or None if malformed."""
    if isinstance(payload, dict) and isinstance(payload.get("flipped"), bool):
        return payload["flipped"]
    return None


class TokenState(rx.State):
    """The token on /token and /profile."""

    balance: int = 0
    tier: str = "bronze"
    next_tier: str = ""
    to_next_tier: int = 0
    flipped: bool = False
    flips: int = 0
    statement: list[dict[str, Any]] = []
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
        """Read the balance (derived from the ledger) and the newest entries."""
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
                "kind": line.kind.value,
                "amount": f"{line.amount:+,}",
                "when": line.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            }
            for line in statement.lines
        ]
        self.loaded = True
        return None

    @rx.event
    def flip(self, payload: dict):
        """The scene asks to show the other face (a click, Enter or Space on the coin)."""
        wanted = flip_request(payload)
        if wanted is not None:
            self.flipped = wanted
            self.flips += 1
