"""The GraphQL schema: published solutions as a Relay connection, node ids and the viewer.

Reads go through the same domain services as REST (``search``, ``get_solution``, the search
cards), in read-only units of work on the thread pool. A page's publishers come from one bulk
read per page, made by the connection's resolver next to the search (not a DataLoader: 50
async field resolutions per page cost more than the query they save), so a page of 50 costs
as many queries as a page of 5.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import strawberry
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import create_validator
from strawberry.types import Info

from aixplore.api.gql.common import (
    Context,
    Node,
    PageInfo,
    decode,
    encode,
    node_id,
)
from aixplore.api.gql.events import (
    EventConnection,
    EventDetail,
    EventListing,
    event_of,
    events_page,
)
from aixplore.api.gql.fast import PlainExecution
from aixplore.api.gql.limits import MAX_DEPTH, MAX_FIRST, MAX_TOKENS, QueryCost
from aixplore.api.gql.mine import Notification, Order, Viewer, viewer_of
from aixplore.api.gql.nodes import node_of
from aixplore.api.gql.people import Profile, Review, profile_of, solution_reviews
from aixplore.api.gql.persisted import PersistedQueries
from aixplore.api.gql.subscriptions import Subscription
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError, NotFound, ValidationFailed
from aixplore.domain.social.publisher_handles import publishers_of
from aixplore.domain.solutions import search_cards
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import SolutionCard, SolutionStatus
from aixplore.domain.solutions.search import MAX_PAGE, SearchQuery, search

DEPTH_RULE = create_validator(MAX_DEPTH, None, None)
_CURSOR = re.compile(r"at:(?P<at>[0-9]{1,6})")


@functools.lru_cache(maxsize=4_096)  # positions repeat across pages and callers
def _at(position: int) -> str:
    """The cursor of the result at ``position`` (0 first)."""
    return encode(f"at:{position}")


def publishers_for(db: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The publishers of a page of solutions: one read (a missing profile is made once)."""
    found = publishers_of(db, ids, make_missing=False)
    if found is None:
        with session_scope() as writable:
            found = publishers_of(writable, ids) or {}
    return found


@strawberry.type
class Publisher:
    """Who publishes a solution."""

    handle: str
    display_name: str


@strawberry.type
class Rating:
    """The average of a solution's visible reviews (0 when none) and how many there are."""

    average: float
    count: int


@strawberry.type
class Solution(Node):
    """A published solution."""

    slug: str
    name: str
    tagline: str
    category: str = strawberry.field(description="The category's slug.")
    pricing: str
    tags: list[str]
    rating: Rating
    publisher: Publisher
    row_id: strawberry.Private[int]

    @strawberry.field
    async def reviews(self, info: Info[Context, None], first: int = 5) -> list[Review]:
        """Its most helpful visible reviews (1 to 10; a page's are read together)."""
        return await solution_reviews(info.context, self.row_id, first)

    @classmethod
    def of(cls, card: SolutionCard, publisher: tuple[str, str] | Publisher) -> Solution:
        """Build from a domain card and its publisher (or its ``(handle, display name)``).

        The card's own list of tags is shared, not copied: nothing changes it while the
        answer is made (a page's fewer objects mean fewer garbage collections).
        """
        if isinstance(publisher, tuple):
            publisher = Publisher(handle=publisher[0], display_name=publisher[1])
        return cls(
            id=node_id("Solution", card.id),
            row_id=card.id,
            publisher=publisher,
            slug=card.slug,
            name=card.name,
            tagline=card.tagline,
            category=card.category_slug,
            pricing=card.pricing.value,
            tags=card.tags,
            rating=Rating(average=card.rating_avg, count=card.rating_count),
        )


@strawberry.type
class SolutionEdge:
    """One solution of a page and the cursor after which the next page starts."""

    cursor: str
    node: Solution


@strawberry.type
class SolutionConnection:
    """A page of search results (Relay connection)."""

    edges: list[SolutionEdge]
    page_info: PageInfo
    total_count: int


