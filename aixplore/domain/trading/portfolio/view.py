"""The member's own portfolio as shown: cash, positions at their last price, orders, curve."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.trading.feed import PriceFeed, feed_problem, get_feed
from aixplore.domain.trading.instruments import (
    QTY_SCALE,
    money,
    plain,
    price_text,
    value_micros,
)
from aixplore.domain.trading.models import (
    EquityPoint,
    PaperOrder,
    PortfolioPublic,
    PositionPublic,
)
from aixplore.domain.trading.portfolio.books import _held, _last_prices, ensure_portfolio
from aixplore.domain.trading.portfolio.orders import _order_public

CURVE_POINTS = 500


def get_my_portfolio(
    session: Session,
    actor: Actor | None,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> PortfolioPublic:
    """The actor's own portfolio: cash, positions at the last price, orders, equity curve."""
    actor = require_actor(actor)
    now = now or utcnow()
    source = feed or get_feed()
    portfolio = ensure_portfolio(session, actor.user_id)
    pid = portfolio.id or 0
    positions = _held(session, pid)
    prices = _last_prices(session, positions, source, now)
    problems = sorted(
        {
            problem
            for p in positions
            if p.quantity and (problem := feed_problem(source.last_price(p.instrument, now), now))
        }
    )
    shown: list[PositionPublic] = []
    unrealized_total = realized_total = held_value = 0
    for p in positions:
        value = value_micros(prices[p.instrument], p.quantity)
        unrealized = value - p.cost if p.quantity else 0
        unrealized_total += unrealized
        realized_total += p.realized
        held_value += value
        if not p.quantity and not p.realized:
            continue
        average = p.cost * QTY_SCALE // p.quantity if p.quantity else 0
        shown.append(
            PositionPublic(
                instrument=p.instrument,
                quantity=plain(p.quantity, QTY_SCALE),
                average_price=price_text(p.instrument, average) if p.quantity else "",
                last_price=price_text(p.instrument, prices[p.instrument]),
                value=money(value),
                unrealized=money(unrealized),
                realized=money(p.realized),
                unrealized_micros=unrealized,
            )
        )
    equity = portfolio.cash + held_value
    orders = session.exec(
        select(PaperOrder)
        .where(PaperOrder.portfolio_id == pid)
        .order_by(col(PaperOrder.id).desc())
        .limit(50)
    ).all()
    points = session.exec(
        select(EquityPoint.at, EquityPoint.equity)
        .where(EquityPoint.portfolio_id == pid)
        .order_by(col(EquityPoint.at).desc())
        .limit(CURVE_POINTS)
    ).all()
    curve = [(at, eq) for at, eq in reversed(points)] + [(now, equity)]
    change = Decimal(equity - portfolio.starting_cash) * 100 / portfolio.starting_cash
    return PortfolioPublic(
        id=pid,
        cash=money(portfolio.cash),
        equity=money(equity),
        starting_cash=money(portfolio.starting_cash),
        realized=money(realized_total),
        unrealized=money(unrealized_total),
        return_percent=f"{change:+.2f} %",
        equity_micros=equity,
        positions=shown,
        orders=[_order_public(o) for o in orders],
        curve=curve,
        feed_label=source.label,
        feed_problems=problems,
    )
