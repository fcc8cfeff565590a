"""Single sign-on connections (OIDC and SAML) per organization, login state and replay cache."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from aixplore.core.columns import enum_column, utc_column
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
    created_at: datetime = SQLField(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))
    used_at: datetime | None = SQLField(default=None, sa_column=utc_column())


class SsoReplay(SQLModel, table=True):
    """A SAML assertion ID or OIDC nonce already accepted (refused if seen again)."""

    __tablename__ = "sso_replay"  # type: ignore[assignment]

    key: str = SQLField(primary_key=True, max_length=200)
    expires_at: datetime = SQLField(sa_column=utc_column(nullable=False, index=True))


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
    enabled: bool = True

    @field_validator("discovery_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            msg = "The discovery URL must use https."
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
