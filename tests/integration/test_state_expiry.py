"""On the embedded default (memory state manager) closed tabs' states leave after an idle time.

The backend runs in a process of its own without Redis, with ``AIXPLORE_STATE_IDLE_MINUTES``
at three seconds. What a tab's state held is seen through the coin's flip count on /token:
the page's load does not set it, only the tab's own clicks do.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import httpx
import pytest

from aixplore.web.session import SessionState
from aixplore.web.wallet.state import TokenState
from tests.factories import make_member, sign_in
from tests.support.backend import backend
from tests.support.reflex_client import ReflexClient

IDLE_SECONDS = 3.0


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with backend(
        tmp_path_factory.mktemp("backend"),
        AIXPLORE_REDIS_URL=None,
        AIXPLORE_STATE_IDLE_MINUTES=str(IDLE_SECONDS / 60),
    ) as url:
        yield url


def _metric(url: str, name: str) -> float:
    text = httpx.get(f"{url}/metrics", timeout=5).text
    found = re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else -1.0


def _wait_for_expiry(url: str, above: float, limit: float = 30.0) -> None:
    """Wait (at most ``limit`` seconds) until the worker has dropped more states than ``above``."""
    deadline = time.monotonic() + limit
    while _metric(url, "aixplore_tab_states_expired_total") <= above:
        if time.monotonic() > deadline:
            return  # the assertions that follow say what is wrong
        time.sleep(0.25)


def test_a_closed_tab_idle_past_the_limit_is_dropped_and_comes_back_signed_in(
    app_url: str,
) -> None:
    member = make_member(name="Ada Member")
    token = sign_in(member.email)
    expired_before = _metric(app_url, "aixplore_tab_states_expired_total")

    async def leave() -> str:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate("/token")
        await tab.call(TokenState.flip, payload={"flipped": True})
        assert tab.state(TokenState)["flips"] == 1
        await tab.close()
        return tab.token

    async def come_back(tab_token: str) -> ReflexClient:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token}, token=tab_token)
        await tab.hydrate("/token")
        await tab.close()
        return tab

    tab_token = asyncio.run(leave())
    _wait_for_expiry(app_url, expired_before)
    tab = asyncio.run(come_back(tab_token))
    assert tab.state(TokenState)["flips"] == 0  # the server no longer held the old state
    assert tab.state(SessionState)["viewer_id"] == member.id
    assert tab.state(TokenState)["loaded"] is True
    assert _metric(app_url, "aixplore_tab_states_expired_total") > expired_before


def test_an_open_tab_keeps_its_state_however_long_it_idles(app_url: str) -> None:
    member = make_member()
    token = sign_in(member.email)

    async def idle() -> int:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate("/token")
        await tab.call(TokenState.flip, payload={"flipped": True})
        await asyncio.sleep(3 * IDLE_SECONDS)  # several sweeps pass while the socket is open
        await tab.call(TokenState.flip, payload={"flipped": False})
        await tab.close()
        return tab.state(TokenState)["flips"]

    assert asyncio.run(idle()) == 2
