"""Members whose flags count (``domain/moderation/trust.py``), for the moderation tests."""

from __future__ import annotations

import itertools
from datetime import timedelta

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import User
from tests.factories import make_member, make_solution

_names = itertools.count(1)


def make_trusted(name: str = "") -> User:
    """A member of 30 days with a published solution: a trusted flagger."""
    member = make_member(name=name or f"Trusted Member {next(_names)}")
    make_solution(member.email, name=f"Trust Tool {member.id}")
    with session_scope() as db:
        user = db.get(User, member.id)
        assert user is not None
        user.created_at = utcnow() - timedelta(days=30)
        db.add(user)
    with session_scope() as db:
        user = db.get(User, member.id)
        assert user is not None
        return user
