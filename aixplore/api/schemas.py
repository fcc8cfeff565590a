"""Response shapes of the REST API (they make the OpenAPI document), built from domain values.

They are separate from the domain's ``...Public`` models on purpose: the API is a contract
with outside clients, so internal fields (row ids, moderation flags, the viewer's own votes)
stay out and a domain change cannot silently change the API.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from aixplore.domain.reviews.models import ReviewPublic
from aixplore.domain.solutions.models import CategoryPublic, Pricing, SolutionCard, SolutionDetail
from aixplore.domain.solutions.search import FacetCount, SearchPage


class Problem(BaseModel):
    """An RFC 9457 problem details document (served as ``application/problem+json``)."""

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No such solution."])
    code: str | None = Field(default=None, description="A stable machine-readable reason.")
    field: str | None = Field(default=None, description="The parameter at fault, when known.")


class SolutionSummary(BaseModel):
    """A solution as listed in search results."""

    slug: str
    name: str
    tagline: str
    category: str = Field(description="The category's slug.")
    category_name: str
    pricing: Pricing
    rating_avg: float = Field(description="Average of the visible reviews, 0 when none.")
    rating_count: int
    publisher_name: str
    publisher_verified: bool
    logo_url: str = Field(description="A site-relative URL, empty when there is no logo.")
    tags: list[str]

    @classmethod
    def of(cls, card: SolutionCard) -> SolutionSummary:
        """Build from a domain card."""
        return cls(
            slug=card.slug,
            name=card.name,
            tagline=card.tagline,
            category=card.category_slug,
            category_name=card.category_name,
            pricing=card.pricing,
            rating_avg=card.rating_avg,
            rating_count=card.rating_count,
            publisher_name=card.publisher_name,
            publisher_verified=card.publisher_verified,
            logo_url=card.logo_url,
            tags=card.tags,
        )


class Release(BaseModel):
    """One entry of a solution's changelog."""

    version: str
    notes: str
    released_at: datetime


class Screenshot(BaseModel):
    """A screenshot: the full image (at most 1600 px wide) and a 480 px thumbnail (WebP)."""

    id: int
    url: str = Field(description="A site-relative URL of the full image.")
    thumb_url: str = Field(description="A site-relative URL of the thumbnail.")
    width: int
    height: int
    caption: str = Field(description="Also the image's alternative text; may be empty.")


class SolutionOut(SolutionSummary):
    """Everything public about one solution."""

    description_md: str = Field(description="The description as written, in Markdown.")
    description_html: str = Field(description="The description rendered and sanitized.")
    website_url: str
    repository_url: str
    demo_url: str
    version: str
    rating_distribution: list[int] = Field(
        description="How many visible reviews gave 1, 2, 3, 4 and 5 stars.",
        min_length=5,
        max_length=5,
    )
    published_at: datetime | None
    releases: list[Release] = Field(description="Newest first, at most 20.")
    screenshots: list[Screenshot] = Field(description="In gallery order, at most 8.")

    @classmethod
    def of_detail(cls, detail: SolutionDetail) -> SolutionOut:
        """Build from a domain detail."""
        return cls(
            **SolutionSummary.of(detail).model_dump(),
            description_md=detail.description_md,
            description_html=detail.description_html,
            website_url=detail.website_url,
            repository_url=detail.repository_url,
            demo_url=detail.demo_url,
            version=detail.version,
            rating_distribution=detail.rating_distribution,
            published_at=detail.published_at,
            releases=[
                Release(version=version, notes=notes, released_at=at)
                for version, notes, at in detail.releases
            ],
            screenshots=[Screenshot(**shot.model_dump()) for shot in detail.screenshots],
        )


class Facet(BaseModel):
    """One value of a facet, with how many results it would give under the other filters."""

    value: str
    label: str
    count: int
    selected: bool

    @classmethod
    def of(cls, facet: FacetCount) -> Facet:
        """Build from a domain facet count."""
        return cls(value=facet.value, label=facet.label, count=facet.count, selected=facet.selected)


class SearchResults(BaseModel):
    """One page of search results with facets."""

    items: list[SolutionSummary]
    total: int
    page: int
    per_page: int
    pages: int
    facets: dict[str, list[Facet]] = Field(
        description="Per facet (category, pricing, tags, min_rating, verified) its values."
    )
    corrected_q: str = Field(
        description="When nothing matched `q`, the corrected query that was searched instead."
    )
    suggested_q: str = Field(
        default="",
        description="A query one correction away from `q` that more solutions match "
        '("did you mean"), or "".',
    )
    partial: bool = Field(
        default=False,
        description="True when too few solutions hold every word of `q`: the items are then "
        "the closest matches, those holding the most of the words first.",
    )
    exact_total: int = Field(
        default=0, description="With `partial`: how many solutions hold every word of `q`."
    )
    query: dict[str, str] = Field(
        description="The search as canonical query parameters (defaults left out)."
    )

    @classmethod
    def of(cls, page: SearchPage) -> SearchResults:
        """Build from a domain search page."""
        return cls(
            items=[SolutionSummary.of(card) for card in page.items],
            total=page.total,
            page=page.query.page,
            per_page=page.query.per_page,
            pages=page.pages,
            facets={
                name: [Facet.of(value) for value in values] for name, values in page.facets.items()
            },
            corrected_q=page.corrected_q,
            suggested_q=page.suggested_q,
            partial=page.partial,
            exact_total=page.exact_total,
            query=page.query.to_params(),
        )


class ReviewReply(BaseModel):
    """The publisher's public answer to a review."""

    body: str
    replied_at: datetime


class ReviewOut(BaseModel):
    """A visible review."""

    id: int
    rating: int = Field(ge=1, le=5)
    title: str
    body: str
    author_name: str
    verified_usage: bool = Field(description="The author has a recorded real use of it.")
    helpful_count: int
    edited: bool
    created_at: datetime
    updated_at: datetime
    reply: ReviewReply | None

    @classmethod
    def of(cls, review: ReviewPublic) -> ReviewOut:
        """Build from a domain review."""
        return cls(
            id=review.id,
            rating=review.rating,
            title=review.title,
            body=review.body,
            author_name=review.author_name,
            verified_usage=review.verified_usage,
            helpful_count=review.helpful_count,
            edited=review.edited,
            created_at=review.created_at,
            updated_at=review.updated_at,
            reply=(
                ReviewReply(body=review.reply_body, replied_at=review.reply_at)
                if review.reply_at is not None
                else None
            ),
        )


class ReviewPage(BaseModel):
    """One page of a solution's reviews."""

    items: list[ReviewOut]
    total: int
    page: int
    pages: int
    sort: str


class CategoryOut(BaseModel):
    """A category with its number of published solutions."""

    slug: str
    name: str
    description: str
    icon: str
    count: int

    @classmethod
    def of(cls, category: CategoryPublic) -> CategoryOut:
        """Build from a domain category."""
        return cls(
            slug=category.slug,
            name=category.name,
            description=category.description,
            icon=category.icon,
            count=category.count,
        )


class CategoryList(BaseModel):
    """Every category, in display order."""

    items: list[CategoryOut]
