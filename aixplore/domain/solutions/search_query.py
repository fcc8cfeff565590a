"""What a search asks for and what it answers: the URL's parameters, validated, and a page."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aixplore.core.errors import ValidationFailed
from aixplore.domain.solutions.models import Pricing, SolutionCard

MAX_PAGE = 500


class SortBy(enum.StrEnum):
    """Orders a search can take."""

    RELEVANCE = "relevance"
    RATING = "rating"
    REVIEWS = "reviews"
    TRENDING = "trending"
    NEWEST = "newest"


SORT_LABELS = {
    SortBy.RELEVANCE: "Best match",
    SortBy.RATING: "Top rated",
    SortBy.REVIEWS: "Most reviewed",
    SortBy.TRENDING: "Trending",
    SortBy.NEWEST: "Newest",
}


class SearchQuery(BaseModel):
    """A search, exactly as the URL (and the API) carry it."""

    model_config = ConfigDict(extra="forbid")
    q: str = Field(default="", max_length=200)
    category: str = Field(default="", max_length=60)
    pricing: list[Pricing] = Field(default_factory=list, max_length=4)
    tags: list[str] = Field(default_factory=list, max_length=5)
    # The star floors search counts in (facet_cells.STAR_FLOORS): "at least 5" is not one.
    min_rating: int = Field(default=0, ge=0, le=4)
    verified: bool = False
    sort: SortBy = SortBy.RELEVANCE
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    per_page: int = Field(default=24, ge=1, le=50)

    @field_validator("q")
    @classmethod
    def _q(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return sorted({" ".join(t.lower().split())[:30] for t in value if t.strip()})

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchQuery:
        """Parse URL query parameters; any bad value is refused with a clear message."""

        def many(key: str) -> list[str]:
            raw = params.get(key, "")
            if isinstance(raw, list):
                return [str(v) for v in raw if str(v)]
            return [v for v in str(raw).split(",") if v]

        data: dict[str, Any] = {
            "q": str(params.get("q", "")),
            "category": str(params.get("category", "")),
            "pricing": many("pricing"),
            "tags": many("tags"),
            "verified": str(params.get("verified", "")).lower() in {"1", "true", "yes"},
        }
        for key in ("min_rating", "page", "per_page"):
            if params.get(key) not in (None, ""):
                data[key] = params[key]
        if params.get("sort"):
            data["sort"] = params["sort"]
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = str(first["loc"][0]) if first.get("loc") else "search"
            raise ValidationFailed(
                f"Invalid search ({where}): {first['msg']}.", field=where
            ) from exc

    def to_params(self, **changes: Any) -> dict[str, str]:
        """Canonical URL parameters (defaults left out), with ``changes`` applied."""
        merged = self.model_copy(update=changes)
        out: dict[str, str] = {}
        if merged.q:
            out["q"] = merged.q
        if merged.category:
            out["category"] = merged.category
        if merged.pricing:
            out["pricing"] = ",".join(p.value for p in merged.pricing)
        if merged.tags:
            out["tags"] = ",".join(merged.tags)
        if merged.min_rating:
            out["min_rating"] = str(merged.min_rating)
        if merged.verified:
            out["verified"] = "1"
        if merged.sort != SortBy.RELEVANCE:
            out["sort"] = merged.sort.value
        if merged.page != 1:
            out["page"] = str(merged.page)
        if merged.per_page != 24:
            out["per_page"] = str(merged.per_page)
        return out


class FacetCount(BaseModel):
    """One value of a facet with its count under the other filters."""

    value: str
    label: str
    count: int
    selected: bool


class SearchPage(BaseModel):
    """One page of results with facets."""

    query: SearchQuery
    items: list[SolutionCard]
    total: int
    pages: int
    facets: dict[str, list[FacetCount]]
    # Nothing held every word of q: these are the results of this correction of it.
    corrected_q: str = ""
    # A query one correction away that more solutions hold every word of ("did you mean").
    suggested_q: str = ""
    # Too few solutions held every word: these are the best partial matches (those holding
    # the most of the words first); exact_total is how many held them all.
    partial: bool = False
    exact_total: int = 0
