"""Who calls the REST API with an OAuth access token.

The JWT is checked first (signature, issuer, audience, expiry: no database read while the
key cache is warm); then one query reads the grant, its app and user, so a revoked grant, a
deleted app, a suspended user or an organization that now forbids third-party apps is
refused at the very next request in every worker. A token never carries its user's
platform-admin powers, and its scopes are the grant's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists
from sqlmodel import col, select

from aixplore.core.errors import NotAuthenticated
from aixplore.domain.accounts.models import Actor, PlatformRole, User
from aixplore.domain.apikeys.models import KeyPrincipal
from aixplore.domain.membership.models import Organization, OrgMembership
from aixplore.domain.oauth import tokens
from aixplore.domain.oauth.models import OAuthApp, OAuthGrant


def resolve_access_token(session_factory: Any, raw: str) -> KeyPrincipal:
    """The principal of a valid access token; NotAuthenticated with the reason otherwise."""
    claims = tokens.verify_access_token(session_factory, raw)
    grant_id = claims.get("grant_id")
    if not isinstance(grant_id, int) or isinstance(grant_id, bool):
        raise NotAuthenticated("The access token is malformed.")
    forbidden = exists().where(
        col(OrgMembership.user_id) == col(OAuthGrant.user_id),
        col(OrgMembership.suspended_at).is_(None),
        col(Organization.id) == col(OrgMembership.org_id),
        col(Organization.third_party_apps_allowed).is_(False),
    )
    with session_factory() as session:
        row = session.exec(
            select(OAuthGrant, OAuthApp.client_id, User, forbidden)  # type: ignore[call-overload]
            .join(OAuthApp, col(OAuthApp.id) == col(OAuthGrant.app_id))
            .join(User, col(User.id) == col(OAuthGrant.user_id))
            .where(OAuthGrant.id == grant_id)
        ).first()
        if row is None:
            raise NotAuthenticated("The app's authorization no longer exists.")
        grant, client_id, user, is_forbidden = row
        # Plain values out of the rows before the read-only unit of work ends.
        revoked, grant_user, granted_scopes = grant.revoked_at, grant.user_id, grant.scopes
        user_id, email, name, suspended = user.id, user.email, user.display_name, user.suspended_at
    if revoked is not None:
        raise NotAuthenticated("The app's authorization was revoked.")
    if client_id != claims.get("client_id") or str(grant_user) != claims.get("sub"):
        raise NotAuthenticated("The access token does not match its authorization.")
    if suspended is not None:
        raise NotAuthenticated("The account that authorized this app is suspended.")
    if is_forbidden:
        raise NotAuthenticated("The user's organization does not allow third-party apps.")
    granted = set(granted_scopes.split())
    claimed = claims.get("scope")
    scopes = frozenset(granted & set(claimed.split())) if isinstance(claimed, str) else frozenset()
    assert user_id is not None
    return KeyPrincipal(
        actor=Actor(user_id=user_id, email=email, display_name=name, role=PlatformRole.MEMBER),
        key_id=grant_id,
        scopes=scopes,
        kind="oauth",
    )
