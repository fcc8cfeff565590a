"""What nginx's RTMP module asks the app: may this key publish, and when a stream ends.

nginx calls back (``on_publish``, ``on_publish_done``, ``on_record_done``) on a path holding
:func:`callback_secret`, so no one else can end someone's stream. The stream key a streamer
pastes is ``<ingest_name>?key=<secret>``: nginx names the playlist after the public
``ingest_name`` and hands the secret (the ``key`` argument) only to the callback, where it is
checked against the stored hash. A stream going live tells its page at once; the streamer's
followers and the tied event's attendees are told by a job (``jobs/streams.py``), once per
stream: :func:`do_notify_going_live` writes every notification and the stream's
``live_notified_at`` in one unit of work under the stream's row lock, so a job that dies
midway leaves nothing behind and its retry (or a second worker) sends each exactly once. A
sweep queues the streams whose job was never queued (a crash between commit and enqueue).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from aixplore.core import live
from aixplore.core.errors import PermissionDenied
from aixplore.core.events import publish_after_commit
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.events.models import EventRsvp, RsvpStatus
from aixplore.domain.notifications.services import notify
from aixplore.domain.relations.models import Follow
from aixplore.domain.streams.models import Stream, StreamKey
from aixplore.domain.streams.recordings import RECORDING_KEPT
from aixplore.domain.streams.services import hash_secret, owned

log = logging.getLogger(__name__)

STREAM_WENT_LIVE = "streams.went_live"  # after commit: the stream's id, for the job
SWEEP_AFTER = timedelta(minutes=2)  # a stream not notified by then lost its job


def stream_channel(stream_id: int) -> str:
    """The live channel of one stream's page (status, chat, viewers)."""
    return f"stream:{stream_id}"


def callback_secret() -> str:
    """The path segment nginx's callbacks carry (derived from the app's secret key)."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"aixplore-rtmp-callback", hashlib.sha256).hexdigest()[:40]


def check_callback_secret(value: str) -> bool:
    """Whether a callback carries the right secret."""
    return hmac.compare_digest(value.encode(), callback_secret().encode())


def _key_row(session: Session, name: str) -> StreamKey | None:
    if not name or len(name) > 40:
        return None
    return session.exec(select(StreamKey).where(StreamKey.ingest_name == name)).first()


def on_publish(session: Session, name: str, key: str) -> Stream:
    """Take the publish of ``name`` with secret ``key``: the streamer's next RTMP stream goes live.

    Refused (PermissionDenied, nginx drops the connection) for an unknown name, a wrong key, a
    key rotated away, a key already publishing, or no stream scheduled.
    """
    row = _key_row(session, name)
    if row is None or not key:
        raise PermissionDenied("Unknown stream key.")
    given = hash_secret(key)
    if not hmac.compare_digest(given, row.secret_hash):
        if row.previous_hash and hmac.compare_digest(given, row.previous_hash):
            raise PermissionDenied("This stream key was replaced; use the new one.")
        raise PermissionDenied("Wrong stream key.")
    mine = select(Stream).where(Stream.streamer_id == row.user_id, Stream.source == "rtmp")
    if session.exec(mine.where(Stream.status == "live")).first() is not None:
        raise PermissionDenied("This stream key is publishing already.")
    stream = session.exec(
        mine.where(Stream.status == "scheduled")
        .order_by(col(Stream.starts_at).asc())
        .with_for_update()
    ).first()
    if stream is None:
        raise PermissionDenied("No stream is scheduled for this key.")
    stream.status, stream.went_live_at, stream.ingest_name = "live", utcnow(), name
    session.add(stream)
    session.flush()
    _went_live(session, stream)
    return stream


def do_go_live(session: Session, actor: Actor | None, stream_id: object) -> Stream:
    """Start a stream played from the streamer's own origin (the streamer only)."""
    _actor, stream = owned(session, actor, stream_id)
    if stream.source != "hls":
        raise PermissionDenied("This stream goes live when your encoder starts sending.")
    if stream.status != "scheduled":
        raise PermissionDenied("This stream is live or over already.")
    stream.status, stream.went_live_at = "live", utcnow()
    session.add(stream)
    session.flush()
    _went_live(session, stream)
    return stream


def do_end(session: Session, actor: Actor | None, stream_id: object) -> Stream:
    """End a stream now (the streamer only; an RTMP stream also ends when its encoder stops)."""
    _actor, stream = owned(session, actor, stream_id)
    if stream.status == "ended":
        return stream
    _end(session, stream)
    return stream


