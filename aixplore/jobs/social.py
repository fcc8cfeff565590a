"""Home feed fan-out: one job per new feed item, plus a sweep for any the hook missed."""

from __future__ import annotations

from huey import crontab

from aixplore.core.db import session_scope
from aixplore.core.events import subscribe
from aixplore.domain.activity.services import FEED_ITEM_ADDED
from aixplore.domain.groups import services as _groups  # noqa: F401 - group members read group items
from aixplore.domain.social.feed import do_fan_out, list_unfanned
from aixplore.jobs.queue import huey


@huey.task(retries=3, retry_delay=10)
def fan_out_feed_item(item_id: int) -> int:
    """Write one item into its author's followers' timelines (safe to run twice)."""
    with session_scope() as session:
        return do_fan_out(session, item_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_feed_items() -> int:
    """Queue items still not fanned out after two minutes (a crash between commit and enqueue)."""
    with session_scope() as session:
        ids = list_unfanned(session)
    for item_id in ids:
        fan_out_feed_item(item_id)
    return len(ids)


def _on_feed_item(item_id: int) -> None:
    fan_out_feed_item(item_id)


subscribe(FEED_ITEM_ADDED, _on_feed_item)
