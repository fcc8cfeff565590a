"""Redis restarts under open pages: the person stays signed in and the page keeps working.

The backend runs in a process of its own on a Redis of its own (``tests/support/backend.py``),
which the tests kill and start again, empty, on the same port, while a tab stays on its page
without reloading. The tab is ``tests/support/reflex_client.py``: a socket.io client that
sends the session cookie with the handshake and the page's first event, as Chromium does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from aixplore.core import live
from aixplore.core.db import session_scope
from aixplore.domain.discovery import services as discovery
from aixplore.domain.notifications import services as notifications
from aixplore.web.feedback import RECONNECTING
from aixplore.web.notifications.state import NotificationBellState, NotificationsState
from aixplore.web.session import SessionState
from aixplore.web.solutions.detail_state import SolutionPageState
from tests.factories import actor_for, make_member, make_solution, sign_in
from tests.support.backend import RedisServer, backend, log_text
from tests.support.reflex_client import CallResult, ReflexClient

SIGN_IN_PROMPT = "Sign in to continue."


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("backend")


@pytest.fixture(scope="module")
def app_url(redis_server: RedisServer, logs: Path) -> Iterator[str]:
    with backend(logs, AIXPLORE_REDIS_URL=redis_server.url) as url:
        yield url


def _bookmarked(token: str, slug: str) -> bool:
    with session_scope() as db:
        return any(b.slug == slug for b in discovery.list_bookmarks(db, actor_for(token)))


def _refused(result: CallResult) -> bool:
    """Whether the answer asked the person to sign in."""
    return any(t.message == SIGN_IN_PROMPT for t in result.toasts) or any(
        path.startswith("/login") for path in result.redirects
    )


def test_a_signed_in_tab_keeps_working_after_redis_restarts(
    app_url: str, redis_server: RedisServer
) -> None:
    member = make_member(name="Ada Member")
    slug = make_solution(make_member().email).slug
    token = sign_in(member.email)

    async def visit() -> tuple[CallResult, CallResult, ReflexClient]:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
        before = await tab.call(SolutionPageState.toggle_bookmark)
        redis_server.restart()  # every tab's state is gone; the page stays open
        after = await tab.call(SolutionPageState.toggle_bookmark, settle=1.0)
        await tab.close()
        return before, after, tab

    before, after, tab = asyncio.run(visit())
    assert ("success", "Bookmarked.") in before.toasts
    assert not _refused(after), after.updates
    assert ("success", "Bookmark removed.") in after.toasts
    assert not _bookmarked(token, slug)
    # Who is signed in came back, and the page loaded its data again in the same answer.
    assert tab.state(SessionState)["viewer_id"] == member.id
    assert tab.state(SolutionPageState)["detail"]["slug"] == slug
    assert tab.state(SolutionPageState)["bookmarked"] is False
    assert tab.cookies["aixplore_session"] == token  # the browser kept its cookie


def test_a_handler_that_needs_the_page_runs_after_the_page_loaded_again(
    app_url: str, redis_server: RedisServer
) -> None:
    """After a restart, "Load more" appends the next page, not the first one again."""
    member = make_member()
    with session_scope() as db:
        for n in range(30):
            notifications.notify(db, member.id, "order", f"Notice {n}", link=f"/orders/{n}")
    token = sign_in(member.email)

    async def visit() -> tuple[CallResult, ReflexClient]:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate("/notifications")
        assert len(tab.state(NotificationsState)["rows"]) == 20
        redis_server.restart()
        more = await tab.call(NotificationsState.load_more, settle=1.0)
        await tab.close()
        return more, tab

    more, tab = asyncio.run(visit())
    assert not _refused(more), more.updates
    titles = [row["title"] for row in tab.state(NotificationsState)["rows"]]
    assert titles == [f"Notice {n}" for n in range(29, -1, -1)]


def test_the_bell_keeps_counting_live_after_redis_restarts(
    app_url: str, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = make_member()
    token = sign_in(member.email)
    # This process stands for a job worker: its live notices go through the backend's Redis.
    monkeypatch.setattr(live, "get_redis", lambda: redis.Redis.from_url(redis_server.url))

    async def visit() -> ReflexClient:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        started = await tab.hydrate("/")  # every page's loads start the tab's live listener
        assert any(e["name"] == "_call_script" for e in started.events)  # the tab's title
        redis_server.restart()
        with session_scope() as db:
            notifications.notify(db, member.id, "order", "Arrived meanwhile", link="/orders")
        deadline = time.monotonic() + 20
        while tab.state(NotificationBellState).get("unread") != 1:
            assert time.monotonic() < deadline, "the bell did not count the notification"
            await asyncio.sleep(0.05)
        await tab.close()
        return tab

    tab = asyncio.run(visit())
    assert tab.state(NotificationBellState)["unread"] == 1


def test_while_redis_is_down_a_click_says_so_and_works_once_it_is_back(
    app_url: str, redis_server: RedisServer, logs: Path
) -> None:
    member = make_member()
    slug = make_solution(make_member().email).slug
    token = sign_in(member.email)

    async def visit() -> tuple[CallResult, CallResult]:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
        redis_server.kill()
        try:
            down = await tab.call(SolutionPageState.toggle_bookmark, timeout=15)
        finally:
            redis_server.start()
        back = await tab.call(SolutionPageState.toggle_bookmark, timeout=15, settle=1.0)
        await tab.close()
        return down, back

    down, back = asyncio.run(visit())
    assert down.toasts == [("warning", RECONNECTING)], down.updates
    assert not _refused(back), back.updates
    assert ("success", "Bookmarked.") in back.toasts
    assert _bookmarked(token, slug)
    logged = log_text(logs)
    assert "an event failed while Redis was unreachable" in logged
    assert "unhandled error in an event handler" not in logged  # no trace per click


def test_a_signed_out_tab_is_not_signed_back_in_by_its_handshake_cookie(
    app_url: str, redis_server: RedisServer
) -> None:
    """Sign-out deletes the cookie, but the open socket's handshake still carries the token:
    the session ended server-side, so that token gets nothing, before and after a restart."""
    member = make_member()
    slug = make_solution(make_member().email).slug
    token = sign_in(member.email)

    async def visit() -> tuple[CallResult, CallResult, ReflexClient]:
        tab = ReflexClient(app_url, cookies={"aixplore_session": token})
        await tab.hydrate(f"/solutions/{slug}", params={"slug": slug})
        await tab.call(SessionState.sign_out)
        assert tab.cookies["aixplore_session"] == ""  # the browser forgot it
        signed_out = await tab.call(SolutionPageState.toggle_bookmark)
        redis_server.restart()
        restarted = await tab.call(SolutionPageState.toggle_bookmark, settle=1.0)
        await tab.close()
        return signed_out, restarted, tab

    signed_out, restarted, tab = asyncio.run(visit())
    assert _refused(signed_out), signed_out.updates
    assert _refused(restarted), restarted.updates
    assert tab.state(SessionState)["viewer_id"] == 0
    assert not _bookmarked(sign_in(member.email), slug)


def test_a_session_ended_in_another_tab_is_not_revived_after_a_restart(
    app_url: str, redis_server: RedisServer
) -> None:
    member = make_member()
    slug = make_solution(make_member().email).slug
    token = sign_in(member.email)

    async def visit() -> tuple[CallResult, ReflexClient]:
        left = ReflexClient(app_url, cookies={"aixplore_session": token})
        right = ReflexClient(app_url, cookies={"aixplore_session": token})
        await left.hydrate(f"/solutions/{slug}", params={"slug": slug})
        await right.hydrate("/")
        await right.call(SessionState.sign_out)
        redis_server.restart()
        click = await left.call(SolutionPageState.toggle_bookmark, settle=1.0)
        await left.close()
        await right.close()
        return click, left

    click, left = asyncio.run(visit())
    assert _refused(click), click.updates
    assert left.state(SessionState)["viewer_id"] == 0
