"""Copy trading for members: start a copy of a leader, pause, resume, stop, and see copies.

Rules (documented in the README as well):

- A leader must have a verified record of at least ``MIN_RECORD_DAYS`` days (from their first
  signal), at least ``MIN_DECIDED`` signals with an outcome from the feed, and a risk score
  (``metrics.risk_score``) of at most ``MAX_RISK``. Checked when a copy starts; a leader who
  stops meeting them keeps their copiers (each copy shows a notice) but gets no new ones.
- A leader has at most ``MAX_COPIERS`` copiers; one copy allocates ``MIN_ALLOCATION`` to
  ``MAX_ALLOCATION`` of virtual cash, never more than the follower's free paper cash (cash not
  held for open limit buys); one copy per follower and leader; nobody copies themselves.
- The copy stop is a drawdown of the allocation, 5 % to 95 %.
- "Copy open trades too" copies the leader's open signals at the price now; "only new ones"
  waits for the next signal. A paused copy opens nothing new; its open positions still close
  with the leader's. Stopping closes its positions at the last price and gives its equity
  back to the follower's paper cash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.users import require_actor
from aixplore.domain.trading import fanout
from aixplore.domain.trading.copy_models import (
    CopyPosition,
    CopyPositionStatus,
    CopyPublic,
    CopyStatus,
    TradingCopy,
)
from aixplore.domain.trading.feed import PriceFeed, get_feed
from aixplore.domain.trading.instruments import MICROS, money, parse_decimal, to_micros
from aixplore.domain.trading.metrics import daily_returns, risk_score, signal_return
from aixplore.domain.trading.models import TradingSignal
from aixplore.domain.trading.portfolio.books import _locked, _open_orders, _reserved_cash

MIN_RECORD_DAYS = 30
MIN_DECIDED = 10
MAX_RISK = 7
MAX_COPIERS = 10_000
MIN_ALLOCATION = 100 * MICROS
MAX_ALLOCATION = 50_000 * MICROS
LIVE = (CopyStatus.ACTIVE, CopyStatus.PAUSED)


@dataclass(frozen=True)
class LeaderRecord:
    """What the eligibility rules read of a leader's verified record."""

    days: int
    decided: int
    risk: int
    problems: tuple[str, ...]


def leader_record(session: Session, leader_id: int, now: datetime) -> LeaderRecord:
    """A leader's record length, decided signals and risk score, and the rules it misses."""
    signals = session.exec(select(TradingSignal).where(TradingSignal.trader_id == leader_id)).all()
    first = min((s.committed_at for s in signals), default=now)
    days = max((now.date() - first.date()).days, 0)
    returns = daily_returns(signals, [first.date() + timedelta(days=i) for i in range(days + 1)])
    decided = sum(1 for s in signals if signal_return(s) is not None)
    risk = risk_score(returns)
    problems = []
    if days < MIN_RECORD_DAYS:
        problems.append(f"a record of at least {MIN_RECORD_DAYS} days (theirs: {days})")
    if decided < MIN_DECIDED:
        problems.append(f"at least {MIN_DECIDED} decided signals (theirs: {decided})")
    if risk > MAX_RISK:
        problems.append(f"a risk score of at most {MAX_RISK} (theirs: {risk})")
    return LeaderRecord(days, decided, risk, tuple(problems))


def _stop_bp(value: Any) -> int:
    stop = parse_decimal(value, "Copy stop", field="stop_percent")
    if not Decimal(5) <= stop <= Decimal(95):
        raise ValidationFailed(
            "The copy stop is a drawdown of the allocation between 5 % and 95 %.",
            field="stop_percent",
        )
    return int((stop * 100).to_integral_value())


