"""Read API of profiles: ``GET /api/v1/profiles/{handle}`` and its followers and following.

Anonymous callers see what a signed-out visitor sees; a caller with an API key sees what the
key's owner sees (a members-only profile, a followers-only one they follow). A profile its
owner keeps from the caller (privacy, block) answers 403 or 404 with the reason, as the page
does. An old handle answers the profile under its current one (``handle`` in the body).
Answers vary with the caller and are never kept by shared caches.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel

from aixplore.api.auth import principal
from aixplore.api.writes import problem_responses
from aixplore.core.db import session_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.social import connections, graph, profiles
from aixplore.domain.social.models import HANDLE_MAX, PersonCard, ProfileLink

router = APIRouter(prefix="/api/v1", tags=["profiles"])
NO_STORE = "private, no-store"
Handle = Annotated[str, Path(min_length=1, max_length=HANDLE_MAX, description="The handle.")]
REFUSED = problem_responses(403, 404, 422, 429)


class PersonOut(BaseModel):
    """A person in a list."""

    handle: str
    name: str
    avatar_url: str


class ProfileOut(BaseModel):
    """A profile as the caller may see it."""

    handle: str
    name: str
    avatar_url: str
    bio: str
    bio_html: str
    location: str
    links: list[ProfileLink]
    visibility: Literal["public", "members", "followers"]
    joined_at: str
    followers: int
    following: int
    solutions_published: int
    reviews: int
    events_hosted: int


class PeoplePage(BaseModel):
    """A page of people, newest follow first; pass ``next_before`` as ``before`` for more."""

    items: list[PersonOut]
    next_before: int | None


def _person(card: PersonCard) -> PersonOut:
    return PersonOut(handle=card.handle, name=card.name, avatar_url=card.avatar_url)


@router.get(
    "/profiles/{handle}",
    summary="A profile",
    response_model=ProfileOut,
    responses=REFUSED,
)
def get_profile(
    handle: Handle,
    response: Response,
    caller: Annotated[KeyPrincipal | None, Depends(principal)],
) -> ProfileOut:
    """One person's profile and figures."""
    with session_scope() as db:
        shown, _old = profiles.get_profile(db, caller.actor if caller else None, handle)
    response.headers["Cache-Control"] = NO_STORE
    return ProfileOut(
        handle=shown.person.handle,
        name=shown.person.name,
        avatar_url=shown.person.avatar_url,
        bio=shown.bio,
        bio_html=shown.bio_html,
        location=shown.location,
        links=shown.links,
        visibility=shown.visibility.value,
        joined_at=shown.joined_at.isoformat(),
        followers=shown.followers,
        following=shown.following,
        solutions_published=shown.published,
        reviews=shown.reviews,
        events_hosted=shown.events_hosted,
    )


Before = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Cursor from a page.")]
Limit = Annotated[int, Query(ge=1, le=graph.PAGE_MAX)]


def _people_route(which: str, summary: str) -> None:
    """Register ``GET /profiles/{handle}/<which>`` (followers, following or connections)."""

    def list_people(
        handle: Handle,
        response: Response,
        caller: Annotated[KeyPrincipal | None, Depends(principal)],
        before: Before = None,
        limit: Limit = 30,
    ) -> PeoplePage:
        response.headers["Cache-Control"] = NO_STORE
        with session_scope() as db:
            viewer = caller.actor if caller else None
            if which == "connections":
                page, after = connections.list_connections(
                    db, viewer, handle, before=before, limit=limit
                )
            else:
                page, after = graph.list_people(
                    db, viewer, handle, which, before=before, limit=limit
                )
        return PeoplePage(items=[_person(p) for p in page], next_before=after)

    list_people.__doc__ = f"{summary}, newest first."
    router.add_api_route(
        f"/profiles/{{handle}}/{which}",
        list_people,
        methods=["GET"],
        summary=summary,
        response_model=PeoplePage,
        responses=REFUSED,
        operation_id=f"list_{which}",
    )


_people_route("followers", "Who follows a person")
_people_route("following", "Whom a person follows")
_people_route("connections", "A person's connections (mutual contacts)")
