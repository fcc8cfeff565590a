"""Sign-up, verification, sign-in and sign-out through the services."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, PermissionDenied, Throttled, ValidationFailed
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.mail.services import list_outbox_for
from tests.factories import PASSWORD, actor_for, make_admin, make_member, outbox_link, sign_in


def _sign_up(
    email: str = "new@example.com", password: str = PASSWORD, name: str = "New Person"
) -> None:
    with session_scope() as db:
        accounts.do_sign_up(
            db, {"email": email, "display_name": name, "password": password}, ip="203.0.113.1"
        )


def test_sign_up_mails_a_link_that_verifies_the_account() -> None:
    _sign_up("New@Example.com")
    with session_scope() as db:
        user = accounts.get_user_by_email(db, "new@example.com")
        assert user is not None and user.email == "new@example.com"
        assert user.email_verified_at is None
        assert user.password_hash and PASSWORD not in user.password_hash
        token = outbox_link(db, "new@example.com", "/verify")
    with session_scope() as db:
        public = accounts.do_verify_email(db, token)
    assert public.email_verified
    with session_scope() as db, pytest.raises(ValidationFailed, match="invalid or has expired"):
        accounts.do_verify_email(db, token)  # one use only


def test_sign_up_with_a_taken_email_says_nothing_but_mails_the_owner() -> None:
    member = make_member(email="taken@example.com")
    _sign_up("taken@example.com")  # no error: the answer does not reveal the account
    with session_scope() as db:
        kinds = [m.kind for m in list_outbox_for(db, "taken@example.com")]
        assert kinds == ["signup_existing"]
        assert accounts.count_users(db) == 1
    assert member.email == "taken@example.com"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "display_name": "A", "password": PASSWORD}, "valid email"),
        ({"email": "a@example.com", "display_name": "A", "password": "short"}, "at least 10"),
        ({"email": "a@example.com", "display_name": "   ", "password": PASSWORD}, "display name"),
        ({"email": "a@example.com", "display_name": "A" * 81, "password": PASSWORD}, "too long"),
        ({"email": "a@example.com", "display_name": "A", "password": "x" * 257}, "too long"),
        ({"email": 5, "display_name": "A", "password": PASSWORD}, "valid email"),
        ({"email": "a@example.com", "display_name": True, "password": PASSWORD}, "Fill in"),
        (
            {
                "email": "a@example.com",
                "display_name": "A",
                "password": PASSWORD,
                "role": "platform_admin",
            },
            "unexpected field",
        ),
        ("a string, not a form", "could not be read"),
    ],
)
def test_sign_up_refuses_bad_input_clearly_and_stores_nothing(data: object, message: str) -> None:
    with session_scope() as db, pytest.raises(ValidationFailed, match=message):
        accounts.do_sign_up(db, data, ip="203.0.113.1")
    with session_scope() as db:
        assert accounts.count_users(db) == 0


def test_sign_in_resolves_to_the_actor_and_sign_out_ends_it_server_side() -> None:
    member = make_member()
    token = sign_in(member.email)
    actor = actor_for(token)
    assert actor is not None and actor.user_id == member.id
    with session_scope() as db:
        accounts.do_sign_out(db, token)
    assert actor_for(token) is None  # the same cookie replayed gets nothing


def test_wrong_password_and_unknown_email_get_the_same_message() -> None:
    member = make_member()
    with pytest.raises(ValidationFailed) as wrong_password:
        sign_in(member.email, "not the password at all")
    with pytest.raises(ValidationFailed) as unknown_email:
        sign_in("nobody@example.com", "not the password at all")
    assert (
        wrong_password.value.message
        == unknown_email.value.message
        == accounts.GENERIC_SIGN_IN_ERROR
    )


def test_sign_in_is_throttled_per_account_after_repeated_failures() -> None:
    member = make_member()
    for attempt in range(5):
        with pytest.raises(ValidationFailed):
            sign_in(member.email, f"wrong password {attempt}", ip=f"198.51.100.{attempt}")
    with pytest.raises(Throttled) as refused:
        sign_in(member.email, PASSWORD, ip="198.51.100.99")  # right password, still refused
    assert refused.value.retry_after > 0


def test_sign_in_is_throttled_per_ip(settings) -> None:
    limit = int(settings.login_limit_per_ip.split("/")[0])
    for n in range(limit):
        with pytest.raises(ValidationFailed):
            sign_in(f"nobody{n}@example.com", "whatever password", ip="192.0.2.50")
    with pytest.raises(Throttled):
        sign_in("nobody-else@example.com", "whatever password", ip="192.0.2.50")


def test_unverified_account_cannot_sign_in_and_gets_a_new_link() -> None:
    _sign_up("late@example.com")
    with pytest.raises(Conflict, match="Confirm your email"):
        sign_in("late@example.com")
    with session_scope() as db:
        kinds = [m.kind for m in list_outbox_for(db, "late@example.com")]
    assert kinds == ["verify_email", "verify_email"]


def test_suspended_user_cannot_sign_in_and_loses_open_sessions() -> None:
    admin = make_admin()
    member = make_member()
    member_token = sign_in(member.email)
    admin_actor = actor_for(sign_in(admin.email))
    with session_scope() as db:
        account_admin.do_set_suspended(db, admin_actor, member.id, True)
    assert actor_for(member_token) is None
    with pytest.raises(PermissionDenied, match="suspended"):
        sign_in(member.email)


def test_garbage_tokens_resolve_to_nobody() -> None:
    for token in ["", "short", "x" * 500, None, 12, {"a": 1}, ["x" * 20]]:
        assert actor_for(token) is None  # type: ignore[arg-type]
