"""Organizations: the input and public shapes of memberships, invitations and email domains.

The tables live in :mod:`aixplore.domain.membership.models` (signing in reads them); they are
importable from here too.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from aixplore.domain.membership.models import (
    InvitationStatus,
    Organization,
    OrgDomain,
    OrgInvitation,
    OrgMembership,
    OrgRole,
)

__all__ = [
    "DomainInput",
    "DomainPublic",
    "InvitationPublic",
    "InvitationStatus",
    "InviteInput",
    "KeyPolicyInput",
    "KeyPolicyPublic",
    "MemberPublic",
    "OrgDomain",
    "OrgInput",
    "OrgInvitation",
    "OrgMembership",
    "OrgPublic",
    "OrgRole",
    "OrgSettingsInput",
    "Organization",
]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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
    third_party_apps_allowed: bool = True


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
