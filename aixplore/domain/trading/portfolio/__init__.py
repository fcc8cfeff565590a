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

The parts: ``books`` (cash, positions, reservations, fills, equity), ``orders`` (placing,
cancelling, filling limit orders) and ``view`` (the member's portfolio as shown).
"""

from __future__ import annotations

from aixplore.domain.trading.portfolio.books import (
    FEE_BP,
    SLIPPAGE_BP,
    STARTING_CASH,
    ensure_portfolio,
    fee_of,
    record_equity,
)
from aixplore.domain.trading.portfolio.orders import (
    MAX_QUANTITY,
    do_cancel_order,
    do_place_order,
    fill_limit_orders,
)
from aixplore.domain.trading.portfolio.view import CURVE_POINTS, get_my_portfolio

__all__ = [
    "CURVE_POINTS",
    "FEE_BP",
    "MAX_QUANTITY",
    "SLIPPAGE_BP",
    "STARTING_CASH",
    "do_cancel_order",
    "do_place_order",
    "ensure_portfolio",
    "fee_of",
    "fill_limit_orders",
    "get_my_portfolio",
    "record_equity",
]
