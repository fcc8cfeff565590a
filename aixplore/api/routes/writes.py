"""API v1 writes for solutions and reviews, through the same domain services as the site.

Every write needs an API key with the resource's ``write`` scope; the domain services then
authorize the key's owner exactly as they would on the site (only a listing's publisher or
a platform admin edits it, one review per person and solution, ...). Bodies are JSON objects
of at most 256 KiB with no unknown fields. ``Idempotency-Key`` is honoured on every write.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlmodel import Session

from aixplore.api.auth import rate_limit, require_scope
from aixplore.api.routes.solutions import response_cache
from aixplore.api.schemas import ReviewOut
from aixplore.api.write_schemas import ManagedSolutionOut, StatusIn
from aixplore.api.writes import json_body_doc, json_object, problem_responses, run_write
from aixplore.core.errors import ValidationFailed
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import ReviewInput
from aixplore.domain.solutions import services as solutions
from aixplore.domain.solutions.models import SolutionInput, SolutionStatus
from aixplore.domain.wallet import rewarded


async def _write(*args: Any, **kwargs: Any) -> Response:
    """``run_write``, then this worker's cached read bodies go (other workers' expire within
    seconds, as the read API documents)."""
    response = await run_write(*args, **kwargs)
    response_cache.clear()
    return response


router = APIRouter(
    prefix="/api/v1",
    tags=["writes"],
    dependencies=[Depends(rate_limit("write"))],
)

Slug = Annotated[str, Path(description="The solution's slug.", max_length=100)]
ReviewId = Annotated[int, Path(description="The review's number.", ge=1, le=2**31 - 1)]
SolutionsWriter = Annotated[KeyPrincipal, Depends(require_scope("solutions", "write"))]
ReviewsWriter = Annotated[KeyPrincipal, Depends(require_scope("reviews", "write"))]
COMMON = (400, 401, 403, 413, 422, 429)


@router.post(
    "/solutions",
    status_code=201,
    response_model=ManagedSolutionOut,
    summary="Create a draft listing",
    openapi_extra=json_body_doc(SolutionInput),
    responses=problem_responses(*COMMON, 409),
)
async def create_solution(request: Request, who: SolutionsWriter) -> Response:
    """Create a draft owned by the key's user; publish it with the status endpoint."""
    body, data = await json_object(request)

    def action(db: Session) -> ManagedSolutionOut:
        return ManagedSolutionOut.of_managed(solutions.do_create_solution(db, who.actor, data))

    return await _write(
        request,
        who,
        body,
        action,
        status=201,
        location=lambda out: f"/api/v1/solutions/{out['slug']}",
    )


@router.put(
    "/solutions/{slug}",
    response_model=ManagedSolutionOut,
    summary="Replace a listing's content",
    openapi_extra=json_body_doc(SolutionInput),
    responses=problem_responses(*COMMON, 404),
)
async def update_solution(request: Request, slug: Slug, who: SolutionsWriter) -> Response:
    """Every field of the listing at once (as the publish form sends it)."""
    body, data = await json_object(request)

    def action(db: Session) -> ManagedSolutionOut:
        detail = solutions.do_update_solution(db, who.actor, slug, data)
        return ManagedSolutionOut.of_managed(detail)

    return await _write(request, who, body, action)


@router.post(
    "/solutions/{slug}/status",
    response_model=ManagedSolutionOut,
    summary="Publish, archive or unpublish a listing",
    openapi_extra=json_body_doc(StatusIn),
    responses=problem_responses(*COMMON, 404),
)
async def set_solution_status(request: Request, slug: Slug, who: SolutionsWriter) -> Response:
    """``{"status": "published"}``, ``"archived"`` or ``"draft"``."""
    body, data = await json_object(request)
    if set(data) != {"status"}:
        raise ValidationFailed("Send exactly one field: status.", field="status")
    status: Any = data["status"]

    def action(db: Session) -> ManagedSolutionOut:
        return ManagedSolutionOut.of_managed(solutions.do_set_status(db, who.actor, slug, status))

    return await _write(request, who, body, action)


@router.delete(
    "/solutions/{slug}",
    status_code=204,
    summary="Archive a listing",
    responses=problem_responses(401, 403, 404, 429),
)
async def archive_solution(request: Request, slug: Slug, who: SolutionsWriter) -> Response:
    """Listings are archived, not erased: reviews and links to them stay meaningful."""

    def action(db: Session) -> None:
        solutions.do_set_status(db, who.actor, slug, SolutionStatus.ARCHIVED.value)

    return await _write(request, who, b"", action, status=204)


@router.post(
    "/solutions/{slug}/reviews",
    status_code=201,
    response_model=ReviewOut,
    summary="Review a published solution",
    openapi_extra=json_body_doc(ReviewInput),
    responses=problem_responses(*COMMON, 404, 409),
)
async def write_review(request: Request, slug: Slug, who: ReviewsWriter) -> Response:
    """Write (or rewrite) the key owner's review; publishers cannot review their own."""
    body, data = await json_object(request)

    def action(db: Session) -> ReviewOut:
        return ReviewOut.of(rewarded.do_write_review(db, who.actor, slug, data))

    return await _write(request, who, body, action, status=201)


@router.delete(
    "/reviews/{review_id}",
    status_code=204,
    summary="Delete your review",
    responses=problem_responses(401, 403, 404, 429),
)
async def delete_review(request: Request, review_id: ReviewId, who: ReviewsWriter) -> Response:
    """Delete one of the key owner's reviews."""

    def action(db: Session) -> None:
        reviews.do_delete_review(db, who.actor, review_id)

    return await _write(request, who, b"", action, status=204)
