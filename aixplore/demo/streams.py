"""Demo live streams: one scheduled for the coming days and one that ended yesterday.

The upcoming stream is scheduled through the stream service as Grace (an RTMP stream, so
nothing plays until an encoder sends). A stream that already took place cannot be made
that way (a start must not have passed), so the ended one is written directly, as the
demo's past events are: it went live and ended yesterday, kept no recording. Each is known
by its title: a second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from aixplore.core.time import utcnow
from aixplore.demo.catalog import demo_actor
from aixplore.demo.content import community_vocabulary
from aixplore.domain.accounts.models import User
from aixplore.domain.streams import services as streams
from aixplore.domain.streams.models import Stream

UPCOMING_IN = timedelta(days=2, hours=3)
ENDED_AGO = timedelta(days=1, hours=2)
ENDED_LASTED = timedelta(minutes=48)


def seed_demo_streams(session: Session, streamer_email: str) -> int:
    """Add the demo's upcoming and ended streams that are missing; returns how many."""
    titles = community_vocabulary()["streams"]
    streamer = session.exec(select(User).where(User.email == streamer_email)).first()
    if streamer is None or streamer.id is None:
        return 0
    added = 0
    now = utcnow().replace(second=0, microsecond=0)
    if session.exec(select(Stream.id).where(Stream.title == titles["upcoming"])).first() is None:
        starts = (now + UPCOMING_IN).replace(minute=0)
        streams.do_schedule(
            session,
            demo_actor(streamer),
            {
                "title": titles["upcoming"],
                "starts_at": starts.replace(tzinfo=None).isoformat(),
                "timezone": "UTC",
                "source": "rtmp",
            },
        )
        added += 1
    if session.exec(select(Stream.id).where(Stream.title == titles["ended"])).first() is None:
        began = (now - ENDED_AGO).replace(minute=0)
        session.add(
            Stream(
                streamer_id=streamer.id,
                title=titles["ended"],
                starts_at=began,
                source="rtmp",
                status="ended",
                went_live_at=began + timedelta(minutes=2),
                ended_at=began + ENDED_LASTED,
                created_at=began - timedelta(days=6),
            )
        )
        session.flush()
        added += 1
    return added
