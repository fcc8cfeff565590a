"""A tab keeps its token when the worker that held its socket died, not when it lives.

Real Redis (the suite's, or a throwaway one, so both passes run it) and a real worker process:
a child process links a tab's token as a backend worker does (Reflex's Redis token manager with
``web/tab_owner.py`` applied), then is killed with SIGKILL. Another worker, here, links the
same token: while the child lives the socket is a duplicated tab and gets a new token (Reflex's
rule); once it is dead the tab keeps its token, so its state.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import uuid

import pytest
import redis.asyncio as aredis
from reflex.utils.token_manager import RedisTokenManager

from aixplore.web import tab_owner
from tests.support.redis_server import redis_url

__all__ = ["redis_url"]

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    import redis.asyncio as aredis
    from reflex.utils.token_manager import RedisTokenManager
    from aixplore.web import tab_owner

    async def main(url, token):
        tab_owner.apply()
        manager = RedisTokenManager(aredis.Redis.from_url(url))
        assert await manager.link_token_to_sid(token, "sid-of-the-child") is None
        print(manager.instance_id, flush=True)
        await asyncio.sleep(300)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


@pytest.fixture(autouse=True)
def applied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RedisTokenManager, "link_token_to_sid", tab_owner._original_link)
    tab_owner.apply()


def _start_child(url: str, token: str) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, token],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert child.stdout is not None
    instance_id = child.stdout.readline().strip()
    assert instance_id, "the child worker did not link the token"
    return child, instance_id


async def _link(url: str, token: str, sid: str) -> str | None:
    """Link ``token`` on a fresh worker; returns its answer (a new token, or None)."""
    manager = RedisTokenManager(aredis.Redis.from_url(url))
    try:
        answer = await manager.link_token_to_sid(token, sid)
        record = await manager._fetch_socket_record(answer or token)
        assert record is not None and record.instance_id == manager.instance_id
        return answer
    finally:
        for task, _ready in tab_owner._listening.values():
            task.cancel()
        tab_owner._listening.clear()
        await manager.redis.aclose()


def test_a_living_workers_tab_is_a_duplicate_and_a_dead_ones_tab_keeps_its_token(
    redis_url: str,
) -> None:
    token = f"tab-{uuid.uuid4()}"
    child, child_id = _start_child(redis_url, token)
    try:
        alive = asyncio.run(_alive(redis_url, child_id))
        assert alive, "the child holds its channel"
        duplicate = asyncio.run(_link(redis_url, token, "sid-of-a-duplicated-tab"))
        assert duplicate is not None and duplicate != token, "a living worker's tab: new token"
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    assert not asyncio.run(_alive(redis_url, child_id)), "Redis dropped the dead one's channel"
    kept = asyncio.run(_link(redis_url, token, "sid-after-the-reconnect"))
    assert kept is None, "the tab of a dead worker keeps its token"


def test_when_redis_cannot_say_reflex_decides_as_before() -> None:
    manager = RedisTokenManager(aredis.Redis.from_url("redis://127.0.0.1:1/0"))
    assert asyncio.run(tab_owner.worker_alive(manager, "some-worker")) is True


async def _alive(url: str, instance_id: str) -> bool:
    manager = RedisTokenManager(aredis.Redis.from_url(url))
    try:
        return await tab_owner.worker_alive(manager, instance_id)
    finally:
        await manager.redis.aclose()
