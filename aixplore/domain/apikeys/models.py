"""API keys: per-user (later per-organization) credentials for the REST API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor

# What a key may touch, and how much: ``write`` includes ``read``, ``admin`` includes both.
RESOURCES = (
    "solutions",
    "reviews",
    "events",
    "orders",
    "webhooks",
    "audit",
    "messages",
    "forums",
    "notifications",  # the key owner's own, read only in practice (GraphQL's viewer)
)
LEVELS = ("read", "write", "admin")
ALL_SCOPES = tuple(f"{r}:{lv}" for r in RESOURCES for lv in LEVELS)
KEY_PREFIX = "axp_"


class ApiKey(SQLModel, table=True):
    """A key; only its keyed digest is stored, plus a short prefix people can recognize."""

    __tablename__ = "api_key"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    # The organization the key acts for (None: a personal key); ``user_id`` is then the
    # admin who created it, and the key works only while they are an active admin there.
    org_id: int | None = SQLField(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    name: str = SQLField(max_length=80)
    # The SSO connection of the session the key was created in (None: a password session).
    # An organization that enforces SSO suspends its members' keys not created through it.
    sso_connection_id: int | None = SQLField(
        default=None, foreign_key="sso_connection.id", index=True, ondelete="SET NULL"
    )
    prefix: str = SQLField(max_length=16, unique=True)
    key_hash: str = SQLField(max_length=64, unique=True, index=True)
    scopes: str = SQLField(max_length=600)  # space-separated
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    last_used_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    last_used_ip: str = SQLField(default="", max_length=64)
    revoked_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class ApiKeyInput(BaseModel):
    """A new key: a name, its scopes and how many days it lives."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    name: str = Field(min_length=1, max_length=80)
    scopes: list[str] = Field(min_length=1, max_length=len(ALL_SCOPES))
    expires_in_days: int = Field(ge=1, le=3650)


class ApiKeyPublic(BaseModel):
    """What the owner sees of a key (never the key itself after creation)."""

    id: int
    org_id: int | None = None
    created_by: int | None = Field(default=None, description="The creator (organization keys).")
    created_by_name: str = Field(default="", description="The creator's name (organization keys).")
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    last_used_ip: str
    revoked: bool
    expired: bool
    blocked: str = Field(default="", description="Why the organization's policy refuses it now.")
    suspended: str = Field(
        default="", description="Why an organization's enforce-SSO policy suspends it now."
    )

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyPublic:
        """The public view of a row."""
        return cls(
            id=key.id or 0,
            org_id=key.org_id,
            created_by=key.user_id if key.org_id is not None else None,
            name=key.name,
            prefix=key.prefix,
            scopes=key.scopes.split(),
            created_at=key.created_at,
            expires_at=key.expires_at,
            last_used_at=key.last_used_at,
            last_used_ip=key.last_used_ip,
            revoked=key.revoked_at is not None,
            expired=key.expires_at <= utcnow(),
        )


@dataclass(frozen=True)
class KeyPrincipal:
    """Who calls the API with a key: the user it belongs to, limited to its scopes."""

    actor: Actor
    key_id: int
    scopes: frozenset[str]
    org_id: int | None = None
    # "key" for an API key; "oauth" for a third-party app's access token (key_id: its grant).
    kind: str = "key"

    def allows(self, resource: str, level: str) -> bool:
        """Whether the key holds ``level`` (or more) on ``resource``."""
        needed = LEVELS.index(level)
        return any(f"{resource}:{lv}" in self.scopes for lv in LEVELS[needed:])
