"""A paper portfolio's books: its cash, positions, reservations, fills and equity.

What orders and the portfolio view share: opening and locking a portfolio, the cash and
holdings that open limit orders reserve, the affordability check, a fill moving cash and a
position, and equity at the last prices (the hourly equity point too).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from aixplore.core.errors import ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.trading.feed import PriceFeed, get_feed
from aixplore.domain.trading.instruments import (
    MICROS,
    QTY_SCALE,
    money,
    plain,
    value_micros,
)
from aixplore.domain.trading.models import (
    EquityPoint,
    OrderSide,
    OrderStatus,
    PaperOrder,
    PaperPortfolio,
    PaperPosition,
)

STARTING_CASH = 100_000 * MICROS
SLIPPAGE_BP = 5
FEE_BP = 10


def ensure_portfolio(session: Session, user_id: int) -> PaperPortfolio:
    """The member's paper portfolio, opened with ``STARTING_CASH`` on first need."""
    found = session.exec(select(PaperPortfolio).where(PaperPortfolio.owner_id == user_id)).first()
    if found is not None:
        return found
    portfolio = PaperPortfolio(owner_id=user_id, cash=STARTING_CASH, starting_cash=STARTING_CASH)
    session.add(portfolio)
    session.flush()
    session.add(EquityPoint(portfolio_id=portfolio.id or 0, equity=STARTING_CASH))
    session.flush()
    return portfolio


def _locked(session: Session, user_id: int) -> PaperPortfolio:
    """The member's portfolio, its row locked until commit (orders on it queue up)."""
    portfolio = ensure_portfolio(session, user_id)
    locked = session.get(PaperPortfolio, portfolio.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    return locked


def fee_of(value: int) -> int:
    """The fee on a fill of ``value`` micro-units."""
    return value * FEE_BP // 10_000


def _open_orders(session: Session, portfolio_id: int) -> list[PaperOrder]:
    return list(
        session.exec(
            select(PaperOrder).where(
                PaperOrder.portfolio_id == portfolio_id, PaperOrder.status == OrderStatus.OPEN
            )
        ).all()
    )


def _reserved_cash(orders: list[PaperOrder], skip: int | None = None) -> int:
    total = 0
    for o in orders:
        if o.side == OrderSide.BUY and o.limit_price is not None and o.id != skip:
            value = value_micros(o.limit_price, o.quantity)
            total += value + fee_of(value)
    return total


def _reserved_quantity(orders: list[PaperOrder], instrument: str, skip: int | None = None) -> int:
    return sum(
        o.quantity
        for o in orders
        if o.side == OrderSide.SELL and o.instrument == instrument and o.id != skip
    )


def _position(session: Session, portfolio_id: int, instrument: str) -> PaperPosition:
    found = session.exec(
        select(PaperPosition).where(
            PaperPosition.portfolio_id == portfolio_id, PaperPosition.instrument == instrument
        )
    ).first()
    return found or PaperPosition(
        portfolio_id=portfolio_id, instrument=instrument, quantity=0, cost=0, realized=0
    )


def _check_affordable(
    session: Session, portfolio: PaperPortfolio, order: PaperOrder, price: int
) -> None:
    """Refuse a buy above the free cash or a sell above the free holding (nothing saved)."""
    orders = _open_orders(session, portfolio.id or 0)
    if order.side == OrderSide.BUY:
        value = value_micros(price, order.quantity)
        need = value + fee_of(value)
        free = portfolio.cash - _reserved_cash(orders, skip=order.id)
        if need > free:
            raise ValidationFailed(
                f"This order needs {money(need)} of virtual cash (fee included); "
                f"you have {money(max(free, 0))} free.",
                field="quantity",
            )
        return
    held = _position(session, portfolio.id or 0, order.instrument).quantity
    free_qty = held - _reserved_quantity(orders, order.instrument, skip=order.id)
    if order.quantity > free_qty:
        raise ValidationFailed(
            f"You hold {plain(max(free_qty, 0), QTY_SCALE)} {order.instrument} free to sell; "
            "paper positions are long only.",
            field="quantity",
        )


def _fill(
    session: Session, portfolio: PaperPortfolio, order: PaperOrder, price: int, now: datetime
) -> None:
    """Fill ``order`` at ``price``: move cash and position, write an equity point."""
    value = value_micros(price, order.quantity)
    fee = fee_of(value)
    position = _position(session, portfolio.id or 0, order.instrument)
    if order.side == OrderSide.BUY:
        portfolio.cash -= value + fee
        position.quantity += order.quantity
        position.cost += value + fee
    else:
        share = position.cost * order.quantity // position.quantity
        proceeds = value - fee
        portfolio.cash += proceeds
        position.realized += proceeds - share
        position.cost -= share
        position.quantity -= order.quantity
    order.status, order.fill_price, order.fee, order.filled_at = (
        OrderStatus.FILLED,
        price,
        fee,
        now,
    )
    session.add_all([portfolio, position, order])
    session.flush()
    session.add(
        EquityPoint(
            portfolio_id=portfolio.id or 0, at=now, equity=_equity(session, portfolio, None, now)
        )
    )
    session.flush()


def _last_prices(
    session: Session, positions: list[PaperPosition], feed: PriceFeed | None, now: datetime
) -> dict[str, int]:
    source = feed or get_feed()
    prices: dict[str, int] = {}
    for p in positions:
        quote = source.last_price(p.instrument, now)
        prices[p.instrument] = quote.price if quote else (p.cost * QTY_SCALE // max(p.quantity, 1))
    return prices


def _held(session: Session, portfolio_id: int) -> list[PaperPosition]:
    return list(
        session.exec(
            select(PaperPosition)
            .where(PaperPosition.portfolio_id == portfolio_id)
            .order_by(col(PaperPosition.instrument))
        ).all()
    )


def _equity(
    session: Session, portfolio: PaperPortfolio, feed: PriceFeed | None, now: datetime
) -> int:
    positions = [p for p in _held(session, portfolio.id or 0) if p.quantity]
    prices = _last_prices(session, positions, feed, now)
    return portfolio.cash + sum(value_micros(prices[p.instrument], p.quantity) for p in positions)


def record_equity(
    session: Session, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> int:
    """Write one equity point per portfolio (the hourly job); returns how many."""
    now = now or utcnow()
    portfolios = session.exec(select(PaperPortfolio)).all()
    for portfolio in portfolios:
        session.add(
            EquityPoint(
                portfolio_id=portfolio.id or 0,
                at=now,
                equity=_equity(session, portfolio, feed, now),
            )
        )
    session.flush()
    return len(portfolios)
