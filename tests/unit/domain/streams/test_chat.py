"""Stream chat: sequence numbers and catch-up, slow mode, followers-only mode, moderators who
delete lines and time chatters out, refusals for the wrong person, and the viewer count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from aixplore.core import live
from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.social import graph
from aixplore.domain.streams import chat, ingest
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import LINE_MAX, StreamChatLine, StreamViewer
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import schedule


def _age_lines(stream_id: int, seconds: int) -> None:
    """Move every line of the stream ``seconds`` into the past (slow mode without sleeping)."""
    with session_scope() as db:
        db.execute(
            update(StreamChatLine)
            .where(StreamChatLine.stream_id == stream_id)  # type: ignore[arg-type]
            .values(created_at=utcnow() - timedelta(seconds=seconds))
        )


def test_lines_take_the_next_sequence_and_a_reader_catches_up_once() -> None:
    ada, bob = person("Ada"), person("Bob")
    sid = schedule(ada)
    sent = [
        run(chat.do_send_line, ada if i % 2 else bob, sid, f"line {i}").seq for i in range(1, 6)
    ]
    assert sent == [1, 2, 3, 4, 5]
    first = run(chat.read_chat, None, sid)
    assert [x.seq for x in first.items] == sent and first.cursor == 5
    assert run(chat.read_chat, bob, sid, after=5).items == []
    run(chat.do_delete_line, ada, sid, 2)
    later = run(chat.read_chat, bob, sid, after=5)
    [gone] = later.items
    assert (gone.seq, gone.changed_seq, gone.body, gone.deleted) == (2, 6, "", True)
    assert later.cursor == 6
    with pytest.raises(ValidationFailed):
        run(chat.read_chat, bob, sid, after="5")


def test_a_line_is_announced_on_the_streams_channel_only_once_stored() -> None:
    ada = person("Ada")
    sid = schedule(ada)
    heard: list[dict] = []
    channel = ingest.stream_channel(sid)

    class Probe:
        channels = frozenset({channel})

        def offer(self, item: dict) -> bool:
            heard.append(item)
            return True

    probe = Probe()
    live.hub().add(probe)  # type: ignore[arg-type]
    try:
        with pytest.raises(RuntimeError), session_scope() as db:
            chat.do_send_line(db, ada, sid, "rolled back")
            raise RuntimeError
        assert heard == []
        run(chat.do_send_line, ada, sid, "kept")
    finally:
        live.hub().remove(probe)  # type: ignore[arg-type]
    if live.relay() is None:  # with Redis the notice arrives through the relay thread
        assert heard == [{"kind": "chat", "seq": 1}]
    assert [x.body for x in run(chat.read_chat, None, sid).items] == ["kept"]


def test_bad_lines_and_visitors_are_refused_clearly() -> None:
    ada = person("Ada")
    sid = schedule(ada)
    with pytest.raises(NotAuthenticated):
        run(chat.do_send_line, None, sid, "hi")
    with pytest.raises(ValidationFailed, match="Write something"):
        run(chat.do_send_line, ada, sid, "   ")
    with pytest.raises(ValidationFailed, match=f"at most {LINE_MAX}"):
        run(chat.do_send_line, ada, sid, "x" * (LINE_MAX + 1))
    with pytest.raises(NotFound):
        run(chat.do_send_line, ada, 99999, "hi")
    with pytest.raises(NotFound):
        run(chat.do_send_line, ada, {"id": sid}, "hi")
    run(ingest.do_end, ada, sid)
    with pytest.raises(PermissionDenied, match="over"):
        run(chat.do_send_line, ada, sid, "late")


def test_slow_mode_refuses_a_second_line_too_soon_but_not_the_streamer() -> None:
    ada, bob = person("Ada"), person("Bob")
    sid = schedule(ada)
    with pytest.raises(PermissionDenied, match="streamer"):
        run(streams.do_set_chat_modes, bob, sid, 30, False)
    with pytest.raises(ValidationFailed):
        run(streams.do_set_chat_modes, ada, sid, 9999, False)
    with pytest.raises(ValidationFailed):
        run(streams.do_set_chat_modes, ada, sid, 30, "yes")
    run(streams.do_set_chat_modes, ada, sid, 30, False)
    run(chat.do_send_line, bob, sid, "first")
    with pytest.raises(PermissionDenied, match=r"Slow mode is on: wait \d+ s"):
        run(chat.do_send_line, bob, sid, "second")
    run(chat.do_send_line, ada, sid, "the streamer is exempt")
    run(chat.do_send_line, ada, sid, "twice")
    _age_lines(sid, 31)
    run(chat.do_send_line, bob, sid, "second, later")


def test_followers_only_mode_refuses_who_does_not_follow() -> None:
    ada, bob, cy = person("Ada"), person("Bob"), person("Cy")
    sid = schedule(ada)
    run(streams.do_set_chat_modes, ada, sid, 0, True)
    with pytest.raises(PermissionDenied, match="followers only"):
        run(chat.do_send_line, bob, sid, "hi")
    run(graph.do_follow, bob, handle(ada))
    run(chat.do_send_line, bob, sid, "hi")
    run(streams.do_add_moderator, ada, sid, handle(cy))
    run(chat.do_send_line, cy, sid, "a moderator need not follow")


def test_moderators_delete_lines_and_time_chatters_out_others_cannot() -> None:
    ada, mod, bob, eve = person("Ada"), person("Mod"), person("Bob"), person("Eve")
    sid = schedule(ada)
    with pytest.raises(PermissionDenied):
        run(streams.do_add_moderator, bob, sid, handle(mod))
    assert run(streams.do_add_moderator, ada, sid, "@" + handle(mod)) == [handle(mod)]
    with pytest.raises(NotFound):
        run(streams.do_add_moderator, ada, sid, "nobody_here")
    line = run(chat.do_send_line, bob, sid, "spam")
    with pytest.raises(PermissionDenied, match="moderators"):
        run(chat.do_delete_line, eve, sid, line.seq)
    with pytest.raises(PermissionDenied, match="moderators"):
        run(chat.do_timeout, eve, sid, bob.user_id, 10)
    run(chat.do_delete_line, mod, sid, line.seq)
    with pytest.raises(NotFound):
        run(chat.do_delete_line, mod, sid, 999)
    with pytest.raises(PermissionDenied, match="cannot be timed out"):
        run(chat.do_timeout, mod, sid, ada.user_id, 10)
    with pytest.raises(ValidationFailed):
        run(chat.do_timeout, mod, sid, bob.user_id, 10**6)
    run(chat.do_timeout, mod, sid, bob.user_id, 10)
    with pytest.raises(PermissionDenied, match=r"timed you out of this chat for 10 more min"):
        run(chat.do_send_line, bob, sid, "again")
    run(chat.do_timeout, ada, sid, bob.user_id, 0)  # lifted
    run(chat.do_send_line, bob, sid, "back")
    run(streams.do_remove_moderator, ada, sid, handle(mod))
    with pytest.raises(PermissionDenied):
        run(chat.do_delete_line, mod, sid, 2)


def test_someone_the_streamer_blocked_cannot_chat_and_blocked_lines_are_hidden() -> None:
    ada, bob = person("Ada"), person("Bob")
    sid = schedule(ada)
    run(chat.do_send_line, bob, sid, "hello")
    run(graph.do_block, ada, handle(bob))
    with pytest.raises(PermissionDenied, match="blocked"):
        run(chat.do_send_line, bob, sid, "hello again")
    assert run(chat.read_chat, ada, sid).items == []
    assert [x.body for x in run(chat.read_chat, None, sid).items] == ["hello"]


def test_the_viewer_count_counts_recent_open_pages_of_a_live_stream() -> None:
    ada, bob = person("Ada"), person("Bob")
    sid = schedule(ada, source="hls", hls_url="https://video.example.com/a.m3u8")
    assert run(chat.do_seen, bob, sid, "tab-1") == 0  # not live yet: nobody counts
    run(ingest.do_go_live, ada, sid)
    assert run(chat.do_seen, bob, sid, "tab-1") == 1
    assert run(chat.do_seen, None, sid, "tab-2") == 2
    assert run(chat.do_seen, None, sid, "tab-2") == 2  # the same page again
    with session_scope() as db:
        db.execute(
            update(StreamViewer)
            .where(StreamViewer.tab == "tab-1")  # type: ignore[arg-type]
            .values(seen_at=utcnow() - timedelta(minutes=1))
        )
    assert run(chat.do_seen, None, sid, "tab-2") == 1  # a page gone quiet drops out
    with pytest.raises(ValidationFailed):
        run(chat.do_seen, None, sid, "")
    run(chat.do_leave, sid, "tab-2")
    with session_scope() as db:
        assert chat.viewer_count(db, sid) == 0


def test_a_chat_line_is_reportable_and_hiding_it_empties_it_for_everyone() -> None:
    from aixplore.core.errors import Conflict
    from aixplore.domain.moderation import reports
    from aixplore.domain.streams.reporting import CHAT_LINE, KIND

    ada, bob = person("Ada"), person("Bob")
    sid = schedule(ada)
    line = run(chat.do_send_line, bob, sid, "buy my coins")
    with pytest.raises(ValidationFailed, match="your own chat line"):
        run(reports.do_report, bob, KIND, line.id, {"reason": "spam"})
    run(reports.do_report, ada, KIND, line.id, {"reason": "spam"})
    with pytest.raises(Conflict):
        run(reports.do_report, ada, KIND, line.id, {"reason": "spam"})
    with session_scope() as db:
        previous = CHAT_LINE.hide(db, line.id)
    [hidden] = run(chat.read_chat, None, sid, after=1).items
    assert (previous, hidden.body, hidden.deleted) == ("buy my coins", "", True)
    with session_scope() as db:
        CHAT_LINE.restore(db, line.id, previous)
    [back] = run(chat.read_chat, None, sid, after=2).items
    assert (back.body, back.deleted) == ("buy my coins", False)
