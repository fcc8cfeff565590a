"""Organizations: memberships with roles, email invitations and claimed email domains."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OrgRole(enum.StrEnum):
    """A member's role in one organization."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class InvitationStatus(enum.StrEnum):
    """Where an invitation stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class Organization(SQLModel, table=True):
    """A company or team; its members may sign in through its own identity provider."""

    id: int | None = SQLField(default=None, primary_key=True)
    name: str = SQLField(max_length=80)
    slug: str = SQLField(max_length=40, unique=True, index=True)
    # Members whose email domain the org verified may not sign in with a password.
    enforce_sso: bool = SQLField(default=False)
    # SSO sessions of members end after this many hours (0: the platform's session length).
    reauth_hours: int = SQLField(default=0)
    # API key policy: the longest lifetime of the org's keys (0: the platform's maximum) and
    # the most each key may hold per resource (space-separated scopes; empty: every resource
    # up to admin, the audit log excepted).
    api_key_max_days: int = SQLField(default=0)
    api_key_allowed_scopes: str = SQLField(default="", max_length=600)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class OrgMembership(SQLModel, table=True):
    """A user's membership of an organization."""

    __tablename__ = "org_membership"  # type: ignore[assignment]
    __table_args__ = (UniqueConstraint("org_id", "user_id", name="uq_org_membership"),)

    id: int | None = SQLField(default=None, primary_key=True)
    org_id: int = SQLField(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: OrgRole = SQLField(sa_column=enum_column(OrgRole, "org_role"))
    # "invite", "sso" (just in time) or "create".
    source: str = SQLField(default="invite", max_length=16)
    # A suspended member keeps the row but may not act in or sign in through the org.
    suspended_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class OrgInvitation(SQLModel, table=True):
    """An emailed invitation to join with a preset role; the raw token is only in the mail."""

    __tablename__ = "org_invitation"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    org_id: int = SQLField(foreign_key="organization.id", index=True, ondelete="CASCADE")
    email: str = SQLField(max_length=254, index=True)
    role: OrgRole = SQLField(sa_column=enum_column(OrgRole, "org_invitation_role"))
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    invited_by: int | None = SQLField(default=None, foreign_key="user.id", ondelete="SET NULL")
    status: InvitationStatus = SQLField(
        default=InvitationStatus.PENDING,
        sa_column=enum_column(InvitationStatus, "invitation_status"),
    )
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False))
    answered_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class OrgDomain(SQLModel, table=True):
    """An email domain an organization claims; verified through a DNS TXT record."""

    __tablename__ = "org_domain"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    org_id: int = SQLField(foreign_key="organization.id", index=True, ondelete="CASCADE")
    domain: str = SQLField(max_length=253, unique=True, index=True)
    verification_token: str = SQLField(max_length=64)
    verified_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


# ---- Input shapes ----


class OrgInput(BaseModel):
    """A new organization."""

    model_config = _STRICT
    name: str = Field(min_length=2, max_length=80)
    slug: str = Field(min_length=1, max_length=40)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        value = value.lower()
        if not _SLUG.match(value):
            msg = "Use lowercase letters, digits and dashes for the short name."
            raise ValueError(msg)
        return value


class InviteInput(BaseModel):
    """An invitation form."""

    model_config = ConfigDict(extra="forbid", strict=True)
    email: EmailStr = Field(max_length=254)
    role: OrgRole = OrgRole.MEMBER

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> object:
        if value == OrgRole.OWNER or value == "owner":
            msg = "Invite as admin or member; ownership is transferred separately."
            raise ValueError(msg)
        if isinstance(value, str):
            try:
                return OrgRole(value)
            except ValueError as exc:
                msg = "Choose admin or member."
                raise ValueError(msg) from exc
        return value


class OrgSettingsInput(BaseModel):
    """Org-wide sign-in policy."""

    model_config = _STRICT
    name: str = Field(min_length=2, max_length=80)
    enforce_sso: bool = False
    reauth_hours: int = Field(default=0, ge=0, le=24 * 90)


class KeyPolicyInput(BaseModel):
    """An organization's API key policy."""

    model_config = _STRICT
    max_days: int = Field(ge=0, le=3650)
    allowed_scopes: list[str] = Field(max_length=30)


class DomainInput(BaseModel):
    """An email domain to claim."""

    model_config = _STRICT
    domain: str = Field(min_length=4, max_length=253)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.lower().rstrip(".")
        if not _DOMAIN.match(value):
            msg = "Enter a domain name such as example.com."
            raise ValueError(msg)
        return value


# ---- Public shapes ----


class OrgPublic(BaseModel):
    """An organization as one of its members sees it."""

    id: int
    name: str
    slug: str
    role: OrgRole
    enforce_sso: bool
    reauth_hours: int


class KeyPolicyPublic(BaseModel):
    """An organization's API key policy as its admins see it."""

    org_id: int
    org_name: str
    max_days: int = Field(description="Longest key lifetime in force (the platform's if unset).")
    own_max_days: int = Field(description="The organization's own limit; 0 when unset.")
    allowed_scopes: list[str] = Field(description="The most a key may hold per resource.")
    restricted: bool = Field(description="Whether the organization narrowed the scopes.")
    can_manage: bool = Field(description="Whether the viewer may create keys and set the policy.")


class MemberPublic(BaseModel):
    """A member row for the members page."""

    user_id: int
    email: str
    display_name: str
    role: OrgRole
    source: str
    joined_at: datetime
    suspended: bool = False


class InvitationPublic(BaseModel):
    """A pending invitation."""

    id: int
    org_id: int
    org_name: str
    email: str
    role: OrgRole
    status: InvitationStatus
    expires_at: datetime


class DomainPublic(BaseModel):
    """A claimed domain and the TXT record that proves it."""

    id: int
    domain: str
    verified: bool
    txt_name: str
    txt_value: str
