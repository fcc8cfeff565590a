"""Demo traders: signal histories over the simulated feed's past, decided, chained and ranked.

Five demo reviewers trade (``traders`` in ``vocabulary/community.json``): 17 signals
each over the last 75 days, published through the signal service itself with its ``now``
set to each signal's past moment. That service prices the entry against the feed at that
moment, chains and hashes the signal with that commitment time (``created_at`` equals
``committed_at``, as for a live signal), and records the feed item; the jobs that run after a
publish (telling followers, opening copies) run inline at the same moment, when nobody
follows or copies the traders yet. No handler can reach this: the handlers call the service
without ``now``, and a client's own time is refused.

Outcomes come only from ``outcomes.decide_outcomes`` reading the simulated candles after each
commitment time, run until the past is decided; the leaderboard is then recomputed once by
``leaderboard.recompute_leaderboard``. The seed writes no derived row itself. A trader's
skill is staged: with probability ``skill`` a trader takes the side the simulated price is
about to move to (the demo peeks at the seeded feed); the feed still decides every outcome.

A trader with a chain already is left alone, so a second run adds nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.demo.catalog import demo_actor
from aixplore.demo.content import community_vocabulary
from aixplore.demo.plan import reviewer_names
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.social.feed import do_fan_out
from aixplore.domain.trading import outcomes, signals
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.domain.trading.fanout import fan_out_signal
from aixplore.domain.trading.feed import PriceFeed, feed_problem, get_feed
from aixplore.domain.trading.instruments import BY_SYMBOL, MICROS
from aixplore.domain.trading.leaderboard import recompute_leaderboard
from aixplore.domain.trading.models import SignalChainHead, SignalStatus, TradingSignal

SEED = 20261210
HISTORY_DAYS = 75
RECENT_DAYS = 30  # the leaderboard's shortest period: enough decided signals in it too
OLDER_SIGNALS, RECENT_SIGNALS = 5, 12
PEEK = timedelta(hours=6)  # how far ahead a "skilled" call looks
DECIDE_PASSES = 12  # each pass reads up to 1,000 minutes past where the last one stopped


@dataclass
class TradingReport:
    """What the trading seed added."""

    traders: int = 0
    signals: int = 0
    decided: int = 0
    ranked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.traders} traders, {self.signals} signals, {self.decided} decided, "
            f"{self.ranked} ranked (3 months)"
        )


def trader_emails() -> list[str]:
    """The demo traders' sign-in emails (demo reviewers), in the vocabulary's order."""
    count = len(community_vocabulary()["traders"])
    return [email for _name, email in reviewer_names()[:count]]


def _moments(rng: random.Random, now: datetime) -> list[datetime]:
    """Commitment times, oldest first: some before the last month, more within it."""
    days = [rng.uniform(RECENT_DAYS + 1, HISTORY_DAYS) for _ in range(OLDER_SIGNALS)]
    days += [rng.uniform(1.5, RECENT_DAYS - 0.5) for _ in range(RECENT_SIGNALS)]
    # Whole minutes plus a few seconds: a commitment time is struck by the server clock.
    return sorted(
        (now - timedelta(days=d)).replace(second=rng.randrange(1, 59), microsecond=0) for d in days
    )


def _call(
    rng: random.Random, feed: PriceFeed, symbol: str, at: datetime, skill: float, size: str
) -> dict[str, str] | None:
    """A signal form at ``at`` (entry at the market, stop and target a fraction of a day's
    move away), or None when the feed has no trusted price then."""
    quote, later = feed.last_price(symbol, at), feed.last_price(symbol, at + PEEK)
    if quote is None or later is None or feed_problem(quote, at):
        return None
    inst = BY_SYMBOL[symbol]
    price = Decimal(quote.price) / MICROS
    width = price * Decimal(str(inst.volatility / math.sqrt(365) * rng.uniform(0.35, 0.7)))
    rises = later.price > quote.price
    long = rises if rng.random() < skill else not rises
    unit = Decimal(1).scaleb(-inst.decimals)
    reward = Decimal(str(rng.choice((1.2, 1.5, 2.0))))
    stop = price - width if long else price + width
    target = price + width * reward if long else price - width * reward
    return {
        "instrument": symbol,
        "direction": "long" if long else "short",
        "entry": str(price.quantize(unit)),
        "stop_loss": str(stop.quantize(unit)),
        "take_profit": str(target.quantize(unit)),
        "size_percent": size,
        "rationale": rng.choice(community_vocabulary()["rationales"]),
    }


@dataclass
class _Trader:
    """One demo trader being seeded: who, their style, and their own random stream."""

    actor: Actor
    spec: dict[str, Any]
    rng: random.Random
    published: int = 0


def _publish(session: Session, trader: _Trader, at: datetime, feed: PriceFeed) -> None:
    """Publish one past signal of ``trader`` at ``at``, with what its jobs do then."""
    spec, rng = trader.spec, trader.rng
    form = _call(rng, feed, rng.choice(spec["instruments"]), at, spec["skill"], spec["size"])
    if form is None:
        return
    signal = signals.do_publish_signal(session, trader.actor, form, feed=feed, now=at)
    # What the after-publish jobs do, at that moment: nobody follows or copies yet.
    outcomes.do_notify_followers(session, signal.id)
    fan_out_signal(session, signal.id, feed=feed, now=at)
    item = session.exec(
        select(FeedItem).where(
            FeedItem.kind == FeedKind.SIGNAL_PUBLISHED, FeedItem.subject_id == signal.id
        )
    ).one()
    item.created_at = at  # the feed shows when it was published
    session.add(item)
    do_fan_out(session, item.id or 0)
    trader.published += 1


def _decide_past(session: Session, feed: PriceFeed, now: datetime) -> int:
    """Run the outcome code until the signals older than a day have their outcome."""
    decided = 0
    for _ in range(DECIDE_PASSES):
        decided += outcomes.decide_outcomes(session, feed=feed, now=now)
        waiting = session.exec(
            select(TradingSignal.id).where(
                TradingSignal.status == SignalStatus.OPEN,
                col(TradingSignal.committed_at) < now - timedelta(days=1),
            )
        ).first()
        if waiting is None:
            break
    return decided


def seed_demo_trading(
    session: Session, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> TradingReport:
    """Give the demo traders their signal histories, decide them, rank them (needs the demo
    catalog's reviewers); nothing when every trader has a chain already."""
    feed = feed or get_feed()
    now = (now or utcnow()).replace(second=0, microsecond=0)
    report = TradingReport()
    specs = community_vocabulary()["traders"]
    users = {
        u.email: u for u in session.exec(select(User).where(col(User.email).in_(trader_emails())))
    }
    traders: list[_Trader] = []
    planned: list[tuple[datetime, int, _Trader]] = []
    for index, (email, spec) in enumerate(zip(trader_emails(), specs, strict=True)):
        user = users.get(email)
        if user is None or user.id is None or session.get(SignalChainHead, user.id) is not None:
            continue
        trader = _Trader(demo_actor(user), spec, random.Random(SEED + index))  # noqa: S311
        traders.append(trader)
        planned += [(at, index, trader) for at in _moments(trader.rng, now)]
    # Everyone's signals in time order, so ids (the feed's order) follow the clock.
    for at, _index, trader in sorted(planned, key=lambda p: (p[0], p[1])):
        _publish(session, trader, at, feed)
    report.traders = sum(1 for t in traders if t.published)
    report.signals = sum(t.published for t in traders)
    if not report.signals:
        return report
    report.decided = _decide_past(session, feed, now)
    recompute_leaderboard(session, now=now)
    report.ranked = len(
        session.exec(
            select(LeaderboardRow.trader_id).where(
                LeaderboardRow.period == "3m", col(LeaderboardRow.rank).is_not(None)
            )
        ).all()
    )
    return report
