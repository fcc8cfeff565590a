"""Schedule streams, read them, manage stream keys, chat modes and chat moderators.

Every function takes the acting member (or None for a visitor) and authorizes here, whatever
calls it: a Reflex handler, the nginx callback or a test. Arguments come straight from the
browser, so each is checked.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, PermissionDenied, ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import as_utc, utcnow
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.events.models import Event, EventStatus, is_known_timezone, to_utc
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup
from aixplore.domain.social.handles import ensure_profile, ensure_profiles, handle_key
from aixplore.domain.social.models import Profile
from aixplore.domain.streams.models import (
    MODERATORS_MAX,
    SLOW_MODE_MAX,
    SOURCES,
    TITLE_MAX,
    URL_MAX,
    Stream,
    StreamKey,
    StreamKeyShown,
    StreamModerator,
    StreamPublic,
)

SCHEDULE_AHEAD = timedelta(days=365)
LIST_MAX = 50


def valid_id(value: Any, what: str = "stream") -> int:
    """An id from a handler or route argument, or NotFound."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise NotFound(f"No such {what}.")
    return value


def hash_secret(secret: str) -> str:
    """The stored form of a stream key's secret (random 32 bytes: a plain hash suffices)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("Give the stream a title.", field="title")
    title = " ".join(value.split())
    if len(title) > TITLE_MAX:
        raise ValidationFailed(f"A title holds at most {TITLE_MAX} characters.", field="title")
    return title


def _starts_at(value: Any, zone_name: Any) -> datetime:
    if not isinstance(zone_name, str) or not (zone_name == "UTC" or is_known_timezone(zone_name)):
        raise ValidationFailed("Choose a known time zone.", field="timezone")
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValidationFailed(
                "Enter the start as a date and time.", field="starts_at"
            ) from exc
    else:
        raise ValidationFailed("Enter the start as a date and time.", field="starts_at")
    try:
        start = to_utc(when, zone_name)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="starts_at") from exc
    now = utcnow()
    if start < now - timedelta(hours=1):
        raise ValidationFailed("That time has passed.", field="starts_at")
    if start > now + SCHEDULE_AHEAD:
        raise ValidationFailed("Schedule a stream at most a year ahead.", field="starts_at")
    return start


def check_hls_url(value: Any) -> str:
    """An own origin's HLS playlist: https, a ``.m3u8`` path, no private or local address.

    The viewers' browsers fetch it, so a private address would point them into their own
    networks; development allows one (a local origin) and plain http.
    """
    url = value.strip() if isinstance(value, str) else ""
    development = get_settings().env == "development"
    parts = urlsplit(url)
    schemes = {"https", "http"} if development else {"https"}
    if not url or len(url) > URL_MAX or parts.scheme not in schemes or not parts.hostname:
        raise ValidationFailed("Enter the https:// address of your HLS playlist.", field="hls_url")
    if parts.username or parts.password:
        raise ValidationFailed("The address may not hold a user name or password.", field="hls_url")
    if not parts.path.endswith(".m3u8"):
        raise ValidationFailed("An HLS playlist's address ends in .m3u8.", field="hls_url")
    host = parts.hostname
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    local_name = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    private = literal is not None and not (literal.is_global and not literal.is_multicast)
    if (local_name or private) and not development:
        raise ValidationFailed("The address may not be private or local.", field="hls_url")
    return url


def _event_for(session: Session, actor: Actor, value: Any) -> int | None:
    if value in (None, "", 0):
        return None
    event = session.get(Event, valid_id(value, "event"))
    if event is None:
        raise NotFound("No such event.")
    if event.organizer_id != actor.user_id:
        raise PermissionDenied("Only the event's organizer may tie a stream to it.")
    if event.status == EventStatus.CANCELLED:
        raise ValidationFailed("That event is cancelled.", field="event_id")
    return event.id


def _group_for(session: Session, actor: Actor, value: Any) -> int | None:
    if value in (None, ""):
        return None
    group = groups.get_group(session, actor, value)
    if group.my_role is None:
        raise PermissionDenied("Only the group's members may tie a stream to it.")
    return group.id


def do_schedule(session: Session, actor: Actor | None, data: Any) -> StreamPublic:
    """Schedule a stream: ``title``, ``starts_at`` (ISO, wall clock in ``timezone``), ``source``
    (``rtmp`` or ``hls`` with ``hls_url``), optional ``event_id``, ``group`` (a slug) and
    ``keep_recording``."""
    actor = require_actor(actor)
    if not isinstance(data, dict):
        raise ValidationFailed("Fill in the form.")
    source = data.get("source")
    if source not in SOURCES:
        raise ValidationFailed("Choose where the stream comes from.", field="source")
    stream = Stream(
        streamer_id=actor.user_id,
        title=_title(data.get("title")),
        starts_at=_starts_at(data.get("starts_at"), data.get("timezone", "UTC")),
        source=source,
        hls_url=check_hls_url(data.get("hls_url")) if source == "hls" else "",
        event_id=_event_for(session, actor, data.get("event_id")),
        group_id=_group_for(session, actor, data.get("group")),
        keep_recording=data.get("keep_recording") is True and source == "rtmp",
    )
    session.add(stream)
    session.flush()
    return public(session, stream)


def public(session: Session, stream: Stream) -> StreamPublic:
    """The stream as pages show it."""
    settings = get_settings()
    user = session.get(User, stream.streamer_id)
    profile = ensure_profile(session, stream.streamer_id)
    event = session.get(Event, stream.event_id) if stream.event_id else None
    group = session.get(CommunityGroup, stream.group_id) if stream.group_id else None
    play = ""
    if stream.status == "live":
        if stream.source == "hls":
            play = stream.hls_url
        elif stream.ingest_name:
            play = f"{settings.stream_hls_url.rstrip('/')}/{stream.ingest_name}.m3u8"
    recording = ""
    if stream.status == "ended" and stream.recording:
        recording = f"{settings.stream_recordings_url.rstrip('/')}/{stream.recording}"
    return StreamPublic(
        id=stream.id or 0,
        title=stream.title,
        streamer_id=stream.streamer_id,
        streamer_name=user.display_name if user else "",
        streamer_handle=profile.handle,
        starts_at=as_utc(stream.starts_at),
        source=stream.source,
        status=stream.status,
        play_url=play,
        recording_url=recording,
        event_id=stream.event_id,
        event_title=event.title if event else "",
        group_slug=group.slug if group else "",
        group_name=group.name if group else "",
        slow_mode_seconds=stream.slow_mode_seconds,
        followers_only=stream.followers_only,
    )


def visible_stream(session: Session, viewer: Actor | None, stream_id: Any) -> Stream:
    """The stream, if ``viewer`` may see it (one tied to a group others cannot read: NotFound)."""
    stream = session.get(Stream, valid_id(stream_id))
    if stream is None:
        raise NotFound("No such stream.")
    if stream.group_id is not None:
        group = session.get(CommunityGroup, stream.group_id)
        if group is not None and not groups.can_read(session, group, viewer):
            raise NotFound("No such stream.")
    return stream


def get_stream(session: Session, viewer: Actor | None, stream_id: Any) -> StreamPublic:
    """One stream as ``viewer`` sees it."""
    return public(session, visible_stream(session, viewer, stream_id))


def list_streams(session: Session, viewer: Actor | None) -> dict[str, list[StreamPublic]]:
    """Live now, upcoming (soonest first) and recently ended streams ``viewer`` may see."""
    found: dict[str, list[StreamPublic]] = {"live": [], "scheduled": [], "ended": []}
    for status, order in (
        ("live", col(Stream.went_live_at).desc()),
        ("scheduled", col(Stream.starts_at).asc()),
        ("ended", col(Stream.ended_at).desc()),
    ):
        # Streams in groups the viewer cannot read are skipped: read a bounded surplus.
        query = select(Stream).where(Stream.status == status).order_by(order)
        rows = session.exec(query.limit(LIST_MAX * 4)).all()
        for row in rows:
            if len(found[status]) >= LIST_MAX:
                break
            try:
                found[status].append(get_stream(session, viewer, row.id))
            except NotFound:
                continue
    return found


def owned(session: Session, actor: Actor | None, stream_id: Any) -> tuple[Actor, Stream]:
    """The actor's own stream, or a refusal."""
    actor = require_actor(actor)
    stream = visible_stream(session, actor, stream_id)
    if stream.streamer_id != actor.user_id:
        raise PermissionDenied("Only the streamer may do that.")
    return actor, stream


