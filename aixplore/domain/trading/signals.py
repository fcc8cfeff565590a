"""Signals: a trader's call, checked against the market, chained, then sealed.

A signal names an instrument, a direction, an entry, a stop-loss, a take-profit and a size
(a share of the portfolio), with a rationale in Markdown (rendered by the app's sanitizer).
The server timestamps it; a client that sends a time of its own more than
``CLOCK_TOLERANCE`` away from the server's is refused (no back-dating). Its trader may edit
it for ``EDIT_GRACE`` after publishing while it is the newest link of their chain (the edit
re-hashes it with a new commitment time); after that it never changes. Publishing records a
feed item for followers and, after commit, notifies them (``jobs/trading.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.events import publish_after_commit
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.users import require_actor
from aixplore.domain.activity.models import FeedKind
from aixplore.domain.activity.services import record_activity
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.trading import chain
from aixplore.domain.trading.feed import PriceFeed, trusted_quote
from aixplore.domain.trading.instruments import (
    get_instrument,
    parse_decimal,
    plain,
    price_text,
    to_micros,
)
from aixplore.domain.trading.models import (
    RATIONALE_MAX,
    Direction,
    SignalPublic,
    SignalStatus,
    TradingSignal,
)

EDIT_GRACE = timedelta(minutes=5)
CLOCK_TOLERANCE = timedelta(seconds=60)
ENTRY_BAND = Decimal("0.05")  # the entry within 5 % of the last price
SIGNAL_PUBLISHED = "trading.signal_published"


def _id(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    raise NotFound("No such signal.")


def _check_time(issued_at: Any, now: datetime) -> None:
    """Refuse a client's own timestamp that is not now (signals are dated by the server)."""
    if issued_at in (None, ""):
        return
    try:
        when = as_utc(datetime.fromisoformat(str(issued_at).replace("Z", "+00:00")))
    except ValueError:
        raise ValidationFailed("That time is not a date.", field="issued_at") from None
    if when < now - CLOCK_TOLERANCE:
        raise ValidationFailed(
            "Back-dated signals are refused: a signal is dated by the server when it is published.",
            field="issued_at",
        )
    if when > now + CLOCK_TOLERANCE:
        raise ValidationFailed("A signal cannot be dated in the future.", field="issued_at")


