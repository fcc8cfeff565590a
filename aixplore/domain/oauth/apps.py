"""Registering and managing third-party apps (OAuth clients).

A member registers personal apps; an organization's admins register and manage the
organization's apps together. A confidential app gets a secret shown once and stored only as
a keyed digest; a public app (a browser or native app) has none and must use PKCE. Redirect
URIs are matched exactly at authorization: https, or http on a loopback host (RFC 8252), no
fragment. Every change is audited.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.security import token_digest
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input, require_actor
from aixplore.domain.audit.services import record as audit
from aixplore.domain.oauth.models import AppInput, AppPublic, OAuthApp
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.services import get_membership, require_org_role

MAX_APPS_PER_OWNER = 20
CLIENT_PREFIX = "axpc_"
SECRET_PREFIX = "axps_"  # noqa: S105 - a prefix people recognize, not a secret


def _redirect_uri(value: str) -> str:
    parts = urlsplit(value)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise ValidationFailed(
            "A redirect URI is an absolute https URL without a fragment.", field="redirect_uris"
        )
    if parts.scheme == "http" and not loopback:
        raise ValidationFailed(
            "A redirect URI uses https (http only on localhost).", field="redirect_uris"
        )
    if parts.username or parts.password or len(value) > 500:
        raise ValidationFailed("A redirect URI carries no credentials.", field="redirect_uris")
    return value


def _logo_url(value: str) -> str:
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or parts.username:
        raise ValidationFailed("The logo URL is an https address.", field="logo_url")
    return value


def parse_app_form(data: Any) -> AppInput:
    """A checked app form: name, https logo, exact redirect URIs."""
    form: AppInput = parse_input(AppInput, data)
    uris = [_redirect_uri(u.strip()) for u in form.redirect_uris if u.strip()]
    if not uris:
        raise ValidationFailed("Give at least one redirect URI.", field="redirect_uris")
    return form.model_copy(
        update={
            "name": " ".join(form.name.split()),
            "logo_url": _logo_url(form.logo_url),
            "redirect_uris": list(dict.fromkeys(uris)),
        }
    )


def _app_id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise NotFound("Unknown app.")
    return value


def _managed(session: Session, actor: Actor, app_id: Any) -> OAuthApp:
    """An app the actor may manage (theirs, or their organization's as its admin)."""
    app = session.get(OAuthApp, _app_id(app_id))
    if app is None:
        raise NotFound("Unknown app.")
    if app.org_id is None:
        if app.user_id != actor.user_id:
            raise NotFound("Unknown app.")
        return app
    mine = get_membership(session, app.org_id, actor.user_id)
    if mine is None or mine.suspended_at is not None or mine.role == OrgRole.MEMBER:
        raise NotFound("Unknown app.")
    return app


def do_register_app(
    session: Session, actor: Actor | None, data: Any, *, org_id: Any = None, ip: str = ""
) -> tuple[AppPublic, str]:
    """Register an app for the actor (or their organization); its public view and secret.

    The secret ("" for a public app) is never shown again.
    """
    actor = require_actor(actor)
    form = parse_app_form(data)
    if org_id is not None:
        _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "register_app")
        owned = col(OAuthApp.org_id) == org.id
        org_id = org.id
    else:
        owned = and_(col(OAuthApp.user_id) == actor.user_id, col(OAuthApp.org_id).is_(None))
    if len(session.exec(select(OAuthApp.id).where(owned)).all()) >= MAX_APPS_PER_OWNER:
        raise ValidationFailed(f"At most {MAX_APPS_PER_OWNER} apps per owner.")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32) if form.confidential else ""
    app = OAuthApp(
        client_id=CLIENT_PREFIX + secrets.token_urlsafe(18),
        user_id=actor.user_id,
        org_id=org_id,
        name=form.name,
        logo_url=form.logo_url,
        redirect_uris="\n".join(form.redirect_uris),
        confidential=form.confidential,
        secret_hash=token_digest(secret) if secret else "",
    )
    session.add(app)
    session.flush()
    audit(
        session,
        actor.user_id,
        "oauth_app.registered",
        target=f"oauth_app:{app.id}",
        org_id=org_id,
        ip=ip,
        detail={"client_id": app.client_id, "confidential": app.confidential},
    )
    return AppPublic.of(app), secret


def list_my_apps(session: Session, actor: Actor | None) -> list[AppPublic]:
    """The actor's apps and those of organizations they administer, newest first."""
    actor = require_actor(actor)
    rows = session.exec(select(OAuthApp).order_by(col(OAuthApp.id).desc())).all()
    out = []
    for app in rows:
        try:
            out.append(AppPublic.of(_managed(session, actor, app.id)))
        except NotFound:
            continue
    return out


def list_org_apps(session: Session, actor: Actor | None, org_id: Any) -> list[AppPublic]:
    """The apps of organization ``org_id``, newest first (its admins only)."""
    _actor, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "list_apps")
    rows = session.exec(
        select(OAuthApp).where(OAuthApp.org_id == org.id).order_by(col(OAuthApp.id).desc())
    ).all()
    return [AppPublic.of(app) for app in rows]


def do_update_app(
    session: Session, actor: Actor | None, app_id: Any, data: Any, *, ip: str = ""
) -> AppPublic:
    """Change an app's name, logo and redirect URIs (its type stays)."""
    actor = require_actor(actor)
    app = _managed(session, actor, app_id)
    form = parse_app_form(data)
    if form.confidential != app.confidential:
        raise ValidationFailed("An app's type cannot change; register a new app.")
    app.name, app.logo_url = form.name, form.logo_url
    app.redirect_uris = "\n".join(form.redirect_uris)
    session.add(app)
    audit(
        session,
        actor.user_id,
        "oauth_app.updated",
        target=f"oauth_app:{app.id}",
        org_id=app.org_id,
        ip=ip,
        detail={"redirect_uris": app.redirect_uris},
    )
    return AppPublic.of(app)


def do_new_secret(session: Session, actor: Actor | None, app_id: Any, *, ip: str = "") -> str:
    """Replace a confidential app's secret (the old one stops working); the new secret."""
    actor = require_actor(actor)
    app = _managed(session, actor, app_id)
    if not app.confidential:
        raise ValidationFailed("A public app has no secret.")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    app.secret_hash = token_digest(secret)
    session.add(app)
    audit(
        session,
        actor.user_id,
        "oauth_app.secret_replaced",
        target=f"oauth_app:{app.id}",
        org_id=app.org_id,
        ip=ip,
    )
    return secret


def do_delete_app(session: Session, actor: Actor | None, app_id: Any, *, ip: str = "") -> None:
    """Delete an app; its grants and tokens go with it (their access tokens are refused)."""
    actor = require_actor(actor)
    app = _managed(session, actor, app_id)
    audit(
        session,
        actor.user_id,
        "oauth_app.deleted",
        target=f"oauth_app:{app.id}",
        org_id=app.org_id,
        ip=ip,
        detail={"client_id": app.client_id},
    )
    session.delete(app)