# ---- Stream keys ----


def do_new_stream_key(session: Session, actor: Actor | None) -> StreamKeyShown:
    """Make the actor's stream key (again): the old one stops working; shown this once."""
    actor = require_actor(actor)
    live = session.exec(
        select(Stream.id).where(
            Stream.streamer_id == actor.user_id, Stream.status == "live", Stream.source == "rtmp"
        )
    ).first()
    if live is not None:
        raise ValidationFailed("End your live stream before you change its key.")
    secret = secrets.token_urlsafe(24)
    row = session.get(StreamKey, actor.user_id)
    name = f"u{actor.user_id}-{secrets.token_hex(6)}"
    if row is None:
        row = StreamKey(user_id=actor.user_id, ingest_name=name, secret_hash=hash_secret(secret))
    else:
        row.previous_hash, row.secret_hash = row.secret_hash, hash_secret(secret)
        row.ingest_name = name  # an old playlist's address is not the new one's
    session.add(row)
    session.flush()
    return StreamKeyShown(
        server_url=get_settings().stream_rtmp_url, stream_key=f"{name}?key={secret}"
    )


def has_stream_key(session: Session, actor: Actor | None) -> bool:
    """Whether the actor has made a stream key."""
    actor = require_actor(actor)
    return session.get(StreamKey, actor.user_id) is not None


