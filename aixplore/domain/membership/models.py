"""Organizations and who belongs to them: the tables of organizations, memberships with roles,
email invitations and claimed email domains.

Signing in reads them (an organization that enforces single sign-on refuses its members'
passwords, :mod:`aixplore.domain.membership.services`), and organizations' services build on
signing in, so the tables sit below both; :mod:`aixplore.domain.orgs.models` re-exports them
with the organizations' input and public shapes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.time import utcnow


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
    # Whether members may authorize third-party OAuth apps to act for them.
    third_party_apps_allowed: bool = SQLField(default=True)
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
