"""Groups: joining by visibility, roles kept to their own group, bans, threads and feeds."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.activity.models import FeedItem
from aixplore.domain.forums import categories, reading, search
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup, GroupRole
from aixplore.domain.social import feed, graph
from tests.unit.domain.forums.support import handle, notes, person, start


def _group(owner, name: str, visibility: str, kind: str = "community") -> str:
    with session_scope() as db:
        return groups.do_create_group(db, owner, name, "About us", visibility, kind).slug


def _category(slug: str) -> str:
    with session_scope() as db:
        group = db.exec(select(CommunityGroup).where(CommunityGroup.slug == slug)).one()
        return categories.group_category(db, group).slug


def _fan_out_all() -> None:
    with session_scope() as db:
        ids = db.exec(select(FeedItem.id).where(col(FeedItem.fanned_out_at).is_(None))).all()
    for item_id in ids:
        with session_scope() as db:
            feed.do_fan_out(db, item_id or 0)


def _feed(reader) -> list[str]:
    with session_scope() as db:
        return [e.title for e in feed.read_feed(db, reader).items]


def test_a_private_group_is_joined_by_request_and_its_threads_stay_inside() -> None:
    owner, ada, outsider = person("Owner"), person("Ada"), person("Outsider")
    slug = _group(owner, "Quant Circle", "private", "trading")
    thread_id = start(owner, _category(slug), "Members only plans", "Our secret plans.")
    with session_scope() as db:
        shown = groups.do_join(db, ada, slug, "Let me in")
        assert shown.requested and shown.my_role is None and shown.kind == "trading"
    assert [k for k, _t in notes(owner)] == ["group"]
    with session_scope() as db, pytest.raises(PermissionDenied, match="Only members of Quant"):
        reading.read_thread(db, ada, thread_id)
    with session_scope() as db, pytest.raises(PermissionDenied, match="moderators"):
        groups.do_answer_request(db, ada, slug, ada.user_id, True)
    with session_scope() as db:
        groups.do_answer_request(db, owner, slug, ada.user_id, True)
    assert notes(ada)[-1] == ("group", "Your request to join Quant Circle was approved")
    with session_scope() as db:
        assert reading.read_thread(db, ada, thread_id).title == "Members only plans"
        assert [t.id for t in search.search_forums(db, ada, "plans")] == [thread_id]
        assert search.search_forums(db, outsider, "plans") == []
        assert search.search_forums(db, None, "plans") == []


def test_a_secret_group_is_invisible_until_invited() -> None:
    owner, ada = person("Owner"), person("Ada")
    slug = _group(owner, "Hidden Lab", "secret")
    thread_id = start(owner, _category(slug), "Inside the lab", "Quiet words.")
    with session_scope() as db:
        assert slug not in [g.slug for g in groups.list_groups(db, ada)]
        with pytest.raises(NotFound):
            groups.get_group(db, ada, slug)
        with pytest.raises(NotFound):
            reading.read_thread(db, ada, thread_id)
        with pytest.raises(NotFound):
            groups.do_join(db, ada, slug)
    with session_scope() as db:
        groups.do_invite(db, owner, slug, handle(ada))
    assert [k for k, _t in notes(ada)] == ["group"]
    with session_scope() as db:
        assert groups.get_group(db, ada, slug).invited
        assert groups.do_join(db, ada, slug).my_role == GroupRole.MEMBER
        assert reading.read_thread(db, ada, thread_id).title == "Inside the lab"


def test_a_moderator_of_one_group_has_no_power_in_another() -> None:
    alice, bob, carl = person("Alice"), person("Bob"), person("Carl")
    a_slug = _group(alice, "Group Alpha", "public")
    b_slug = _group(bob, "Group Beta", "public")
    with session_scope() as db:
        groups.do_join(db, carl, a_slug)
        groups.do_join(db, carl, b_slug)
        b_id = groups.get_group(db, None, b_slug).id
    thread_in_b = start(carl, _category(b_slug), "Beta things", "Hello beta.")
    from aixplore.domain.forums import actions

    carl_handle = handle(carl)
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="this group's moderators"):
            groups.ban_from_group(db, alice, b_id, carl.user_id, "Acting across groups")
        with pytest.raises(PermissionDenied, match="moderators"):
            actions.do_set_closed(db, alice, thread_in_b, True)
        with pytest.raises(PermissionDenied, match="moderators"):
            groups.do_invite(db, alice, b_slug, carl_handle)


def test_a_ban_ends_membership_and_keeps_them_out() -> None:
    owner, carl = person("Owner"), person("Carl")
    slug = _group(owner, "Open House", "public")
    with session_scope() as db:
        groups.do_join(db, carl, slug)
        gid = groups.get_group(db, None, slug).id
        assert groups.get_group(db, None, slug).member_count == 2
    with session_scope() as db:
        groups.ban_from_group(db, owner, gid, carl.user_id, "Spamming the group")
    where = _category(slug)
    with pytest.raises(PermissionDenied, match="Only members of this group may post"):
        start(carl, where, "Let me back", "Please.")
    with session_scope() as db:
        assert groups.get_group(db, carl, slug).my_role is None
        with pytest.raises(PermissionDenied, match="banned"):
            groups.do_join(db, carl, slug)
        with pytest.raises(PermissionDenied, match="owner cannot be banned"):
            groups.ban_from_group(db, owner, gid, owner.user_id, "Self ban")


def test_group_threads_reach_members_feeds_and_private_ones_no_one_else() -> None:
    owner, member, follower = person("Owner"), person("Member"), person("Follower")
    with session_scope() as db:
        graph.do_follow(db, follower, handle(owner))
    public = _group(owner, "Public Square", "public")
    private = _group(owner, "Back Room", "private")
    with session_scope() as db:
        groups.do_join(db, member, public)
        groups.do_join(db, member, private)
        groups.do_answer_request(db, owner, private, member.user_id, True)
    start(owner, _category(public), "Open announcement", "Everyone may read.")
    start(owner, _category(private), "Closed announcement", "Members only.")
    _fan_out_all()
    assert _feed(member) == ["Closed announcement", "Open announcement"]
    assert _feed(follower) == ["Open announcement"]
    with session_scope() as db:
        groups.do_leave(db, member, private)
    assert _feed(member) == ["Open announcement"]
    with session_scope() as db:
        assert [e.title for e in feed.activity_of(db, owner.user_id)] == ["Open announcement"]


def test_only_the_owner_names_moderators_and_owners_cannot_leave() -> None:
    owner, ada = person("Owner"), person("Ada")
    slug = _group(owner, "Role Play", "public")
    with session_scope() as db:
        groups.do_join(db, ada, slug)
        with pytest.raises(PermissionDenied, match="owner"):
            groups.do_set_role(db, ada, slug, ada.user_id, "moderator")
        groups.do_set_role(db, owner, slug, ada.user_id, "moderator")
        assert [m.role for m in groups.list_members(db, None, slug)] == ["owner", "moderator"]
        with pytest.raises(Exception, match="cannot leave"):
            groups.do_leave(db, owner, slug)


def test_every_forum_service_refuses_an_outsider_of_a_secret_group() -> None:
    owner, outsider = person("Owner"), person("Outsider")
    slug = _group(owner, "Vault", "secret")
    where = _category(slug)
    thread_id = start(owner, where, "Vault notes", "Kept inside.")
    from aixplore.domain.forums import actions, levels, posting

    with session_scope() as db:
        post_id = reading.read_thread(db, owner, thread_id).posts[0].id
    calls = [
        lambda db: posting.do_reply(db, outsider, thread_id, "Hello"),
        lambda db: posting.do_edit_post(db, outsider, post_id, "Changed"),
        lambda db: actions.do_toggle_reaction(db, outsider, post_id, "like"),
        lambda db: actions.do_set_bookmark(db, outsider, thread_id, True),
        lambda db: actions.do_accept_answer(db, outsider, post_id),
        lambda db: actions.hide_post(db, outsider, post_id, "Because"),
        lambda db: levels.do_set_thread_level(db, outsider, thread_id, "watching"),
        lambda db: levels.do_set_category_level(db, outsider, where, "watching"),
        lambda db: reading.list_revisions(db, outsider, post_id),
        lambda db: reading.list_threads(db, outsider, where),
        lambda db: groups.do_leave(db, outsider, slug),
        lambda db: groups.do_decline_invitation(db, outsider, slug),
        lambda db: groups.list_members(db, outsider, slug),
    ]
    for call in calls:
        with session_scope() as db, pytest.raises(NotFound):
            call(db)
    with session_scope() as db:
        assert search.search_forums(db, outsider, "vault") == []
        assert reading.read_thread(db, owner, thread_id).posts[0].reactions == []
