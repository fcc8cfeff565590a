"""A member's gallery: whose cards hang there, the featured wall, and who may see it shared."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.cards.gallery import FEATURED_COUNT, card_dict, get_gallery
from aixplore.domain.discovery import services as discovery
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import ProfileVisibility
from tests.factories import actor_for, make_member, make_solution, set_solution_rating, sign_in


def _handle(user_id: int) -> str:
    with session_scope() as db:
        return ensure_profile(db, user_id).handle


def _names(cards) -> list[str]:
    return sorted(c.name for c in cards)


def test_own_gallery_holds_published_saved_and_listed_cards_the_shared_one_only_public() -> None:
    owner, publisher = make_member(name="Gail Gallery"), make_member()
    me = actor_for(sign_in(owner.email))
    mine = make_solution(owner.email, name="Own Work").slug
    make_solution(owner.email, name="Own Draft", publish=False)
    saved = make_solution(publisher.email, name="Saved One").slug
    listed = make_solution(publisher.email, name="Public Listed").slug
    hidden = make_solution(publisher.email, name="Private Listed").slug
    make_solution(publisher.email, name="Not Mine")
    with session_scope() as db:
        discovery.do_toggle_bookmark(db, me, saved)
        public = discovery.do_create_collection(db, me, {"name": "Shown", "is_public": True})
        private = discovery.do_create_collection(db, me, {"name": "Kept", "is_public": False})
        discovery.do_toggle_in_collection(db, me, public.id, listed)
        discovery.do_toggle_in_collection(db, me, private.id, hidden)
    handle = _handle(owner.id)
    with session_scope() as db:
        own = get_gallery(db, me, None)
        shared = get_gallery(db, None, handle)
        shared_to_self = get_gallery(db, me, handle)
    assert own.is_owner and own.handle == handle and own.share_path == f"/gallery/{handle}"
    assert _names(own.cards) == ["Own Work", "Private Listed", "Public Listed", "Saved One"]
    assert _names(shared_to_self.cards) == _names(own.cards)
    # Bookmarks and private collections never leave their owner.
    assert not shared.is_owner and shared.owner_name == "Gail Gallery"
    assert _names(shared.cards) == ["Own Work", "Public Listed"]
    assert mine  # published through the real services


def test_the_featured_wall_is_the_best_rated_published_cards_the_same_for_everyone() -> None:
    publisher, viewer = make_member(), make_member()
    slugs = [make_solution(publisher.email, name=f"Pick {i:02d}").slug for i in range(10)]
    for i, slug in enumerate(slugs):
        set_solution_rating(slug, 4.0 + i * 0.1, 50)
    handle, as_viewer = _handle(publisher.id), actor_for(sign_in(viewer.email))
    with session_scope() as db:
        featured = get_gallery(db, None, handle).featured
        seen_by_other = get_gallery(db, as_viewer, None).featured
    assert len(featured) == FEATURED_COUNT
    assert featured[0].name == "Pick 09" and featured[0].foil.value == "secret"
    assert [c.id for c in featured] == [c.id for c in seen_by_other]
    assert card_dict(featured[0])["foil"] == "secret"
    assert set(card_dict(featured[0])) == {
        "id",
        "slug",
        "name",
        "subtitle",
        "rating",
        "rating_text",
        "reviews",
        "foil",
        "rarity",
        "kind",
        "facts",
        "href",
        "card_href",
    }


def test_a_shared_gallery_follows_the_owners_profile_privacy_and_blocks() -> None:
    owner, stranger = make_member(), make_member()
    make_solution(owner.email, name="Guarded")
    handle = _handle(owner.id)
    as_owner, as_stranger = actor_for(sign_in(owner.email)), actor_for(sign_in(stranger.email))
    with session_scope() as db:
        profile = ensure_profile(db, owner.id)
        profile.visibility = ProfileVisibility.MEMBERS
        db.add(profile)
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            get_gallery(db, None, handle)
        assert _names(get_gallery(db, as_stranger, handle).cards) == ["Guarded"]
    with session_scope() as db:
        graph.do_block(db, as_owner, _handle(stranger.id))
    with session_scope() as db, pytest.raises(NotFound):
        get_gallery(db, as_stranger, handle)


@pytest.mark.parametrize("handle", ["nobody-here", "x" * 200, 7, ["a"], {"h": 1}])
def test_unknown_or_malformed_handles_are_not_found(handle: object) -> None:
    with session_scope() as db, pytest.raises(NotFound):
        get_gallery(db, None, handle)


def test_no_handle_and_no_viewer_is_not_found() -> None:
    with session_scope() as db, pytest.raises(NotFound):
        get_gallery(db, None, None)
