"""The profile read API: a profile, its followers and following, privacy and blocks honoured."""

from __future__ import annotations

from aixplore.core.db import session_scope
from aixplore.domain.social import connections, graph, profiles
from tests.api_support import bearer, client, make_key
from tests.factories import actor_for, make_member, sign_in

EDIT = {
    "display_name": "Ada Lovelace",
    "handle": "ada",
    "bio": "Notes on **engines**.",
    "location": "London",
    "links": "https://ada.example.com",
    "visibility": "public",
}


def _signed_in(name: str):
    user = make_member(name=name)
    return user, actor_for(sign_in(user.email, ip="192.0.2.200"))


def test_a_profile_and_its_followers_read_as_anyone_may() -> None:
    _ada_user, ada = _signed_in("Ada Lovelace")
    bob_user, bob = _signed_in("Bob Builder")
    with session_scope() as db:
        profiles.do_edit_profile(db, ada, EDIT)
        graph.do_follow(db, bob, "ada")
    api = client()
    shown = api.get("/api/v1/profiles/ADA")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["handle"], body["followers"], body["location"]) == ("ada", 1, "London")
    assert "<strong>engines</strong>" in body["bio_html"]
    assert shown.headers["Cache-Control"] == "private, no-store"
    people = api.get("/api/v1/profiles/ada/followers").json()
    assert people == {
        "items": [{"handle": "bob_builder", "name": "Bob Builder", "avatar_url": ""}],
        "next_before": None,
    }
    assert api.get("/api/v1/profiles/bob_builder/following").json()["items"][0]["handle"] == "ada"
    # The old handle answers under the new one.
    with session_scope() as db:
        profiles.do_edit_profile(db, ada, {**EDIT, "handle": "countess"})
    assert api.get("/api/v1/profiles/ada").json()["handle"] == "countess"
    assert api.get("/api/v1/profiles/nobody_here").status_code == 404
    assert api.get("/api/v1/profiles/ada/followers?limit=0").status_code == 422
    key = make_key(bob_user.email, ["solutions:read"])
    assert api.get("/api/v1/profiles/countess", headers=bearer(key)).status_code == 200


def test_private_and_blocking_profiles_are_refused_with_the_reason() -> None:
    _ada_user, ada = _signed_in("Ada Lovelace")
    bob_user, bob = _signed_in("Bob Builder")
    with session_scope() as db:
        profiles.do_edit_profile(db, ada, {**EDIT, "visibility": "followers"})
    api = client()
    refused = api.get("/api/v1/profiles/ada")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This profile is visible to its followers only."
    assert api.get("/api/v1/profiles/ada/followers").status_code == 403
    key = make_key(bob_user.email, ["solutions:read"])
    assert api.get("/api/v1/profiles/ada", headers=bearer(key)).status_code == 403
    with session_scope() as db:
        graph.do_follow(db, bob, "ada")
    assert api.get("/api/v1/profiles/ada", headers=bearer(key)).status_code == 200
    with session_scope() as db:
        graph.do_block(db, ada, "bob_builder")
    blocked = api.get("/api/v1/profiles/ada", headers=bearer(key))
    assert blocked.status_code == 404
    assert blocked.json()["detail"] == "This profile is not available to you."


def test_sections_a_stranger_may_not_see_are_refused_through_the_api() -> None:
    _ada_user, ada = _signed_in("Ada Lovelace")
    bob_user, bob = _signed_in("Bob Builder")
    with session_scope() as db:
        profiles.do_edit_profile(
            db,
            ada,
            {**EDIT, "network_visibility": "followers", "connections_visibility": "members"},
        )
        connections.do_request_connection(db, bob, "ada")
        connections.do_accept_connection(db, ada, "bob_builder")
    api = client()
    assert api.get("/api/v1/profiles/ada").status_code == 200
    refused = api.get("/api/v1/profiles/ada/followers")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "@ada shows their followers and following to their followers only."
    )
    assert api.get("/api/v1/profiles/ada/connections").status_code == 403
    key = make_key(bob_user.email, ["solutions:read"])
    shown = api.get("/api/v1/profiles/ada/connections", headers=bearer(key)).json()
    assert [p["handle"] for p in shown["items"]] == ["bob_builder"]
    assert api.get("/api/v1/profiles/ada/following", headers=bearer(key)).status_code == 403
