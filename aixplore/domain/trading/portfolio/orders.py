"""Paper orders: parsing, placing, cancelling, and the job filling open limit orders."""

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
    QTY_SCALE,
    get_instrument,
    money,
    parse_decimal,
    plain,
    price_text,
    to_micros,
    to_qty,
)
from aixplore.domain.trading.models import (
    OrderPublic,
    OrderSide,
    OrderStatus,
    OrderType,
    PaperOrder,
    PaperPortfolio,
)
from aixplore.domain.trading.portfolio.books import (
    SLIPPAGE_BP,
    _check_affordable,
    _fill,
    _locked,
)

MAX_QUANTITY = Decimal("1000000000")


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
