"""Solutions in the marketplace: categories, listings, tags and releases."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class Pricing(enum.StrEnum):
    """How a solution is paid for."""

    FREE = "free"
    FREEMIUM = "freemium"
    PAID = "paid"
    ENTERPRISE = "enterprise"


class SolutionStatus(enum.StrEnum):
    """Where a listing is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Category(SQLModel, table=True):
    """A task area such as "Text generation"."""

    id: int | None = SQLField(default=None, primary_key=True)
    slug: str = SQLField(max_length=60, unique=True, index=True)
    name: str = SQLField(max_length=80)
    description: str = SQLField(default="", max_length=300)
    icon: str = SQLField(default="sparkles", max_length=40)
    position: int = SQLField(default=0)


# Bayesian prior for "top rated": a few reviews cannot outrank many good ones.
PRIOR_MEAN, PRIOR_WEIGHT = 3.5, 5


def rating_score(avg: float, count: int) -> float:
    """The Bayesian average: ``count`` reviews averaging ``avg``, plus the prior's weight."""
    return round((avg * count + PRIOR_MEAN * PRIOR_WEIGHT) / (count + PRIOR_WEIGHT), 6)


# Search's orders (newest first, and so on; ties by id) and the columns its filters test.
ORDER_KEYS: dict[str, tuple[str, ...]] = {
    "score": ("rating_score", "rating_count"),
    "reviews": ("rating_count",),
    "trending": ("trending_score",),
    "published": ("published_at",),
}
FILTER_COLUMNS = ("category_id", "pricing", "rating_avg", "owner_id")


class Solution(SQLModel, table=True):
    """One AI solution listed by a publisher.

    Rating aggregates are kept by the review services in the same transaction as the review.
    """

    __table_args__ = (
        Index("ix_solution_status_rating", "status", "rating_avg"),
        # One index per search order, holding what the filters test: a filtered page walks
        # the index in order and tests each entry there, never reading the wide rows.
        *(
            Index(f"ix_solution_order_{name}", "status", *keys, "id", *FILTER_COLUMNS)
            for name, keys in ORDER_KEYS.items()
        ),
        # What search reads of a matched row, keyed by id: counting facets of thousands of
        # matches, and ordering them, reads this narrow index, not the wide rows.
        Index(
            "ix_solution_facets",
            "id",
            "status",
            *FILTER_COLUMNS,
            *dict.fromkeys(key for keys in ORDER_KEYS.values() for key in keys),
        ),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    owner_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    category_id: int = SQLField(foreign_key="category.id", index=True)
    slug: str = SQLField(max_length=80, unique=True, index=True)
    name: str = SQLField(max_length=80)
    tagline: str = SQLField(max_length=140)
    description_md: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    description_html: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    tags_text: str = SQLField(default="", max_length=400)
    pricing: Pricing = SQLField(
        default=Pricing.FREE, sa_column=enum_column(Pricing, "pricing", index=True)
    )
    status: SolutionStatus = SQLField(
        default=SolutionStatus.DRAFT, sa_column=enum_column(SolutionStatus, "solution_status")
    )
    website_url: str = SQLField(default="", max_length=300)
    repository_url: str = SQLField(default="", max_length=300)
    demo_url: str = SQLField(default="", max_length=300)
    logo_path: str = SQLField(default="", max_length=200)
    version: str = SQLField(default="", max_length=40)
    featured: bool = SQLField(default=False, index=True)
    rating_avg: float = SQLField(default=0.0)
    rating_count: int = SQLField(default=0)
    rating_1: int = SQLField(default=0)
    rating_2: int = SQLField(default=0)
    rating_3: int = SQLField(default=0)
    rating_4: int = SQLField(default=0)
    rating_5: int = SQLField(default=0)
    # "Top rated" key: the Bayesian average (see :func:`rating_score`), stored so it is indexed.
    rating_score: float = SQLField(default=PRIOR_MEAN)
    trending_score: float = SQLField(default=0.0)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    published_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SolutionTag(SQLModel, table=True):
    """A free-form tag on a solution (lower-case, a few words)."""

    __tablename__ = "solution_tag"  # type: ignore[assignment]
    # A tag's solutions from the index alone (tag filters, similar solutions).
    __table_args__ = (Index("ix_solution_tag_tag", "tag", "solution_id"),)

    solution_id: int = SQLField(foreign_key="solution.id", primary_key=True, ondelete="CASCADE")
    tag: str = SQLField(max_length=30, primary_key=True)


class SolutionRelease(SQLModel, table=True):
    """A version entry of the changelog."""

    __tablename__ = "solution_release"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("solution_id", "version"),)

    id: int | None = SQLField(default=None, primary_key=True)
    solution_id: int = SQLField(foreign_key="solution.id", index=True, ondelete="CASCADE")
    version: str = SQLField(max_length=40)
    notes: str = SQLField(default="", max_length=2000)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SolutionScreenshot(SQLModel, table=True):
    """An uploaded screenshot (stored re-encoded under the media root), in gallery order."""

    __tablename__ = "solution_screenshot"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    solution_id: int = SQLField(foreign_key="solution.id", index=True, ondelete="CASCADE")
    path: str = SQLField(max_length=200)
    thumb_path: str = SQLField(max_length=200)
    width: int
    height: int
    caption: str = SQLField(default="", max_length=140)
    position: int = SQLField(default=0)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ScreenshotPublic(BaseModel):
    """A screenshot as pages and the API show it."""

    id: int
    url: str
    thumb_url: str
    width: int
    height: int
    caption: str

    @classmethod
    def of(cls, shot: SolutionScreenshot) -> ScreenshotPublic:
        """The public view of a stored screenshot."""
        return cls(
            id=shot.id or 0,
            url=f"/media/{shot.path}",
            thumb_url=f"/media/{shot.thumb_path}",
            width=shot.width,
            height=shot.height,
            caption=shot.caption,
        )