# ---- Chat modes and moderators ----


def do_set_chat_modes(
    session: Session,
    actor: Actor | None,
    stream_id: Any,
    slow_mode_seconds: Any,
    followers_only: Any,
) -> StreamPublic:
    """Set slow mode (0 turns it off) and followers-only mode (the streamer only)."""
    _actor, stream = owned(session, actor, stream_id)
    if (
        isinstance(slow_mode_seconds, bool)
        or not isinstance(slow_mode_seconds, int)
        or not 0 <= slow_mode_seconds <= SLOW_MODE_MAX
    ):
        raise ValidationFailed(f"Slow mode is 0 to {SLOW_MODE_MAX} seconds.", field="slow_mode")
    if not isinstance(followers_only, bool):
        raise ValidationFailed("Followers-only mode is on or off.", field="followers_only")
    stream.slow_mode_seconds, stream.followers_only = slow_mode_seconds, followers_only
    session.add(stream)
    session.flush()
    return public(session, stream)


def is_chat_moderator(session: Session, stream: Stream, user_id: int) -> bool:
    """Whether ``user_id`` moderates the stream's chat (the streamer or someone they named)."""
    return (
        user_id == stream.streamer_id
        or session.get(StreamModerator, (stream.id, user_id)) is not None
    )


def _user_by_handle(session: Session, handle: Any) -> int:
    if not isinstance(handle, str) or not 0 < len(handle.strip().lstrip("@")) <= 30:
        raise ValidationFailed("Enter a member's @handle.", field="handle")
    key = handle_key(handle.strip().lstrip("@"))
    row = session.exec(select(Profile.user_id).where(Profile.handle_key == key)).first()
    if row is None:
        raise NotFound(f"No member is called @{key}.")
    return row


def do_add_moderator(
    session: Session, actor: Actor | None, stream_id: Any, handle: Any
) -> list[str]:
    """Name a chat moderator by @handle (the streamer only); returns the moderators' handles."""
    _actor, stream = owned(session, actor, stream_id)
    user_id = _user_by_handle(session, handle)
    if user_id == stream.streamer_id:
        raise ValidationFailed("You moderate your own stream already.", field="handle")
    named = list_moderators(session, stream)
    if len(named) >= MODERATORS_MAX:
        raise ValidationFailed(f"A stream has at most {MODERATORS_MAX} moderators.")
    if session.get(StreamModerator, (stream.id, user_id)) is None:
        session.add(StreamModerator(stream_id=stream.id or 0, user_id=user_id))
        session.flush()
    return list_moderators(session, stream)


def do_remove_moderator(
    session: Session, actor: Actor | None, stream_id: Any, handle: Any
) -> list[str]:
    """Take someone's chat moderation away (the streamer only)."""
    _actor, stream = owned(session, actor, stream_id)
    row = session.get(StreamModerator, (stream.id, _user_by_handle(session, handle)))
    if row is not None:
        session.delete(row)
        session.flush()
    return list_moderators(session, stream)


def list_moderators(session: Session, stream: Stream) -> list[str]:
    """The handles of the chat moderators the streamer named."""
    ids = session.exec(
        select(StreamModerator.user_id).where(StreamModerator.stream_id == stream.id)
    ).all()
    return sorted(p.handle for p in ensure_profiles(session, ids).values())


def tie_choices(
    session: Session, actor: Actor | None
) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """What the actor may tie a new stream to: their upcoming events and their groups."""
    actor = require_actor(actor)
    mine = session.exec(
        select(Event.id, Event.title)
        .where(
            Event.organizer_id == actor.user_id,
            Event.status != EventStatus.CANCELLED,
            col(Event.ends_at) > utcnow(),
        )
        .order_by(col(Event.starts_at))
        .limit(LIST_MAX)
    ).all()
    ids = groups.member_group_ids(session, actor.user_id)
    found = session.exec(
        select(CommunityGroup.slug, CommunityGroup.name)
        .where(col(CommunityGroup.id).in_(ids))
        .order_by(col(CommunityGroup.name))
        .limit(LIST_MAX)
    ).all()
    return [(i, t) for i, t in mine if i is not None], [(s, n) for s, n in found]
