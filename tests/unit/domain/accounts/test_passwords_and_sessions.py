"""Password reset, password change, and the user's own sessions."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotAuthenticated, NotFound, ValidationFailed
from aixplore.domain.accounts import services as accounts
from aixplore.domain.mail.services import list_outbox_for
from tests.factories import PASSWORD, actor_for, make_member, outbox_link, sign_in

NEW_PASSWORD = "a brand new passphrase 42"


def test_password_reset_sets_the_password_and_ends_every_session() -> None:
    member = make_member()
    old_token = sign_in(member.email)
    with session_scope() as db:
        accounts.do_request_password_reset(db, {"email": member.email.upper()}, ip="203.0.113.9")
    with session_scope() as db:
        token = outbox_link(db, member.email, "/reset-password")
    with session_scope() as db:
        accounts.do_reset_password(db, {"token": token, "password": NEW_PASSWORD})
    assert actor_for(old_token) is None
    assert actor_for(sign_in(member.email, NEW_PASSWORD)) is not None
    with pytest.raises(ValidationFailed):
        sign_in(member.email, PASSWORD)
    with session_scope() as db, pytest.raises(ValidationFailed, match="invalid or has expired"):
        accounts.do_reset_password(db, {"token": token, "password": "yet another password"})


def test_reset_request_for_an_unknown_email_looks_the_same_and_mails_nobody() -> None:
    with session_scope() as db:
        accounts.do_request_password_reset(db, {"email": "ghost@example.com"}, ip="203.0.113.9")
    with session_scope() as db:
        assert list_outbox_for(db, "ghost@example.com") == []


def test_change_password_keeps_this_session_and_ends_the_others() -> None:
    member = make_member()
    here = sign_in(member.email)
    elsewhere = sign_in(member.email)
    actor = actor_for(here)
    with session_scope() as db:
        accounts.do_change_password(
            db, actor, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
    assert actor_for(here) is not None
    assert actor_for(elsewhere) is None


def test_change_password_needs_the_current_one() -> None:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    with session_scope() as db, pytest.raises(ValidationFailed, match="current password"):
        accounts.do_change_password(
            db, actor, {"current_password": "guess guess", "new_password": NEW_PASSWORD}
        )
    with session_scope() as db, pytest.raises(NotAuthenticated):
        accounts.do_change_password(
            db, None, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )


def test_sessions_list_marks_the_current_one_and_can_end_another() -> None:
    member = make_member()
    here = sign_in(member.email)
    other = sign_in(member.email)
    actor = actor_for(here)
    with session_scope() as db:
        sessions = accounts.list_my_sessions(db, actor)
    assert [s.current for s in sessions] == [True, False]
    with session_scope() as db:
        accounts.do_revoke_session(db, actor, sessions[1].id)
    assert actor_for(other) is None
    assert actor_for(here) is not None


def test_nobody_can_end_someone_elses_session() -> None:
    alice, bob = make_member(), make_member()
    alice_actor = actor_for(sign_in(alice.email))
    bob_token = sign_in(bob.email)
    bob_actor = actor_for(bob_token)
    assert alice_actor is not None and bob_actor is not None
    for bad in [bob_actor.session_id, "1", True, None, 10**9]:
        with session_scope() as db, pytest.raises((NotFound, ValidationFailed)):
            accounts.do_revoke_session(db, alice_actor, bad)
    assert actor_for(bob_token) is not None


def test_profile_update_validates_and_saves() -> None:
    member = make_member()
    actor = actor_for(sign_in(member.email))
    with session_scope() as db:
        saved = accounts.do_update_profile(
            db, actor, {"display_name": "  Ada   L. ", "bio": "Builds things."}
        )
    assert saved.display_name == "Ada L." and saved.bio == "Builds things."
    with session_scope() as db, pytest.raises(ValidationFailed, match="too long"):
        accounts.do_update_profile(db, actor, {"display_name": "Ada", "bio": "x" * 501})
