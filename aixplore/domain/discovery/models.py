"""Bookmarks, collections (user-curated lists) and saved searches."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow


class Bookmark(SQLModel, table=True):
    """A solution a member saved for later."""

    user_id: int = SQLField(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    solution_id: int = SQLField(
        foreign_key="solution.id", primary_key=True, ondelete="CASCADE", index=True
    )
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Collection(SQLModel, table=True):
    """A named list of solutions, public or private."""

    id: int | None = SQLField(default=None, primary_key=True)
    owner_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = SQLField(max_length=80)
    description: str = SQLField(default="", max_length=500)
    is_public: bool = SQLField(default=False, index=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class CollectionItem(SQLModel, table=True):
    """A solution in a collection."""

    __tablename__ = "collection_item"  # type: ignore[assignment]

    collection_id: int = SQLField(foreign_key="collection.id", primary_key=True, ondelete="CASCADE")
    solution_id: int = SQLField(foreign_key="solution.id", primary_key=True, ondelete="CASCADE")
    note: str = SQLField(default="", max_length=200)
    added_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SavedSearch(SQLModel, table=True):
    """A search a member wants to hear about when new solutions match it."""

    __tablename__ = "saved_search"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("user_id", "query_string", name="uq_saved_search"),)

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = SQLField(max_length=80)
    query_string: str = SQLField(max_length=600)
    notify: bool = SQLField(default=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    checked_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class CollectionInput(BaseModel):
    """A collection form."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=500)
    is_public: bool = False


class CollectionPublic(BaseModel):
    """A collection as listed."""

    id: int
    name: str
    description: str
    is_public: bool
    owner_id: int
    owner_name: str
    count: int
    contains: bool = False


class SavedSearchPublic(BaseModel):
    """A saved search as listed."""

    id: int
    name: str
    href: str
    notify: bool
    created_at: datetime
