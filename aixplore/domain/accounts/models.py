"""Accounts: users, their signed-in sessions and one-time email tokens."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


class PlatformRole(enum.StrEnum):
    """A user's role on the whole platform (organization roles live on memberships)."""

    MEMBER = "member"
    PLATFORM_ADMIN = "platform_admin"


class TokenPurpose(enum.StrEnum):
    """What a one-time email token is for."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose name, not a secret


class User(SQLModel, table=True):
    """A person with an account."""

    id: int | None = SQLField(default=None, primary_key=True)
    email: str = SQLField(max_length=254, unique=True, index=True)
    display_name: str = SQLField(max_length=80)
    bio: str = SQLField(default="", max_length=500)
    password_hash: str | None = SQLField(default=None, max_length=255)
    role: PlatformRole = SQLField(
        default=PlatformRole.MEMBER,
        sa_column=enum_column(PlatformRole, "platform_role", index=True),
    )
    email_verified_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    suspended_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    # A moderator's suspension ends by itself at this time (None: until an admin lifts it).
    suspended_until: datetime | None = SQLField(default=None, sa_column=utc_column())
    password_changed_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    verified_publisher_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class UserSession(SQLModel, table=True):
    """A signed-in browser or device; the raw token lives only in the client's cookie."""

    __tablename__ = "user_session"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    provider: str = SQLField(default="password", max_length=32)
    # The single sign-on connection that opened the session (None: a password sign-in). An
    # organization that enforces SSO admits only sessions opened through its own connections.
    sso_connection_id: int | None = SQLField(
        default=None, foreign_key="sso_connection.id", index=True, ondelete="SET NULL"
    )
    # When the user last confirmed their password in this session ("sudo mode" for changes
    # such as an organization's SSO settings).
    reauthenticated_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    ip: str = SQLField(default="", max_length=64)
    user_agent: str = SQLField(default="", max_length=300)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_seen_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    revoked_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class AccountToken(SQLModel, table=True):
    """A one-time token mailed for email verification or password reset."""

    __tablename__ = "account_token"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    purpose: TokenPurpose = SQLField(sa_column=enum_column(TokenPurpose, "token_purpose"))
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


@dataclass(frozen=True)
class Actor:
    """Who is acting, as re-checked against the server-side session record."""

    user_id: int
    email: str
    display_name: str
    role: PlatformRole
    session_id: int | None = None
    # When the user signed up: tells two users with the same id apart (SQLite may hand a
    # deleted user's id to the next one; a restored database repeats ids too).
    joined_at: datetime | None = None
    # The SSO connection behind the session (or behind the session an API key was created
    # from); None for a password sign-in.
    sso_connection_id: int | None = None

    @property
    def is_platform_admin(self) -> bool:
        """Whether the actor administers the platform."""
        return self.role == PlatformRole.PLATFORM_ADMIN


# ---- Input shapes: every boundary validates through these. ----

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)
PASSWORD_MIN = 10
PASSWORD_MAX = 256


def _password_rules(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        msg = f"Use at least {PASSWORD_MIN} characters for the password."
        raise ValueError(msg)
    if len(value) > PASSWORD_MAX:
        msg = f"Use at most {PASSWORD_MAX} characters for the password."
        raise ValueError(msg)
    if value.strip() == "":
        msg = "The password cannot be only spaces."
        raise ValueError(msg)
    return value


class SignUpInput(BaseModel):
    """A sign-up form."""

    model_config = ConfigDict(extra="forbid", strict=True)
    email: EmailStr = Field(max_length=254)
    display_name: str = Field(min_length=1, max_length=80)
    password: str = Field(max_length=PASSWORD_MAX)

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            msg = "Enter a display name."
            raise ValueError(msg)
        return value

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        return _password_rules(value)


class SignInInput(BaseModel):
    """A sign-in form."""

    model_config = ConfigDict(extra="forbid", strict=True)
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class EmailInput(BaseModel):
    """A form with one email address."""

    model_config = ConfigDict(extra="forbid", strict=True)
    email: EmailStr = Field(max_length=254)


class ResetPasswordInput(BaseModel):
    """A password reset form: the mailed token and a new password."""

    model_config = ConfigDict(extra="forbid", strict=True)
    token: str = Field(min_length=16, max_length=128)
    password: str = Field(max_length=PASSWORD_MAX)

    @field_validator("password")
    @classmethod
    def _password(cls, value: str) -> str:
        return _password_rules(value)


class ChangePasswordInput(BaseModel):
    """A change-password form."""

    model_config = ConfigDict(extra="forbid", strict=True)
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(max_length=PASSWORD_MAX)

    @field_validator("new_password")
    @classmethod
    def _password(cls, value: str) -> str:
        return _password_rules(value)


class ProfileInput(BaseModel):
    """The editable part of a profile."""

    model_config = _STRICT
    display_name: str = Field(min_length=1, max_length=80)
    bio: str = Field(default="", max_length=500)


# ---- Public shapes: small, serializable values handed to the web and API layers. ----


class UserPublic(BaseModel):
    """What others may see of a user, plus account state for admins and the user."""

    id: int
    email: str
    display_name: str
    bio: str
    role: PlatformRole
    email_verified: bool
    suspended: bool
    verified_publisher: bool = False
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserPublic:
        """Build from a table row."""
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            bio=user.bio,
            role=user.role,
            email_verified=user.email_verified_at is not None,
            suspended=user.suspended_at is not None,
            verified_publisher=user.verified_publisher_at is not None,
            created_at=user.created_at,
        )


class SessionPublic(BaseModel):
    """A signed-in session as its owner sees it."""

    id: int
    provider: str
    ip: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    current: bool
