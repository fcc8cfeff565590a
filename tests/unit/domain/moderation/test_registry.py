"""A kind registered later (as forum posts will be): group moderators act in their group only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from aixplore.core.db import session_scope
from aixplore.core.errors import PermissionDenied
from aixplore.domain.moderation import actions, inbox, registry, reports
from aixplore.domain.moderation.registry import Target, TargetKind
from tests.factories import actor_for, make_member, sign_in

# Posts 1 and 2 live in groups 10 and 20; the moderator moderates group 10 only.
POSTS = {1: 10, 2: 20}


@pytest.fixture
def posts() -> Iterator[dict]:
    """A "post" kind and a group-moderator check, registered for one test only."""
    owner, moderator = make_member(name="Post Author"), make_member(name="Group Mod")
    state: dict = {"hidden": set(), "banned": [], "owner": owner, "moderator": moderator}

    def resolve(_session: Session, post_id: int) -> Target | None:
        if post_id not in POSTS:
            return None
        return Target(
            owner_id=owner.id,
            title=f"Post {post_id}",
            snippet="Words",
            link=f"/groups/{POSTS[post_id]}",
            public_subject="A forum post",
            group_id=POSTS[post_id],
        )

    def moderates(_session: Session, user_id: int, group_id: int) -> bool:
        return user_id == moderator.id and group_id == 10

    kind = TargetKind(
        name="post",
        label="post",
        resolve=resolve,
        hide=lambda _s, i: state["hidden"].add(i) or "visible",
        restore=lambda _s, i, _p: state["hidden"].discard(i),
        delete=lambda _s, i: state["hidden"].add(i),
        ban_from_group=lambda _s, group, user: state["banned"].append((group, user)),
    )
    registry.register(kind)

    def moderates_some(_session: Session, user_id: int) -> bool:
        return user_id == moderator.id

    registry.register_group_moderators(moderates)
    registry.register_any_group_moderator(moderates_some)
    try:
        yield state
    finally:
        registry._KINDS.pop("post", None)
        registry._GROUP_MODERATORS.remove(moderates)
        registry._ANY_GROUP_MODERATORS.remove(moderates_some)


def test_a_group_moderator_acts_in_their_group_and_is_refused_in_another(posts: dict) -> None:
    mod = actor_for(sign_in(posts["moderator"].email))
    reporter = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        for post_id in POSTS:
            reports.do_report(db, reporter, "post", post_id, {"reason": "harassment"})
    with session_scope() as db:
        assert [i.target_id for i in inbox.list_inbox(db, mod)] == [1]
        actions.do_act(db, mod, "post", 1, {"action": "hide"})
        actions.do_act(db, mod, "post", 1, {"action": "ban_from_group"})
        with pytest.raises(PermissionDenied, match="group's moderators"):
            actions.do_act(db, mod, "post", 2, {"action": "hide"})
    assert posts["hidden"] == {1}
    assert posts["banned"] == [(10, posts["owner"].id)]
