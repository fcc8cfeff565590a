"""A member's wallet statement (balance, tier, newest entries, earnings), remembered and shared.

The /token page and the profile read the statement on every load, and the "Refresh balance"
button does again: five small database reads (account, balance, newest entries, this month's
earnings, a solution to review) that cost more than the rest of the event. With Redis
the statement is cached per user for :data:`TTL` seconds, shared by every worker, job worker
and command, and **buried** after any commit that can change it:

- a transfer into or out of the user's wallet (``transfer`` publishes
  :data:`~aixplore.domain.wallet.services.WALLET_CHANGED`);
- the user's deletion (their id may be handed out again on SQLite).

As with the actor cache, burying writes a tombstone that outlives any reader still holding
the old rows, and readers only *add* entries, so a reader that looked at the database just
before a commit cannot put the old statement back. An entry also names the user's sign-up
time, so a different user with the same id (a restored or wiped database) never reads it. If
Redis cannot be reached, reads go to the database and a failed burial is logged; an entry
then lives at most :data:`TTL` seconds.

Without Redis (one app process, on SQLite) the statement is kept in-process instead, and each
read first asks SQLite for the newest ledger entry id, on a connection of its own
(:func:`~aixplore.core.db.probe`, a few microseconds; loads within :data:`MARK_REUSE_S` of
each other share one). Entries are only ever added, and every transfer adds some, so while
that id is the one the statement was read under, nothing it shows has changed, whichever
process wrote (a command granting tokens is seen within a millisecond). Any other engine
without Redis reads the database every time.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import event
from sqlmodel import Session

from aixplore.core import cache, db
from aixplore.core.events import publish_after_commit, subscribe
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.wallet.models import LedgerLine, TransactionKind, WalletSummary
from aixplore.domain.wallet.progress import Earned, earned_by, review_to_write
from aixplore.domain.wallet.services import (
    WALLET_CHANGED,
    get_my_wallet,
    list_my_entries,
    summarize,
)

log = logging.getLogger(__name__)

TTL = 30.0
# Long enough to outlast any reader that read the rows before the commit (milliseconds), short
# enough that a member who just paid is cached again soon.
TOMBSTONE_TTL = 10.0
_TOPIC = "wallet.statement.bury"
_PENDING = "aixplore_wallet_statement_pending"


@dataclass(frozen=True)
class Statement:
    """What the token page shows of the signed-in member's wallet.

    ``earned`` (the welcome grant and this month's grants per rule) changes only with ledger
    entries, like the balance. ``review`` (a solution the member used and has not reviewed,
    for the page's next step) can also change without one (an order delivered, a review
    deleted): it may lag by up to :data:`TTL` seconds, which a suggestion can afford.
    """

    summary: WalletSummary
    lines: tuple[LedgerLine, ...]
    earned: Earned
    review: tuple[str, str] | None = None


def _key(user_id: int) -> str:
    return f"wallet:v2:{user_id}"  # v2: with earnings (entries of the old shape are never read)


def cache_keys(user_id: int) -> list[str]:
    """The cache entries :func:`my_statement` reads for user ``user_id`` (to prefetch them)."""
    return [_key(user_id)] if user_id > 0 else []


def my_statement(session: Session, actor: Actor | None) -> Statement:
    """The actor's balance, tier and newest entries (from the shared cache when it has them)."""
    actor = require_actor(actor)
    joined = actor.joined_at.isoformat() if actor.joined_at else ""
    if not cache.shared():
        return _unshared(session, actor, joined)
    entry = cache.peek(_key(actor.user_id)) if joined else None
    if isinstance(entry, dict) and entry.get("joined") == joined:
        return _decode(entry)
    statement = _read(session, actor)
    if joined and entry is None:  # a tombstone means "changed recently": do not cache yet
        cache.add(_key(actor.user_id), _encode(statement, joined), TTL)
    return statement


def _read(session: Session, actor: Actor) -> Statement:
    return Statement(
        get_my_wallet(session, actor),
        tuple(list_my_entries(session, actor)),
        earned_by(session, actor.user_id),
        review_to_write(session, actor.user_id),
    )


# ---- Without Redis: in-process entries, current while no ledger entry was written ----

_LEDGER_MARK = "SELECT max(id) FROM wallet_entry"
# Loads that come within a millisecond of each other share one probe (core/db.py's probe says
# why that matters): an entry another process wrote is seen at most this much later. This
# process's own transfers bury the entries they change at once.
MARK_REUSE_S = 0.001
LOCAL_MAX = 10_000
# user id -> (sign-up time, newest ledger entry id when read, expiry, statement)
_local: dict[int, tuple[str, Any, float, Statement]] = {}
_local_lock = threading.Lock()


def _unshared(session: Session, actor: Actor, joined: str) -> Statement:
    # A session that has read already sees the database as it was then (SQLite's snapshot):
    # what it reads now may be older than the mark, so it is served but never kept.
    fresh = not session.in_transaction()
    mark = db.probe(session, _LEDGER_MARK, reuse_s=MARK_REUSE_S)
    if mark is None or not joined:
        return _read(session, actor)
    now = time.monotonic()
    with _local_lock:
        hit = _local.get(actor.user_id)
    if hit is not None and hit[0] == joined and hit[1] == mark and hit[2] > now:
        return hit[3]
    # The mark was read first: an entry written while this reads makes the stored mark stale,
    # so the next read reads again instead of keeping what this one saw.
    statement = _read(session, actor)
    if not fresh:
        return statement
    with _local_lock:
        if len(_local) >= LOCAL_MAX:
            for user_id in [u for u, e in _local.items() if e[2] <= now] or list(_local)[::2]:
                del _local[user_id]
        _local[actor.user_id] = (joined, mark, now + TTL, statement)
    return statement


def _encode(statement: Statement, joined: str) -> dict[str, Any]:
    return {
        "joined": joined,
        "balance": statement.summary.balance,
        "lines": [
            [
                line.transaction_id,
                line.kind.value,
                line.amount,
                line.created_at.isoformat(),
                line.reference,
            ]
            for line in statement.lines
        ],
        "welcomed": statement.earned.welcomed,
        "month": [list(pair) for pair in statement.earned.this_month],
        "review": list(statement.review) if statement.review else None,
    }


def _decode(entry: dict[str, Any]) -> Statement:
    review = entry.get("review")
    return Statement(
        summarize(int(entry["balance"])),
        tuple(
            LedgerLine(
                int(tx), TransactionKind(kind), int(amount), datetime.fromisoformat(when), ref
            )
            for tx, kind, amount, when, ref in entry["lines"]
        ),
        Earned(
            welcomed=bool(entry["welcomed"]),
            this_month=tuple((str(k), int(n)) for k, n in entry["month"]),
        ),
        (str(review[0]), str(review[1])) if review else None,
    )


# ---- Burial ----


def forget_after_commit(session: Session, user_ids: list[int]) -> None:
    """Bury these users' statements once ``session`` commits (never when it rolls back)."""
    pending: set[int] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        publish_after_commit(session, _TOPIC, pending)
    pending.update(user_ids)


def _bury(user_ids: set[int] | list[int]) -> None:
    with _local_lock:  # without Redis a transfer moves the mark; a deletion needs this
        for user_id in user_ids:
            _local.pop(user_id, None)
    try:
        cache.bury([_key(u) for u in sorted(user_ids)], TOMBSTONE_TTL)
    except redis.RedisError:
        log.exception("could not bury cached wallet statements", extra={"users": sorted(user_ids)})


subscribe(_TOPIC, _bury)
subscribe(WALLET_CHANGED, _bury)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "before_flush")
def _watch_deleted_users(session: Session, _context: Any, _instances: Any) -> None:
    gone = [o.id for o in session.deleted if isinstance(o, User) and o.id is not None]
    if gone:
        forget_after_commit(session, gone)
