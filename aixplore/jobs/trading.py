"""Trading jobs: fill limit orders, decide signals' outcomes, snapshot equity, tell followers,
open and close copiers' positions and stop copies at their copy stop."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.trading.fanout import (
    check_copy_stops,
    close_decided,
    fan_out_signal,
    list_uncopied,
)
from aixplore.domain.trading.feed import set_feed
from aixplore.domain.trading.leaderboard import recompute_leaderboard
from aixplore.domain.trading.outcomes import decide_outcomes, do_notify_followers, list_unnotified
from aixplore.domain.trading.portfolio import fill_limit_orders, record_equity
from aixplore.domain.trading.signals import SIGNAL_PUBLISHED
from aixplore.integrations.price_feed import BinanceFeed
from aixplore.jobs.queue import huey


@huey.task(retries=3, retry_delay=10)
def notify_signal_followers(signal_id: int) -> int:
    """Notify a new signal's trader's followers (once per signal, safe to run twice)."""
    with session_scope() as session:
        return do_notify_followers(session, signal_id)


@huey.task(retries=3, retry_delay=10)
def copy_signal(signal_id: int) -> int:
    """Open a new signal in every active copy of its trader (once per copy, safe to rerun)."""
    with session_scope() as session:
        return fan_out_signal(session, signal_id)


@huey.periodic_task(crontab(minute="*"))
def trade_against_feed() -> tuple[int, int]:
    """Each minute: fill limit orders the price reached, decide signals' outcomes, and queue
    follower notices the after-commit hook missed."""
    with session_scope() as session:
        filled = fill_limit_orders(session)
        missed = list_unnotified(session)
    for signal_id in missed:
        notify_signal_followers(signal_id)
    with session_scope() as session:
        decided = decide_outcomes(session)
    # Fan-outs that waited on a stale feed (or that a crash lost), then copies follow outcomes.
    with session_scope() as session:
        uncopied = list_uncopied(session)
    for signal_id in uncopied:
        with session_scope() as session:
            fan_out_signal(session, signal_id)
    with session_scope() as session:
        close_decided(session)
    with session_scope() as session:
        check_copy_stops(session)
    return filled, decided


@huey.periodic_task(crontab(minute="0"))
def snapshot_equity() -> int:
    """Each hour: one equity point per paper portfolio (the equity curve between fills)."""
    with session_scope() as session:
        return record_equity(session)


@huey.periodic_task(crontab(minute="*/15"))
def refresh_leaderboard() -> int:
    """Every 15 minutes: the leaderboard's rows recomputed (pages only read them)."""
    with session_scope() as session:
        return recompute_leaderboard(session)


def _on_signal(signal_id: int) -> None:
    notify_signal_followers(signal_id)
    copy_signal(signal_id)


subscribe(SIGNAL_PUBLISHED, _on_signal)


def install_price_feed() -> None:
    """Use the feed the settings name in this process (the web app and each job worker)."""
    settings = get_settings()
    if settings.price_feed == "binance":
        set_feed(BinanceFeed(settings.price_feed_url))


install_price_feed()
