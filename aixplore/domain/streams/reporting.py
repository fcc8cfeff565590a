"""Stream chat lines as a reportable kind (``domain/moderation/registry.py``).

A hidden line is a deleted one (its body kept aside in the hold's state so a restore brings it
back); the stream's group, if it has one, lets that group's moderators act on it.
"""

from __future__ import annotations

from sqlmodel import Session

from aixplore.core import live
from aixplore.core.time import utcnow
from aixplore.domain.moderation.registry import Target, TargetKind, register
from aixplore.domain.streams.chat import next_seq
from aixplore.domain.streams.ingest import stream_channel
from aixplore.domain.streams.models import Stream, StreamChatLine

KIND = "chat line"


def _line(session: Session, line_id: int) -> Target | None:
    line = session.get(StreamChatLine, line_id)
    stream = session.get(Stream, line.stream_id) if line else None
    if line is None or stream is None:
        return None
    return Target(
        owner_id=line.author_id,
        title=f"A chat line in the stream {stream.title}",
        snippet=line.body,
        link=f"/live/{stream.id}",
        public_subject=f"A chat line in the stream {stream.title}",
        group_id=stream.group_id,
    )


def _change(session: Session, line: StreamChatLine, body: str, deleted: bool) -> None:
    """Give the line its new body as the stream's next change, so open pages show it."""
    line.changed_seq = next_seq(session, line.stream_id)
    line.body, line.deleted_at = body, utcnow() if deleted else None
    session.add(line)
    session.flush()
    item = {"kind": "chat", "seq": line.seq}
    live.publish_after_commit(session, stream_channel(line.stream_id), item)


def _hide(session: Session, line_id: int) -> str:
    line = session.get(StreamChatLine, line_id)
    assert line is not None
    previous = line.body
    _change(session, line, "", deleted=True)
    return previous


def _restore(session: Session, line_id: int, previous: str) -> None:
    line = session.get(StreamChatLine, line_id)
    assert line is not None
    _change(session, line, previous, deleted=False)


def _delete(session: Session, line_id: int) -> None:
    line = session.get(StreamChatLine, line_id)
    assert line is not None
    _change(session, line, "", deleted=True)


CHAT_LINE = TargetKind(
    name=KIND,
    label="chat line",
    resolve=_line,
    hide=_hide,
    restore=_restore,
    delete=_delete,
)
register(CHAT_LINE)
