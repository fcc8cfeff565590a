"""Helpers for the social tests: people signed in, each from their own address."""

from __future__ import annotations

import itertools

from aixplore.domain.accounts.models import Actor
from tests.factories import actor_for, make_member, sign_in

_ips = itertools.count(1)


def person(name: str = "Test Member") -> Actor:
    """A new verified member, signed in."""
    user = make_member(name=name)
    actor = actor_for(sign_in(user.email, ip=f"203.0.113.{next(_ips) % 250 + 1}"))
    assert actor is not None
    return actor
