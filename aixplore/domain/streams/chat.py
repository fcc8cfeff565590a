"""A stream's live chat: lines with sequence numbers, slow and followers-only modes, moderators
who delete lines and time chatters out, and the viewer count.

Like messaging, each line is written first with the stream's next sequence number and announced
on the stream's live channel once committed; a page reads what changed after the last number
it saw, so a lost notice costs a moment and nothing shows twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from aixplore.core import live, ratelimit
from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.relations.models import Block
from aixplore.domain.relations.services import follows, has_blocked
from aixplore.domain.streams.ingest import stream_channel
from aixplore.domain.streams.models import (
    LINE_MAX,
    ChatBatch,
    ChatLinePublic,
    Stream,
    StreamChatLine,
    StreamTimeout,
    StreamViewer,
)
from aixplore.domain.streams.services import is_chat_moderator, valid_id, visible_stream

SEND_LIMIT = "20/minute"  # lines one person may send, whatever the stream's slow mode
PAGE = 50  # lines a page starts with
CHANGES_MAX = 200
TIMEOUT_MAX_MINUTES = 24 * 60
VIEWER_FRESH = timedelta(seconds=30)  # a tab not seen for this long no longer counts


def _stream_for_chat(session: Session, actor: Actor | None, stream_id: Any) -> Stream:
    stream = visible_stream(session, actor, stream_id)
    if stream.status == "ended":
        raise PermissionDenied("This stream is over; its chat is closed.")
    return stream


def _body(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("Write something first.", field="body")
    body = " ".join(value.split())
    if len(body) > LINE_MAX:
        raise ValidationFailed(
            f"A chat line holds at most {LINE_MAX} characters; this one has {len(body)}.",
            field="body",
        )
    return body


def next_seq(session: Session, stream_id: int) -> int:
    """Take the stream's next chat sequence number (the row lock orders concurrent chatters)."""
    return int(
        session.execute(
            update(Stream)
            .where(col(Stream.id) == stream_id)
            .values(last_seq=col(Stream.last_seq) + 1)
            .returning(col(Stream.last_seq))
        ).scalar_one()
    )


def check_may_chat(session: Session, actor: Actor, stream: Stream) -> None:
    """Refuse a chatter who is timed out, blocked, not a follower in followers-only mode, or
    too fast for slow mode (the streamer and moderators are exempt from the modes)."""
    uid, sid = actor.user_id, stream.id or 0
    if has_blocked(session, stream.streamer_id, uid):
        raise PermissionDenied("You cannot chat here: the streamer has blocked you.")
    timeout = session.get(StreamTimeout, (sid, uid))
    now = utcnow()
    if timeout is not None and as_utc(timeout.until) > now:
        minutes = max(1, round((as_utc(timeout.until) - now).total_seconds() / 60))
        raise PermissionDenied(f"A moderator timed you out of this chat for {minutes} more min.")
    if is_chat_moderator(session, stream, uid):
        return
    if stream.followers_only and not follows(session, uid, stream.streamer_id):
        raise PermissionDenied("This chat is for the streamer's followers only; follow to chat.")
    if stream.slow_mode_seconds:
        last = session.exec(
            select(func.max(StreamChatLine.created_at)).where(
                StreamChatLine.stream_id == sid, StreamChatLine.author_id == uid
            )
        ).one()
        if last is not None:
            wait = as_utc(last) + timedelta(seconds=stream.slow_mode_seconds) - now
            if wait > timedelta(0):
                raise PermissionDenied(
                    f"Slow mode is on: wait {max(1, round(wait.total_seconds()))} s "
                    "before your next line."
                )


def do_send_line(
    session: Session, actor: Actor | None, stream_id: Any, body: Any
) -> ChatLinePublic:
    """Add a chat line to a scheduled or live stream."""
    actor = require_actor(actor)
    stream = _stream_for_chat(session, actor, stream_id)
    text = _body(body)
    check_may_chat(session, actor, stream)
    ratelimit.hit(
        SEND_LIMIT,
        "stream-chat",
        str(actor.user_id),
        message="You are chatting fast; wait a moment.",
    )
    sid = stream.id or 0
    seq = next_seq(session, sid)
    line = StreamChatLine(
        stream_id=sid, seq=seq, changed_seq=seq, author_id=actor.user_id, body=text
    )
    session.add(line)
    session.flush()
    live.publish_after_commit(session, stream_channel(sid), {"kind": "chat", "seq": seq})
    return _public(line, {actor.user_id: actor.display_name})


def _public(line: StreamChatLine, names: dict[int, str]) -> ChatLinePublic:
    deleted = line.deleted_at is not None
    return ChatLinePublic(
        id=line.id or 0,
        seq=line.seq,
        changed_seq=line.changed_seq,
        author_id=line.author_id,
        author_name=names.get(line.author_id, ""),
        body="" if deleted else line.body,
        created_at=as_utc(line.created_at),
        deleted=deleted,
    )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {uid: name for uid, name in rows if uid is not None}


