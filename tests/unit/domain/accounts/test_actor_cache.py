"""The shared actor cache: fast repeat lookups, and never a stale identity after a change."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from aixplore.core import cache
from aixplore.core.db import read_scope, session_scope
from aixplore.core.security import token_digest
from aixplore.core.time import utcnow
from aixplore.domain.accounts import actor_cache
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, PlatformRole, User, UserSession
from tests.factories import PASSWORD, make_admin, make_member, sign_in


def actor_for(token: str) -> Actor | None:
    """Resolve a token the way every protected handler does: through the shared cache."""
    return actor_cache.authenticate(token)


def _live(token: str) -> Actor:
    actor = actor_for(token)
    assert actor is not None
    return actor


def _sneak_rename(user_id: int, name: str) -> None:
    """Change the row behind the services' back (a bulk update buries nothing)."""
    with session_scope() as db:
        db.execute(update(User).where(col(User.id) == user_id).values(display_name=name))


def test_a_repeat_lookup_is_served_from_the_cache() -> None:
    member = make_member(name="First Name")
    token = sign_in(member.email)
    assert _live(token).display_name == "First Name"
    _sneak_rename(member.id, "Changed Behind The Back")
    # The cached answer is used: the database was not asked again.
    assert _live(token).display_name == "First Name"
    cache.invalidate()
    assert _live(token).display_name == "Changed Behind The Back"


def test_sign_out_is_effective_at_once_despite_the_cache() -> None:
    member = make_member()
    token = sign_in(member.email)
    assert actor_for(token) is not None
    with session_scope() as db:
        accounts.do_sign_out(db, token)
    assert actor_for(token) is None


def test_revoking_a_session_is_effective_at_once() -> None:
    member = make_member()
    here, there = sign_in(member.email), sign_in(member.email)
    assert actor_for(there) is not None
    actor = actor_for(here)
    with session_scope() as db:
        other = next(s for s in accounts.list_my_sessions(db, actor) if not s.current)
        accounts.do_revoke_session(db, actor, other.id)
    assert actor_for(there) is None
    assert actor_for(here) is not None


def test_role_change_suspension_and_profile_change_reach_the_next_lookup() -> None:
    admin = actor_for(sign_in(make_admin().email))
    member = make_member(name="Old Name")
    token = sign_in(member.email)
    assert _live(token).role == PlatformRole.MEMBER
    with session_scope() as db:
        account_admin.do_change_role(db, admin, member.id, "platform_admin")
    assert _live(token).role == PlatformRole.PLATFORM_ADMIN
    with session_scope() as db:
        accounts.do_update_profile(db, actor_for(token), {"display_name": "New Name", "bio": ""})
    assert _live(token).display_name == "New Name"
    with session_scope() as db:
        account_admin.do_set_suspended(db, admin, member.id, True)
    assert actor_for(token) is None


def test_password_change_ends_the_other_cached_sessions() -> None:
    member = make_member()
    here, there = sign_in(member.email), sign_in(member.email)
    assert actor_for(there) is not None
    with session_scope() as db:
        accounts.do_change_password(
            db,
            actor_for(here),
            {"current_password": PASSWORD, "new_password": "another long passphrase"},
        )
    assert actor_for(there) is None
    assert actor_for(here) is not None


def test_a_reader_that_saw_the_old_row_cannot_put_it_back_after_the_change() -> None:
    """The race the tombstones close: read before the commit, write to the cache after it."""
    member = make_member()
    token = sign_in(member.email)
    digest = token_digest(token)
    with read_scope() as db:
        stale = actor_cache.load(db, digest)  # a slow reader, before the sign-out
    assert stale is not None
    with session_scope() as db:
        accounts.do_sign_out(db, token)
    actor, seen, expires = stale
    entry = actor_cache._encode(actor, seen, expires)
    assert cache.add(actor_cache._key(digest), entry, actor_cache.TTL) is False
    assert actor_for(token) is None


def test_a_rolled_back_change_buries_nothing_and_a_later_commit_still_does() -> None:
    member = make_member()
    token = sign_in(member.email)
    assert actor_for(token) is not None
    digest_key = actor_cache._key(token_digest(token))
    try:
        with session_scope() as db:
            accounts.do_sign_out(db, token)
            raise RuntimeError("abort the unit of work")
    except RuntimeError:
        pass
    assert isinstance(cache.peek(digest_key), dict)
    assert actor_for(token) is not None
    with session_scope() as db:
        accounts.do_sign_out(db, token)
    assert cache.peek(digest_key) == cache.GONE
    assert actor_for(token) is None


def test_last_seen_is_recorded_through_the_cache() -> None:
    member = make_member()
    token = sign_in(member.email)
    with session_scope() as db:
        db.execute(
            update(UserSession)
            .where(col(UserSession.token_hash) == token_digest(token))
            .values(last_seen_at=utcnow() - actor_cache.LAST_SEEN_RESOLUTION * 2)
        )
    actor = actor_for(token)
    assert actor is not None
    with read_scope() as db:
        row = db.get(UserSession, actor.session_id)
        assert row is not None and row.last_seen_at >= row.created_at
