"""The tab view hint passes over only the live notices that cannot change what a tab shows."""

from __future__ import annotations

import pytest

from aixplore.web import tab_view


@pytest.fixture
def tab():
    tab_view.start("t1", 1, "/messages/7/")
    yield "t1"
    tab_view.end("t1", 1)


def _message(conversation: int, seq: object) -> dict:
    return {"kind": "message", "conversation": conversation, "seq": seq}


def test_without_a_view_every_notice_is_wanted() -> None:
    assert tab_view.wanted("nobody", _message(7, 1))
    assert tab_view.wanted("nobody", {"kind": "read", "conversation": 7})


def test_a_fresh_view_knows_no_conversation_and_wants_every_messaging_notice(tab) -> None:
    assert tab_view.wanted(tab, _message(7, 1))
    assert tab_view.wanted(tab, {"kind": "read", "conversation": 9})
    assert tab_view.wanted(tab, {"kind": "typing", "conversation": 9})


def test_the_senders_own_message_shown_already_is_passed_over(tab) -> None:
    tab_view.note(tab, open_id=7, cursor=5, first_id=7)
    assert not tab_view.wanted(tab, _message(7, 5))
    assert not tab_view.wanted(tab, _message(7, 4))
    assert tab_view.wanted(tab, _message(7, 6))  # newer than what the tab shows
    assert tab_view.wanted(tab, _message(8, 1))  # another conversation: its list entry
    assert tab_view.wanted(tab, _message(7, "5"))  # not a number: read it to be sure
    tab_view.note(tab, open_id=7, cursor=5, first_id=8)
    assert tab_view.wanted(tab, _message(7, 5))  # the list's order changes


def test_receipts_and_typing_matter_only_for_the_open_conversation(tab) -> None:
    tab_view.note(tab, open_id=7, cursor=5, first_id=7)
    assert tab_view.wanted(tab, {"kind": "read", "conversation": 7})
    assert tab_view.wanted(tab, {"kind": "typing", "conversation": 7})
    assert not tab_view.wanted(tab, {"kind": "read", "conversation": 8})
    assert not tab_view.wanted(tab, {"kind": "typing", "conversation": 8})


def test_off_the_messages_page_only_messaging_notices_are_passed_over() -> None:
    tab_view.start("t2", 3, "/feed")
    try:
        assert not tab_view.wanted("t2", _message(7, 1))
        assert not tab_view.wanted("t2", {"kind": "read", "conversation": 7})
        for kind in ("notification", "feed", "resync", "something new"):
            assert tab_view.wanted("t2", {"kind": kind})
    finally:
        tab_view.end("t2", 3)


def test_an_older_listener_ending_leaves_the_newer_ones_view() -> None:
    tab_view.start("t3", 1, "/messages")
    tab_view.start("t3", 2, "/messages/7")
    tab_view.note("t3", open_id=7, cursor=1, first_id=7)
    tab_view.end("t3", 1)
    assert not tab_view.wanted("t3", _message(7, 1))
    tab_view.end("t3", 2)
    assert tab_view.wanted("t3", _message(7, 1))
    tab_view.note("t3", open_id=7, cursor=1, first_id=7)  # no listener: nothing kept
    assert tab_view.wanted("t3", _message(7, 1))
