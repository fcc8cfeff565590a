"""GraphQL's orders, notifications, profiles and reviews: authorized as REST and the site are."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.domain.events import services as events
from aixplore.domain.notifications import services as notifications
from aixplore.domain.orders import services as orders
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social import graph
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import ProfileVisibility, SectionVisibility
from tests.api_support import bearer, make_key
from tests.factories import actor_for, make_member, make_small_catalog, sign_in

MINE = """query($first: Int!, $after: String) { viewer { handle
  orders(first: $first, after: $after) { edges { node { number status } }
                                         pageInfo { hasNextPage endCursor } }
  notifications { edges { node { title read } } } } }"""
OWN = ["orders:read", "notifications:read"]


def ask(api: TestClient, query: str, variables: Any = None, key: str = "") -> dict[str, Any]:
    """POST one operation as the owner of ``key`` (anonymous without one)."""
    headers = bearer(key) if key else {}
    reply = api.post("/api/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _member_with_orders(orders_made: int, note: str) -> tuple[str, list[int]]:
    """A member with ``orders_made`` draft orders and one notification titled ``note``."""
    member = make_member()
    actor = actor_for(sign_in(member.email))
    assert actor is not None
    with session_scope() as db:
        made = [orders.do_create_draft(db, actor).id or 0 for _ in range(orders_made)]
        notifications.notify(db, actor.user_id, "order", note)
    return member.email, made


def test_orders_and_notifications_are_only_the_viewers_own() -> None:
    api = TestClient(build_api())
    alice, alice_orders = _member_with_orders(3, "For Alice")
    bob, _bob_orders = _member_with_orders(1, "For Bob")
    key = make_key(alice, OWN)
    first = ask(api, MINE, {"first": 2}, key)["data"]["viewer"]
    assert [e["node"]["number"] for e in first["orders"]["edges"]] == alice_orders[:0:-1]
    assert first["orders"]["pageInfo"]["hasNextPage"]
    assert [e["node"] for e in first["notifications"]["edges"]] == [
        {"title": "For Alice", "read": False}
    ]
    after = first["orders"]["pageInfo"]["endCursor"]
    rest = ask(api, MINE, {"first": 2, "after": after}, key)["data"]["viewer"]["orders"]
    assert [e["node"]["number"] for e in rest["edges"]] == alice_orders[:1]
    # Bob's own key sees Bob's, never Alice's.
    bobs = ask(api, MINE, {"first": 10}, make_key(bob, OWN))["data"]["viewer"]
    assert len(bobs["orders"]["edges"]) == 1
    assert [e["node"]["title"] for e in bobs["notifications"]["edges"]] == ["For Bob"]


def test_orders_and_notifications_need_their_scopes_and_a_caller() -> None:
    api = TestClient(build_api())
    alice, _made = _member_with_orders(1, "Hello")
    narrow = ask(api, MINE, {"first": 5}, make_key(alice, ["solutions:read"]))
    assert narrow["data"]["viewer"]["handle"]  # the rest of the answer still comes
    assert narrow["data"]["viewer"]["orders"] is None
    assert narrow["data"]["viewer"]["notifications"] is None
    messages = sorted(e["message"] for e in narrow["errors"])
    assert messages == [
        "This API key lacks the 'notifications:read' scope.",
        "This API key lacks the 'orders:read' scope.",
    ]
    assert ask(api, MINE, {"first": 5})["data"]["viewer"] is None
    bad = ask(api, MINE, {"first": 5, "after": "bm90LWEtY3Vyc29y"}, make_key(alice, OWN))
    assert bad["errors"][0]["message"] == "Not a valid cursor."


def test_a_profile_and_its_sections_follow_the_owners_privacy() -> None:
    api = TestClient(build_api())
    owner = make_member(name="Private Person")
    stranger = make_member()
    follower = actor_for(sign_in(make_member().email))
    with session_scope() as db:
        profile = ensure_profile(db, owner.id)
        handle = profile.handle
        profile.visibility = ProfileVisibility.MEMBERS
        profile.network_visibility = SectionVisibility.ONLY_ME
        db.add(profile)
    with session_scope() as db:
        graph.do_follow(db, follower, handle)
    query = """query($h: String!) { profile(handle: $h) { handle displayName followersCount
      followers { edges { node { handle } } } } }"""
    # Signed out: a members-only profile is refused, with the reason, as the page refuses it.
    anonymous = ask(api, query, {"h": handle})
    assert anonymous["data"]["profile"] is None
    assert "sign in" in anonymous["errors"][0]["message"].lower()
    # A member sees the profile but not the followers list its owner keeps to themself.
    seen = ask(api, query, {"h": handle}, make_key(stranger.email, ["solutions:read"]))
    assert seen["data"]["profile"]["displayName"] == "Private Person"
    assert seen["data"]["profile"]["followersCount"] == 1
    assert seen["data"]["profile"]["followers"] is None
    assert seen["errors"][0]["path"] == ["profile", "followers"]
    # The owner sees their own list.
    mine = ask(api, query, {"h": handle}, make_key(owner.email, ["solutions:read"]))
    assert len(mine["data"]["profile"]["followers"]["edges"]) == 1
    assert ask(api, query, {"h": "nobody-here"})["data"]["profile"] is None


def test_a_solutions_reviews_are_its_most_helpful_visible_ones() -> None:
    api = TestClient(build_api())
    slug = make_small_catalog()["ocr"]
    for n in range(3):
        actor = actor_for(sign_in(make_member(name=f"Reviewer {n}").email))
        with session_scope() as db:
            reviews.do_write_review(
                db, actor, slug, {"rating": 5 - n, "title": f"Take {n}", "body": "Works well here."}
            )
    query = """query($s: String!, $n: Int!) { solution(slug: $s) {
      reviews(first: $n) { id rating title authorName reply { body } } } }"""
    two = ask(api, query, {"s": slug, "n": 2})["data"]["solution"]["reviews"]
    assert len(two) == 2 and {r["authorName"] for r in two} <= {f"Reviewer {n}" for n in range(3)}
    assert ask(api, query, {"s": slug, "n": 11})["errors"][0]["message"] == (
        "first must be between 1 and 10."
    )


def test_events_are_listed_and_the_online_link_is_only_for_people_going() -> None:
    api = TestClient(build_api())
    organizer = make_member()
    day = (date.today() + timedelta(days=10)).isoformat()
    with session_scope() as db:
        made = events.do_create_event(
            db,
            actor_for(sign_in(organizer.email)),
            {
                "title": "Prompt night",
                "description": "Talks and demos.",
                "starts_at": f"{day}T18:30",
                "ends_at": f"{day}T20:00",
                "timezone": "Europe/Berlin",
                "online_url": "https://meet.example.com/prompting",
                "location": "",
                "capacity": 5,
            },
        )
    listed = ask(api, "{ events { totalCount nodes { id title } pageInfo { hasNextPage } } }")
    page = listed["data"]["events"]
    assert page["totalCount"] == 1 and page["nodes"][0]["title"] == "Prompt night"
    assert ask(api, "{ events(listing: PAST) { totalCount } }")["data"]["events"]["totalCount"] == 0
    query = "query($id: ID!) { event(id: $id) { title onlineUrl myStatus canManage } }"
    event_id = {"id": page["nodes"][0]["id"]}
    stranger = make_member()
    seen = ask(api, query, event_id, make_key(stranger.email, ["events:read"]))["data"]["event"]
    assert seen == {"title": "Prompt night", "onlineUrl": "", "myStatus": "", "canManage": False}
    with session_scope() as db:
        events.do_rsvp(db, actor_for(sign_in(stranger.email)), made.id)
    going = ask(api, query, event_id, make_key(stranger.email, ["events:read"]))["data"]["event"]
    assert going["onlineUrl"] == "https://meet.example.com/prompting"
    assert going["myStatus"] == "going"
    assert ask(api, query, event_id)["data"]["event"]["onlineUrl"] == ""
    wrong = ask(api, query, {"id": page["nodes"][0]["id"].replace("=", "")})
    assert wrong["data"] is None or wrong["data"]["event"] is None
