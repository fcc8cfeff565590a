"""Trading jobs: fill limit orders, decide signals' outcomes, snapshot equity, tell followers."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.core.settings import get_settings
from aixplore.domain.trading.feed import set_feed
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
    return filled, decided


@huey.periodic_task(crontab(minute="0"))
def snapshot_equity() -> int:
    """Each hour: one equity point per paper portfolio (the equity curve between fills)."""
    with session_scope() as session:
        return record_equity(session)


def _on_signal(signal_id: int) -> None:
    notify_signal_followers(signal_id)


subscribe(SIGNAL_PUBLISHED, _on_signal)


def install_price_feed() -> None:
    """Use the feed the settings name in this process (the web app and each job worker)."""
    settings = get_settings()
    if settings.price_feed == "binance":
        set_feed(BinanceFeed(settings.price_feed_url))


install_price_feed()
