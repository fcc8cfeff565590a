"""Races that must have exactly one winner on both engines."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts import services as accounts
from tests.factories import make_member, outbox_link


def test_one_reset_link_used_twice_at_once_succeeds_once() -> None:
    member = make_member()
    with session_scope() as db:
        accounts.do_request_password_reset(db, {"email": member.email}, ip="203.0.113.3")
    with session_scope() as db:
        token = outbox_link(db, member.email, "/reset-password")

    def use(n: int) -> bool:
        try:
            with session_scope() as db:
                accounts.do_reset_password(
                    db, {"token": token, "password": f"new password number {n}"}
                )
        except DomainError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(use, range(8)))
    assert results.count(True) == 1
