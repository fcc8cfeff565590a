"""Social sign-in tables: linked provider identities, started round trips, pending links."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import utc_column
from aixplore.core.time import utcnow


class SocialProvider(enum.StrEnum):
    """A provider members may sign in with (each offered only when configured)."""

    GOOGLE = "google"
    GITHUB = "github"

    @property
    def label(self) -> str:
        """The provider's name as people write it."""
        return "GitHub" if self is SocialProvider.GITHUB else "Google"


class SocialPurpose(enum.StrEnum):
    """Why a round trip to the provider was started."""

    SIGN_IN = "sign_in"  # from the sign-in or sign-up page, nobody signed in
    LINK = "link"  # from "Sign-in methods", by the signed-in owner (password proven)


class SocialIdentity(SQLModel, table=True):
    """A provider account linked to an AiXplore account: one per provider and account.

    Keyed by the provider's stable subject (OIDC ``sub``, GitHub's numeric user id), never by
    the email it sends, which may change or be reassigned.
    """

    __tablename__ = "social_identity"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_social_identity_subject"),
        UniqueConstraint("user_id", "provider", name="uq_social_identity_user_provider"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    provider: str = SQLField(max_length=16)
    subject: str = SQLField(max_length=255)
    email: str = SQLField(default="", max_length=254)  # as last seen, shown in settings
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SocialLogin(SQLModel, table=True):
    """A round trip to a provider: state, nonce and PKCE verifier, bound to one browser and
    used once."""

    __tablename__ = "social_login"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    state_hash: str = SQLField(max_length=64, unique=True, index=True)
    browser_hash: str = SQLField(default="", max_length=64)
    provider: str = SQLField(max_length=16)
    purpose: str = SQLField(max_length=16)
    # LINK: the account that asked (a state made for one account cannot finish for another).
    user_id: int | None = SQLField(default=None, foreign_key="user.id", ondelete="CASCADE")
    nonce: str = SQLField(default="", max_length=64)
    verifier_enc: str = SQLField(max_length=500)
    return_to: str = SQLField(default="/", max_length=300)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))


class SocialPendingLink(SQLModel, table=True):
    """A provider identity with a verified address of an existing password account, waiting
    for that account's password on the confirmation page (secret in an HttpOnly cookie)."""

    __tablename__ = "social_pending_link"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    provider: str = SQLField(max_length=16)
    subject: str = SQLField(max_length=255)
    email: str = SQLField(max_length=254)
    return_to: str = SQLField(default="/", max_length=300)
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


@dataclass(frozen=True)
class ProviderIdentity:
    """Who a provider says signed in, after its checks passed (signature, state, nonce)."""

    provider: SocialProvider
    subject: str
    email: str | None
    email_verified: bool
    name: str = ""


@dataclass(frozen=True)
class SignInMethod:
    """One row of "Sign-in methods": the password, or a provider linked or not."""

    key: str  # "password", "google", "github"
    label: str
    linked: bool
    detail: str
    offered: bool  # a provider configured here (a password row is always offered)
