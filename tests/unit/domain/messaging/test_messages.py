"""Messages: sequence numbers, catch-up without loss or repeats, edits, receipts, limits, and
live notices sent only once the message is stored."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from aixplore.core import live
from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied, Throttled, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import BODY_MAX, Message
from aixplore.domain.social import graph
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


def _pair() -> tuple:
    ada, bob = person("Ada"), person("Bob")
    run(graph.do_follow, bob, handle(ada))
    return ada, bob, run(conversations.do_start_direct, ada, handle(bob))


def test_messages_take_the_next_sequence_and_a_reader_catches_up_from_any_point() -> None:
    ada, bob, talk = _pair()
    sent = [run(messages.do_send, ada if i % 2 else bob, talk, f"m{i}").seq for i in range(1, 8)]
    assert sent == list(range(1, 8))
    seen: list[int] = []
    cursor = 0
    for stop in (3, 3, 7):  # a reader who saw up to 3 asks twice, then the rest
        batch = run(messages.read_changes, bob, talk, after=cursor)
        fresh = [m.seq for m in batch.items if m.seq <= stop and m.seq not in seen]
        seen += fresh
        cursor = max(cursor, *(m.changed_seq for m in batch.items if m.seq <= stop), 0)
    assert seen == sent  # nothing lost, nothing twice
    assert run(messages.read_changes, bob, talk, after=7).items == []


def test_an_edit_or_delete_is_a_change_after_the_last_one_and_shows_as_edited() -> None:
    ada, bob, talk = _pair()
    run(messages.do_send, ada, talk, "helo")
    run(messages.do_send, bob, talk, "hi")
    run(messages.do_edit, ada, talk, 1, "hello")
    changes = run(messages.read_changes, bob, talk, after=2)
    [edited] = changes.items
    assert (edited.seq, edited.changed_seq, edited.body, edited.edited) == (1, 3, "hello", True)
    assert changes.cursor == 3
    run(messages.do_delete, bob, talk, 2)
    [gone] = run(messages.read_changes, ada, talk, after=3).items
    assert (gone.seq, gone.body, gone.deleted) == (2, "", True)
    with pytest.raises(PermissionDenied):
        run(messages.do_edit, bob, talk, 1, "mine now")
    with pytest.raises(NotFound):
        run(messages.do_edit, bob, talk, 2, "back")
    history = run(messages.read_history, ada, talk)
    assert [(m.seq, m.body) for m in history.items] == [(1, "hello"), (2, "")]


def test_a_message_can_be_changed_only_within_the_time_limit() -> None:
    ada, _bob, talk = _pair()
    run(messages.do_send, ada, talk, "old")
    with session_scope() as db:
        db.execute(update(Message).values(created_at=utcnow() - timedelta(minutes=16)))
    with pytest.raises(PermissionDenied, match="15 minutes"):
        run(messages.do_edit, ada, talk, 1, "new")
    with pytest.raises(PermissionDenied):
        run(messages.do_delete, ada, talk, 1)


def test_history_pages_upward_and_replies_name_a_message_of_the_conversation() -> None:
    ada, bob, talk = _pair()
    for i in range(1, 6):
        run(messages.do_send, ada, talk, f"m{i}")
    newest = run(messages.read_history, bob, talk, limit=2)
    assert [m.seq for m in newest.items] == [4, 5] and newest.more and newest.cursor == 5
    older = run(messages.read_history, bob, talk, before=4, limit=3)
    assert [m.seq for m in older.items] == [1, 2, 3] and not older.more
    assert run(messages.do_send, bob, talk, "re", reply_to=2).reply_to_seq == 2
    with pytest.raises(ValidationFailed):
        run(messages.do_send, bob, talk, "re", reply_to=99)
    with pytest.raises(ValidationFailed):
        run(messages.read_history, bob, talk, limit=1000)


def test_empty_oversized_and_flooding_messages_are_refused() -> None:
    ada, _bob, talk = _pair()
    for body in ("", "   ", None, 5, "x" * (BODY_MAX + 1)):
        with pytest.raises(ValidationFailed):
            run(messages.do_send, ada, talk, body)
    with pytest.raises(Throttled):
        for i in range(31):
            run(messages.do_send, ada, talk, f"flood {i}")
    assert run(messages.read_history, ada, talk).cursor == 30


def test_read_receipts_show_how_far_others_read_unless_turned_off() -> None:
    ada, bob, talk = _pair()
    run(messages.do_send, ada, talk, "one")
    run(messages.do_send, ada, talk, "two")
    assert run(conversations.get_summary, bob, talk).unread == 2
    assert run(messages.do_mark_read, bob, talk, 99) == 2  # never past the last message
    assert run(conversations.get_summary, bob, talk).unread == 0
    [receipt] = run(messages.receipts, ada, talk)
    assert (receipt.name, receipt.last_read_seq) == ("Bob", 2)
    run(conversations.do_set_read_receipts, bob, False)
    assert run(messages.receipts, ada, talk) == []
    assert run(messages.receipts, bob, talk) == []  # nor does Bob see Ada's
    with pytest.raises(ValidationFailed):
        run(conversations.do_set_read_receipts, bob, "off")


def test_in_a_group_receipts_leave_out_those_who_turned_them_off() -> None:
    ada, bob, cy, di = person("Ada"), person("Bob"), person("Cy"), person("Di")
    group = run(conversations.do_start_group, ada, "Four", [handle(bob), handle(cy), handle(di)])
    run(messages.do_send, ada, group, "hello")
    for reader in (bob, cy, di):
        run(messages.do_mark_read, reader, group, 1)
    run(conversations.do_set_read_receipts, cy, False)
    run(conversations.do_set_read_receipts, di, True)  # a settings row that shares
    seen = {(r.name, r.last_read_seq) for r in run(messages.receipts, ada, group)}
    assert seen == {("Bob", 1), ("Di", 1)}  # Bob has no settings row: the default shares


def test_a_read_receipt_goes_to_the_others_not_to_the_reader() -> None:
    ada, bob, talk = _pair()
    run(messages.do_send, ada, talk, "one")

    async def scenario() -> tuple[list, list]:
        async with (
            live.subscribe(live.user_channel(ada.user_id)) as to_ada,
            live.subscribe(live.user_channel(bob.user_id)) as to_bob,
        ):
            await asyncio.sleep(0.2)  # the relay, with Redis, is listening
            await asyncio.to_thread(run, messages.do_mark_read, bob, talk, 1)
            await asyncio.to_thread(run, messages.do_send, ada, talk, "two")  # a marker

            async def until_message(sub) -> list:
                got = []
                while (item := await sub.get(5)) is not None and item.get("kind") != "message":
                    if item != live.RESYNC:
                        got.append(item)
                return got

            return await until_message(to_ada), await until_message(to_bob)

    to_ada, to_bob = asyncio.run(scenario())
    assert to_ada == [{"kind": "read", "conversation": talk, "user": bob.user_id, "upto": 1}]
    assert to_bob == []


def test_in_a_group_a_member_does_not_receive_what_someone_they_blocked_sends() -> None:
    ada, bob, cy = person("Ada"), person("Bob"), person("Cy")
    group = run(conversations.do_start_group, ada, "Trio", [handle(bob), handle(cy)])
    run(graph.do_block, cy, handle(bob))
    run(messages.do_send, bob, group, "from Bob")
    run(messages.do_send, ada, group, "from Ada")
    assert [m.body for m in run(messages.read_history, cy, group).items] == ["from Ada"]
    changes = run(messages.read_changes, cy, group, after=0)
    assert [m.body for m in changes.items] == ["from Ada"] and changes.cursor == 2


def test_members_hear_of_a_message_only_once_it_is_stored() -> None:
    ada, bob, talk = _pair()

    async def scenario() -> list:
        async with live.subscribe(live.user_channel(bob.user_id)) as sub:
            await asyncio.sleep(0.2)  # the relay, with Redis, is listening
            with pytest.raises(RuntimeError), session_scope() as db:
                messages.do_send(db, ada, talk, "rolled back")
                raise RuntimeError
            await asyncio.to_thread(run, messages.do_send, ada, talk, "stored")
            await asyncio.to_thread(run, messages.do_typing, ada, talk)
            got = []
            while len(got) < 2 and (item := await sub.get(5)) is not None:
                if item != live.RESYNC:
                    got.append(item)
            return got

    got = asyncio.run(scenario())
    assert got[0] == {"kind": "message", "conversation": talk, "seq": 1}
    assert got[1]["kind"] == "typing" and got[1]["name"] == "Ada"


def test_senders_at_the_same_time_get_distinct_consecutive_sequences() -> None:
    people = [person(f"P{i}") for i in range(3)]
    group = run(conversations.do_start_group, people[0], "Busy", [handle(p) for p in people[1:]])
    failures: list[BaseException] = []

    def send(who) -> None:
        try:
            for i in range(6):
                run(messages.do_send, who, group, f"{who.display_name} {i}")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=send, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    seqs = [m.seq for m in run(messages.read_history, people[1], group, limit=100).items]
    assert seqs == list(range(1, 19))
