"""Streams: scheduling and its checks, stream keys (hashed, rotated, refused when wrong or
reused), going live through nginx's callback with notifications, ending, recordings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.events import services as events
from aixplore.domain.notifications.models import Notification
from aixplore.domain.social import graph
from aixplore.domain.streams import ingest
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import Stream, StreamKey
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import key_parts, schedule


def test_a_schedule_is_checked_field_by_field() -> None:
    ada = person("Ada")
    with pytest.raises(NotAuthenticated):
        schedule(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="title"):
        schedule(ada, title="  ")
    with pytest.raises(ValidationFailed, match="passed"):
        schedule(ada, starts_at="2020-01-01T10:00")
    with pytest.raises(ValidationFailed, match="date and time"):
        schedule(ada, starts_at="tomorrow-ish")
    with pytest.raises(ValidationFailed, match="time zone"):
        schedule(ada, timezone="Mars/Olympus")
    with pytest.raises(ValidationFailed, match="where the stream"):
        schedule(ada, source="ftp")
    stream = run(streams.get_stream, None, schedule(ada))
    assert (stream.status, stream.play_url, stream.streamer_name) == ("scheduled", "", "Ada")


@pytest.mark.parametrize(
    "url",
    [
        "http://video.example.com/live.m3u8",  # not https
        "https://video.example.com/live.mp4",  # not a playlist
        "https://10.0.0.5/live.m3u8",  # private
        "https://127.0.0.1/live.m3u8",
        "https://[::1]/live.m3u8",
        "https://localhost/live.m3u8",
        "https://cam.local/live.m3u8",
        "https://user:pw@video.example.com/live.m3u8",
        "javascript:alert(1)//x.m3u8",
    ],
)
def test_an_own_origin_must_be_a_public_https_playlist(url: str) -> None:
    with pytest.raises(ValidationFailed):
        schedule(person(), source="hls", hls_url=url)


def test_an_own_origin_stream_goes_live_and_ends_by_its_streamer_only() -> None:
    ada, bob = person("Ada"), person("Bob")
    url = "https://video.example.com/ada/live.m3u8"
    sid = schedule(ada, source="hls", hls_url=url)
    with pytest.raises(PermissionDenied):
        run(ingest.do_go_live, bob, sid)
    run(ingest.do_go_live, ada, sid)
    assert run(streams.get_stream, bob, sid).play_url == url
    with pytest.raises(PermissionDenied):
        run(ingest.do_end, bob, sid)
    run(ingest.do_end, ada, sid)
    assert run(streams.get_stream, bob, sid).status == "ended"


def test_only_the_events_organizer_or_a_groups_member_ties_a_stream_to_it() -> None:
    ada, bob = person("Ada"), person("Bob")
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    event = run(
        events.do_create_event,
        ada,
        {
            "title": "Agents meetup",
            "description": "",
            "starts_at": f"{day}T18:00",
            "ends_at": f"{day}T20:00",
            "timezone": "UTC",
            "online_url": "",
            "location": "Berlin",
            "capacity": 10,
        },
    )
    with pytest.raises(PermissionDenied):
        schedule(bob, event_id=event.id)
    with pytest.raises(NotFound):
        schedule(bob, group="no-such-group")
    tied = run(streams.get_stream, None, schedule(ada, event_id=event.id))
    assert tied.event_title == "Agents meetup"


def test_a_stream_key_is_stored_hashed_and_shown_once() -> None:
    ada = person("Ada")
    name, secret = key_parts(ada)
    assert name.startswith(f"u{ada.user_id}-") and len(secret) >= 32
    with session_scope() as db:
        row = db.get(StreamKey, ada.user_id)
        assert row is not None and secret not in (row.secret_hash, row.ingest_name)
        assert row.secret_hash == streams.hash_secret(secret)
    assert run(streams.has_stream_key, ada)


def test_the_callback_takes_the_right_key_only_and_the_stream_goes_live() -> None:
    ada = person("Ada")
    sid = schedule(ada)
    name, secret = key_parts(ada)
    with pytest.raises(PermissionDenied, match="Wrong stream key"):
        run(ingest.on_publish, name, secret + "x")
    with pytest.raises(PermissionDenied, match="Unknown"):
        run(ingest.on_publish, "u999-000000", secret)
    with pytest.raises(PermissionDenied, match="Unknown"):
        run(ingest.on_publish, name, "")
    run(ingest.on_publish, name, secret)
    live = run(streams.get_stream, None, sid)
    base = get_settings().stream_hls_url.rstrip("/")
    assert (live.status, live.play_url) == ("live", f"{base}/{name}.m3u8")
    with pytest.raises(PermissionDenied, match="publishing already"):
        run(ingest.on_publish, name, secret)  # a second encoder on the same key
    with pytest.raises(ValidationFailed, match="End your live stream"):
        run(streams.do_new_stream_key, ada)
    run(ingest.on_publish_done, name)
    assert run(streams.get_stream, None, sid).status == "ended"
    with pytest.raises(PermissionDenied, match="No stream is scheduled"):
        run(ingest.on_publish, name, secret)


def test_a_rotated_key_is_refused_with_its_reason_and_the_new_one_works() -> None:
    ada = person("Ada")
    schedule(ada)
    old_name, old_secret = key_parts(ada)
    new_name, new_secret = key_parts(ada)
    assert new_name != old_name
    with pytest.raises(PermissionDenied, match="Unknown"):
        run(ingest.on_publish, old_name, old_secret)  # the old name is gone too
    with pytest.raises(PermissionDenied, match="replaced"):
        run(ingest.on_publish, new_name, old_secret)
    run(ingest.on_publish, new_name, new_secret)


def test_going_live_notifies_followers_and_the_events_attendees_once() -> None:
    ada, fan, guest, other = person("Ada"), person("Fan"), person("Guest"), person("Other")
    run(graph.do_follow, fan, handle(ada))
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    event = run(
        events.do_create_event,
        ada,
        {
            "title": "Launch",
            "description": "",
            "starts_at": f"{day}T18:00",
            "ends_at": f"{day}T20:00",
            "timezone": "UTC",
            "online_url": "",
            "location": "Online",
            "capacity": 10,
        },
    )
    run(events.do_rsvp, guest, event.id)
    run(events.do_rsvp, fan, event.id)  # a follower who also goes: told once
    sid = schedule(ada, event_id=event.id)
    name, secret = key_parts(ada)
    run(ingest.on_publish, name, secret)
    assert run(ingest.do_notify_going_live, sid) == 2  # the job's work (jobs/streams.py)
    assert run(ingest.do_notify_going_live, sid) == 0  # run again: nobody told twice
    with session_scope() as db:
        rows = db.exec(select(Notification).where(Notification.kind == "stream")).all()
        told = sorted(r.user_id for r in rows)
        assert told == sorted([fan.user_id, guest.user_id])
        assert {r.link for r in rows} == {f"/live/{sid}"}
        assert "Ada is going live" in rows[0].title
    assert other.user_id not in told


def test_a_kept_recording_is_linked_and_an_unkept_one_deleted() -> None:
    ada, bob = person("Ada"), person("Bob")
    folder = get_settings().stream_root / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    kept_id = schedule(ada, keep_recording=True)
    name, secret = key_parts(ada)
    run(ingest.on_publish, name, secret)
    run(ingest.on_publish_done, name)
    file = folder / f"{name}-1.flv"
    file.write_bytes(b"FLV")
    assert run(ingest.on_record_done, name, str(file)) == "kept"
    shown = run(streams.get_stream, None, kept_id)
    assert shown.recording_url.endswith(f"/{name}-1.flv") and file.exists()
    # Bob did not keep his: the file goes.
    schedule(bob)
    bob_name, bob_secret = key_parts(bob)
    run(ingest.on_publish, bob_name, bob_secret)
    run(ingest.on_publish_done, bob_name)
    dropped = folder / f"{bob_name}-2.flv"
    dropped.write_bytes(b"FLV")
    assert run(ingest.on_record_done, bob_name, str(dropped)) == "deleted"
    assert not dropped.exists()
    outside = folder.parent / "elsewhere.flv"
    outside.write_bytes(b"FLV")
    assert run(ingest.on_record_done, name, str(outside)) == "ignored" and outside.exists()
    assert run(ingest.on_record_done, name, str(folder / ".." / "elsewhere.flv")) == "ignored"


def test_the_callback_secret_is_checked_in_constant_time_and_not_guessable() -> None:
    assert ingest.check_callback_secret(ingest.callback_secret())
    assert not ingest.check_callback_secret("0" * 40)
    assert len(ingest.callback_secret()) == 40


def test_an_unknown_or_malformed_stream_id_is_not_found() -> None:
    with session_scope() as db:
        assert db.exec(select(Stream)).all() == []
    with pytest.raises(NotFound):
        run(streams.get_stream, None, 12345)
    with pytest.raises(NotFound):
        run(streams.get_stream, None, "1; drop table")


def test_a_stream_tied_to_a_private_group_is_seen_by_its_members_only() -> None:
    from aixplore.domain.groups import services as groups

    ada, bob = person("Ada"), person("Bob")
    club = run(groups.do_create_group, ada, "Agent builders", "", "private")
    with pytest.raises(PermissionDenied, match="members"):
        schedule(bob, group=club.slug)
    sid = schedule(ada, group=club.slug, title="Members only")
    assert run(streams.get_stream, ada, sid).group_name == "Agent builders"
    with pytest.raises(NotFound):
        run(streams.get_stream, bob, sid)
    with pytest.raises(NotFound):
        run(streams.get_stream, None, sid)
    assert [s.id for s in run(streams.list_streams, ada)["scheduled"]] == [sid]
    assert run(streams.list_streams, bob)["scheduled"] == []
    events, tied = run(streams.tie_choices, ada)
    assert (events, tied) == ([], [(club.slug, "Agent builders")])
