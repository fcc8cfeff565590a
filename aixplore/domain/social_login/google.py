""" "Continue with Google": OpenID Connect with the code flow, PKCE and a nonce, through the
same checks as an organization's OIDC connection (``orgs.oidc``): discovery, the ID token's
signature (the issuer's JWKS), issuer, audience, expiry, issue time and nonce, then userinfo.

The app's Google client is not an organization's connection; it is described by a
``SsoConnection`` that is never stored (no id), so the checks and their refusals are reused
as they are.
"""

from __future__ import annotations

from aixplore.core.settings import get_settings
from aixplore.domain.orgs import oidc
from aixplore.domain.orgs.sso_guards import SsoRefused
from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol
from aixplore.domain.social_login.flows import SocialSignInFailed, StartedLogin, UsedLogin
from aixplore.domain.social_login.models import ProviderIdentity, SocialProvider

CALLBACK_PATH = "/api/auth/google/callback"
SCOPES = "openid email profile"


def callback_url() -> str:
    """Where Google sends the browser back (register it with the Google client)."""
    return f"{get_settings().base_url.rstrip('/')}{CALLBACK_PATH}"


def _client() -> SsoConnection:
    settings = get_settings()
    return SsoConnection(
        org_id=0,
        protocol=SsoProtocol.OIDC,
        discovery_url=settings.google_discovery_url,
        client_id=settings.google_client_id or "",
        scopes=SCOPES,
    )


def authorize_url(started: StartedLogin) -> str:
    """Google's authorization URL for a started round trip."""
    conn = _client()
    try:
        meta = oidc.metadata(conn)
    except SsoRefused as exc:
        raise SocialSignInFailed("unavailable", SocialProvider.GOOGLE) from exc
    return oidc.authorize_url(
        conn, meta, callback_url(), started.state, started.nonce, started.verifier
    )


def identity_from_code(login: UsedLogin, code: str) -> ProviderIdentity:
    """Exchange the code, check the ID token and read who signed in.

    Only a JSON ``true`` ``email_verified`` counts as a verified address.
    """
    conn = _client()
    try:
        meta = oidc.metadata(conn)
        tokens = oidc.exchange_code(
            conn,
            meta,
            code,
            login.verifier,
            client_secret=get_settings().google_client_secret,
            callback=callback_url(),
        )
        claims = oidc.validate_id_token(conn, meta, tokens.get("id_token"), login.nonce)
        info = oidc.read_userinfo(conn, meta, tokens.get("access_token"), claims)
    except SsoRefused as exc:
        reason = "unavailable" if exc.reason.startswith("could not read") else "refused"
        raise SocialSignInFailed(reason, SocialProvider.GOOGLE) from exc
    email, name = info.get("email"), info.get("name")
    return ProviderIdentity(
        provider=SocialProvider.GOOGLE,
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) else None,
        email_verified=info.get("email_verified") is True,
        name=name if isinstance(name, str) else "",
    )
