"""The messaging read API: a member reads their conversations; anyone else is refused."""

from __future__ import annotations

from aixplore.core.db import session_scope
from aixplore.domain.groups import services as groups
from aixplore.domain.messaging import group_chat, messages
from aixplore.domain.messaging import services as conversations
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profiles
from tests.api_support import bearer, client, make_key
from tests.factories import actor_for, make_member, sign_in


def test_members_read_their_conversation_and_nobody_else_can() -> None:
    ada, bob, eve = (make_member(name=n) for n in ("Ada Api", "Bob Api", "Eve Api"))
    ada_actor = actor_for(sign_in(ada.email, ip="192.0.2.201"))
    bob_actor = actor_for(sign_in(bob.email, ip="192.0.2.202"))
    with session_scope() as db:
        handles = ensure_profiles(db, [ada.id, bob.id])
        graph.do_follow(db, bob_actor, handles[ada.id].handle)
        talk = conversations.do_start_direct(db, ada_actor, handles[bob.id].handle)
        for text in ("one", "two", "three"):
            messages.do_send(db, ada_actor, talk, text)
        messages.do_edit(db, ada_actor, talk, 1, "one, edited")
    api = client()
    bobs = bearer(make_key(bob.email, ["messages:read"]))
    listed = api.get("/api/v1/conversations", headers=bobs)
    assert listed.status_code == 200, listed.text
    assert [(c["id"], c["title"], c["unread"]) for c in listed.json()] == [(talk, "Ada Api", 3)]
    assert listed.headers["Cache-Control"] == "private, no-store"
    page = api.get(f"/api/v1/conversations/{talk}/messages?limit=2", headers=bobs).json()
    assert [m["body"] for m in page["items"]] == ["two", "three"] and page["more"]
    caught_up = api.get(f"/api/v1/conversations/{talk}/messages?after=3", headers=bobs).json()
    assert [(m["seq"], m["body"], m["edited"]) for m in caught_up["items"]] == [
        (1, "one, edited", True)
    ]
    assert caught_up["cursor"] == 4
    eves = bearer(make_key(eve.email, ["messages:read"]))
    refused = api.get(f"/api/v1/conversations/{talk}/messages", headers=eves)
    assert refused.status_code == 404, refused.text
    assert "private" not in refused.text and "three" not in refused.text
    assert api.get("/api/v1/conversations", headers=eves).json() == []
    no_scope = bearer(make_key(bob.email, ["solutions:read"], name="other"))
    assert api.get(f"/api/v1/conversations/{talk}/messages", headers=no_scope).status_code == 403
    assert api.get(f"/api/v1/conversations/{talk}/messages").status_code == 401
    assert api.get("/api/v1/conversations/0/messages", headers=bobs).status_code == 422


def test_a_groups_chat_is_read_through_the_api_by_its_members_only() -> None:
    owner, bob, eve = (make_member(name=n) for n in ("Owner Api", "Bob Group", "Eve Group"))
    owner_actor = actor_for(sign_in(owner.email, ip="192.0.2.211"))
    bob_actor = actor_for(sign_in(bob.email, ip="192.0.2.212"))
    with session_scope() as db:
        group = groups.do_create_group(db, owner_actor, "Api chat group", "", "private")
        groups.do_join(db, bob_actor, group.slug, "")
        groups.do_answer_request(db, owner_actor, group.slug, bob.id, True)
        chat = group_chat.do_open_group_chat(db, owner_actor, group.slug)
        messages.do_send(db, owner_actor, chat, "for members")
    api = client()
    bobs = bearer(make_key(bob.email, ["messages:read"]))
    eves = bearer(make_key(eve.email, ["messages:read"]))
    read = api.get(f"/api/v1/conversations/{chat}/messages", headers=bobs)
    assert [m["body"] for m in read.json()["items"]] == ["for members"], read.text
    refused = api.get(f"/api/v1/conversations/{chat}/messages", headers=eves)
    assert refused.status_code == 404 and "for members" not in refused.text
    with session_scope() as db:
        groups.do_leave(db, bob_actor, group.slug)
    gone = api.get(f"/api/v1/conversations/{chat}/messages", headers=bobs)
    assert gone.status_code == 404 and "for members" not in gone.text
    assert api.get("/api/v1/conversations", headers=bobs).json() == []
