"""A catalog for the API benchmarks: verified publishers with published solutions."""

from __future__ import annotations


def seed_publishers() -> None:
    """Five verified publishers with twelve published solutions each (60 in all)."""
    from aixplore.core.db import session_scope
    from aixplore.domain.accounts import admin as account_admin
    from aixplore.domain.accounts import services as accounts
    from aixplore.domain.accounts.actor_cache import authenticate
    from aixplore.domain.solutions import services as solutions

    for publisher in range(5):
        email = f"publisher{publisher}@example.com"
        with session_scope() as db:
            account_admin.do_create_verified_member(
                db, email=email, password="bench password 123", display_name=f"Lab {publisher}"
            )
            raw = accounts.do_sign_in(db, {"email": email, "password": "bench password 123"})
        actor = authenticate(raw)
        with session_scope() as db:
            for n in range(12):
                made = solutions.do_create_solution(
                    db,
                    actor,
                    {
                        "name": f"Tool {publisher}-{n:02d}",
                        "tagline": "A tool for the benchmark page",
                        "description": "Fills a page of fifty search results for the benchmark.",
                        "category": "text-generation",
                        "pricing": "free",
                        "tags": ["bench", f"t{n % 5}", f"p{publisher}"],
                    },
                )
                solutions.do_set_status(db, actor, made.slug, "published")