def read_chat(
    session: Session, viewer: Actor | None, stream_id: Any, after: Any = None
) -> ChatBatch:
    """The newest lines (``after`` None) or what changed after sequence ``after``, oldest first.

    Lines of people the viewer blocked are left out.
    """
    stream = visible_stream(session, viewer, stream_id)
    query = select(StreamChatLine).where(StreamChatLine.stream_id == stream.id)
    if after is None:
        rows = list(
            reversed(session.exec(query.order_by(col(StreamChatLine.seq).desc()).limit(PAGE)).all())
        )
        more = False
    else:
        if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < 2**31:
            raise ValidationFailed("That part of the chat does not exist.")
        rows = list(
            session.exec(
                query.where(col(StreamChatLine.changed_seq) > after)
                .order_by(col(StreamChatLine.changed_seq))
                .limit(CHANGES_MAX + 1)
            ).all()
        )
        more = len(rows) > CHANGES_MAX
        rows = rows[:CHANGES_MAX]
    cursor = max((r.changed_seq for r in rows), default=after or 0)
    if after is None:
        cursor = stream.last_seq  # the newest page: everything up to now is seen
    if viewer is not None:
        blocked = set(
            session.exec(select(Block.blocked_id).where(Block.blocker_id == viewer.user_id)).all()
        )
        rows = [r for r in rows if r.author_id not in blocked]
    names = _names(session, {r.author_id for r in rows})
    return ChatBatch(items=[_public(r, names) for r in rows], cursor=cursor, more=more)


def _moderated(session: Session, actor: Actor | None, stream_id: Any) -> tuple[Actor, Stream]:
    actor = require_actor(actor)
    stream = visible_stream(session, actor, stream_id)
    if not is_chat_moderator(session, stream, actor.user_id):
        raise PermissionDenied("Only this stream's moderators may do that.")
    return actor, stream


def do_delete_line(session: Session, actor: Actor | None, stream_id: Any, seq: Any) -> None:
    """Delete a chat line for everyone (a moderator; the line keeps its place, empty)."""
    _actor, stream = _moderated(session, actor, stream_id)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 2**31:
        raise NotFound("No such chat line.")
    line = session.exec(
        select(StreamChatLine).where(
            StreamChatLine.stream_id == stream.id, StreamChatLine.seq == seq
        )
    ).first()
    if line is None:
        raise NotFound("No such chat line.")
    if line.deleted_at is not None:
        return
    sid = stream.id or 0
    line.changed_seq, line.deleted_at, line.body = next_seq(session, sid), utcnow(), ""
    session.add(line)
    session.flush()
    live.publish_after_commit(session, stream_channel(sid), {"kind": "chat", "seq": line.seq})


def do_timeout(
    session: Session, actor: Actor | None, stream_id: Any, user_id: Any, minutes: Any
) -> None:
    """Keep a chatter out of the chat for ``minutes`` (a moderator; never the streamer or a
    moderator; 0 lifts it)."""
    actor, stream = _moderated(session, actor, stream_id)
    target = valid_id(user_id, "chatter")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationFailed("Give the time-out in minutes.", field="minutes")
    if not 0 <= minutes <= TIMEOUT_MAX_MINUTES:
        raise ValidationFailed(f"A time-out lasts 1 to {TIMEOUT_MAX_MINUTES} minutes.")
    if is_chat_moderator(session, stream, target):
        raise PermissionDenied("Moderators cannot be timed out.")
    if session.get(User, target) is None:
        raise NotFound("No such chatter.")
    sid = stream.id or 0
    row = session.get(StreamTimeout, (sid, target))
    if minutes == 0:
        if row is not None:
            session.delete(row)
        session.flush()
        return
    until = utcnow() + timedelta(minutes=minutes)
    if row is None:
        row = StreamTimeout(stream_id=sid, user_id=target, until=until, by_id=actor.user_id)
    else:
        row.until, row.by_id = until, actor.user_id
    session.add(row)
    session.flush()


# ---- Viewers ----


def do_seen(session: Session, viewer: Actor | None, stream_id: Any, tab: Any) -> int:
    """Count one open page of a live stream as watching now; returns the viewer count."""
    stream = visible_stream(session, viewer, stream_id)
    if not isinstance(tab, str) or not 0 < len(tab) <= 64:
        raise ValidationFailed("Unknown page.")
    sid = stream.id or 0
    now = utcnow()
    row = session.get(StreamViewer, (sid, tab))
    if stream.status == "live":
        if row is None:
            row = StreamViewer(stream_id=sid, tab=tab, seen_at=now)
        row.seen_at = now
        session.add(row)
    session.execute(
        delete(StreamViewer).where(
            col(StreamViewer.stream_id) == sid, col(StreamViewer.seen_at) < now - VIEWER_FRESH
        )
    )
    session.flush()
    return viewer_count(session, sid)


def do_leave(session: Session, stream_id: int, tab: str) -> None:
    """Stop counting a page that closed or moved on."""
    session.execute(
        delete(StreamViewer).where(
            col(StreamViewer.stream_id) == stream_id, col(StreamViewer.tab) == tab
        )
    )


def viewer_count(session: Session, stream_id: int) -> int:
    """How many pages watched the stream in the last :data:`VIEWER_FRESH`."""
    return session.exec(
        select(func.count())
        .select_from(StreamViewer)
        .where(
            StreamViewer.stream_id == stream_id,
            col(StreamViewer.seen_at) >= utcnow() - VIEWER_FRESH,
        )
    ).one()
