"""Single sign-on connections (OIDC and SAML) per organization, login state and replay cache."""

from __future__ import annotations

import enum
import ipaddress
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class SsoProtocol(enum.StrEnum):
    """How an organization's identity provider speaks."""

    OIDC = "oidc"
    SAML = "saml"


class SsoConnection(SQLModel, table=True):
    """One organization's identity provider (at most one per protocol)."""

    __tablename__ = "sso_connection"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    org_id: int = SQLField(foreign_key="organization.id", index=True, ondelete="CASCADE")
    protocol: SsoProtocol = SQLField(sa_column=enum_column(SsoProtocol, "sso_protocol"))
    enabled: bool = SQLField(default=True)
    # OIDC
    discovery_url: str = SQLField(default="", max_length=500)
    client_id: str = SQLField(default="", max_length=255)
    client_secret_enc: str = SQLField(default="", max_length=1000)  # crypto.encrypt
    scopes: str = SQLField(default="openid email profile", max_length=300)
    # Accept an address the provider did not mark ``email_verified: true`` (an admin's
    # explicit, audited exception for providers that never send the claim).
    allow_unverified_email: bool = SQLField(default=False)
    # SAML: the IdP's entity id, endpoints and signing certificates (PEM, several for rollover)
    idp_metadata_url: str = SQLField(default="", max_length=500)
    idp_entity_id: str = SQLField(default="", max_length=500)
    idp_sso_url: str = SQLField(default="", max_length=500)
    idp_slo_url: str = SQLField(default="", max_length=500)
    idp_certs: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    allow_idp_initiated: bool = SQLField(default=False)
    # Mapping: claim or attribute names, and which group names make an org admin.
    email_attr: str = SQLField(default="email", max_length=200)
    name_attr: str = SQLField(default="name", max_length=200)
    groups_attr: str = SQLField(default="groups", max_length=200)
    admin_groups: str = SQLField(default="", max_length=500)  # comma separated
    # Health
    last_success_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    last_failure_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    last_failure_reason: str = SQLField(default="", max_length=300)
    clock_skew_seconds: int | None = SQLField(default=None)
    last_test_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    last_test_ok: bool | None = SQLField(default=None)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SsoLoginState(SQLModel, table=True):
    """A sign-in started at the IdP: state, nonce and PKCE verifier, used once.

    For SAML the ``state_hash`` is the AuthnRequest ID (InResponseTo is checked against it).
    """

    __tablename__ = "sso_login_state"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    connection_id: int = SQLField(foreign_key="sso_connection.id", index=True, ondelete="CASCADE")
    state_hash: str = SQLField(max_length=128, unique=True, index=True)
    nonce: str = SQLField(default="", max_length=128)
    code_verifier_enc: str = SQLField(default="", max_length=500)
    return_to: str = SQLField(default="/", max_length=300)
    test_only: bool = SQLField(default=False)
    # SAML: the digest of the secret in the browser-binding cookie set when the sign-in
    # started (empty for an IdP-initiated sign-in, which no browser started here).
    browser_hash: str = SQLField(default="", max_length=64)
    # SAML: the verified identity (encrypted JSON) kept by the ACS until the browser that
    # started the sign-in comes back for it with the one-time finish key.
    claims_enc: str = SQLField(default="", sa_column=Column(Text, nullable=False, default=""))
    finish_hash: str | None = SQLField(default=None, max_length=64, unique=True)
    finished_at: datetime | None = SQLField(default=None, sa_column=utc_column())
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SsoIdentityLink(SQLModel, table=True):
    """An IdP identity (issuer and subject) its owner linked to their account by password.

    Valid only while the connection trusts the same IdP (``anchor``: a digest of its
    discovery URL and client, or of its entity ID and certificates): pointing the connection
    at another IdP, or trusting another certificate, leaves every link unused until its
    owner links again.
    """

    __tablename__ = "sso_identity_link"  # type: ignore[assignment]
    __table_args__ = (
        UniqueConstraint("connection_id", "subject_key", name="uq_sso_identity_link"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    connection_id: int = SQLField(foreign_key="sso_connection.id", index=True, ondelete="CASCADE")
    user_id: int = SQLField(foreign_key="user.id", index=True, ondelete="CASCADE")
    subject_key: str = SQLField(max_length=64)  # sha256 of issuer and subject
    issuer: str = SQLField(max_length=500)
    subject: str = SQLField(max_length=500)
    anchor: str = SQLField(max_length=64)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SsoPendingLink(SQLModel, table=True):
    """An IdP identity waiting for its owner to confirm the link with their password.

    The raw secret lives only in an HttpOnly cookie of the browser that came back from the
    IdP; it is used once and lives as long as a started sign-in.
    """

    __tablename__ = "sso_pending_link"  # type: ignore[assignment]

    id: int | None = SQLField(default=None, primary_key=True)
    token_hash: str = SQLField(max_length=64, unique=True, index=True)
    connection_id: int = SQLField(foreign_key="sso_connection.id", index=True, ondelete="CASCADE")
    anchor: str = SQLField(max_length=64)
    issuer: str = SQLField(max_length=500)
    subject: str = SQLField(max_length=500)
    email: str = SQLField(max_length=254)
    name: str = SQLField(default="", max_length=80)
    groups: str = SQLField(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    return_to: str = SQLField(default="/", max_length=300)
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SsoReplay(SQLModel, table=True):
    """A SAML assertion ID or OIDC nonce already accepted (refused if seen again)."""

    __tablename__ = "sso_replay"  # type: ignore[assignment]

    key: str = SQLField(primary_key=True, max_length=200)
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))


def idp_url_problem(url: str) -> str | None:
    """Why an IdP address may not be used, or None.

    https anywhere; plain http only for a loopback host (``localhost`` exactly, or an IP
    address in 127.0.0.0/8 or ::1) and only in development or test. The URL is parsed:
    ``http://localhost.evil.example`` or ``http://localhost@evil.example`` are other hosts.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "is not a valid URL"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain a user name or password"
    if not host:
        return "has no host"
    if parts.scheme == "https":
        return None
    if parts.scheme != "http":
        return "must use https"
    if get_settings().env not in ("development", "test"):
        return "must use https"
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return "must use https (plain http only for this machine, in development)"


class OidcConnectionInput(BaseModel):
    """An OIDC connection form; an empty secret keeps the stored one."""

    model_config = _STRICT
    discovery_url: str = Field(min_length=8, max_length=500)
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(default="", max_length=500)
    scopes: str = Field(default="openid email profile", max_length=300)
    email_attr: str = Field(default="email", min_length=1, max_length=200)
    name_attr: str = Field(default="name", min_length=1, max_length=200)
    groups_attr: str = Field(default="groups", min_length=1, max_length=200)
    admin_groups: str = Field(default="", max_length=500)
    allow_unverified_email: bool = False
    enabled: bool = True

    @field_validator("discovery_url")
    @classmethod
    def _url(cls, value: str) -> str:
        problem = idp_url_problem(value)
        if problem is not None:
            msg = f"The discovery URL {problem}."
            raise ValueError(msg)
        return value

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: str) -> str:
        words = value.split()
        if "openid" not in words:
            words.insert(0, "openid")
        return " ".join(dict.fromkeys(words))


class SamlConnectionInput(BaseModel):
    """A SAML connection form: IdP metadata by URL or pasted XML."""

    model_config = _STRICT
    idp_metadata_url: str = Field(default="", max_length=500)
    idp_metadata_xml: str = Field(default="", max_length=200_000)
    allow_idp_initiated: bool = False
    email_attr: str = Field(default="email", min_length=1, max_length=200)
    name_attr: str = Field(default="name", min_length=1, max_length=200)
    groups_attr: str = Field(default="groups", min_length=1, max_length=200)
    admin_groups: str = Field(default="", max_length=500)
    enabled: bool = True


class SsoHealth(BaseModel):
    """What the health panel shows."""

    connection_id: int
    protocol: SsoProtocol
    enabled: bool
    cert_expires_in_days: int | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_failure_reason: str
    clock_skew_seconds: int | None
    last_test_at: datetime | None
    last_test_ok: bool | None


class IdentityLinkPublic(BaseModel):
    """An IdP identity linked to the viewer's account, as they see it."""

    id: int
    org_name: str
    protocol: SsoProtocol
    subject: str
    created_at: datetime
    last_used_at: datetime | None
    current: bool = Field(description="Whether the connection still trusts the same IdP.")
