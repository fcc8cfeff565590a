"""Each trader's signals as a hash chain anyone can re-compute.

A signal's entry is its content in canonical JSON (RFC 8785, the ``rfc8785`` package):
the trader, its place in the chain, the server's commitment time, what it says, and the hash
of the trader's previous signal. Its hash is the SHA-256 of those bytes (lower-case hex); the
first signal's previous hash is 64 zeros. Decimal figures are strings, so no float rounding
enters the bytes.

:func:`verify_chain` re-computes every hash from the stored columns: a signal changed in the
database no longer matches its hash, one removed leaves a gap in the sequence and a link whose
previous hash matches nothing, one back-dated is out of time order (or changed), and the
chain head (length and newest hash, kept beside the chain and shown in followers' feeds)
catches the newest signal removed.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from sqlmodel import Session, col, select

from aixplore.domain.trading.instruments import plain
from aixplore.domain.trading.models import ChainEntry, ChainReport, SignalChainHead, TradingSignal

GENESIS = "0" * 64
SCHEMA = "aixplore-signal/1"


def stamp(value: Any) -> str:
    """A commitment time as RFC 3339 UTC with microseconds ("2026-12-07T04:50:00.000001Z")."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_of(signal: TradingSignal) -> bytes:
    """The signal's chain entry as RFC 8785 canonical JSON bytes."""
    return rfc8785.dumps(
        {
            "schema": SCHEMA,
            "trader_id": signal.trader_id,
            "seq": signal.seq,
            "prev_hash": signal.prev_hash,
            "committed_at": stamp(signal.committed_at),
            "instrument": signal.instrument,
            "direction": str(signal.direction),
            "entry": plain(signal.entry),
            "stop_loss": plain(signal.stop_loss),
            "take_profit": plain(signal.take_profit),
            "size_percent": plain(signal.size_bp, 100),
            "rationale": signal.rationale,
        }
    )


def hash_of(signal: TradingSignal) -> str:
    """SHA-256 of the canonical entry, lower-case hex."""
    return hashlib.sha256(canonical_of(signal)).hexdigest()


def seal(session: Session, signal: TradingSignal) -> None:
    """Hash ``signal`` (its ``prev_hash`` and ``seq`` set) and move its trader's head to it."""
    signal.hash = hash_of(signal)
    head = session.get(SignalChainHead, signal.trader_id, with_for_update=True)
    if head is None:
        head = SignalChainHead(trader_id=signal.trader_id, length=0, head_hash=GENESIS)
    head.length, head.head_hash = signal.seq, signal.hash
    session.add_all([signal, head])
    session.flush()


def next_link(session: Session, trader_id: int) -> tuple[int, str]:
    """The next sequence number and previous hash of ``trader_id``'s chain (head locked)."""
    head = session.get(SignalChainHead, trader_id, with_for_update=True)
    if head is None:
        return 1, GENESIS
    return head.length + 1, head.head_hash


def verify_chain(session: Session, trader_id: int) -> ChainReport:
    """Re-compute ``trader_id``'s chain from the stored signals and say what does not hold."""
    signals = session.exec(
        select(TradingSignal)
        .where(TradingSignal.trader_id == trader_id)
        .order_by(col(TradingSignal.seq))
    ).all()
    entries: list[ChainEntry] = []
    previous_hash, previous_at, expected_seq = GENESIS, None, 1
    for s in signals:
        problems: list[str] = []
        computed = hash_of(s)
        if s.seq != expected_seq:
            problems.append(
                f"Signal #{expected_seq} is missing: it was removed or the chain was reordered."
            )
        if computed != s.hash:
            problems.append(
                "Its content no longer matches its hash: it was changed after publishing."
            )
        if s.prev_hash != previous_hash:
            problems.append("Its previous hash does not match the signal before it.")
        if previous_at is not None and s.committed_at < previous_at:
            problems.append("It is dated before the signal before it: it was back-dated.")
        if s.created_at > s.committed_at:
            problems.append("Its commitment time is before it was written: it was back-dated.")
        entries.append(
            ChainEntry(
                seq=s.seq,
                signal_id=s.id or 0,
                canonical=canonical_of(s).decode(),
                stored_hash=s.hash,
                computed_hash=computed,
                prev_hash=s.prev_hash,
                committed_at=s.committed_at,
                problems=problems,
            )
        )
        previous_hash, previous_at, expected_seq = s.hash, s.committed_at, s.seq + 1
    chain_problems: list[str] = []
    head = session.get(SignalChainHead, trader_id)
    length, head_hash = (head.length, head.head_hash) if head else (0, GENESIS)
    if length != len(entries) or head_hash != previous_hash:
        chain_problems.append(
            f"The chain head records {length} signals ending in {head_hash[:12]}…, but "
            f"{len(entries)} are stored ending in {previous_hash[:12]}…: a signal was removed "
            "or the chain rewritten."
        )
    intact = not chain_problems and not any(e.problems for e in entries)
    return ChainReport(trader_id=trader_id, intact=intact, entries=entries, problems=chain_problems)
