"""Instruments that paper portfolios and signals trade, and the money units they use.

Amounts are integers, never floats: prices and cash in micro-units of the quote currency
(``MICROS`` per unit, so $1.25 is 1,250,000) and quantities in ``QTY_SCALE`` parts of one
unit (crypto trades in fractions). Everything here is virtual: paper cash is not the ECE
token ledger and no real money moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from aixplore.core.errors import ValidationFailed

MICROS = 10**6
QTY_SCALE = 10**8
MAX_PRICE = Decimal("1000000000")  # a billion per unit: far above anything listed here


@dataclass(frozen=True)
class Instrument:
    """A tradable symbol and the parameters of its simulated price path."""

    symbol: str
    name: str
    start_price: Decimal  # at the simulation's epoch
    drift: float  # yearly, of the log price
    volatility: float  # yearly
    decimals: int  # shown price precision


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("BTC/USD", "Bitcoin", Decimal("60000"), 0.05, 0.60, 2),
    Instrument("ETH/USD", "Ether", Decimal("3000"), 0.05, 0.70, 2),
    Instrument("SOL/USD", "Solana", Decimal("150"), 0.05, 0.90, 3),
    Instrument("AAPL", "Apple Inc. (simulated)", Decimal("190"), 0.08, 0.25, 2),
    Instrument("EUR/USD", "Euro in US dollars", Decimal("1.08"), 0.0, 0.08, 5),
    Instrument("XAU/USD", "Gold, one troy ounce", Decimal("2000"), 0.03, 0.15, 2),
)
BY_SYMBOL = {i.symbol: i for i in INSTRUMENTS}


def get_instrument(symbol: Any) -> Instrument:
    """The listed instrument ``symbol``; a clear refusal for anything else."""
    if not isinstance(symbol, str) or symbol not in BY_SYMBOL:
        raise ValidationFailed("Choose one of the listed instruments.", field="instrument")
    return BY_SYMBOL[symbol]


def parse_decimal(value: Any, label: str, *, field: str) -> Decimal:
    """A positive, finite decimal from a form value (text or number), or a clear refusal."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValidationFailed(f"{label} must be a number.", field=field)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed(f"{label} must be a number.", field=field) from None
    if not number.is_finite() or number <= 0:
        raise ValidationFailed(f"{label} must be a positive number.", field=field)
    if number > MAX_PRICE:
        raise ValidationFailed(f"{label} is too large.", field=field)
    return number


def to_micros(value: Decimal) -> int:
    """A decimal amount as integer micro-units (half-even rounding)."""
    return int((value * MICROS).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_qty(value: Decimal) -> int:
    """A decimal quantity as integer ``QTY_SCALE`` parts."""
    return int((value * QTY_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def plain(micros: int, scale: int = MICROS) -> str:
    """An integer amount as the shortest exact decimal text ("60000.5", never "6E+4")."""
    text = format(Decimal(micros) / scale, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money(micros: int) -> str:
    """Virtual dollars for people: "$12,345.67" (cents, rounded half-even)."""
    cents = (Decimal(micros) / MICROS).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def price_text(symbol: str, micros: int) -> str:
    """A price at its instrument's precision ("60,123.45")."""
    decimals = BY_SYMBOL[symbol].decimals if symbol in BY_SYMBOL else 2
    value = (Decimal(micros) / MICROS).quantize(Decimal(1).scaleb(-decimals))
    return f"{value:,.{decimals}f}"


def value_micros(price_micros: int, qty: int) -> int:
    """What ``qty`` units cost at ``price_micros`` (micro-units, rounded half-even)."""
    # Integer arithmetic (exact at any size; a Decimal per call was the replay's main cost).
    whole, rest = divmod(price_micros * qty, QTY_SCALE)
    if 2 * rest > QTY_SCALE or (2 * rest == QTY_SCALE and whole % 2):
        whole += 1
    return whole
