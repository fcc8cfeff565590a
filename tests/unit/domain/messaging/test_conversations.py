"""Conversations: one per pair, groups up to 100, requests, blocks, and only members read."""

from __future__ import annotations

import pytest

from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import GROUP_MAX
from aixplore.domain.social import graph
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


def test_a_pair_has_one_conversation_whoever_starts_it() -> None:
    ada, bob = person("Ada"), person("Bob")
    first = run(conversations.do_start_direct, ada, handle(bob))
    assert run(conversations.do_start_direct, bob, "@" + handle(ada)) == first
    [summary] = run(conversations.list_conversations, ada)
    assert (summary.id, summary.title, summary.members) == (first, "Bob", 2)


def test_someone_who_does_not_follow_the_starter_gets_a_request_until_they_answer() -> None:
    ada, bob, cy = person("Ada"), person("Bob"), person("Cy")
    run(graph.do_follow, cy, handle(ada))
    with_bob = run(conversations.do_start_direct, ada, handle(bob))
    with_cy = run(conversations.do_start_direct, ada, handle(cy))
    assert [c.id for c in run(conversations.list_conversations, bob)] == []
    assert [c.id for c in run(conversations.list_conversations, bob, requests=True)] == [with_bob]
    assert [c.id for c in run(conversations.list_conversations, cy)] == [with_cy]
    run(messages.do_send, bob, with_bob, "hello Ada")  # answering accepts
    assert [c.id for c in run(conversations.list_conversations, bob)] == [with_bob]


def test_blocks_either_way_stop_a_new_conversation_and_further_messages() -> None:
    ada, bob = person("Ada"), person("Bob")
    talk = run(conversations.do_start_direct, ada, handle(bob))
    run(graph.do_block, bob, handle(ada))
    with pytest.raises(PermissionDenied):
        run(messages.do_send, ada, talk, "are you there?")
    with pytest.raises(PermissionDenied):
        run(messages.do_send, bob, talk, "no")
    for starter, other in ((ada, bob), (bob, ada)):
        with pytest.raises(PermissionDenied):
            run(conversations.do_start_group, starter, "Us", [handle(other)])


def test_a_person_outside_a_conversation_cannot_read_write_or_watch_it() -> None:
    ada, bob, eve = person("Ada"), person("Bob"), person("Eve")
    talk = run(conversations.do_start_direct, ada, handle(bob))
    run(messages.do_send, ada, talk, "secret")
    calls = [
        (messages.read_history, (talk,), {}),
        (messages.read_changes, (talk,), {"after": 0}),
        (messages.do_send, (talk, "me too"), {}),
        (messages.do_edit, (talk, 1, "x"), {}),
        (messages.do_delete, (talk, 1), {}),
        (messages.do_mark_read, (talk, 1), {}),
        (messages.receipts, (talk,), {}),
        (messages.do_typing, (talk,), {}),
        (conversations.get_summary, (talk,), {}),
        (conversations.do_accept, (talk,), {}),
        (conversations.do_set_muted, (talk, True), {}),
    ]
    for action, args, kwargs in calls:
        with pytest.raises(NotFound):
            run(action, eve, *args, **kwargs)
        with pytest.raises(NotAuthenticated):
            run(action, None, *args, **kwargs)
    # 2**31 and 2**40 fit Python but not the 32-bit id column: PostgreSQL raised on them.
    for forged in ("1; drop", -1, True, None, 2**31, 2**40, 2**70, [talk], {"id": talk}):
        with pytest.raises(NotFound):
            run(messages.read_history, eve, forged)


def test_a_group_holds_up_to_100_people_and_needs_a_name() -> None:
    ada, bob = person("Ada"), person("Bob")
    with pytest.raises(ValidationFailed):
        run(conversations.do_start_group, ada, "", [handle(bob)])
    with pytest.raises(ValidationFailed):
        run(conversations.do_start_group, ada, "Us", [f"someone{i}" for i in range(GROUP_MAX)])
    with pytest.raises(ValidationFailed):
        run(conversations.do_start_group, ada, "Us", "bob")
    with pytest.raises(NotFound):
        run(conversations.do_start_group, ada, "Us", [handle(bob), "nobody_here"])
    group = run(conversations.do_start_group, ada, "Us", [handle(bob), handle(bob)])
    assert run(conversations.get_summary, ada, group).members == 2


def test_muting_keeps_the_conversation_but_not_its_unread_count_in_the_total() -> None:
    ada, bob = person("Ada"), person("Bob")
    run(graph.do_follow, bob, handle(ada))
    talk = run(conversations.do_start_direct, ada, handle(bob))
    run(messages.do_send, ada, talk, "one")
    run(messages.do_send, ada, talk, "two")
    assert run(conversations.unread_total, bob) == 2
    run(conversations.do_set_muted, bob, talk, True)
    assert run(conversations.unread_total, bob) == 0
    assert run(conversations.get_summary, bob, talk).unread == 2
    with pytest.raises(ValidationFailed):
        run(conversations.do_set_muted, bob, talk, "yes")
