"""Trader cards in the card showroom and in a member's gallery.

A trader's card is trading's (``board.card_from``): its rarity and foil come from the verified
all-time record on the leaderboard, never from anything the trader says. The showroom shows
every trader with a record (ranked first, best rank first); a gallery hangs the owner's own card
when they have a record and, in the owner's own view, the cards of the leaders they copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from aixplore.domain.accounts.models import User
from aixplore.domain.social.handles import ensure_profiles
from aixplore.domain.trading import board
from aixplore.domain.trading.board_models import LeaderboardRow, TraderCard
from aixplore.domain.trading.copy_models import CopyStatus, TradingCopy

PAGE_SIZE = 24
# A gallery's trader card ids sit above every solution id (both kinds share the room's ids).
TRADER_ID_BASE = 2**31
# The most trader cards one gallery hangs: the owner's and the leaders they copy.
GALLERY_TRADERS = 12


@dataclass(frozen=True)
class TraderShowcase:
    """A trader's card and the handle of the page it links to."""

    card: TraderCard
    handle: str

    @property
    def href(self) -> str:
        """The trader's page: their card, their sealed signals, "simulate this copy"."""
        return f"/traders/{self.handle}/chain"

    @property
    def rank_text(self) -> str:
        """ "#3", or "Unranked" before the record is long enough."""
        return f"#{self.card.rank}" if self.card.rank else "Unranked"

    def as_dict(self) -> dict[str, Any]:
        """The card as the showroom draws it (plain JSON)."""
        c = self.card
        return {
            **c.model_dump(exclude={"computed_at"}),
            "rank_text": self.rank_text,
            "initial": (c.name or "?")[:1].upper(),
            "hue": str(c.trader_id * 47 % 360),
            "href": self.href,
        }

    def room_dict(self) -> dict[str, Any]:
        """The card as the 3D gallery hangs it (the same keys as a solution's card)."""
        c = self.card
        return {
            "id": TRADER_ID_BASE + c.trader_id,
            "kind": "trader",
            "slug": "",
            "name": c.name[:200],
            "subtitle": f"Trader · {self.rank_text} · risk {c.risk}/10",
            "line": f"Return {c.total_return} · Sharpe {c.sharpe}",
            "rating": 0.0,
            "rating_text": "",
            "reviews": c.decided,
            "foil": c.foil,
            "rarity": c.rarity,
            "facts": f"{self.rank_text} · return {c.total_return} · Sharpe {c.sharpe} · "
            f"max drawdown {c.max_drawdown} · risk {c.risk}/10",
            "href": self.href,
            "card_href": "/cards?kind=traders",
        }


def _showcases(
    session: Session, rows: list[tuple[User, LeaderboardRow | None]]
) -> list[TraderShowcase]:
    ranked = board.ranked_count(session)
    profiles = ensure_profiles(session, [u.id for u, _ in rows if u.id is not None])
    return [
        TraderShowcase(board.card_from(user, row, ranked), profiles[user.id].handle)
        for user, row in rows
        if user.id in profiles
    ]


_SHOWN = (LeaderboardRow.period == "all", col(User.suspended_at).is_(None))


def trader_count(session: Session) -> int:
    """How many traders the showroom shows: those with an all-time record, not suspended."""
    return session.exec(
        select(func.count())
        .select_from(LeaderboardRow)
        .join(User, col(User.id) == col(LeaderboardRow.trader_id))
        .where(*_SHOWN)
    ).one()


def showroom_traders(session: Session, page: int) -> tuple[list[TraderShowcase], int, int, int]:
    """One page of trader cards (ranked first, by rank; then by record length), the total,
    the page shown and the number of pages."""
    total = trader_count(session)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = max(1, min(page, pages))
    rows = session.exec(
        select(User, LeaderboardRow)
        .join(LeaderboardRow, col(LeaderboardRow.trader_id) == col(User.id))
        .where(*_SHOWN)
        .order_by(
            case((col(LeaderboardRow.rank).is_(None), 1), else_=0),
            col(LeaderboardRow.rank),
            col(LeaderboardRow.record_days).desc(),
            col(User.id),
        )
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return _showcases(session, [(u, r) for u, r in rows]), total, page, pages


def gallery_traders(session: Session, owner_id: int, *, private_too: bool) -> list[TraderShowcase]:
    """The trader cards on ``owner_id``'s walls: their own (with a record), then, in their own
    view only (whom one copies is private), the leaders they copy."""
    wanted: list[int] = []
    if session.get(LeaderboardRow, ("all", owner_id)) is not None:
        wanted.append(owner_id)
    if private_too:
        leaders = session.exec(
            select(TradingCopy.leader_id)
            .where(
                TradingCopy.follower_id == owner_id,
                col(TradingCopy.status).in_([CopyStatus.ACTIVE, CopyStatus.PAUSED]),
            )
            .order_by(col(TradingCopy.created_at))
        ).all()
        wanted += [leader for leader in leaders if leader not in wanted]
    wanted = wanted[:GALLERY_TRADERS]
    if not wanted:
        return []
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(col(User.id).in_(wanted), col(User.suspended_at).is_(None))
        ).all()
    }
    rows = [(users[i], session.get(LeaderboardRow, ("all", i))) for i in wanted if i in users]
    return _showcases(session, rows)
