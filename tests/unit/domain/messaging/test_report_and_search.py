"""Reporting a message into the moderation inbox, and searching one's own conversations."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, ValidationFailed
from aixplore.domain.messaging import messages
from aixplore.domain.messaging import search as message_search
from aixplore.domain.messaging import services as conversations
from aixplore.domain.messaging.models import Message
from aixplore.domain.moderation import actions, inbox, reports
from aixplore.domain.social import graph
from tests.factories import actor_for, make_admin, sign_in
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person


def _pair(a: str = "Ada", b: str = "Bob") -> tuple:
    ada, bob = person(a), person(b)
    run(graph.do_follow, bob, handle(ada))
    return ada, bob, run(conversations.do_start_direct, ada, handle(bob))


def _message_id(talk: int, seq: int) -> int:
    with read_scope() as db:
        found = db.exec(
            select(Message.id).where(Message.conversation_id == talk, Message.seq == seq)
        ).one()
    assert found is not None
    return found


def test_a_member_reports_a_message_and_a_moderator_hides_it_live() -> None:
    ada, bob, talk = _pair()
    sent = run(messages.do_send, ada, talk, "buy my pills")
    assert sent.id == _message_id(talk, sent.seq)
    report = {"reason": "spam", "note": "again"}
    with pytest.raises(ValidationFailed, match="your own message"):
        run(reports.do_report, ada, "message", sent.id, report)
    run(reports.do_report, bob, "message", sent.id, report)
    admin = actor_for(sign_in(make_admin().email))
    with session_scope() as db:
        [item] = inbox.list_inbox(db, admin)
    assert (item.kind_label, item.snippet) == ("message", "buy my pills")
    seen = run(messages.read_history, bob, talk).cursor
    run(actions.do_act, admin, "message", sent.id, {"action": "hide", "note": "Spam."})
    # Bob's page catches up on the change: the text is gone, the place stays.
    [changed] = run(messages.read_changes, bob, talk, after=seen).items
    assert (changed.seq, changed.hidden, changed.body) == (sent.seq, True, "")
    run(actions.do_act, admin, "message", sent.id, {"action": "restore", "note": "Fine."})
    [back] = run(messages.read_history, bob, talk).items
    assert (back.hidden, back.body) == (False, "buy my pills")


def test_only_a_member_can_report_a_message() -> None:
    ada, _bob, talk = _pair()
    sent = run(messages.do_send, ada, talk, "between us")
    eve = person("Eve")
    for target in (sent.id, sent.id + 1000):  # theirs, and one that does not exist: the same
        with pytest.raises(NotFound, match="No such message"):
            run(reports.do_report, eve, "message", target, {"reason": "spam"})
    with pytest.raises(NotAuthenticated):
        run(reports.do_report, None, "message", sent.id, {"reason": "spam"})
    admin = actor_for(sign_in(make_admin().email))
    with session_scope() as db:
        assert inbox.list_inbox(db, admin) == []


def test_search_finds_only_messages_in_the_searchers_own_conversations() -> None:
    ada, bob, talk = _pair()
    cy, dan, other = _pair("Cy", "Dan")
    run(messages.do_send, ada, talk, "The quarterly Report is ready")
    run(messages.do_send, bob, talk, "100% sure? under_score")
    run(messages.do_send, cy, other, "my report is secret")
    gone = run(messages.do_send, ada, talk, "report draft, deleted")
    run(messages.do_delete, ada, talk, gone.seq)
    hits = run(message_search.search_my_messages, bob, "report")
    assert [(h.conversation_id, h.seq, h.sender_name) for h in hits] == [(talk, 1, "Ada")]
    assert hits[0].conversation_title == "Ada" and "quarterly Report" in hits[0].excerpt
    assert [h.seq for h in run(message_search.search_my_messages, ada, "100%")] == [2]
    assert run(message_search.search_my_messages, ada, "0%_") == []  # wildcards are text
    assert [h.sender_name for h in run(message_search.search_my_messages, dan, "report")] == ["Cy"]
    # Someone in no conversation, or after blocking the sender, finds nothing.
    assert run(message_search.search_my_messages, person("Eve"), "report") == []
    run(graph.do_block, bob, handle(ada))
    assert run(message_search.search_my_messages, bob, "report") == []


@pytest.mark.parametrize("query", ["", "x", "y" * 101, None, ["report"], 12])
def test_search_refuses_queries_it_cannot_use(query: object) -> None:
    ada, _bob, _talk = _pair()
    with pytest.raises(ValidationFailed):
        run(message_search.search_my_messages, ada, query)
    with pytest.raises(NotAuthenticated):
        run(message_search.search_my_messages, None, "report")
