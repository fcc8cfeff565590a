"""A publisher's page figures: published listings, reviews and their average, member since."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import User
from aixplore.domain.reviews import services as reviews
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.publishers import get_publisher_profile
from tests.factories import actor_for, make_member, make_solution, sign_in


def _review(slug: str, rating: int) -> None:
    author = make_member()
    with session_scope() as db:
        reviews.do_write_review(
            db,
            actor_for(sign_in(author.email)),
            slug,
            {"rating": rating, "title": "Worth a look", "body": "It did what the page says."},
        )


def test_figures_count_published_listings_and_weigh_every_review() -> None:
    owner = make_member(name="Nova Labs")
    busy = make_solution(owner.email, name="Busy One")
    quiet = make_solution(owner.email, name="Quiet One")
    shelved = make_solution(owner.email, name="Shelved One")
    make_solution(owner.email, name="Draft One", publish=False)
    for rating in (5, 4, 3):
        _review(busy.slug, rating)
    _review(quiet.slug, 1)
    _review(shelved.slug, 5)
    with session_scope() as db:
        solutions.do_set_status(db, actor_for(sign_in(owner.email)), shelved.slug, "archived")
        user = db.get(User, owner.id)
        assert user is not None
        user.bio = "We build small, sharp tools."
        db.add(user)
    with session_scope() as db:
        profile = get_publisher_profile(db, owner.id)
        joined = db.get(User, owner.id)
        assert joined is not None
    assert (profile.published, profile.reviews) == (2, 4)  # not the draft nor the archived one
    # (5 + 4 + 3 + 1) / 4, not the mean of the listings' averages ((4 + 1) / 2).
    assert profile.rating_avg == 3.25
    assert profile.about == "We build small, sharp tools." and profile.name == "Nova Labs"
    assert profile.member_since == joined.created_at and not profile.verified


def test_a_new_publisher_has_zeros_and_no_average() -> None:
    newcomer = make_member()
    with session_scope() as db:
        profile = get_publisher_profile(db, newcomer.id)
    assert (profile.published, profile.reviews, profile.rating_avg) == (0, 0, 0.0)


@pytest.mark.parametrize("publisher_id", [10**9, True, "1", None, 1.0])
def test_an_unknown_or_malformed_publisher_is_not_found(publisher_id: object) -> None:
    with session_scope() as db, pytest.raises(NotFound):
        get_publisher_profile(db, publisher_id)
