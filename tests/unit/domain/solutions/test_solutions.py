"""Publishing solutions: drafts stay private, input is validated, Markdown is made safe."""

from __future__ import annotations

import re

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.solutions import services as solutions
from tests.factories import actor_for, make_admin, make_member, make_solution, sign_in


def test_a_draft_is_visible_to_its_owner_and_admins_only() -> None:
    owner, stranger, admin = make_member(), make_member(), make_admin()
    draft = make_solution(owner.email, publish=False)
    as_owner, as_admin = actor_for(sign_in(owner.email)), actor_for(sign_in(admin.email))
    as_stranger = actor_for(sign_in(stranger.email))
    with session_scope() as db:
        assert solutions.get_solution(db, as_owner, draft.slug).status == "draft"
        assert solutions.get_solution(db, as_admin, draft.slug).name == draft.name
        for viewer in (None, as_stranger):
            with pytest.raises(NotFound):
                solutions.get_solution(db, viewer, draft.slug)
        assert solutions.list_publisher_solutions(db, None, owner.id) == []
        assert len(solutions.list_publisher_solutions(db, as_owner, owner.id)) == 1


def test_strangers_cannot_edit_publish_or_archive() -> None:
    owner, stranger = make_member(), make_member()
    published = make_solution(owner.email)
    draft = make_solution(owner.email, name="Secret Draft", publish=False)
    actor = actor_for(sign_in(stranger.email))
    data = {"name": "Hijacked", "tagline": "Now mine, all mine", "category": "code"}
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            solutions.do_update_solution(db, actor, published.slug, data)
        with pytest.raises(PermissionDenied):
            solutions.do_set_status(db, actor, published.slug, "archived")
        with pytest.raises(NotFound):  # a draft is not even admitted to exist
            solutions.do_update_solution(db, actor, draft.slug, data)
        with pytest.raises(NotAuthenticated):
            solutions.do_update_solution(db, None, published.slug, data)
    with session_scope() as db:
        assert solutions.get_solution(db, None, published.slug).name == published.name


def test_markdown_with_scripts_and_handlers_is_neutralised() -> None:
    owner = make_member()
    created = make_solution(
        owner.email,
        description="# Title\n\n<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) **ok**",
    )
    html = created.description_html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert not re.search(r"<[^>]*\bon\w+=", html)  # no event handler attribute in any tag
    assert "<strong>ok</strong>" in html and "<h1>Title</h1>" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "x"}, "too short|Name"),
        ({"tagline": "t" * 141}, "too long"),
        ({"category": "no-such-category"}, "listed categories"),
        ({"pricing": "gratis"}, "pricing|Input should be"),
        ({"tags": ["ok", "<b>bad</b>"]}, "Tag"),
        ({"tags": [f"t{n}" for n in range(9)]}, "at most 8|List should have"),
        ({"website_url": "javascript:alert(1)"}, "http"),
        ({"description": "d" * 20_001}, "too long"),
        ({"owner_id": 1}, "unexpected field"),
    ],
)
def test_bad_listing_input_is_refused_and_nothing_is_stored(change: dict, message: str) -> None:
    owner = make_member()
    data = {"name": "Valid Name", "tagline": "A valid tagline here", "category": "code", **change}
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db, pytest.raises(ValidationFailed, match=message):
        solutions.do_create_solution(db, actor, data)
    with session_scope() as db:
        assert solutions.list_publisher_solutions(db, actor, owner.id) == []


def test_slugs_are_unique_and_versions_become_a_changelog() -> None:
    owner = make_member()
    first = make_solution(owner.email, name="Vision Kit")
    second = make_solution(owner.email, name="Vision Kit")
    assert (first.slug, second.slug) == ("vision-kit", "vision-kit-2")
    actor = actor_for(sign_in(owner.email))
    base = {
        "name": "Vision Kit",
        "tagline": "See things in pictures",
        "category": "computer-vision",
        "description": "A toolkit for image understanding.",
    }
    with session_scope() as db:
        solutions.do_update_solution(db, actor, first.slug, {**base, "version": "1.0"})
        updated = solutions.do_update_solution(db, actor, first.slug, {**base, "version": "1.1"})
    assert updated.version == "1.1" and [r[0] for r in updated.releases] == ["1.1", "1.0"]


def test_publishing_needs_a_description() -> None:
    owner = make_member()
    draft = make_solution(owner.email, description="short", publish=False)
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db, pytest.raises(ValidationFailed, match="description"):
        solutions.do_set_status(db, actor, draft.slug, "published")


def test_similar_solutions_share_category_or_tags() -> None:
    owner = make_member()
    base = make_solution(owner.email, name="Base", tags=["ocr"], category="computer-vision")
    same_cat = make_solution(
        owner.email, name="Same Category", tags=["faces"], category="computer-vision"
    )
    same_tag = make_solution(owner.email, name="Same Tag", tags=["ocr"], category="code")
    make_solution(owner.email, name="Unrelated", tags=["music"], category="speech-audio")
    with session_scope() as db:
        similar = [c.slug for c in solutions.list_similar(db, base.slug)]
    assert similar == [same_cat.slug, same_tag.slug]


def test_only_admins_feature_and_verify_publishers() -> None:
    owner, admin = make_member(), make_admin()
    created = make_solution(owner.email)
    as_owner, as_admin = actor_for(sign_in(owner.email)), actor_for(sign_in(admin.email))
    with session_scope() as db:
        with pytest.raises(PermissionDenied):
            solutions.do_set_featured(db, as_owner, created.slug, True)
        solutions.do_set_featured(db, as_admin, created.slug, True)
        solutions.do_set_publisher_verified(db, as_admin, owner.id, True)
    with session_scope() as db:
        assert solutions.get_solution(db, None, created.slug).publisher_verified