def _search_page(q: str, category: str, first: int, after: str | None) -> SolutionConnection:
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed(f"first must be between 1 and {MAX_FIRST}.", field="first")
    offset = 0
    if after is not None:
        match = _CURSOR.fullmatch(decode(after, "cursor"))
        if match is None:
            raise ValidationFailed("Not a valid cursor.", field="after")
        offset = int(match["at"]) + 1
    if offset % first:
        raise ValidationFailed("Use a cursor from a page of the same size.", field="after")
    page = offset // first + 1
    if page > MAX_PAGE:
        raise ValidationFailed("That page is beyond the last one searched.", field="after")
    query = SearchQuery.from_params({"q": q, "category": category, "page": page, "per_page": first})
    with read_scope() as db:
        found = search(db, query, with_facets=False)
        publishers = publishers_for(db, [card.id for card in found.items])
    # One object per publisher of the page (a publisher often has several of its solutions).
    people = {pair: Publisher(handle=pair[0], display_name=pair[1]) for pair in publishers.values()}
    nobody = Publisher(handle="", display_name="")
    edges = [
        SolutionEdge(
            cursor=_at(offset + n),
            node=Solution.of(card, people.get(publishers.get(card.id, ("", "")), nobody)),
        )
        for n, card in enumerate(found.items)
    ]
    return SolutionConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page < found.pages,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=found.total,
    )


def _published(slug: str) -> Solution | None:
    with read_scope() as db:
        try:
            detail = solutions.get_solution(db, None, slug)
        except NotFound:
            return None
        if detail.status != SolutionStatus.PUBLISHED:
            return None
        return Solution.of(detail, publishers_for(db, [detail.id]).get(detail.id, ("", "")))


def _by_id(row_id: int) -> Solution | None:
    with read_scope() as db:
        found = search_cards.cards(db, [row_id])  # published ones only
        if not found:
            return None
        return Solution.of(found[0], publishers_for(db, [row_id]).get(row_id, ("", "")))


@strawberry.type
class Query:
    """What anyone may read, as anonymous REST callers may; ``viewer`` needs a key or token."""

    @strawberry.field
    async def solutions(
        self, query: str = "", category: str = "", first: int = MAX_FIRST, after: str | None = None
    ) -> SolutionConnection:
        """Search published solutions, as the site's search does (most relevant first)."""
        return await run_in_threadpool(_search_page, query, category, first, after)

    @strawberry.field
    async def solution(self, slug: str) -> Solution | None:
        """One published solution by slug (null when there is none)."""
        if len(slug) > 200:
            raise ValidationFailed("Not a valid slug.", field="slug")
        return await run_in_threadpool(_published, slug)

    @strawberry.field
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        """Any object by its global id, as its own field gives it (null when there is none)."""
        return await node_of(info.context, str(id), _by_id)

    @strawberry.field
    async def viewer(self, info: Info[Context, None]) -> Viewer | None:
        """The caller's own profile; null for anonymous callers."""
        caller = info.context.caller
        if caller is None:
            return None
        return await run_in_threadpool(viewer_of, caller.actor.user_id)

    @strawberry.field
    async def events(
        self, listing: EventListing = EventListing.UPCOMING, after: str | None = None
    ) -> EventConnection:
        """Scheduled events, twelve a page: upcoming soonest first, or past latest first."""
        return await events_page(listing, after)

    @strawberry.field
    async def event(self, info: Info[Context, None], id: strawberry.ID) -> EventDetail | None:
        """One event by its global id, in the caller's terms (null when there is none)."""
        caller = info.context.caller
        return await run_in_threadpool(event_of, caller.actor if caller else None, str(id))

    @strawberry.field
    async def profile(self, info: Info[Context, None], handle: str) -> Profile | None:
        """A person's profile as the caller may see it (null when there is none).

        Anonymous callers see what signed-out visitors see; a key's or token's owner what
        they would see signed in. A profile its owner keeps from the caller is an error.
        """
        caller = info.context.caller
        return await run_in_threadpool(profile_of, caller.actor if caller else None, handle)


def _mask(error: Any) -> bool:
    """Hide a resolver's unexpected failure (its text may carry internals).

    Errors without a path come before execution (syntax, validation, variables, limits) and
    say what is wrong with the query; a domain refusal's message is safe to show.
    """
    original = getattr(error, "original_error", None)
    return bool(error.path) and not isinstance(original, DomainError)


schema = strawberry.Schema(
    query=Query,
    subscription=Subscription,
    execution_context_class=PlainExecution,
    types=[Solution, Review, Profile, EventDetail, Order, Notification],
    extensions=[
        PersistedQueries,  # first: the others see the stored query
        # Factories: each operation gets its own instances (QueryCost keeps a count).
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules([DEPTH_RULE]),
        # Validation verdicts are kept per document and rule set (hence one depth rule class
        # for every request); the cost, which depends on the variables, is counted at execution.
        lambda: ValidationCache(maxsize=256),
        QueryCost,
        lambda: MaskErrors(should_mask_error=_mask),
    ],
)
