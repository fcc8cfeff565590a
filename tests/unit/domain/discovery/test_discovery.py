"""Bookmarks, collections and saved searches with their mail alerts."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.domain.discovery import services as discovery
from aixplore.domain.mail.services import list_outbox_for
from tests.factories import actor_for, make_member, make_solution, sign_in


def test_bookmarks_toggle_and_list_only_published() -> None:
    owner, reader = make_member(), make_member()
    slug = make_solution(owner.email).slug
    draft = make_solution(owner.email, name="Draft", publish=False).slug
    actor = actor_for(sign_in(reader.email))
    with session_scope() as db:
        assert discovery.do_toggle_bookmark(db, actor, slug) is True
        with pytest.raises(NotFound):
            discovery.do_toggle_bookmark(db, actor, draft)
    with session_scope() as db:
        assert [c.slug for c in discovery.list_bookmarks(db, actor)] == [slug]
        assert discovery.do_toggle_bookmark(db, actor, slug) is False


def test_private_collections_are_invisible_to_others_public_ones_are_not() -> None:
    owner, reader, stranger = make_member(), make_member(), make_member()
    slug = make_solution(owner.email).slug
    as_reader, as_stranger = actor_for(sign_in(reader.email)), actor_for(sign_in(stranger.email))
    with session_scope() as db:
        created = discovery.do_create_collection(
            db, as_reader, {"name": "Vision tools", "is_public": False}
        )
        assert discovery.do_toggle_in_collection(db, as_reader, created.id, slug) is True
    with session_scope() as db:
        with pytest.raises(NotFound):
            discovery.get_collection(db, as_stranger, created.id)
        with pytest.raises(NotFound):
            discovery.do_toggle_in_collection(db, as_stranger, created.id, slug)
        with pytest.raises(NotFound):
            discovery.do_delete_collection(db, as_stranger, created.id)
        info, cards = discovery.get_collection(db, as_reader, created.id)
        assert info.count == 1 and [c.slug for c in cards] == [slug]
        discovery.do_update_collection(
            db, as_reader, created.id, {"name": "Vision tools", "is_public": True}
        )
    with session_scope() as db:
        assert discovery.get_collection(db, None, created.id)[0].is_public
        assert [c.id for c in discovery.list_public_collections(db)] == [created.id]
        mine = discovery.list_my_collections(db, as_reader, containing_slug=slug)
        assert mine[0].contains


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x" * 81},
        {"name": "ok", "is_public": "yes"},
        {"name": "ok", "owner_id": 1},
        "junk",
    ],
)
def test_collection_input_is_validated(data: object) -> None:
    actor = actor_for(sign_in(make_member().email))
    with session_scope() as db, pytest.raises(ValidationFailed):
        discovery.do_create_collection(db, actor, data)


def test_saved_search_mails_only_new_matches_once() -> None:
    owner, reader = make_member(), make_member()
    make_solution(owner.email, name="Old OCR", tags=["ocr"], category="computer-vision")
    actor = actor_for(sign_in(reader.email))
    with session_scope() as db:
        saved = discovery.do_save_search(db, actor, {"q": "ocr", "page": "3"})
        assert saved.href == "/solutions?q=ocr"
    with session_scope() as db, pytest.raises(Conflict):
        discovery.do_save_search(db, actor, "q=ocr")
    with session_scope() as db:
        assert discovery.do_notify_saved_searches(db, base_url="http://x") == 0  # nothing new yet
    make_solution(owner.email, name="New OCR Engine", tags=["ocr"], category="computer-vision")
    make_solution(owner.email, name="Unrelated Music", tags=["music"], category="speech-audio")
    with session_scope() as db:
        assert discovery.do_notify_saved_searches(db, base_url="http://x") == 1
    with session_scope() as db:
        assert discovery.do_notify_saved_searches(db, base_url="http://x") == 0
        [mail] = list_outbox_for(db, reader.email)
    assert (
        "New OCR Engine" in mail.body_text
        and "Unrelated" not in mail.body_text
        and "Old OCR" not in mail.body_text
    )


def test_saved_searches_refuse_empty_or_bad_queries() -> None:
    actor = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        with pytest.raises(ValidationFailed):
            discovery.do_save_search(db, actor, {})
        with pytest.raises(ValidationFailed):
            discovery.do_save_search(db, actor, {"min_rating": "9"})
        with pytest.raises(NotFound):
            discovery.do_delete_saved_search(db, actor, 12345)
