"""Third-party OAuth apps, their authorization codes, grants, refresh tokens and signing keys.

A grant is one user's consent to one app: every refresh token issued under it belongs to
the grant (its "family"), and revoking the grant revokes them all and refuses its access
tokens at the next request. Secrets, codes and refresh tokens are stored only as keyed
digests; signing keys' private halves only encrypted (``aixplore.core.crypto``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow
from aixplore.domain.apikeys.models import LEVELS

# What an app may ask for: the API's resources, the audit log (platform admins only) aside.
OAUTH_RESOURCES = ("solutions", "reviews", "events", "orders", "webhooks", "notifications")
OAUTH_SCOPES = tuple(f"{r}:{lv}" for r in OAUTH_RESOURCES for lv in LEVELS)
_NOUNS = {
    "solutions": "your solutions",
    "reviews": "your reviews",
    "events": "your events",
    "orders": "your orders",
    "webhooks": "your webhooks",
    "notifications": "your notifications",
}
_VERBS = {"read": "See", "write": "See, create and change", "admin": "Fully manage"}


def scope_in_words(scope: str) -> str:
    """What a scope lets an app do, as the consent screen says it."""
    resource, _, level = scope.partition(":")
    return f"{_VERBS[level]} {_NOUNS[resource]}"


class OAuthApp(SQLModel, table=True):
    """A registered third-party app (an OAuth client)."""

    __tablename__ = "oauth_app"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    client_id: str = SQLField(max_length=40, unique=True, index=True)
    # The member who registered it; for an organization's app, the admin who did.
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int | None = SQLField(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    name: str = SQLField(max_length=80)
    logo_url: str = SQLField(default="", max_length=500)
    redirect_uris: str = SQLField(max_length=2600)  # one per line, matched exactly
    confidential: bool = SQLField(default=True)
    secret_hash: str = SQLField(default="", max_length=64)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class OAuthCode(SQLModel, table=True):
    """A short-lived, single-use authorization code, bound to its app and redirect URI."""

    __tablename__ = "oauth_code"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    code_hash: str = SQLField(max_length=64, unique=True, index=True)
    app_id: int = SQLField(foreign_key="oauth_app.id", index=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    redirect_uri: str = SQLField(max_length=500)
    scopes: str = SQLField(max_length=600)
    code_challenge: str = SQLField(default="", max_length=128)
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    # The grant the code was exchanged for: a replayed code revokes it (RFC 6749 4.1.2).
    grant_id: int | None = SQLField(default=None)


class OAuthGrant(SQLModel, table=True):
    """A user's consent to an app; the family of its refresh tokens."""

    __tablename__ = "oauth_grant"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    app_id: int = SQLField(foreign_key="oauth_app.id", index=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    scopes: str = SQLField(max_length=600)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_used_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    revoked_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    revoked_reason: str = SQLField(default="", max_length=40)


class OAuthRefreshToken(SQLModel, table=True):
    """One refresh token of a grant; used once, then replaced by the next."""

    __tablename__ = "oauth_refresh_token"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    grant_id: int = SQLField(foreign_key="oauth_grant.id", index=True, ondelete="CASCADE")
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class OAuthSigningKey(SQLModel, table=True):
    """An RS256 key pair signing access tokens; the private key encrypted at rest."""

    __tablename__ = "oauth_signing_key"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    kid: str = SQLField(max_length=40, unique=True, index=True)
    private_key: str = SQLField(max_length=4000)  # crypto.encrypt of the PEM
    public_jwk: str = SQLField(max_length=2000)  # JSON
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class AppInput(BaseModel):
    """A new or edited app."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    name: str = Field(min_length=1, max_length=80)
    logo_url: str = Field(default="", max_length=500)
    redirect_uris: list[str] = Field(min_length=1, max_length=5)
    confidential: bool = True


class AppPublic(BaseModel):
    """What the app's owner sees (never the secret after registration)."""

    id: int
    client_id: str
    org_id: int | None
    name: str
    logo_url: str
    redirect_uris: list[str]
    confidential: bool
    created_at: datetime

    @classmethod
    def of(cls, app: OAuthApp) -> AppPublic:
        """The public view of a row."""
        return cls(
            id=app.id or 0,
            client_id=app.client_id,
            org_id=app.org_id,
            name=app.name,
            logo_url=app.logo_url,
            redirect_uris=app.redirect_uris.split("\n"),
            confidential=app.confidential,
            created_at=app.created_at,
        )


class GrantPublic(BaseModel):
    """An app the user authorized, as "Authorized apps" lists it."""

    id: int
    app_name: str
    logo_url: str
    scopes: list[str]
    scopes_in_words: list[str]
    created_at: datetime
    last_used_at: datetime | None