def do_start_copy(
    session: Session,
    actor: Actor | None,
    data: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> CopyPublic:
    """Start copying the leader ``data["leader_id"]`` with part of the actor's cash."""
    actor = require_actor(actor)
    feed, now = feed or get_feed(), now or utcnow()
    if not isinstance(data, dict):
        raise ValidationFailed("Fill in the copy form.")
    leader_id = data.get("leader_id")
    if (
        not isinstance(leader_id, int)
        or isinstance(leader_id, bool)
        or not 0 < leader_id < 2**31
        or session.get(User, leader_id) is None
    ):
        raise NotFound("No such trader.")
    if leader_id == actor.user_id:
        raise ValidationFailed("You cannot copy yourself.", field="leader")
    allocation = to_micros(parse_decimal(data.get("allocation"), "Allocation", field="allocation"))
    if not MIN_ALLOCATION <= allocation <= MAX_ALLOCATION:
        raise ValidationFailed(
            f"Allocate between {money(MIN_ALLOCATION)} and {money(MAX_ALLOCATION)} to one copy.",
            field="allocation",
        )
    stop_bp = _stop_bp(data.get("stop_percent"))
    mode = data.get("mode", "new")
    if mode not in ("new", "open"):
        raise ValidationFailed("Choose open trades too, or only new ones.", field="mode")
    portfolio = _locked(session, actor.user_id)
    if session.exec(
        select(TradingCopy.id).where(
            TradingCopy.follower_id == actor.user_id,
            TradingCopy.leader_id == leader_id,
            col(TradingCopy.status).in_(LIVE),
        )
    ).first():
        raise Conflict("You already copy this trader: see your copies.")
    record = leader_record(session, leader_id, now)
    if record.problems:
        raise PermissionDenied(
            "This trader cannot be copied: leaders need " + "; ".join(record.problems) + "."
        )
    copiers = session.exec(
        select(func.count())
        .select_from(TradingCopy)
        .where(TradingCopy.leader_id == leader_id, col(TradingCopy.status).in_(LIVE))
    ).one()
    if copiers >= MAX_COPIERS:
        raise Conflict(f"This trader already has {MAX_COPIERS:,} copiers, the most allowed.")
    free = portfolio.cash - _reserved_cash(_open_orders(session, portfolio.id or 0))
    if allocation > free:
        raise ValidationFailed(
            f"You have {money(max(free, 0))} of free virtual cash: "
            f"an allocation of {money(allocation)} is more.",
            field="allocation",
        )
    portfolio.cash -= allocation
    copy = TradingCopy(
        follower_id=actor.user_id,
        leader_id=leader_id,
        status=CopyStatus.ACTIVE,
        allocation=allocation,
        cash=allocation,
        stop_bp=stop_bp,
        copy_open=mode == "open",
        created_at=now,
    )
    session.add_all([portfolio, copy])
    session.flush()
    if copy.copy_open:
        fanout.open_existing(session, copy, feed=feed, now=now)
    return _public(session, [copy], feed, now)[0]


def _own_copy(session: Session, actor: Actor, copy_id: Any) -> TradingCopy:
    """The actor's own copy ``copy_id``, locked; anyone else's does not exist for them."""
    wanted = copy_id if isinstance(copy_id, int) and not isinstance(copy_id, bool) else 0
    copy = (
        session.get(TradingCopy, wanted, with_for_update=True, populate_existing=True)
        if 0 < wanted < 2**31  # ids are 32-bit integers (PostgreSQL refuses more)
        else None
    )
    if copy is None or copy.follower_id != actor.user_id:
        raise NotFound("No such copy.")
    if copy.status == CopyStatus.STOPPED:
        raise Conflict("This copy has stopped.")
    return copy


def do_pause_copy(
    session: Session, actor: Actor | None, copy_id: Any, *, paused: bool
) -> CopyPublic:
    """Pause the actor's copy (no new positions) or resume it."""
    actor = require_actor(actor)
    copy = _own_copy(session, actor, copy_id)
    copy.status = CopyStatus.PAUSED if paused else CopyStatus.ACTIVE
    session.add(copy)
    session.flush()
    return _public(session, [copy], get_feed(), utcnow())[0]


def do_stop_copy(
    session: Session,
    actor: Actor | None,
    copy_id: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> CopyPublic:
    """Stop the actor's copy: its positions close at the last price, its equity comes back."""
    actor = require_actor(actor)
    feed, now = feed or get_feed(), now or utcnow()
    portfolio = _locked(session, actor.user_id)
    copy = _own_copy(session, actor, copy_id)
    held = {
        p
        for p in session.exec(
            select(CopyPosition.instrument).where(
                CopyPosition.copy_id == copy.id, CopyPosition.status == CopyPositionStatus.OPEN
            )
        ).all()
    }
    prices = fanout.prices_now(feed, held, now)
    if held - prices.keys():
        raise Conflict(
            "The price feed is stale for "
            + ", ".join(sorted(held - prices.keys()))
            + ": a copy stops at a trusted price; try again when the feed is back."
        )
    fanout.end_copy(session, portfolio, copy, prices, now, "Stopped by you.")
    return _public(session, [copy], feed, now)[0]


def _public(
    session: Session, copies: list[TradingCopy], feed: PriceFeed, now: datetime
) -> list[CopyPublic]:
    live = [c.id for c in copies if c.status != CopyStatus.STOPPED]
    held = fanout._held_value(session, live, feed, now) if live else {}
    counts = dict(
        session.exec(
            select(CopyPosition.copy_id, func.count())
            .where(
                col(CopyPosition.copy_id).in_(live),
                CopyPosition.status == CopyPositionStatus.OPEN,
            )
            .group_by(col(CopyPosition.copy_id))
        ).all()
    )
    records: dict[int, LeaderRecord] = {}
    shown = []
    for c in copies:
        equity = (
            c.final_equity if c.status == CopyStatus.STOPPED else c.cash + held.get(c.id or 0, 0)
        )
        equity = equity or 0
        notice = c.note
        if c.status != CopyStatus.STOPPED:
            record = records.setdefault(c.leader_id, leader_record(session, c.leader_id, now))
            if record.problems:
                notice = (
                    "This trader no longer meets the rules for leaders ("
                    + "; ".join(record.problems)
                    + "): your copy goes on; new copies are refused."
                )
        pnl = equity - c.allocation
        shown.append(
            CopyPublic(
                id=c.id or 0,
                leader_id=c.leader_id,
                status=str(c.status),
                allocation=money(c.allocation),
                equity=money(equity),
                pnl=money(pnl),
                pnl_percent=f"{Decimal(pnl) * 100 / c.allocation:+.2f} %",
                stop_percent=f"{Decimal(c.stop_bp) / 100:g} %",
                open_positions=counts.get(c.id or 0, 0),
                notice=notice,
                equity_micros=equity,
            )
        )
    return shown


def list_my_copies(
    session: Session,
    actor: Actor | None,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> list[CopyPublic]:
    """The actor's copies, newest first: allocation, equity at the last price, P&L."""
    actor = require_actor(actor)
    copies = session.exec(
        select(TradingCopy)
        .where(TradingCopy.follower_id == actor.user_id)
        .order_by(col(TradingCopy.id).desc())
        .limit(100)
    ).all()
    return _public(session, list(copies), feed or get_feed(), now or utcnow())