# ---- Input shapes ----

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 +#.-]{0,28}[a-z0-9+#]?$")
MAX_TAGS = 8


def _url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"^https?://[^\s/$.?#][^\s<>\"']*$", value, re.IGNORECASE):
        msg = "Links must start with http:// or https://."
        raise ValueError(msg)
    return value


class SolutionInput(BaseModel):
    """What a publisher fills in for a listing."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    name: str = Field(min_length=2, max_length=80)
    tagline: str = Field(min_length=5, max_length=140)
    description: str = Field(default="", max_length=20_000)
    category: str = Field(min_length=1, max_length=60)
    pricing: Pricing = Field(default=Pricing.FREE, strict=False)
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    website_url: str = Field(default="", max_length=300)
    repository_url: str = Field(default="", max_length=300)
    demo_url: str = Field(default="", max_length=300)
    version: str = Field(default="", max_length=40)

    @field_validator("pricing", mode="before")
    @classmethod
    def _pricing(cls, value: object) -> object:
        return (
            Pricing(value)
            if isinstance(value, str) and value in Pricing._value2member_map_
            else value
        )

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        tags: list[str] = []
        for raw in value:
            tag = " ".join(raw.lower().split())
            if not tag:
                continue
            if not TAG_RE.match(tag):
                msg = f"Tag “{raw[:30]}” may use letters, digits, spaces and + # . - (up to 30)."
                raise ValueError(msg)
            if tag not in tags:
                tags.append(tag)
        return tags

    @field_validator("website_url", "repository_url", "demo_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _url(value)


# ---- Public shapes ----


class CategoryPublic(BaseModel):
    """A category with how many published solutions it has."""

    slug: str
    name: str
    description: str
    icon: str
    count: int = 0


class CardSource(Protocol):
    """What a card is made of: a solution row, or a narrow select of these columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def tagline(self) -> str: ...
    @property
    def category_id(self) -> int: ...
    @property
    def owner_id(self) -> int: ...
    @property
    def pricing(self) -> Pricing: ...
    @property
    def rating_avg(self) -> float: ...
    @property
    def rating_count(self) -> int: ...
    @property
    def logo_path(self) -> str: ...
    @property
    def status(self) -> SolutionStatus: ...


class SolutionCard(BaseModel):
    """A solution as shown in lists and search results."""

    id: int
    slug: str
    name: str
    tagline: str
    category_slug: str
    category_name: str
    pricing: Pricing
    rating_avg: float
    rating_count: int
    publisher_name: str
    publisher_verified: bool
    logo_url: str
    tags: list[str]
    status: SolutionStatus


class SolutionDetail(SolutionCard):
    """Everything on a solution's page."""

    owner_id: int
    description_html: str
    description_md: str
    website_url: str
    repository_url: str
    demo_url: str
    version: str
    rating_distribution: list[int]
    featured: bool = False
    created_at: datetime
    published_at: datetime | None
    releases: list[tuple[str, str, datetime]]
    screenshots: list[ScreenshotPublic] = []
