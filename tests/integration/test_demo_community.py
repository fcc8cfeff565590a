"""The demo's community seed: a member's first look at the wave-2 pages is not empty."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore import cli
from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.demo.catalog import SeedReport, _ensure_reviewers, demo_actor
from aixplore.demo.trading import trader_emails
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.activity.models import FeedItem, FeedKind
from aixplore.domain.forums.models import ForumPost, ForumReaction, ForumThread
from aixplore.domain.forums.reading import list_threads
from aixplore.domain.groups.models import CommunityGroup, GroupMember
from aixplore.domain.groups.services import list_groups
from aixplore.domain.messaging.models import Message
from aixplore.domain.messaging.services import list_conversations
from aixplore.domain.notifications.models import Notification
from aixplore.domain.relations.models import Follow
from aixplore.domain.social.feed import read_feed
from aixplore.domain.social.models import TimelineEntry
from aixplore.domain.streams.models import Stream
from aixplore.domain.streams.services import list_streams
from aixplore.domain.trading.board import list_board
from aixplore.domain.trading.chain import verify_chain
from aixplore.domain.trading.models import SignalStatus, TradingSignal

COUNTED = (
    Follow,
    ForumThread,
    ForumPost,
    ForumReaction,
    CommunityGroup,
    GroupMember,
    Message,
    FeedItem,
    TimelineEntry,
    Notification,
    TradingSignal,
    Stream,
)


def _demo_people() -> None:
    """The accounts the community seed builds on: the demo admin, members and reviewers."""
    with session_scope() as db:
        account_admin.do_create_admin(
            db, email=cli.DEMO_ADMIN[0], display_name=cli.DEMO_ADMIN[1], password=cli.DEMO_ADMIN[2]
        )
        for email, name, password in cli.DEMO_MEMBERS:
            account_admin.do_create_verified_member(
                db, email=email, display_name=name, password=password
            )
        _ensure_reviewers(db, utcnow(), SeedReport())


def _counts(db: Session) -> dict[str, int]:
    return {
        table.__name__: int(db.exec(select(func.count()).select_from(table)).one())
        for table in COUNTED
    }


def test_demo_community_fills_the_members_pages_once() -> None:
    _demo_people()
    cli.seed_demo_community()
    with session_scope() as db:
        first = _counts(db)
    cli.seed_demo_community()  # a second run adds nothing
    with session_scope() as db:
        assert _counts(db) == first
        user = accounts.get_user_by_email(db, cli.DEMO_MEMBERS[0][0])
        assert user is not None
        member = demo_actor(user)

        # /feed: what the people the member follows did, fanned out without a worker.
        feed = read_feed(db, member, limit=50)
        kinds = {entry.kind for entry in feed.items}
        assert {FeedKind.THREAD_STARTED, FeedKind.SIGNAL_PUBLISHED} <= kinds, kinds

        # /forums: threads with replies, reactions and an accepted answer in each category.
        threads = db.exec(select(ForumThread).where(col(ForumThread.title) != "")).all()
        assert len(threads) >= 20  # 18 platform threads (no catalog here) and group threads
        assert sum(1 for t in threads if t.accepted_post_id) >= 3
        assert first["ForumReaction"] > 0 and first["ForumPost"] > 2 * len(threads)
        help_threads, _more = list_threads(db, member, "help")
        assert any(t.answered for t in help_threads)
        asked = [t for t in threads if t.author_id == member.user_id]
        assert len(asked) == 1 and asked[0].accepted_post_id is not None

        # /groups: public, private and trading groups; the member belongs to three.
        groups = list_groups(db, member)
        assert {g.visibility for g in groups} >= {"public", "private"}
        assert any(g.kind == "trading" for g in groups)
        assert sum(1 for g in groups if g.my_role) >= 3

        # /messages: a direct conversation with messages.
        conversations = list_conversations(db, member)
        assert conversations and first["Message"] >= 4

        # /trading/leaderboard: every demo trader decided by the feed, chained and ranked.
        for email in trader_emails():
            trader = accounts.get_user_by_email(db, email)
            assert trader is not None and trader.id is not None
            report = verify_chain(db, trader.id)
            assert report.intact and len(report.entries) >= 12, report.problems
        assert db.exec(
            select(func.count())
            .select_from(TradingSignal)
            .where(TradingSignal.status == SignalStatus.OPEN)
        ).one() <= len(trader_emails())
        board = list_board(db, "3m")
        assert board.ranked == len(trader_emails())
        assert [e.rank for e in board.entries] == list(range(1, board.ranked + 1))

        # /live: one upcoming stream and one that ended.
        streams = list_streams(db, member)
        assert len(streams["scheduled"]) == 1 and len(streams["ended"]) == 1
