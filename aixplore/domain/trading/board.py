"""Reading the leaderboard (its precomputed rows) and traders' cards from it.

Rarity of a trader's card comes from the verified record only (the leaderboard's all-time
row, itself computed from feed-decided outcomes): a card is as rare as the first rule it
meets, rarest first; an unranked trader's card is common.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.domain.accounts.models import User
from aixplore.domain.foils import RARITY_NAMES, Foil
from aixplore.domain.trading.board_models import BoardEntry, LeaderboardRow, TraderCard
from aixplore.domain.trading.leaderboard import PERIODS
from aixplore.domain.trading.models import SignalChainHead

PAGE_SIZE = 50
# (foil, largest rank as a share of the ranked traders, lowest Sharpe band low end).
TRADER_RARITY: tuple[tuple[Foil, float, float], ...] = (
    (Foil.SECRET, 0.01, 1.0),
    (Foil.RAINBOW, 0.05, 0.5),
    (Foil.REVERSE, 0.25, 0.0),
)


def _percent(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    # Rounded first, and -0.0 made 0.0: a loss too small to show reads "+0.00 %", not "-0.00 %".
    return f"{round(value * 100, digits) + 0.0:+.{digits}f} %"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _hold(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} d"


def entry_of(row: LeaderboardRow) -> BoardEntry:
    """A row's figures as the page shows them."""
    band = (
        f"{row.sharpe_low:.2f} to {row.sharpe_high:.2f}"
        if row.sharpe_low is not None and row.sharpe_high is not None
        else "—"
    )
    return BoardEntry(
        trader_id=row.trader_id,
        rank=row.rank,
        total_return=_percent(row.total_return),
        sharpe=_ratio(row.sharpe),
        sharpe_band=band,
        sortino=_ratio(row.sortino),
        # Adding 0.0 turns a rounded -0.0 into 0.0.
        max_drawdown=f"{round(row.max_drawdown * 100, 1) + 0.0:.1f} %",
        win_rate="—" if row.win_rate is None else f"{row.win_rate * 100:.0f} %",
        avg_hold=_hold(row.avg_hold_hours),
        risk=row.risk,
        record_days=row.record_days,
        decided=row.decided,
        copyable=row.copyable,
        rising=row.total_return >= 0,
    )


@dataclass(frozen=True)
class BoardPage:
    """One page of the leaderboard and what the page says about it."""

    entries: list[BoardEntry]
    ranked: int
    unranked: int
    computed_at: datetime | None
    has_more: bool


def _period(value: Any) -> str:
    if not isinstance(value, str) or value not in PERIODS:
        raise ValidationFailed("Choose a period: 1m, 3m, 1y or all.", field="period")
    return value


def list_board(
    session: Session,
    period: Any = "3m",
    *,
    max_risk: Any = 10,
    copyable_only: Any = False,
    offset: Any = 0,
) -> BoardPage:
    """Ranked traders of ``period``, best first, filtered by risk score and copyability."""
    period = _period(period)
    if isinstance(max_risk, bool) or not isinstance(max_risk, int) or not 1 <= max_risk <= 10:
        raise ValidationFailed("The risk score filter is 1 to 10.", field="max_risk")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= 100_000:
        raise ValidationFailed("No such page of the leaderboard.", field="offset")
    where = [
        LeaderboardRow.period == period,
        col(LeaderboardRow.rank).is_not(None),
        LeaderboardRow.risk <= max_risk,
    ]
    if copyable_only is True:
        where.append(col(LeaderboardRow.copyable).is_(True))
    rows = session.exec(
        select(LeaderboardRow)
        .where(*where)
        .order_by(col(LeaderboardRow.rank))
        .offset(offset)
        .limit(PAGE_SIZE + 1)
    ).all()
    counts = dict(
        session.exec(
            select(col(LeaderboardRow.rank).is_(None), func.count())
            .where(LeaderboardRow.period == period)
            .group_by(col(LeaderboardRow.rank).is_(None))
        ).all()
    )
    computed = session.exec(
        select(func.max(LeaderboardRow.computed_at)).where(LeaderboardRow.period == period)
    ).one()
    return BoardPage(
        entries=[entry_of(r) for r in rows[:PAGE_SIZE]],
        ranked=int(counts.get(False, 0)),
        unranked=int(counts.get(True, 0)),
        computed_at=computed,
        has_more=len(rows) > PAGE_SIZE,
    )


def foil_of(rank: int | None, ranked: int, sharpe_low: float | None) -> Foil:
    """The foil a verified record earns: its rank among the ranked and its Sharpe band."""
    if rank is None or ranked <= 0 or sharpe_low is None:
        return Foil.REGULAR
    for foil, share, low in TRADER_RARITY:
        if rank / ranked <= share and sharpe_low >= low:
            return foil
    return Foil.REGULAR


def trader_card(session: Session, trader_id: Any) -> TraderCard:
    """A trader's card data (for the 2D card here and the 3D showroom) from their record."""
    if isinstance(trader_id, bool) or not isinstance(trader_id, int) or not 0 < trader_id < 2**31:
        raise NotFound("No such trader.")
    user = session.get(User, trader_id)
    if user is None:
        raise NotFound("No such trader.")
    return card_from(user, session.get(LeaderboardRow, ("all", trader_id)), ranked_count(session))


def ranked_count(session: Session) -> int:
    """How many traders the all-time board ranks (the base of a card's rarity)."""
    return session.exec(
        select(func.count())
        .select_from(LeaderboardRow)
        .where(LeaderboardRow.period == "all", col(LeaderboardRow.rank).is_not(None))
    ).one()


def card_from(user: User, row: LeaderboardRow | None, ranked: int) -> TraderCard:
    """The card of ``user`` from their all-time row (None: no record yet, a common card)."""
    foil = foil_of(row.rank, ranked, row.sharpe_low) if row else Foil.REGULAR
    entry = entry_of(row) if row else None
    return TraderCard(
        trader_id=user.id or 0,
        name=user.display_name or "A trader",
        foil=foil.value,
        rarity=RARITY_NAMES[foil],
        rank=row.rank if row else None,
        total_return=entry.total_return if entry else "—",
        sharpe=entry.sharpe if entry else "—",
        max_drawdown=entry.max_drawdown if entry else "—",
        win_rate=entry.win_rate if entry else "—",
        risk=row.risk if row else 1,
        record_days=row.record_days if row else 0,
        decided=row.decided if row else 0,
        computed_at=row.computed_at if row else None,
    )


def profile_trader_card(session: Session, user_id: int) -> TraderCard | None:
    """The card a profile shows: the person's trader card once they have published a signal."""
    head = session.get(SignalChainHead, user_id)
    if head is None or head.length <= 0:
        return None
    return trader_card(session, user_id)
