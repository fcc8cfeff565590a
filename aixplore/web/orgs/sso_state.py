"""SSO settings and health panel of an organization, and the email-first SSO sign-in."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.time import utcnow
from aixplore.domain.orgs import domains, oidc, saml, sso
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import require_org_role
from aixplore.domain.orgs.sso_changes import needs_reauth
from aixplore.domain.orgs.sso_models import SsoProtocol
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.orgs.links import confirm_password
from aixplore.web.orgs.state import _int
from aixplore.web.session import current_actor

OIDC_FIELDS = (
    "discovery_url",
    "client_id",
    "client_secret",
    "scopes",
    "email_attr",
    "name_attr",
    "groups_attr",
    "admin_groups",
)
SAML_FIELDS = (
    "idp_metadata_url",
    "idp_metadata_xml",
    "email_attr",
    "name_attr",
    "groups_attr",
    "admin_groups",
)


def _ago(value: datetime | None) -> str:
    if value is None:
        return "never"
    seconds = int((utcnow() - value).total_seconds())
    if seconds < 120:
        return "just now"
    if seconds < 7200:
        return f"{seconds // 60} minutes ago"
    if seconds < 172800:
        return f"{seconds // 3600} hours ago"
    return f"{seconds // 86400} days ago"


class SsoAdminState(rx.State):
    """/orgs/[org_id]/sso (org admins; the services re-check on every call)."""

    allowed: bool = False
    oidc: dict[str, Any] = {}
    saml: dict[str, Any] = {}
    health: list[dict[str, Any]] = []
    oidc_error: str = ""
    saml_error: str = ""
    test_result: str = ""
    needs_reauth: bool = False  # an admin who is not the owner and has not just confirmed
    reauth_error: str = ""
    org_id: int = 0  # for the page's links only; handlers read the route

    def _org_id(self) -> int:
        return _int(self.router.page.params.get("org_id", ""))

    async def _reload(self) -> None:
        actor = await current_actor(self)
        org_id = self._org_id()
        with session_scope() as db:
            _org, o = sso.admin_connection(db, actor, org_id, SsoProtocol.OIDC)
            _org, s = sso.admin_connection(db, actor, org_id, SsoProtocol.SAML)
            rows = sso.get_health(db, actor, org_id)
            urls = saml.sp_urls(s)
            who, _o, membership = require_org_role(db, actor, org_id, OrgRole.ADMIN, "sso")
            self.needs_reauth = needs_reauth(db, who, membership)
        self.org_id = org_id
        self.oidc = {
            "id": o.id,
            "enabled": o.enabled,
            "discovery_url": o.discovery_url,
            "client_id": o.client_id,
            "has_secret": bool(o.client_secret_enc),
            "scopes": o.scopes,
            "email_attr": o.email_attr,
            "name_attr": o.name_attr,
            "groups_attr": o.groups_attr,
            "admin_groups": o.admin_groups,
            "allow_unverified_email": o.allow_unverified_email,
            "redirect_uri": oidc.redirect_uri(o),
            "test_url": f"/api/sso/oidc/{o.id}/start?test=true",
        }
        self.saml = {
            "id": s.id,
            "enabled": s.enabled,
            "idp_metadata_url": s.idp_metadata_url,
            "idp_entity_id": s.idp_entity_id or "not configured",
            "allow_idp_initiated": s.allow_idp_initiated,
            "email_attr": s.email_attr,
            "name_attr": s.name_attr,
            "groups_attr": s.groups_attr,
            "admin_groups": s.admin_groups,
            "certs": len(saml.idp_certs(s)),
            "sp_metadata": urls["entity_id"],
            "acs": urls["acs"],
            "test_url": f"/api/sso/saml/{s.id}/start?test=true",
        }
        self.health = [
            {
                "protocol": h.protocol.value.upper(),
                "enabled": h.enabled,
                "cert": "—"
                if h.cert_expires_in_days is None
                else (
                    f"expired {-h.cert_expires_in_days} days ago"
                    if h.cert_expires_in_days < 0
                    else f"expires in {h.cert_expires_in_days} days"
                ),
                "cert_warn": h.cert_expires_in_days is not None and h.cert_expires_in_days < 30,
                "success": _ago(h.last_success_at),
                "failure": _ago(h.last_failure_at),
                "reason": h.last_failure_reason or "—",
                "skew": "—" if h.clock_skew_seconds is None else f"{h.clock_skew_seconds:+d} s",
                "test": "never run"
                if h.last_test_ok is None
                else ("passed" if h.last_test_ok else "failed"),
            }
            for h in rows
        ]
        self.allowed = True

    @rx.event
    async def load(self):
        """Open the panel."""
        self.oidc_error = self.saml_error = ""
        test = self.router.url.query_parameters.get("test")
        self.test_result = "The test sign-in went through." if test == "ok" else ""
        try:
            await self._reload()
        except DomainError as exc:
            self.allowed = False
            return answer_error(exc, next_path="/orgs")
        return None

    @rx.event
    async def save_oidc(self, form_data: dict):
        """Save the OIDC connection."""
        self.oidc_error = ""
        data: Any = pick(form_data, *OIDC_FIELDS)
        if isinstance(data, dict) and isinstance(form_data, dict):
            data["enabled"] = form_data.get("enabled") in ("on", True)
            data["allow_unverified_email"] = form_data.get("allow_unverified_email") in (
                "on",
                True,
            )
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                oidc.do_configure(db, actor, self._org_id(), data)
            await self._reload()
        except DomainError as exc:
            self.oidc_error = exc.message
            return None
        return toast_ok("OIDC connection saved.")

    @rx.event
    async def save_saml(self, form_data: dict):
        """Save the SAML connection from IdP metadata."""
        self.saml_error = ""
        data: Any = pick(form_data, *SAML_FIELDS)
        if isinstance(data, dict) and isinstance(form_data, dict):
            data["enabled"] = form_data.get("enabled") in ("on", True)
            data["allow_idp_initiated"] = form_data.get("allow_idp_initiated") in ("on", True)
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                saml.do_configure(db, actor, self._org_id(), data)
            await self._reload()
        except DomainError as exc:
            self.saml_error = exc.message
            return None
        return toast_ok("SAML connection saved.")

    @rx.event
    async def reauthenticate(self, form_data: dict):
        """Confirm the admin's password for a few minutes of changes."""
        self.reauth_error = await confirm_password(self, form_data)
        if self.reauth_error:
            return None
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/orgs")
        return toast_ok("Password confirmed. You can change single sign-on for a few minutes.")

    @rx.event
    def test_connection(self, protocol: str):
        """A sign-in round trip through the IdP that opens no session (the API re-checks
        that the viewer administers the organization)."""
        conn = self.oidc if protocol == "oidc" else self.saml if protocol == "saml" else {}
        url = conn.get("test_url")
        if not isinstance(url, str) or not url.startswith("/api/sso/"):
            return None
        return rx.call_script(f"window.location.assign({json.dumps(url)})")


class SsoSignInState(rx.State):
    """/sso: email first; addresses of a verified domain go to their organization's IdP."""

    error: str = ""

    @rx.event
    def submit(self, form_data: dict):
        """Find the viewer's identity provider and go there."""
        email = form_data.get("email") if isinstance(form_data, dict) else None
        self.error = ""
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            self.error = "Enter a valid email address."
            return None
        with read_scope() as db:
            start = domains.home_realm(db, email)
        if start is None:
            self.error = (
                "No organization signs in this address through single sign-on. "
                "Sign in with your password instead."
            )
            return None
        nxt = self.router.url.query_parameters.get("next", "/")
        target = f"{start}?{urlencode({'return_to': sso.safe_return_to(nxt)})}"
        # A full navigation: the API route answers a redirect to the identity provider.
        return rx.call_script(f"window.location.assign({json.dumps(target)})")
