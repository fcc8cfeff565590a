"""The leaderboard page's state, and a trader's card and "Simulate this copy" on their page.

Every handler is a public endpoint: filters and form values go to the domain services, which
refuse anything malformed; the trader is the handle in the page's URL; nobody's identity is
read from an argument.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core import ratelimit
from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.social.handles import resolve_handle
from aixplore.domain.social.people import person_cards
from aixplore.domain.trading import board, simulation
from aixplore.domain.trading.board_models import TraderCard
from aixplore.domain.trading.feed import get_feed
from aixplore.web.feedback import pick
from aixplore.web.trading.charts import line_svg

SIMULATE_LIMIT = "20/minute"
RISK_CHOICES = [(str(n), f"{n} or less") for n in range(10, 0, -1)]


# The simulate form's inputs -> the service's fields (the copy form on the same page has its
# own allocation and stop, so these inputs are named apart).
SIMULATE_FIELDS = {
    "sim_allocation": "allocation",
    "sim_stop_percent": "stop_percent",
    "period": "period",
}


def page_handle(state: rx.State) -> str:
    """The trader's handle in /traders/<handle>/chain (from the path when the params lack it).

    After a client-side link click the route's params can be empty in the first event,
    while the path is right.
    """
    raw = state.router.page.params.get("handle")
    if isinstance(raw, str) and raw:
        return raw
    parts = state.router.url.path.strip("/").split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "traders" else ""


def _risk(value: Any) -> Any:
    """A select's risk value as an integer (anything else passes on, for the service to refuse)."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else value


class LeaderboardState(rx.State):
    """/trading/leaderboard: ranked traders of a period, filtered, a page at a time."""

    period: str = "3m"
    max_risk: str = "10"
    copyable_only: bool = False
    page: int = 0
    entries: list[dict[str, Any]] = []
    ranked: int = 0
    unranked: int = 0
    computed: str = ""
    has_more: bool = False
    error: str = ""

    def _read(self) -> None:
        try:
            with session_scope() as db:
                shown = board.list_board(
                    db,
                    self.period,
                    max_risk=_risk(self.max_risk),
                    copyable_only=self.copyable_only,
                    offset=self.page * board.PAGE_SIZE,
                )
                people = person_cards(db, {e.trader_id for e in shown.entries})
        except DomainError as exc:
            self.error, self.entries = exc.message, []
            return
        self.error = ""
        self.ranked, self.unranked, self.has_more = shown.ranked, shown.unranked, shown.has_more
        self.computed = (
            shown.computed_at.strftime("%d %b %Y, %H:%M UTC") if shown.computed_at else ""
        )
        self.entries = [
            {
                **e.model_dump(),
                "rank": str(e.rank or ""),
                "name": people[e.trader_id].name if e.trader_id in people else "A trader",
                "href": f"/traders/{people[e.trader_id].handle}/chain"
                if e.trader_id in people
                else "",
                "record": f"{e.record_days} d · {e.decided} signals",
            }
            for e in shown.entries
        ]

    @rx.event
    def load(self):
        """Read the first page with the chosen filters."""
        self.page = 0
        self._read()

    @rx.event
    def apply(self, form: Any):
        """Show the period and filters the form names."""
        data = pick(form, "period", "max_risk", "copyable")
        if not isinstance(data, dict):
            self.error = "Choose a period and filters."
            return
        period, risk = data.get("period", "3m"), data.get("max_risk", "10")
        self.period = period if isinstance(period, str) else ""
        self.max_risk = risk if isinstance(risk, str) else ""
        self.copyable_only = data.get("copyable") == "on"
        self.page = 0
        self._read()

    @rx.event
    def turn(self, forward: Any):
        """The next page (``forward`` true) or the previous one."""
        if forward is True and self.has_more:
            self.page += 1
        elif forward is False and self.page > 0:
            self.page -= 1
        self._read()


def card_row(card: TraderCard) -> dict[str, Any]:
    """A trader card as the card face reads it (here and on the profile)."""
    return {
        **card.model_dump(exclude={"computed_at"}),
        "rank_text": f"#{card.rank}" if card.rank else "Unranked",
        "initial": (card.name or "?")[:1].upper(),
        "hue": str(card.trader_id * 47 % 360),
    }


class TraderState(rx.State):
    """A trader's card and the "Simulate this copy" form on their chain page."""

    card: dict[str, Any] = {}
    result: dict[str, Any] = {}
    curve: str = ""
    error: str = ""

    def _trader_id(self, db: Any) -> int:
        profile, _old = resolve_handle(db, page_handle(self))
        return profile.user_id

    @rx.event
    def load(self):
        """Read the card of the trader in the URL."""
        self.result, self.curve, self.error = {}, "", ""
        try:
            with session_scope() as db:
                card = board.trader_card(db, self._trader_id(db))
        except DomainError:
            self.card = {}
            return
        self.card = card_row(card)

    @rx.event
    def simulate(self, form: Any):
        """Replay the trader's committed history with the form's allocation, stop and period."""
        sim = pick(form, *SIMULATE_FIELDS)
        data = (
            {name: sim[field] for field, name in SIMULATE_FIELDS.items() if field in sim}
            if isinstance(sim, dict)
            else sim  # anything else goes on for the service to refuse
        )
        try:
            # Anyone may simulate; a replay costs real work, so each address gets a few a minute.
            ratelimit.hit(
                SIMULATE_LIMIT,
                "trading-simulate",
                self.router.session.client_ip or "unknown",
                message="Too many simulations at once; try again in a minute.",
            )
            with session_scope() as db:
                shown = simulation.simulate_copy(db, self._trader_id(db), data)
        except DomainError as exc:
            self.error, self.result, self.curve = exc.message, {}, ""
            return
        self.error = ""
        span = f"{shown.start:%d %b %Y} to {shown.end:%d %b %Y}"
        self.result = shown.model_dump(exclude={"curve", "start", "end", "final_micros"}) | {
            "span": span,
            "rising": not shown.pnl.startswith("-"),
        }
        self.curve = line_svg(
            shown.curve, f"Equity of the simulated copy, day by day, {span} ({get_feed().label})"
        )