def check_signal(
    data: Any, *, feed: PriceFeed | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Validate a signal form; the checked column values, or a refusal saying what is wrong."""
    if not isinstance(data, dict):
        raise ValidationFailed("Fill in the signal form.")
    now = now or utcnow()
    _check_time(data.get("issued_at"), now)
    symbol = get_instrument(data.get("instrument")).symbol
    try:
        direction = Direction(data.get("direction"))
    except ValueError:
        raise ValidationFailed("Choose long or short.", field="direction") from None
    entry = parse_decimal(data.get("entry"), "Entry", field="entry")
    stop = parse_decimal(data.get("stop_loss"), "Stop-loss", field="stop_loss")
    target = parse_decimal(data.get("take_profit"), "Take-profit", field="take_profit")
    size = parse_decimal(data.get("size_percent"), "Size", field="size_percent")
    if size > 100:
        raise ValidationFailed(
            "Size is a share of the portfolio: at most 100 %.", field="size_percent"
        )
    size_bp = int((size * 100).to_integral_value())
    if size_bp < 1:
        raise ValidationFailed("Size must be at least 0.01 %.", field="size_percent")
    if direction == Direction.LONG and not stop < entry < target:
        if stop >= entry:
            raise ValidationFailed(
                "A long signal's stop-loss must be below its entry.", field="stop_loss"
            )
        raise ValidationFailed(
            "A long signal's take-profit must be above its entry.", field="take_profit"
        )
    if direction == Direction.SHORT and not target < entry < stop:
        if stop <= entry:
            raise ValidationFailed(
                "A short signal's stop-loss must be above its entry.", field="stop_loss"
            )
        raise ValidationFailed(
            "A short signal's take-profit must be below its entry.", field="take_profit"
        )
    rationale = data.get("rationale") or ""
    if not isinstance(rationale, str) or len(rationale) > RATIONALE_MAX:
        raise ValidationFailed(
            f"Keep the rationale under {RATIONALE_MAX} characters.", field="rationale"
        )
    quote = trusted_quote(symbol, feed, now)
    market = Decimal(quote.price) / 10**6
    if abs(entry - market) > market * ENTRY_BAND:
        raise ValidationFailed(
            f"The entry is too far from the market: {symbol} last traded at "
            f"{price_text(symbol, quote.price)}; an entry within 5 % of it is accepted.",
            field="entry",
        )
    return {
        "instrument": symbol,
        "direction": direction,
        "entry": to_micros(entry),
        "stop_loss": to_micros(stop),
        "take_profit": to_micros(target),
        "size_bp": size_bp,
        "rationale": rationale.strip(),
    }


def do_publish_signal(
    session: Session,
    actor: Actor | None,
    data: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> SignalPublic:
    """Publish a signal as the actor: checked, chained, hashed, in followers' feeds."""
    actor = require_actor(actor)
    now = now or utcnow()
    values = check_signal(data, feed=feed, now=now)
    seq, prev_hash = chain.next_link(session, actor.user_id)
    signal = TradingSignal(
        trader_id=actor.user_id,
        seq=seq,
        prev_hash=prev_hash,
        hash="",
        status=SignalStatus.OPEN,
        created_at=now,
        committed_at=now,
        **values,
    )
    session.add(signal)
    session.flush()
    chain.seal(session, signal)
    record_activity(session, actor.user_id, FeedKind.SIGNAL_PUBLISHED, signal.id or 0)
    publish_after_commit(session, SIGNAL_PUBLISHED, signal.id)
    return signal_public(session, signal, actor, now=now)


def _newest_seq(session: Session, trader_id: int) -> int:
    return max(
        session.exec(select(TradingSignal.seq).where(TradingSignal.trader_id == trader_id)).all(),
        default=0,
    )


def _editable(session: Session, signal: TradingSignal, now: datetime) -> str:
    """Why ``signal`` can no longer be edited ("" while it can)."""
    if now >= signal.created_at + EDIT_GRACE:
        return "This signal is sealed: a signal can be edited for 5 minutes after publishing, then never."
    if signal.status != SignalStatus.OPEN:
        return "This signal already has an outcome: it cannot change."
    if _newest_seq(session, signal.trader_id) != signal.seq:
        return "A newer signal is chained on this one: it cannot change."
    return ""


def do_edit_signal(
    session: Session,
    actor: Actor | None,
    signal_id: Any,
    data: Any,
    *,
    feed: PriceFeed | None = None,
    now: datetime | None = None,
) -> SignalPublic:
    """Change the actor's own signal within the grace period (re-hashed, newly timestamped)."""
    actor = require_actor(actor)
    now = now or utcnow()
    signal = session.get(TradingSignal, _id(signal_id), with_for_update=True)
    if signal is None:
        raise NotFound("No such signal.")
    if signal.trader_id != actor.user_id:
        raise PermissionDenied("Only the trader who published a signal can edit it.")
    refused = _editable(session, signal, now)
    if refused:
        raise Conflict(refused)
    values = check_signal(data, feed=feed, now=now)
    if values["instrument"] != signal.instrument:
        raise ValidationFailed("A signal's instrument cannot change.", field="instrument")
    for key, value in values.items():
        setattr(signal, key, value)
    signal.committed_at = now
    session.add(signal)
    session.flush()
    chain.seal(session, signal)
    return signal_public(session, signal, actor, now=now)


def signal_public(
    session: Session, signal: TradingSignal, viewer: Actor | None, *, now: datetime | None = None
) -> SignalPublic:
    """What anyone sees of ``signal`` (``editable`` only for its trader, in the grace period)."""
    now = now or utcnow()
    own = viewer is not None and viewer.user_id == signal.trader_id
    return SignalPublic(
        id=signal.id or 0,
        trader_id=signal.trader_id,
        seq=signal.seq,
        instrument=signal.instrument,
        direction=str(signal.direction),
        entry=price_text(signal.instrument, signal.entry),
        stop_loss=price_text(signal.instrument, signal.stop_loss),
        take_profit=price_text(signal.instrument, signal.take_profit),
        size_percent=plain(signal.size_bp, 100),
        levels=[signal.entry, signal.stop_loss, signal.take_profit],
        rationale_html=render_markdown(signal.rationale),
        rationale=signal.rationale,
        committed_at=signal.committed_at,
        editable_until=signal.created_at + EDIT_GRACE,
        editable=own and not _editable(session, signal, now),
        hash=signal.hash,
        status=str(signal.status),
        outcome_at=signal.outcome_at,
        outcome_price=(
            price_text(signal.instrument, signal.outcome_price) if signal.outcome_price else ""
        ),
    )


def get_signal(session: Session, viewer: Actor | None, signal_id: Any) -> SignalPublic:
    """One signal, public to anyone."""
    signal = session.get(TradingSignal, _id(signal_id))
    if signal is None:
        raise NotFound("No such signal.")
    return signal_public(session, signal, viewer)


def list_signals(
    session: Session, viewer: Actor | None, *, trader_id: int | None = None, limit: int = 20
) -> list[SignalPublic]:
    """The newest signals (of one trader when given), newest first."""
    query = select(TradingSignal)
    if trader_id is not None:
        query = query.where(TradingSignal.trader_id == trader_id)
    rows = session.exec(query.order_by(col(TradingSignal.id).desc()).limit(limit)).all()
    now = utcnow()
    return [signal_public(session, s, viewer, now=now) for s in rows]
