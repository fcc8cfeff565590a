"""Profiles: handles (derived, unique regardless of case, redirecting), editing and privacy."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aixplore.domain.social import graph, profiles
from aixplore.domain.social.handles import ensure_profile
from tests.unit.domain.social.support import person

EDIT = {
    "display_name": "Ada Lovelace",
    "handle": "ada",
    "bio": "Writes **notes** on engines.",
    "location": "London",
    "links": "https://ada.example.com/\nhttps://social.example/@ada",
    "visibility": "public",
}


def _edit(actor, **change):
    with session_scope() as db:
        return profiles.do_edit_profile(db, actor, {**EDIT, **change})


def _view(viewer, handle):
    with session_scope() as db:
        return profiles.get_profile(db, viewer, handle)


def test_handles_are_derived_from_names_uniquely_and_deterministically() -> None:
    first, second, odd = person("Ada Lovelace"), person("Ada  Lovelace!"), person("李 !")
    with session_scope() as db:
        handles = [ensure_profile(db, a.user_id).handle for a in (first, second, odd)]
    assert handles == ["ada_lovelace", f"ada_lovelace_{second.user_id}", f"user{odd.user_id}"]


def test_a_changed_handle_redirects_from_the_old_one_and_case_never_splits_a_handle() -> None:
    ada, other = person("Ada Lovelace"), person("Grace Hopper")
    _edit(ada)
    shown, old = _view(None, "ADA")
    assert (shown.person.handle, old) == ("ada", False)
    _edit(ada, handle="countess")
    shown, old = _view(None, "ada")
    assert (shown.person.handle, old) == ("countess", True)
    with pytest.raises(Conflict, match="taken"):
        _edit(other, handle="Ada")  # the old handle stays hers: it redirects
    with pytest.raises(Conflict, match="taken"):
        _edit(other, handle="COUNTESS")
    _edit(ada, handle="ada")  # taking an old handle back is fine
    assert _view(None, "countess")[0].person.handle == "ada"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"handle": "ad"}, "3 to 30"),
        ({"handle": "ada lovelace"}, "letters"),
        ({"handle": "<script>"}, "letters"),
        ({"handle": "admin"}, "reserved"),
        ({"handle": "user42"}, "reserved"),
        ({"links": "javascript:alert(1)"}, "http"),
        ({"links": "https://a.example/\n" * 5 + "https://e.example/"}, "at most 4"),
        ({"visibility": "everyone"}, "who may see"),
        ({"bio": "x" * 501}, "too long"),
    ],
)
def test_bad_profile_input_is_refused_with_a_clear_message(change: dict, message: str) -> None:
    ada = person()
    with pytest.raises(ValidationFailed, match=message):
        _edit(ada, **change)


def test_the_bio_is_sanitized_markdown_and_links_are_listed() -> None:
    ada = person()
    _edit(ada, bio="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    shown, _ = _view(None, "ada")
    assert "<strong>bold</strong>" in shown.bio_html
    assert "<script" not in shown.bio_html and "&lt;script&gt;" in shown.bio_html
    assert 'href="javascript' not in shown.bio_html
    assert [link.label for link in shown.links] == ["ada.example.com", "social.example/@ada"]
    assert shown.location == "London" and shown.person.name == "Ada Lovelace"


def test_privacy_members_only_and_followers_only() -> None:
    ada, reader = person("Ada"), person("Reader")
    _edit(ada, visibility="members")
    with pytest.raises(PermissionDenied, match="signed-in members"):
        _view(None, "ada")
    assert _view(reader, "ada")[0].person.handle == "ada"
    _edit(ada, visibility="followers")
    with pytest.raises(PermissionDenied, match="followers only"):
        _view(reader, "ada")
    with session_scope() as db:
        graph.do_follow(db, reader, "ada")
    assert _view(reader, "ada")[0].followers == 1
    assert _view(ada, "ada")[0].relationship.me
    with pytest.raises(PermissionDenied), session_scope() as db:
        graph.list_people(db, None, "ada", "followers")


def test_a_blocked_person_cannot_see_the_profile() -> None:
    ada, troll = person("Ada"), person("Troll")
    _edit(ada)
    with session_scope() as db:
        graph.do_block(db, ada, ensure_profile(db, troll.user_id).handle)
    with pytest.raises(NotFound, match="not available"):
        _view(troll, "ada")
    assert _view(None, "ada")[0].person.handle == "ada"


def test_an_avatar_is_checked_and_re_encoded() -> None:
    ada = person()
    raw = io.BytesIO()
    Image.new("RGB", (300, 200), "purple").save(raw, format="JPEG")
    with session_scope() as db:
        shown = profiles.do_set_avatar(db, ada, raw.getvalue())
    assert shown.person.avatar_url.startswith("/media/avatars/")
    assert shown.person.avatar_url.endswith(".png")
    with pytest.raises(ValidationFailed, match="not a readable image"), session_scope() as db:
        profiles.do_set_avatar(db, ada, b"GIF89a<script>")
