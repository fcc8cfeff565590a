"""API v1 for the forums: categories, threads and posts to read, and posting with a key.

Reads answer what the caller may read (anonymous: what a visitor sees; with a key: what its
owner sees, a private group's threads included when they belong). A private group's thread
answers 403 and a secret group's 404, as the pages do. Posting needs the ``forums:write``
scope and follows every rule the pages follow (trust level, pace, blocks, closed threads).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from aixplore.api.auth import principal, rate_limit, require_scope
from aixplore.api.writes import json_body_doc, json_object, problem_responses, run_write
from aixplore.core.db import session_scope
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.forums import posting, reading
from aixplore.domain.forums.categories import list_categories
from aixplore.domain.forums.models import (
    BODY_MAX,
    SLUG_MAX,
    TITLE_MAX,
    CategoryPublic,
    PostPublic,
    ThreadSummary,
)

router = APIRouter(prefix="/api/v1/forums", tags=["forums"])
NO_STORE = "private, no-store"
ThreadId = Annotated[int, Path(description="The thread's number.", ge=1, le=2**31 - 1)]
Slug = Annotated[str, Path(min_length=1, max_length=SLUG_MAX, description="The category.")]
PageNo = Annotated[int, Query(ge=1, le=100_000, description="Page, from 1.")]
Poster = Annotated[KeyPrincipal, Depends(require_scope("forums", "write"))]
Caller = Annotated[KeyPrincipal | None, Depends(principal)]
READ_REFUSED = problem_responses(403, 404, 422, 429)
WRITE_REFUSED = problem_responses(400, 401, 403, 404, 409, 413, 422, 429)


class ThreadListOut(BaseModel):
    """A page of a category's threads, pinned first, then by latest post."""

    items: list[ThreadSummary]
    more: bool


class ThreadOut(BaseModel):
    """A thread with one page of its posts."""

    id: int
    title: str
    category: CategoryPublic
    pinned: bool
    closed: bool
    accepted_post_id: int | None
    page: int
    pages: int
    posts: list[PostPublic]


class NewThread(BaseModel):
    """A new thread: its category's slug, a title and the opening post in Markdown."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=SLUG_MAX)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX)


class NewPost(BaseModel):
    """A reply in Markdown, to the opening post or to post number ``reply_to``."""

    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=BODY_MAX)
    reply_to: int | None = Field(default=None, ge=1)


class CreatedOut(BaseModel):
    """Where the new post is."""

    thread_id: int
    number: int


@router.get("/categories", summary="Forum categories", response_model=list[CategoryPublic])
def get_categories() -> list[CategoryPublic]:
    """The platform's categories (groups' categories are reached through their threads)."""
    with session_scope() as db:
        return list_categories(db)


@router.get(
    "/categories/{slug}/threads",
    summary="A category's threads",
    response_model=ThreadListOut,
    responses=READ_REFUSED,
)
def get_threads(slug: Slug, response: Response, caller: Caller, page: PageNo = 1) -> ThreadListOut:
    """Thirty threads a page."""
    with session_scope() as db:
        items, more = reading.list_threads(db, caller.actor if caller else None, slug, page)
    response.headers["Cache-Control"] = NO_STORE
    return ThreadListOut(items=items, more=more)


@router.get(
    "/threads/{thread_id}",
    summary="A thread and a page of its posts",
    response_model=ThreadOut,
    responses=READ_REFUSED,
)
def get_thread(
    thread_id: ThreadId, response: Response, caller: Caller, page: PageNo = 1
) -> ThreadOut:
    """Twenty posts a page; hidden posts' text only to their author and moderators."""
    with session_scope() as db:
        shown = reading.read_thread(db, caller.actor if caller else None, thread_id, page)
    response.headers["Cache-Control"] = NO_STORE
    return ThreadOut(
        id=shown.id,
        title=shown.title,
        category=shown.category,
        pinned=shown.pinned,
        closed=shown.closed,
        accepted_post_id=shown.accepted_post_id,
        page=shown.page,
        pages=shown.pages,
        posts=shown.posts,
    )


@router.post(
    "/threads",
    status_code=201,
    response_model=CreatedOut,
    summary="Start a thread",
    dependencies=[Depends(rate_limit("write"))],
    openapi_extra=json_body_doc(NewThread),
    responses=WRITE_REFUSED,
)
async def start_thread(request: Request, who: Poster) -> Response:
    """The opening post follows the same rules as on the pages."""
    body, data = await json_object(request)

    def action(db: Session) -> CreatedOut:
        thread_id = posting.do_start_thread(
            db, who.actor, data.get("category"), data.get("title"), data.get("body")
        )
        return CreatedOut(thread_id=thread_id, number=1)

    return await run_write(
        request,
        who,
        body,
        action,
        status=201,
        location=lambda o: f"/api/v1/forums/threads/{o['thread_id']}",
    )


@router.post(
    "/threads/{thread_id}/posts",
    status_code=201,
    response_model=CreatedOut,
    summary="Reply in a thread",
    dependencies=[Depends(rate_limit("write"))],
    openapi_extra=json_body_doc(NewPost),
    responses=WRITE_REFUSED,
)
async def reply(request: Request, thread_id: ThreadId, who: Poster) -> Response:
    """Refused in a closed thread, or to someone who blocked the key's owner."""
    body, data = await json_object(request)

    def action(db: Session) -> CreatedOut:
        post = posting.do_reply(db, who.actor, thread_id, data.get("body"), data.get("reply_to"))
        return CreatedOut(thread_id=thread_id, number=post.number)

    return await run_write(request, who, body, action, status=201)
