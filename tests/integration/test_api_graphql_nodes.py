"""``node(id:)`` for every type with a global id, authorized as the type's own field."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.domain.notifications import services as notifications
from aixplore.domain.orders import services as orders
from aixplore.domain.reviews import services as reviews
from aixplore.domain.social.handles import ensure_profile
from aixplore.domain.social.models import ProfileVisibility
from tests.api_support import make_key
from tests.factories import actor_for, make_member, make_small_catalog, sign_in
from tests.integration.test_api_graphql_types import OWN, ask

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Order { number status } ... on Notification { title }
  ... on Profile { handle } ... on Review { title } ... on Solution { slug } } }"""


def gid(kind: str, row_id: int) -> str:
    """The global id of ``kind`` row ``row_id``."""
    return base64.b64encode(f"{kind}:{row_id}".encode()).decode()


def node(api: TestClient, value: str, key: str = "") -> tuple[dict | None, list[str]]:
    """``node(id:)``'s answer and its error messages."""
    got = ask(api, NODE, {"id": value}, key)
    return (got["data"] or {}).get("node"), [e["message"] for e in got.get("errors", [])]


def test_orders_and_notifications_by_node_id_are_only_the_owners() -> None:
    api = TestClient(build_api())
    alice, bob = make_member(), make_member()
    actor = actor_for(sign_in(alice.email))
    with session_scope() as db:
        order = orders.do_create_draft(db, actor).id or 0
        notice = notifications.notify(db, alice.id, "order", "For Alice")
        notice_id = (notice.id if notice else 0) or 0
    alices, bobs = make_key(alice.email, OWN), make_key(bob.email, OWN)
    found, _ = node(api, gid("Order", order), alices)
    assert found == {"__typename": "Order", "id": gid("Order", order), "number": order,
                     "status": "draft"}  # fmt: skip
    assert node(api, gid("Notification", notice_id), alices)[0] == {
        "__typename": "Notification", "id": gid("Notification", notice_id), "title": "For Alice"
    }  # fmt: skip
    # Bob's key: Alice's order and notification do not exist for him.
    assert node(api, gid("Order", order), bobs) == (None, [])
    assert node(api, gid("Notification", notice_id), bobs) == (None, [])
    # Without the scope, or anonymous: REST's refusal, never the object.
    narrow = make_key(alice.email, ["solutions:read"])
    assert node(api, gid("Order", order), narrow) == (
        None, ["This API key lacks the 'orders:read' scope."]
    )  # fmt: skip
    assert node(api, gid("Notification", notice_id), narrow)[0] is None
    assert node(api, gid("Order", order))[0] is None


def test_profiles_reviews_and_solutions_by_node_id_follow_their_fields() -> None:
    api = TestClient(build_api())
    slug = make_small_catalog()["ocr"]
    writer = make_member(name="Reviewer")
    with session_scope() as db:
        made = reviews.do_write_review(
            db, actor_for(sign_in(writer.email)), slug,
            {"rating": 4, "title": "Good OCR", "body": "Works well here."},
        )  # fmt: skip
        profile = ensure_profile(db, writer.id)
        handle = profile.handle
        profile.visibility = ProfileVisibility.MEMBERS
        db.add(profile)
    review_id = made.id
    assert node(api, gid("Review", review_id))[0] == {
        "__typename": "Review", "id": gid("Review", review_id), "title": "Good OCR"
    }  # fmt: skip
    # A members-only profile: the same refusal as profile(handle:) for a signed-out caller.
    refused, errors = node(api, gid("Profile", writer.id))
    assert refused is None and "sign in" in errors[0].lower()
    member = make_key(make_member().email, ["solutions:read"])
    assert node(api, gid("Profile", writer.id), member)[0] == {
        "__typename": "Profile", "id": gid("Profile", writer.id), "handle": handle
    }  # fmt: skip
    solution = ask(api, "query($s: String!) { solution(slug: $s) { id } }", {"s": slug})
    by_id, _ = node(api, solution["data"]["solution"]["id"])
    assert by_id is not None and by_id["slug"] == slug
    assert node(api, gid("Review", 2**31 - 1)) == (None, [])
    assert node(api, gid("Profile", 2**31 - 1)) == (None, [])
    assert node(api, gid("Viewer", 1)) == (None, ["Not a valid node id: no type Viewer."])
    assert node(api, "bm9wZQ==") == (None, ["Not a valid node id."])