def _end(session: Session, stream: Stream) -> None:
    stream.status, stream.ended_at = "ended", utcnow()
    session.add(stream)
    session.flush()
    live.publish_after_commit(session, stream_channel(stream.id or 0), {"kind": "status"})


def on_publish_done(session: Session, name: str) -> Stream | None:
    """The encoder of ``name`` stopped: its live stream ends (nothing live: nothing to do)."""
    row = _key_row(session, name)
    if row is None:
        return None
    stream = session.exec(
        select(Stream)
        .where(Stream.streamer_id == row.user_id, Stream.status == "live", Stream.source == "rtmp")
        .with_for_update()
    ).first()
    if stream is not None:
        _end(session, stream)
    return stream


def on_record_done(session: Session, name: str, path: str) -> str:
    """nginx finished a recording of ``name``: keep it if the streamer asked, else delete it.

    Returns what was done ("kept", "deleted", "ignored"). Only a file directly inside the
    recordings folder is touched.
    """
    folder = (get_settings().stream_root / "recordings").resolve()
    file = Path(path).resolve() if path else None
    if file is None or file.parent != folder or file.suffix != ".flv":
        log.warning("stream recording outside %s ignored: %r", folder, path)
        return "ignored"
    row = _key_row(session, name)
    stream = None
    if row is not None:
        stream = session.exec(
            select(Stream)
            .where(Stream.streamer_id == row.user_id, Stream.ingest_name == name)
            .where(col(Stream.went_live_at).is_not(None), Stream.source == "rtmp")
            .order_by(col(Stream.went_live_at).desc())
        ).first()
    if stream is not None and stream.keep_recording and not stream.recording:
        stream.recording = file.name
        session.add(stream)
        session.flush()
        live.publish_after_commit(session, stream_channel(stream.id or 0), {"kind": "status"})
        publish_after_commit(session, RECORDING_KEPT, stream.id)  # the MP4 job
        return "kept"
    file.unlink(missing_ok=True)
    return "deleted"


def _went_live(session: Session, stream: Stream) -> None:
    """Tell the stream's page now; queue the job that tells the followers and attendees."""
    sid = stream.id or 0
    live.publish_after_commit(session, stream_channel(sid), {"kind": "status"})
    publish_after_commit(session, STREAM_WENT_LIVE, sid)


def do_notify_going_live(session: Session, stream_id: int) -> int:
    """Tell the streamer's followers and the tied event's attendees; how many were told.

    Once per stream, whatever runs it how often: under the stream's row lock, a stream whose
    ``live_notified_at`` is set is skipped, and it is set in the same unit of work as the
    notifications. A stream that ended before the job ran is marked but tells nobody (a
    "going live" for a stream that is over would mislead).
    """
    stream = session.exec(select(Stream).where(Stream.id == stream_id).with_for_update()).first()
    if stream is None or stream.live_notified_at is not None or stream.went_live_at is None:
        return 0
    stream.live_notified_at = utcnow()
    session.add(stream)
    session.flush()
    if stream.status != "live":
        return 0
    sid = stream.id or 0
    streamer = session.get(User, stream.streamer_id)
    name = streamer.display_name if streamer else "Someone"
    audience = set(
        session.exec(select(Follow.follower_id).where(Follow.followee_id == stream.streamer_id))
    )
    if stream.event_id is not None:
        audience |= set(
            session.exec(
                select(EventRsvp.user_id).where(
                    EventRsvp.event_id == stream.event_id, EventRsvp.status == RsvpStatus.GOING
                )
            )
        )
    audience.discard(stream.streamer_id)
    for user_id in sorted(audience):
        notify(
            session, user_id, "stream", f"{name} is going live: {stream.title}", link=f"/live/{sid}"
        )
    return len(audience)


def list_unnotified(session: Session) -> list[int]:
    """Streams that went live over ``SWEEP_AFTER`` ago and whose followers were never told."""
    return [
        sid
        for sid in session.exec(
            select(Stream.id)
            .where(
                col(Stream.live_notified_at).is_(None),
                col(Stream.went_live_at) < utcnow() - SWEEP_AFTER,
                Stream.status == "live",
            )
            .order_by(col(Stream.id))
            .limit(200)
        ).all()
        if sid is not None
    ]
