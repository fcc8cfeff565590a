"""A tab whose backend died keeps its own state on the backend it reconnects to.

With Redis, Reflex 0.10.1 records which backend worker holds each tab's socket
(``token_manager_socket_record_<tab token>``, kept an hour). A socket that connects with a
token some other worker still has on record counts as a duplicated browser tab (same
``sessionStorage``, same token), and Reflex gives it a new token, so a new, empty state. That
is right for a duplicated tab, and wrong for the common case that looks the same: the worker or
instance holding the socket died (``kill -9``, a crash, a node lost), nobody deleted its
records, and the tab reconnected elsewhere. It came back signed in (the session is in its
cookie) but with a fresh state: whatever the page held, a half-filled form, the step of a
wizard, was gone.

:func:`apply` teaches the token manager to tell the two apart. Every worker subscribes to a
Redis channel of its own, ``aixplore:worker:<instance id>``, for as long as it lives; Redis drops
a subscription the moment its connection closes, which the kernel does for a killed process.
When a socket connects with a token on record for another worker, that worker is asked for
with ``PUBSUB NUMSUB``: if nobody listens on its channel, it is gone, its record is deleted
(compare-and-delete: only the record read) and the tab keeps its token and its state. If the
worker lives, or Redis cannot answer, Reflex decides as before.

What it cannot see: a backend cut off by the network whose TCP connection to Redis has not
closed yet still counts as alive until Redis notices (its ``tcp-keepalive``), and its tabs get
new tokens as before. During a rolling upgrade from a release without this module, the old
release's workers do not subscribe, so a tab duplicated from one of their tabs keeps the
token; the two tabs then share one state until one of them reloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle

from reflex.utils.token_manager import RedisTokenManager

log = logging.getLogger(__name__)

CHANNEL = "aixplore:worker:{}"
READY_SECONDS = 2.0  # a first socket waits this long at most for the subscription
RETRY_SECONDS = 1.0

_DELETE_IF_SAME = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

_original_link = RedisTokenManager.link_token_to_sid
# Per token manager (one per worker): its subscription task and whether it is subscribed.
_listening: dict[int, tuple[asyncio.Task[None], asyncio.Event]] = {}


async def _listen(manager: RedisTokenManager, ready: asyncio.Event) -> None:
    """Hold this worker's channel subscription, subscribing again after a lost connection."""
    while True:
        channel = CHANNEL.format(manager.instance_id)
        try:
            async with manager.redis.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                await pubsub.get_message(timeout=READY_SECONDS)  # the confirmation
                ready.set()
                while channel == CHANNEL.format(manager.instance_id):
                    await pubsub.get_message(timeout=30.0)  # raises when the link breaks
        except asyncio.CancelledError:
            raise
        except Exception as error:  # Redis away: subscribe again in a moment
            log.warning("worker channel subscription lost (%s); subscribing again", error)
        ready.clear()
        await asyncio.sleep(RETRY_SECONDS)


async def _subscribed(manager: RedisTokenManager) -> None:
    """Start this worker's subscription once, and wait (briefly) until it holds."""
    entry = _listening.get(id(manager))
    if entry is None or entry[0].done():
        ready = asyncio.Event()
        task = asyncio.get_running_loop().create_task(_listen(manager, ready))
        entry = _listening[id(manager)] = (task, ready)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(entry[1].wait(), READY_SECONDS)


async def worker_alive(manager: RedisTokenManager, instance_id: str) -> bool:
    """Whether a worker still holds its channel (True when Redis cannot say)."""
    try:
        counts = await manager.redis.pubsub_numsub(CHANNEL.format(instance_id))
    except Exception as error:  # Redis away: Reflex decides as before
        log.warning("cannot ask Redis whether worker %s lives: %s", instance_id, error)
        return True
    return bool(counts) and int(counts[0][1]) > 0


async def _release_if_owner_died(manager: RedisTokenManager, token: str) -> None:
    """Delete the token's socket record when the worker it names is gone."""
    key = manager._get_redis_key(token)
    try:
        raw = await manager.redis.get(key)
        if not raw:
            return
        # Reflex's own record, written by a worker of this app into this app's Redis.
        owner = pickle.loads(raw)  # noqa: S301
        if owner.instance_id == manager.instance_id:
            return  # this worker's own record: Reflex's rules apply
        if await worker_alive(manager, owner.instance_id):
            return
        deleted = await manager.redis.eval(_DELETE_IF_SAME, 1, key, raw)  # type: ignore[misc]
    except Exception as error:  # Redis away: Reflex decides as before
        log.warning("cannot check the owner of tab %s: %s", token[:8], error)
        return
    if deleted:
        manager.token_to_socket.pop(token, None)
        log.info(
            "tab %s reconnected after worker %s died; it keeps its state",
            token[:8],
            owner.instance_id,
        )


async def _link_token_to_sid(manager: RedisTokenManager, token: str, sid: str) -> str | None:
    """Reflex's link, after releasing a record whose worker died."""
    record = manager.token_to_socket.get(token)
    if record is None or record.sid != sid:
        await _subscribed(manager)
        await _release_if_owner_died(manager, token)
    return await _original_link(manager, token, sid)


def apply() -> None:
    """Install the check into Reflex's Redis token manager (idempotent)."""
    setattr(RedisTokenManager, "link_token_to_sid", _link_token_to_sid)  # noqa: B010
