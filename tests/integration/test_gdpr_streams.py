"""Streams in the GDPR export (streams, chat lines, settings, key without its hashes), and what
erasure removes: the rows with the account, the kept recording's files once it commits."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.gdpr import erasure
from aixplore.domain.gdpr import services as gdpr
from aixplore.domain.streams import chat, ingest
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import Stream, StreamChatLine, StreamKey
from aixplore.domain.streams.recordings import recordings_folder
from tests.factories import PASSWORD
from tests.unit.domain.messaging.support import handle, run
from tests.unit.domain.social.support import person
from tests.unit.domain.streams.support import key_parts, schedule


def test_the_export_holds_a_members_streams_and_erasure_removes_them_and_their_files() -> None:
    lea, fio = person("Lea"), person("Fio")
    mine = schedule(lea, title="Lea builds live", keep_recording=True)
    theirs = schedule(fio, title="Fio's stream")
    run(streams.do_set_chat_modes, lea, mine, 30, True)
    run(streams.do_add_moderator, fio, theirs, handle(lea))
    run(chat.do_send_line, lea, theirs, "Hello from Lea")
    key_parts(lea)
    name, secret = key_parts(lea)  # rotated: the first key's hash is the previous one
    run(ingest.on_publish, name, secret)
    run(ingest.on_publish_done, name)
    folder = recordings_folder()
    folder.mkdir(parents=True, exist_ok=True)
    flv, mp4 = folder / f"{name}-9.flv", folder / f"{name}-9.mp4"
    flv.write_bytes(b"FLV")
    mp4.write_bytes(b"MP4")
    assert run(ingest.on_record_done, name, str(flv)) == "kept"
    with session_scope() as db:
        data = gdpr.collect(db, lea.user_id)
    [stream] = data["stream"]
    assert (stream["title"], stream["slow_mode_seconds"], stream["followers_only"]) == (
        "Lea builds live",
        30,
        True,
    )
    assert stream["keep_recording"] is True and stream["recording"] == flv.name
    assert [r["body"] for r in data["stream_chat_line"]] == ["Hello from Lea"]
    assert [r["stream_id"] for r in data["stream_moderator"]] == [theirs]
    [key] = data["stream_key"]
    assert key["ingest_name"] == name
    assert "secret_hash" not in key and "previous_hash" not in key
    with session_scope() as db:
        erasure.do_request_erasure(db, lea, {"password": PASSWORD, "keep_reviews": False})
    with session_scope() as db:
        assert erasure.do_execute_due(db, now=utcnow() + timedelta(days=15)) == 1
    with session_scope() as db:
        assert db.exec(select(Stream).where(Stream.streamer_id == lea.user_id)).all() == []
        assert db.exec(select(StreamKey).where(StreamKey.user_id == lea.user_id)).all() == []
        lines = db.exec(
            select(StreamChatLine).where(col(StreamChatLine.author_id) == lea.user_id)
        ).all()
        assert lines == []
        assert db.get(Stream, theirs) is not None  # Fio's stream stays
    assert not flv.exists() and not mp4.exists()
