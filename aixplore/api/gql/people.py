"""GraphQL types of people and what they say: profiles (with their privacy) and reviews.

Each reads through the same domain service as REST and the site, which authorizes it:
``profiles.get_profile`` refuses a profile its owner keeps from the caller, and
``graph.list_people`` refuses the followers and following lists when the owner shows them to
fewer people than the caller (that field alone is null, with the reason as its error). A
page of solutions' reviews comes from one batch loader per request: one ranked read for the
whole page, however many solutions it holds.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader

from aixplore.api.gql.common import (
    Context,
    Node,
    PageInfo,
    before_cursor,
    before_of,
    check_first,
    keyset_page_info,
    node_id,
)
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import Actor
from aixplore.domain.reviews import reading as review_reading
from aixplore.domain.reviews.models import ReviewPublic
from aixplore.domain.social import graph, profiles
from aixplore.domain.social.models import Profile as ProfileRow
from aixplore.domain.social.models import ProfilePublic

MAX_HANDLE = 64


@strawberry.type
class ReviewReply:
    """The publisher's answer to a review."""

    body: str
    at: datetime


@strawberry.type
class Review(Node):
    """A visible review of a published solution."""

    rating: int
    title: str
    body: str
    author_name: str
    verified_usage: bool = strawberry.field(
        description="The author has a recorded real use of the solution."
    )
    helpful_count: int
    edited: bool
    created_at: datetime
    updated_at: datetime
    reply: ReviewReply | None

    @classmethod
    def of(cls, review: ReviewPublic) -> Review:
        """Build from a domain review."""
        reply = None
        if review.reply_body and review.reply_at is not None:
            reply = ReviewReply(body=review.reply_body, at=review.reply_at)
        return cls(
            id=node_id("Review", review.id),
            rating=review.rating,
            title=review.title,
            body=review.body,
            author_name=review.author_name,
            verified_usage=review.verified_usage,
            helpful_count=review.helpful_count,
            edited=review.edited,
            created_at=review.created_at,
            updated_at=review.updated_at,
            reply=reply,
        )


def reviews_loader(context: Context, first: int) -> DataLoader[int, list[Review]]:
    """This request's loader of the ``first`` most helpful reviews per solution id."""
    name = f"reviews:{first}"
    if name not in context.loaders:
        actor = context.caller.actor if context.caller else None

        def read(ids: list[int]) -> list[list[Review]]:
            with read_scope() as db:
                found = review_reading.top_reviews_of(db, actor, ids, first)
            return [[Review.of(r) for r in found.get(i, [])] for i in ids]

        async def load(ids: list[int]) -> list[list[Review]]:
            return await run_in_threadpool(read, ids)

        context.loaders[name] = DataLoader(load_fn=load)
    return context.loaders[name]


async def solution_reviews(context: Context, solution_id: int, first: int) -> list[Review]:
    """The ``first`` most helpful visible reviews of one solution (batched per page)."""
    check_first(first, review_reading.PAGE_SIZE)
    return await reviews_loader(context, first).load(solution_id)


@strawberry.type
class Person:
    """A person in a list."""

    handle: str
    display_name: str
    avatar_url: str


@strawberry.type
class PersonEdge:
    """One person of a page and the cursor after which the next page starts."""

    cursor: str
    node: Person


@strawberry.type
class PersonConnection:
    """A page of people, newest follow first."""

    edges: list[PersonEdge]
    page_info: PageInfo


@strawberry.type
class ProfileLink:
    """A link on a profile."""

    url: str
    label: str


def _people(
    viewer: Actor | None, handle: str, which: str, first: int, after: str | None
) -> PersonConnection:
    check_first(first, graph.PAGE_MAX)
    before = before_of(after)
    with read_scope() as db:
        page, nxt = graph.list_people(db, viewer, handle, which, before=before, limit=first)
    edges = [
        PersonEdge(
            cursor=before_cursor(p.id) or "",
            node=Person(handle=p.handle, display_name=p.name, avatar_url=p.avatar_url),
        )
        for p in page
    ]
    cursors = [e.cursor for e in edges]
    return PersonConnection(
        edges=edges, page_info=keyset_page_info(cursors, nxt is not None, before)
    )


@strawberry.type
class Profile(Node):
    """A person's profile as the caller may see it."""

    handle: str
    display_name: str
    avatar_url: str
    bio: str
    location: str
    links: list[ProfileLink]
    visibility: str = strawberry.field(description="public, members or followers.")
    joined_at: datetime
    followers_count: int
    following_count: int
    solutions_published: int
    reviews_count: int
    events_hosted: int
    viewer: strawberry.Private[Actor | None]

    @strawberry.field
    async def followers(self, first: int = 30, after: str | None = None) -> PersonConnection | None:
        """Who follows this person (an error when their privacy keeps it from the caller)."""
        return await run_in_threadpool(_people, self.viewer, self.handle, "followers", first, after)

    @strawberry.field
    async def following(self, first: int = 30, after: str | None = None) -> PersonConnection | None:
        """Whom this person follows (an error when their privacy keeps it from the caller)."""
        return await run_in_threadpool(_people, self.viewer, self.handle, "following", first, after)

    @classmethod
    def of(cls, shown: ProfilePublic, viewer: Actor | None) -> Profile:
        """Build from a domain profile as ``viewer`` may see it."""
        return cls(
            id=node_id("Profile", shown.person.id),
            handle=shown.person.handle,
            display_name=shown.person.name,
            avatar_url=shown.person.avatar_url,
            bio=shown.bio,
            location=shown.location,
            links=[ProfileLink(url=link.url, label=link.label) for link in shown.links],
            visibility=shown.visibility.value,
            joined_at=shown.joined_at,
            followers_count=shown.followers,
            following_count=shown.following,
            solutions_published=shown.published,
            reviews_count=shown.reviews,
            events_hosted=shown.events_hosted,
            viewer=viewer,
        )


def profile_of(viewer: Actor | None, handle: str) -> Profile | None:
    """The profile ``handle`` names as ``viewer`` may see it; null when there is none."""
    if not 1 <= len(handle) <= MAX_HANDLE:
        return None
    with session_scope() as db:  # as REST: a missing profile row is made on first need
        try:
            shown, _old = profiles.get_profile(db, viewer, handle)
        except NotFound:
            return None
    return Profile.of(shown, viewer)


def profile_by_id(viewer: Actor | None, user_id: int) -> Profile | None:
    """The profile of user ``user_id`` (``node(id:)``), under the same privacy as by handle."""
    with read_scope() as db:
        found = db.get(ProfileRow, user_id)
        handle = found.handle if found is not None else ""
    return profile_of(viewer, handle) if handle else None


def review_of(viewer: Actor | None, review_id: int) -> Review | None:
    """A visible review of a published solution by row id; null when there is none."""
    with read_scope() as db:
        try:
            return Review.of(review_reading.get_visible_review(db, viewer, review_id))
        except NotFound:
            return None
