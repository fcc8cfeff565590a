"""The forum API: reading threads as the caller may, posting with the forums:write scope."""

from __future__ import annotations

from aixplore.core.db import session_scope
from aixplore.domain.forums import categories, posting, trust
from aixplore.domain.groups import services as groups
from aixplore.domain.groups.models import CommunityGroup
from tests.api_support import bearer, client, make_key
from tests.factories import actor_for, make_admin, make_member, sign_in


def _actor(email: str, ip: str):
    actor = actor_for(sign_in(email, ip=ip))
    assert actor is not None
    return actor


def test_threads_read_and_post_through_the_api_with_the_right_scope() -> None:
    boss_user, ada_user = make_admin(), make_member(name="Ada")
    boss, ada = _actor(boss_user.email, "192.0.2.31"), _actor(ada_user.email, "192.0.2.32")
    with session_scope() as db:
        categories.do_create_category(db, boss, "General", "general", "", "#123456")
        thread_id = posting.do_start_thread(db, ada, "general", "Hello API", "<script>x</script>Hi")
        trust.do_set_trust_level(db, boss, ada.user_id, 2)
    api = client()
    assert [c["slug"] for c in api.get("/api/v1/forums/categories").json()] == ["general"]
    listed = api.get("/api/v1/forums/categories/general/threads").json()
    assert [t["title"] for t in listed["items"]] == ["Hello API"]
    shown = api.get(f"/api/v1/forums/threads/{thread_id}")
    assert shown.status_code == 200 and "<script" not in shown.json()["posts"][0]["body_html"]
    reader = make_key(ada_user.email, ["forums:read"])
    writer = make_key(ada_user.email, ["forums:write"])
    path = f"/api/v1/forums/threads/{thread_id}/posts"
    refused = api.post(path, json={"body": "Read-only key"}, headers=bearer(reader))
    assert refused.status_code == 403
    assert api.post(path, json={"body": "Anonymous"}).status_code == 401
    made = api.post(path, json={"body": "Second post", "reply_to": 1}, headers=bearer(writer))
    assert made.status_code == 201, made.text
    assert made.json() == {"thread_id": thread_id, "number": 2}
    new = api.post(
        "/api/v1/forums/threads",
        json={"category": "general", "title": "From a script", "body": "Posted by key."},
        headers=bearer(writer),
    )
    assert new.status_code == 201 and new.headers["Location"].endswith(str(new.json()["thread_id"]))
    huge = api.post(path, json={"body": "x" * 20_001}, headers=bearer(writer))
    assert huge.status_code in (400, 422)


def test_a_private_groups_thread_is_refused_through_the_api() -> None:
    owner_user, out_user = make_member(name="Owner"), make_member(name="Outsider")
    owner = _actor(owner_user.email, "192.0.2.33")
    with session_scope() as db:
        slug = groups.do_create_group(db, owner, "Quiet Room", "", "private").slug
        group = db.query(CommunityGroup).filter_by(slug=slug).one()
        where = categories.group_category(db, group).slug
        thread_id = posting.do_start_thread(db, owner, where, "Inside only", "Members talk.")
    api = client()
    assert api.get(f"/api/v1/forums/threads/{thread_id}").status_code == 403
    outsider = make_key(out_user.email, ["forums:write"])
    assert (
        api.get(f"/api/v1/forums/threads/{thread_id}", headers=bearer(outsider)).status_code == 403
    )
    posted = api.post(
        f"/api/v1/forums/threads/{thread_id}/posts",
        json={"body": "Let me in"},
        headers=bearer(outsider),
    )
    assert posted.status_code == 403
    member = make_key(owner_user.email, ["forums:read"])
    assert api.get(f"/api/v1/forums/threads/{thread_id}", headers=bearer(member)).status_code == 200


def test_replies_posted_at_once_each_get_their_own_number() -> None:
    from concurrent.futures import ThreadPoolExecutor

    boss_user = make_admin()
    boss = _actor(boss_user.email, "192.0.2.34")
    people = [_actor(make_member(name=f"Writer {n}").email, f"192.0.2.{40 + n}") for n in range(4)]
    with session_scope() as db:
        categories.do_create_category(db, boss, "General", "general", "", "#123456")
        thread_id = posting.do_start_thread(db, boss, "general", "Busy thread", "Go.")

    def write(n: int) -> int:
        with session_scope() as db:
            return posting.do_reply(db, people[n % 4], thread_id, f"Reply {n}").number

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = sorted(pool.map(write, range(8)))
    assert numbers == list(range(2, 10))
