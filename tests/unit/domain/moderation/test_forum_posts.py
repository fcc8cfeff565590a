"""Forum posts in the moderation inbox: reported, acted on by their group's moderators only."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied
from aixplore.domain.forums import categories, reading
from aixplore.domain.forums.models import ForumPost
from aixplore.domain.groups import services as groups
from aixplore.domain.moderation import actions, inbox, reports
from tests.unit.domain.forums.support import admin, handle, person, reply, start


def _group(owner, name: str, visibility: str) -> tuple[str, int, str]:
    """A group's slug, id and its own category's slug."""
    with session_scope() as db:
        shown = groups.do_create_group(db, owner, name, "About us", visibility, "community")
        group = groups.group_by_id(db, shown.id)
        return shown.slug, shown.id, categories.group_category(db, group).slug


def _post_id(thread_id: int, number: int) -> int:
    with session_scope() as db:
        return (
            db.exec(
                select(ForumPost.id).where(
                    col(ForumPost.thread_id) == thread_id, col(ForumPost.number) == number
                )
            ).one()
            or 0
        )


def test_a_group_moderator_hides_a_reported_post_bans_its_author_and_the_log_shows_it() -> None:
    owner, mod, author, reader = person("Owner"), person("Mod"), person("Author"), person("Ada")
    other_owner, member = person("Other Owner"), person("Plain Member")
    slug, group_id, where = _group(owner, "Prompt Crafters", "public")
    _other_slug, _other_id, _w = _group(other_owner, "Other Circle", "public")
    with session_scope() as db:
        for someone in (mod, author, reader, member):
            groups.do_join(db, someone, slug)
        groups.do_set_role(db, owner, slug, mod.user_id, "moderator")
    thread_id = start(author, where, "Cheap tokens", "Opening words.")
    reply(author, thread_id, "Buy tokens now at my shop")
    post_id = _post_id(thread_id, 2)
    with session_scope() as db:
        reports.do_report(db, reader, "forum_post", post_id, {"reason": "spam", "note": "Ad"})
    with session_scope() as db:
        assert [(i.kind, i.target_id) for i in inbox.list_inbox(db, mod)] == [
            ("forum_post", post_id)
        ]
        assert inbox.list_inbox(db, other_owner) == []  # another group's moderator
        with pytest.raises(PermissionDenied):  # moderates nothing: no inbox at all
            inbox.list_inbox(db, member)
    for wrong in (other_owner, member, reader):
        with session_scope() as db, pytest.raises(PermissionDenied, match="moderators"):
            actions.do_act(db, wrong, "forum_post", post_id, {"action": "hide"})
    with session_scope() as db:
        actions.do_act(db, mod, "forum_post", post_id, {"action": "hide", "reason": "spam"})
    with session_scope() as db:
        shown = reading.read_thread(db, reader, thread_id)
        hidden = shown.posts[1]
        assert hidden.hidden and hidden.body_html == ""
        log, _next = inbox.public_log(db)
        assert (log[0].action_label, log[0].kind_label, log[0].subject) == (
            "Hidden",
            "post",
            "A post in the group Prompt Crafters",
        )
    assert handle(author) not in log[0].subject + log[0].note
    with session_scope() as db:
        actions.do_act(db, mod, "forum_post", post_id, {"action": "ban_from_group"})
    with session_scope() as db:
        assert author.user_id not in groups.member_ids(db, group_id)
    # A moderator's post may be reported and hidden, but its author is not banned from here.
    mod_post = _post_id(thread_id, reply(mod, thread_id, "Moderator words"))
    with session_scope() as db:
        reports.do_report(db, reader, "forum_post", mod_post, {"reason": "other"})
        with pytest.raises(Conflict, match="runs this group"):
            actions.do_act(db, owner, "forum_post", mod_post, {"action": "ban_from_group"})


def test_a_members_only_groups_post_cannot_be_reported_by_outsiders() -> None:
    owner, insider, outsider = person("Owner"), person("Insider"), person("Outsider")
    slug, _gid, where = _group(owner, "Hidden Lab", "secret")
    with session_scope() as db:
        groups.do_invite(db, owner, slug, handle(insider))
        groups.do_join(db, insider, slug)
    thread_id = start(owner, where, "Lab notes", "Quiet words.")
    post_id = _post_id(thread_id, 1)
    with session_scope() as db, pytest.raises(NotFound, match="No such post"):
        reports.do_report(db, outsider, "forum_post", post_id, {"reason": "spam"})
    with session_scope() as db:
        reports.do_report(db, insider, "forum_post", post_id, {"reason": "spam"})
    with session_scope() as db:
        actions.do_act(db, admin(), "forum_post", post_id, {"action": "delete", "reason": "spam"})
    with session_scope() as db:
        log_subjects = [e.subject for e in inbox.public_log(db)[0]]
    assert log_subjects == ["A post in a members-only group"]
    with session_scope() as db:
        post = db.get(ForumPost, post_id)
        assert post is not None and post.deleted_at is not None and post.body_md == ""
