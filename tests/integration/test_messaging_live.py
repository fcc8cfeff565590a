"""Messages and notifications arrive in open tabs by themselves, across backend workers.

Two backends (``tests/support/backend.py``) share the run's database and a Redis of their own:
tab A talks to the first, tab B to the second, as two workers behind one address. The tabs are
``tests/support/reflex_client.py`` sockets; nothing is reloaded or polled: what B shows
arrives as pushed state. The handlers are also called as the wrong person.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from aixplore.core import live
from aixplore.core.db import read_scope, session_scope
from aixplore.domain.groups import services as groups
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.notifications import services as notifications
from aixplore.domain.notifications.models import KINDS, NotificationSettings
from aixplore.domain.social import graph
from aixplore.web.groups.state import GroupPageState
from aixplore.web.live import LiveState
from aixplore.web.messaging.search import MessageSearchState
from aixplore.web.messaging.state import MessagesState
from aixplore.web.moderation.report import ReportState
from aixplore.web.notifications.settings_page import NotificationSettingsState
from aixplore.web.notifications.state import NotificationBellState
from tests.factories import make_member, sign_in
from tests.support.backend import RedisServer, backend
from tests.support.reflex_client import ReflexClient
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


@pytest.fixture(scope="module")
def workers(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    logs = tmp_path_factory.mktemp("backends")
    with (
        backend(logs, AIXPLORE_REDIS_URL=redis_server.url) as first,
        backend(logs, AIXPLORE_REDIS_URL=redis_server.url) as second,
    ):
        yield first, second, logs


async def _until(check: Callable[[], Any], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.05)


def _tab(url: str, email: str) -> ReflexClient:
    return ReflexClient(url, cookies={"aixplore_session": sign_in(email)})


def _bodies(tab: ReflexClient) -> list[str]:
    return [r["body"] for r in tab.state(MessagesState).get("rows", [])]


def test_a_message_sent_on_one_worker_appears_live_on_the_other(workers) -> None:
    first, second, _logs = workers
    ada, bob = person("Ada"), person("Bob")
    run(graph.do_follow, bob, handle(ada))
    talk = run(conversations.do_start_direct, ada, handle(bob))
    path, params = f"/messages/{talk}", {"conversation_id": str(talk)}

    async def visit() -> None:
        a, b = _tab(first, ada.email), _tab(second, bob.email)
        await a.hydrate(path, params=params)
        await b.hydrate(path, params=params)
        sent = await a.call(MessagesState.send, form={"body": "Hello from worker one"})
        assert any(e["name"] == "_set_value" for e in sent.events), sent.updates  # cleared
        await _until(lambda: _bodies(b) == ["Hello from worker one"])
        assert "Hello from worker one" in b.state(MessagesState)["announcement"]
        # B's page read it: A sees the receipt, pushed too.
        await _until(lambda: a.state(MessagesState).get("seen") == "Seen by Bob")
        await a.call(MessagesState.typed, _value="H")
        await _until(lambda: b.state(MessagesState).get("typing") == "Ada is typing…")
        await a.call(MessagesState.edit, seq=1)
        await a.call(MessagesState.send, form={"body": "Hello, edited"})
        await _until(lambda: _bodies(b) == ["Hello, edited"])
        assert b.state(MessagesState)["rows"][0]["edited"] is True
        await b.close()
        for n in range(3):  # B is away: nothing reaches B's tab
            await a.call(MessagesState.send, form={"body": f"while away {n}"})
        back = _tab(second, bob.email)
        await back.hydrate(path, params=params)
        await a.call(MessagesState.send, form={"body": "after"})
        await _until(lambda: len(_bodies(back)) == 5)
        assert _bodies(back) == [
            "Hello, edited",
            "while away 0",
            "while away 1",
            "while away 2",
            "after",
        ]
        await a.close()
        await back.close()

    asyncio.run(visit())


def test_seen_by_follows_each_reader_live_and_clears_for_a_new_message(
    workers, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _second, _logs = workers
    # The readers read in this process: their receipts go through the backends' Redis.
    client = redis.Redis.from_url(redis_server.url)
    monkeypatch.setattr(live, "get_redis", lambda: client)
    ada, bob, cy = person("Ada"), person("Bob"), person("Cy")
    for reader in (bob, cy):
        run(graph.do_follow, reader, handle(ada))
    group = run(conversations.do_start_group, ada, "Trio", [handle(bob), handle(cy)])
    run(messages.do_send, ada, group, "earlier")
    direct = run(conversations.do_start_direct, ada, handle(bob))
    run(messages.do_send, ada, direct, "the latest, elsewhere")  # first in Ada's list
    path, params = f"/messages/{group}", {"conversation_id": str(group)}

    def seen(tab: ReflexClient) -> str:
        return tab.state(MessagesState).get("seen", "")

    async def visit() -> None:
        a = _tab(first, ada.email)
        await a.hydrate(path, params=params)
        listed = [c["id"] for c in a.state(MessagesState)["conversations"]]
        assert listed == [direct, group]
        await a.call(MessagesState.send, form={"body": "hi all"})
        assert _bodies(a) == ["earlier", "hi all"] and seen(a) == ""
        listed = [c["id"] for c in a.state(MessagesState)["conversations"]]
        assert listed == [group, direct]  # moved to the top, once
        run(messages.do_mark_read, bob, group, 2)
        await _until(lambda: seen(a) == "Seen by Bob")
        run(messages.do_mark_read, cy, group, 2)
        await _until(lambda: seen(a) == "Seen by Bob, Cy")
        await a.call(MessagesState.send, form={"body": "again"})
        assert _bodies(a) == ["earlier", "hi all", "again"] and seen(a) == ""  # nobody read it
        assert [c["id"] for c in a.state(MessagesState)["conversations"]] == [group, direct]
        run(conversations.do_set_read_receipts, bob, False)
        run(messages.do_mark_read, bob, group, 3)  # Bob no longer shares how far he read
        run(messages.do_mark_read, cy, group, 3)
        await _until(lambda: seen(a) == "Seen by Cy")
        await a.close()

    asyncio.run(visit())
    client.close()


def test_a_notification_reaches_the_bell_without_a_reload(
    workers, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _first, second, _logs = workers
    member = make_member(name="Bell Owner")
    # This process stands for a job worker: its notices go through the backends' Redis.
    client = redis.Redis.from_url(redis_server.url)
    monkeypatch.setattr(live, "get_redis", lambda: client)

    async def visit() -> None:
        tab = _tab(second, member.email)
        await tab.hydrate("/")
        assert tab.state(NotificationBellState)["unread"] == 0
        with session_scope() as db:
            notifications.notify(db, member.id, "order", "Your app is ready", link="/orders")
        await _until(lambda: tab.state(NotificationBellState)["unread"] == 1)

        # The tab's title counts it too (a script pushed with the count).
        def titled() -> bool:
            tab._drain()  # what arrived unasked, into tab.unsolicited
            return any("(1) " in str(u.get("events")) for u in tab.unsolicited)

        await _until(titled)
        await tab.close()

    asyncio.run(visit())
    client.close()


def test_the_handlers_refuse_someone_outside_the_conversation(workers) -> None:
    first, _second, _logs = workers
    ada, bob, eve = person("Ada"), person("Bob"), person("Eve")
    run(graph.do_follow, bob, handle(ada))
    talk = run(conversations.do_start_direct, ada, handle(bob))
    run(messages.do_send, ada, talk, "private")

    async def visit() -> list:
        tab = _tab(first, eve.email)
        opened = await tab.hydrate(f"/messages/{talk}", params={"conversation_id": str(talk)})
        answers = [opened]
        calls: tuple[tuple[Any, dict[str, Any]], ...] = (
            (MessagesState.send, {"form": {"body": "let me in"}}),
            (MessagesState.load_older, {}),
            (MessagesState.delete, {"seq": 1}),
            (MessagesState.accept, {}),
            (MessagesState.toggle_mute, {}),
            (MessagesState.reply, {"seq": 1}),
            (MessagesState.edit, {"seq": 1}),
            (MessagesState.typed, {"_value": "x"}),
            (MessagesState.set_receipts, {"on": "yes"}),
            (MessagesState.start, {"form": {"people": ["not", "a", "string"]}}),
            (LiveState.listen, {"generation": 1}),
            (LiveState.listen, {"generation": "1; drop"}),
        )
        # Most of these are refused without a word, so no answer comes: wait 1.5 s for one,
        # not the client's 10 s (a late answer lands in the next call's, checked the same).
        for handler, payload in calls:
            answers.append(await tab.call(handler, timeout=1.5, **payload))
        assert _bodies(tab) == []
        assert tab.state(MessagesState).get("open_id", 0) == 0
        await tab.close()
        return answers

    answers = asyncio.run(visit())
    assert ("error", "No such conversation.") in answers[0].toasts
    assert all("private" not in str(a.updates) for a in answers)


def test_notification_settings_handlers_save_only_the_callers_own(workers) -> None:
    first, _second, _logs = workers
    ana, bob = person("Ana"), person("Bob")
    form = {f"channel_{k}": "app" for k in KINDS} | {
        "channel_order": "email",
        "timezone": "Europe/Paris",
        "quiet_start": "22",
        "quiet_end": "7",
        "digest": "weekly",
    }

    async def visit() -> list:
        anonymous = ReflexClient(first)
        await anonymous.hydrate("/settings/notifications")
        answers = [await anonymous.call(NotificationSettingsState.save, form_data=form)]
        tab = _tab(first, bob.email)
        await tab.hydrate("/settings/notifications")
        for bad in ("not a form", {**form, "quiet_start": "25"}, {**form, "user_id": ana.user_id}):
            answers.append(await tab.call(NotificationSettingsState.save, form_data=bad))
        answers.append(await tab.call(NotificationSettingsState.set_browser_timezone, zone=[1]))
        answers.append(await tab.call(NotificationSettingsState.save, form_data=form))
        await anonymous.close()
        await tab.close()
        return answers

    answers = asyncio.run(visit())
    assert answers[0].redirects == ["/login?next=/settings/notifications"]
    assert answers[1].toasts[0].level == "error"  # a clear message, no stack trace
    assert "quiet hours are whole hours" in answers[2].toasts[0].message
    assert answers[-1].toasts == [("success", "Notification settings saved.")]
    with read_scope() as db:
        assert db.get(NotificationSettings, ana.user_id) is None  # nobody saved Ana's
        saved = db.get(NotificationSettings, bob.user_id)
        assert saved is not None
        assert (saved.timezone, saved.quiet_start, saved.digest) == ("Europe/Paris", 22, "weekly")
        assert saved.channels == {"order": "email"}


def test_search_and_report_handlers_reach_only_the_callers_conversations(workers) -> None:
    first, _second, _logs = workers
    ada, bob = person("Ada"), person("Bob")
    run(graph.do_follow, bob, handle(ada))
    talk = run(conversations.do_start_direct, ada, handle(bob))
    secret = run(messages.do_send, ada, talk, "the secret plan")
    eve = person("Eve")

    async def visit() -> list:
        tab = _tab(first, eve.email)
        await tab.hydrate("/messages")
        answers = [await tab.call(MessageSearchState.search, form={"q": "secret"})]
        answers.append(await tab.call(MessageSearchState.search, form={"q": ["secret"]}))
        report = {"kind": "message", "target_id": str(secret.id), "reason": "spam"}
        answers.append(await tab.call(ReportState.report, form_data=report))
        mine = _tab(first, bob.email)
        await mine.hydrate("/messages")
        answers.append(await mine.call(MessageSearchState.search, form={"q": "secret"}))
        answers.append(await mine.call(ReportState.report, form_data=report))
        await tab.close()
        await mine.close()
        return answers

    eve_search, eve_bad, eve_report, bob_search, bob_report = asyncio.run(visit())
    assert "secret plan" not in str(eve_search.updates)
    assert eve_search.changed(MessageSearchState).get("hits", []) == []
    assert eve_bad.toasts[0].level == "error"
    assert eve_report.toasts == [("error", "No such message.")]
    assert "the secret plan" in str(bob_search.changed(MessageSearchState)["hits"])
    assert bob_report.toasts[0].level == "success"


def test_a_groups_chat_refuses_outsiders_and_leavers_through_the_socket(workers) -> None:
    first, _second, _logs = workers
    owner, bob, eve = person("Owner"), person("Bob"), person("Eve")
    group = run(groups.do_create_group, owner, "Socket chat group", "", "private")
    run(groups.do_join, bob, group.slug, "")
    run(groups.do_answer_request, owner, group.slug, bob.user_id, True)
    page = {"path": f"/groups/{group.slug}", "params": {"slug": group.slug}}

    async def visit() -> tuple:
        outsider = _tab(first, eve.email)
        await outsider.hydrate(page["path"], params=page["params"])
        refused = await outsider.call(GroupPageState.open_chat)
        member = _tab(first, bob.email)
        await member.hydrate(page["path"], params=page["params"])
        opened = await member.call(GroupPageState.open_chat)
        chat = int(opened.redirects[0].rsplit("/", 1)[1])
        path, params = f"/messages/{chat}", {"conversation_id": str(chat)}
        await member.navigate(path, params=params)
        sent = await member.call(MessagesState.send, form={"body": "members only"})
        peek = await outsider.hydrate(path, params=params)
        run(groups.do_leave, bob, group.slug)
        after = await member.call(MessagesState.send, form={"body": "after leaving"})
        await outsider.close()
        await member.close()
        return refused, opened, sent, peek, after

    refused, opened, sent, peek, after = asyncio.run(visit())
    assert refused.redirects == [] and refused.toasts[0].level == "error"
    assert "Join it first" in refused.toasts[0].message
    assert opened.redirects[0].startswith("/messages/")
    assert any(e["name"] == "_set_value" for e in sent.events)
    assert ("error", "No such conversation.") in peek.toasts
    assert "members only" not in str(peek.updates)
    assert ("error", "No such conversation.") in after.toasts
