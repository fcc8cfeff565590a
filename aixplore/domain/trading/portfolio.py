"""Paper portfolios: virtual cash, market and limit orders filled against the price feed.

Fill model (documented in the README as well):

- A market order fills at once at the last price moved against the trader by ``SLIPPAGE_BP``
  (a buy pays 0.05 % more, a sell gets 0.05 % less).
- A limit order waits; the fill job fills it when the last price reaches the limit, at the
  better of the limit and the last price, without slippage.
- Every fill pays a fee of ``FEE_BP`` (0.10 %) of its value: added to a buy's cost, taken from
  a sell's proceeds, so realized P&L is net of fees.
- Nothing fills on a stale or jumping feed (see ``feed.trusted_quote``): the order is refused
  (market) or waits (limit).
- A buy needing more than the cash not already reserved by open limit buys is refused; a sell
  of more than is held (less what open limit sells hold) too. Positions are long only.

Each order is one unit of work: checked, filled, the cash and the position moved and an
equity point written together, or none of it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.trading.feed import PriceFeed, feed_problem, get_feed, trusted_quote
from aixplore.domain.trading.instruments import (
    MICROS,
    QTY_SCALE,
    get_instrument,
    money,
    parse_decimal,
    plain,
    price_text,
    to_micros,
    to_qty,
    value_micros,
)
from aixplore.domain.trading.models import (
    EquityPoint,
    OrderPublic,
    OrderSide,
    OrderStatus,
    OrderType,
    PaperOrder,
    PaperPortfolio,
    PaperPosition,
    PortfolioPublic,
    PositionPublic,
)

STARTING_CASH = 100_000 * MICROS
SLIPPAGE_BP = 5
FEE_BP = 10
MAX_QUANTITY = Decimal("1000000000")
CURVE_POINTS = 500


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


def _parse_order(data: Any) -> tuple[str, OrderSide, OrderType, int, int | None]:
    if not isinstance(data, dict):
        raise ValidationFailed("Fill in the order form.")
    instrument = get_instrument(data.get("instrument")).symbol
    try:
        side = OrderSide(data.get("side"))
    except ValueError:
        raise ValidationFailed("Choose buy or sell.", field="side") from None
    try:
        kind = OrderType(data.get("type", "market"))
    except ValueError:
        raise ValidationFailed("Choose a market or a limit order.", field="type") from None
    amount = parse_decimal(data.get("quantity"), "Quantity", field="quantity")
    quantity = to_qty(min(amount, MAX_QUANTITY))
    if quantity <= 0:
        raise ValidationFailed("Quantity is too small.", field="quantity")
    limit = None
    if kind == OrderType.LIMIT:
        limit = to_micros(
            parse_decimal(data.get("limit_price"), "Limit price", field="limit_price")
        )
    return instrument, side, kind, quantity, limit


def do_place_order(
    session: Session,
    actor: Actor | None,
    data: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> OrderPublic:
    """Place an order on the actor's own portfolio: a market order fills now, a limit waits."""
    actor = require_actor(actor)
    now = now or utcnow()
    instrument, side, kind, quantity, limit = _parse_order(data)
    quote = trusted_quote(instrument, feed, now)
    portfolio = _locked(session, actor.user_id)
    order = PaperOrder(
        portfolio_id=portfolio.id or 0,
        instrument=instrument,
        side=side,
        type=kind,
        status=OrderStatus.OPEN,
        quantity=quantity,
        limit_price=limit,
        created_at=now,
    )
    if kind == OrderType.MARKET:
        moved = quote.price * SLIPPAGE_BP // 10_000
        price = quote.price + moved if side == OrderSide.BUY else quote.price - moved
        _check_affordable(session, portfolio, order, price)
        session.add(order)
        session.flush()
        _fill(session, portfolio, order, price, now)
    else:
        assert limit is not None
        _check_affordable(session, portfolio, order, limit)
        session.add(order)
        session.flush()
    return _order_public(order)


def do_cancel_order(session: Session, actor: Actor | None, order_id: Any) -> OrderPublic:
    """Cancel one of the actor's open limit orders; others' orders do not exist for them."""
    actor = require_actor(actor)
    portfolio = _locked(session, actor.user_id)
    wanted = order_id if isinstance(order_id, int) and not isinstance(order_id, bool) else None
    order = session.get(PaperOrder, wanted) if wanted and 0 < wanted < 2**31 else None
    if order is None or order.portfolio_id != portfolio.id:
        raise NotFound("No such order.")
    if order.status != OrderStatus.OPEN:
        raise ValidationFailed("Only an open order can be cancelled.")
    order.status = OrderStatus.CANCELLED
    session.add(order)
    session.flush()
    return _order_public(order)


def fill_limit_orders(
    session: Session, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> int:
    """Fill open limit orders whose price was reached on a trusted feed; returns fills."""
    feed, now = feed or get_feed(), now or utcnow()
    ids = session.exec(
        select(PaperOrder.id)
        .where(PaperOrder.status == OrderStatus.OPEN)
        .order_by(col(PaperOrder.id))
    ).all()
    filled = 0
    for order_id in ids:
        order = session.get(PaperOrder, order_id)
        if order is None or order.limit_price is None:
            continue
        quote = feed.last_price(order.instrument, now)
        if quote is None or feed_problem(quote, now):
            continue
        buy = order.side == OrderSide.BUY
        if (buy and quote.price > order.limit_price) or (
            not buy and quote.price < order.limit_price
        ):
            continue
        # Every change to a portfolio's orders holds its row (placing and cancelling too):
        # locked, read the order again, so that two fill runs never fill it twice.
        portfolio = session.get(
            PaperPortfolio, order.portfolio_id, with_for_update=True, populate_existing=True
        )
        session.refresh(order)
        if portfolio is None or order.status != OrderStatus.OPEN:
            continue
        price = min(order.limit_price, quote.price) if buy else max(order.limit_price, quote.price)
        try:
            _check_affordable(session, portfolio, order, price)
        except ValidationFailed as exc:
            order.status, order.note = OrderStatus.REJECTED, exc.message[:300]
            session.add(order)
            continue
        _fill(session, portfolio, order, price, now)
        filled += 1
    session.flush()
    return filled


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


def _order_public(o: PaperOrder) -> OrderPublic:
    return OrderPublic(
        id=o.id or 0,
        instrument=o.instrument,
        side=o.side.value,
        type=o.type.value,
        status=o.status.value,
        quantity=plain(o.quantity, QTY_SCALE),
        limit_price=price_text(o.instrument, o.limit_price) if o.limit_price else "",
        fill_price=price_text(o.instrument, o.fill_price) if o.fill_price else "",
        fee=money(o.fee),
        note=o.note,
        created_at=o.created_at,
    )


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
