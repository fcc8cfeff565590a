"""Factories for test data, built through the real services."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from aixplore.core.db import session_scope
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, UserPublic

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_member(*, email: str | None = None, name: str = "Test Member") -> UserPublic:
    """A verified member with the password ``PASSWORD``."""
    email = email or f"member{next(_seq)}@example.com"
    with session_scope() as db:
        return accounts.do_create_verified_member(
            db, email=email, password=PASSWORD, display_name=name
        )


def make_admin(*, email: str | None = None) -> UserPublic:
    """A verified platform admin with the password ``PASSWORD``."""
    email = email or f"admin{next(_seq)}@example.com"
    with session_scope() as db:
        return accounts.do_create_admin(
            db, email=email, password=PASSWORD, display_name="Test Admin"
        )


def sign_in(email: str, password: str = PASSWORD, *, ip: str = "198.51.100.7") -> str:
    """Open a session; return the raw token a browser would hold."""
    with session_scope() as db:
        return accounts.do_sign_in(
            db, {"email": email, "password": password}, ip=ip, user_agent="pytest"
        )


def actor_for(token: str) -> Actor | None:
    """Resolve a token the way every protected handler does."""
    with session_scope() as db:
        return accounts.get_actor_by_token(db, token)


def outbox_link(db: Session, email: str, path: str) -> str:
    """The token from the newest mailed link to ``path`` for ``email``."""
    from aixplore.domain.mail.services import list_outbox_for

    for mail in list_outbox_for(db, email):
        for word in mail.body_text.split():
            if f"{path}?token=" in word:
                return word.split("token=", 1)[1]
    raise AssertionError(f"no {path} link mailed to {email}")
