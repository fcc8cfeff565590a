"""OpenID Connect sign-in per organization: authorization code with PKCE (S256).

The state is single-use and bound to the browser by a cookie (set by the API route); the
nonce travels in the ID token, whose signature (issuer's JWKS, asymmetric algorithms only),
issuer, audience, expiry and issue time are checked before userinfo is read.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session

from aixplore.core import crypto, tracing
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input
from aixplore.domain.orgs import sso
from aixplore.domain.orgs.services import org_audit
from aixplore.domain.orgs.sso_changes import announce_sso_change
from aixplore.domain.orgs.sso_models import (
    OidcConnectionInput,
    SsoConnection,
    SsoLoginState,
    SsoProtocol,
    idp_url_problem,
)
from aixplore.domain.orgs.sso_sign_in import Identity, Outcome, sign_in_identity

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
HTTP_TIMEOUT = 10.0
_DISCOVERY_TTL = 300.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def redirect_uri(conn: SsoConnection) -> str:
    """Where the provider sends the browser back (one address for every organization: the
    single-use state says which connection a sign-in belongs to)."""
    return f"{get_settings().base_url.rstrip('/')}/api/sso/oidc/callback"


def _get_json(url: str, conn_id: int | None, what: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise sso.refuse(conn_id, f"could not read the provider's {what}") from exc
    if not isinstance(data, dict):
        raise sso.refuse(conn_id, f"the provider's {what} is not a JSON object")
    return data


def metadata(conn: SsoConnection, *, fresh: bool = False) -> dict[str, Any]:
    """The provider's discovery document (cached for five minutes)."""
    hit = _cache.get(conn.discovery_url)
    if hit and not fresh and time.monotonic() - hit[0] < _DISCOVERY_TTL:
        return hit[1]
    problem = idp_url_problem(conn.discovery_url)
    if problem is not None:
        raise sso.refuse(conn.id, f"the discovery URL {problem}")
    doc = _get_json(conn.discovery_url, conn.id, "discovery document")
    for field in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(doc.get(field), str):
            raise sso.refuse(conn.id, f"the discovery document has no {field}")
    # The server calls these itself: the same rule as for the discovery URL.
    for field in ("token_endpoint", "jwks_uri", "userinfo_endpoint"):
        if isinstance(doc.get(field), str) and idp_url_problem(doc[field]) is not None:
            raise sso.refuse(
                conn.id, f"the discovery document's {field} {idp_url_problem(doc[field])}"
            )
    _cache[conn.discovery_url] = (time.monotonic(), doc)
    return doc


def start(
    session: Session, conn: SsoConnection, *, return_to: str = "/", test_only: bool = False
) -> tuple[str, str]:
    """Begin a sign-in: the provider URL to send the browser to, and the state for the cookie."""
    meta = metadata(conn)
    state, nonce = sso.new_state_token(), sso.new_state_token()
    verifier = generate_token(64)
    sso.new_login_state(
        session,
        conn,
        key=state,
        nonce=nonce,
        code_verifier=verifier,
        return_to=return_to,
        test_only=test_only,
    )
    return authorize_url(conn, meta, redirect_uri(conn), state, nonce, verifier), state


def authorize_url(
    conn: SsoConnection, meta: dict[str, Any], callback: str, state: str, nonce: str, verifier: str
) -> str:
    """The provider's authorization URL: code flow, this state and nonce, an S256 challenge."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": conn.client_id,
            "redirect_uri": callback,
            "scope": conn.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{meta['authorization_endpoint']}?{query}"


def _keys(conn: SsoConnection, meta: dict[str, Any], *, fresh: bool) -> KeySet:
    jwks_url = meta["jwks_uri"]
    hit = _cache.get(jwks_url)
    if hit is None or fresh or time.monotonic() - hit[0] > _DISCOVERY_TTL:
        hit = _cache[jwks_url] = (time.monotonic(), _get_json(jwks_url, conn.id, "signing keys"))
    try:
        return KeySet.import_key_set(hit[1])  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise sso.refuse(conn.id, "the provider's signing keys could not be read") from exc


def validate_id_token(
    conn: SsoConnection, meta: dict[str, Any], id_token: Any, nonce: str, keys: KeySet | None = None
) -> dict[str, Any]:
    """Check an ID token's signature, issuer, audience, expiry, issue time and nonce."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        raise sso.refuse(conn.id, "the provider sent no ID token")
    skew = get_settings().sso_clock_skew_seconds
    key_set = keys or _keys(conn, meta, fresh=False)
    try:
        try:
            token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
        except JoseError:
            if keys is not None:
                raise
            token = jwt.decode(id_token, _keys(conn, meta, fresh=True), algorithms=ALGORITHMS)
    except JoseError as exc:
        reason = str(getattr(exc, "error", "")) or type(exc).__name__
        raise sso.refuse(conn.id, f"the ID token's signature is not valid ({reason})") from exc
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=skew,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": conn.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        detail = getattr(exc, "description", "") or str(exc)
        raise sso.refuse(conn.id, f"the ID token was refused: {detail}") from exc
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != conn.client_id:
        raise sso.refuse(conn.id, "the ID token was issued to another party")
    if not isinstance(claims.get("iat"), int | float) or claims["iat"] > time.time() + skew:
        raise sso.refuse(conn.id, "the ID token was issued in the future (check the clocks)")
    if not nonce or claims.get("nonce") != nonce:
        raise sso.refuse(conn.id, "the ID token's nonce does not match this sign-in")
    return claims


def check_state(
    session: Session, params: dict[str, str], *, state_cookie: str
) -> tuple[SsoConnection, SsoLoginState]:
    """First half of the callback: the state must match this browser and is used up (commit
    this before going on, so a refused sign-in cannot be retried with the same state)."""
    state = params.get("state", "")
    login = None
    if state and state_cookie and _same(state, state_cookie):
        login = sso.consume_login_state(session, state)
    conn = session.get(SsoConnection, login.connection_id) if login else None
    if params.get("error"):
        detail = params.get("error_description") or params["error"]
        raise sso.refuse(conn.id if conn else None, f"the provider answered: {detail[:120]}")
    if not state or not state_cookie or not _same(state, state_cookie):
        raise sso.refuse(None, "the sign-in state does not match this browser")
    if login is None or conn is None:
        raise sso.refuse(None, "the sign-in expired or was already used; start again")
    if conn.protocol != SsoProtocol.OIDC or not conn.enabled:
        raise sso.refuse(conn.id, "this sign-in connection is turned off")
    return conn, login


def finish(
    session: Session,
    conn: SsoConnection,
    login: SsoLoginState,
    params: dict[str, str],
    *,
    ip: str = "",
    user_agent: str = "",
) -> Outcome:
    """Second half: exchange the code (with the PKCE verifier), validate the ID token, read
    userinfo and sign in: a session, a link for its owner to confirm, or (a test round trip)
    neither."""
    try:
        return _finish(session, conn, login, params, ip=ip, user_agent=user_agent)
    except sso.SsoRefused as exc:
        exc.test_only = login.test_only
        raise


def _finish(
    session: Session,
    conn: SsoConnection,
    login: SsoLoginState,
    params: dict[str, str],
    *,
    ip: str,
    user_agent: str,
) -> Outcome:
    code = params.get("code", "")
    if not code or len(code) > 2000:
        raise sso.refuse(conn.id, "the provider sent no authorization code")
    meta = metadata(conn)
    tokens = exchange_code(conn, meta, code, sso.code_verifier_of(login))
    claims = validate_id_token(conn, meta, tokens.get("id_token"), login.nonce)
    sso.record_skew(session, conn, claims.get("iat"))
    info = read_userinfo(conn, meta, tokens.get("access_token"), claims)
    # Only a JSON ``true`` counts: a missing claim or the string "false" is not a verified
    # address (unless the org's admin chose the documented, audited exception).
    if info.get("email_verified") is not True and not conn.allow_unverified_email:
        raise sso.refuse(conn.id, "the provider has not verified this email address")
    identity = Identity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=info.get(conn.email_attr),
        name=info.get(conn.name_attr),
        groups=info.get(conn.groups_attr),
    )
    return sign_in_identity(
        session,
        conn,
        identity,
        return_to=login.return_to,
        ip=ip,
        user_agent=user_agent,
        test_only=login.test_only,
    )


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def exchange_code(
    conn: SsoConnection,
    meta: dict[str, Any],
    code: str,
    verifier: str,
    *,
    client_secret: str | None = None,
    callback: str | None = None,
) -> dict[str, Any]:
    """Trade an authorization code (and the PKCE verifier) at the token endpoint.

    ``client_secret`` and ``callback`` are for a client not stored as an organization's
    connection (members' "Continue with Google"); by default the connection's own are used.
    """
    secret = client_secret or (
        crypto.decrypt(conn.client_secret_enc, context=sso.secret_context(conn))
        if conn.client_secret_enc
        else None
    )
    client = OAuth2Client(
        conn.client_id,
        secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        timeout=HTTP_TIMEOUT,
    )
    try:
        # Authlib speaks httpx2, which no instrumentation covers: the exchange's own span.
        with tracing.span("oidc token exchange", sso_connection=conn.id, org=conn.org_id):
            token = client.fetch_token(
                meta["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                redirect_uri=callback or redirect_uri(conn),
                code_verifier=verifier,
            )
    except Exception as exc:  # authlib raises OAuthError or httpx errors
        detail = getattr(exc, "description", "") or getattr(exc, "error", "") or type(exc).__name__
        raise sso.refuse(conn.id, f"the code exchange failed: {str(detail)[:120]}") from exc
    finally:
        client.close()  # pyright: ignore[reportAttributeAccessIssue]
    return dict(token)


def read_userinfo(
    conn: SsoConnection, meta: dict[str, Any], access_token: Any, claims: dict[str, Any]
) -> dict[str, Any]:
    """The ID token's claims completed by the userinfo endpoint (for the same subject)."""
    info = dict(claims)
    endpoint = meta.get("userinfo_endpoint")
    if isinstance(endpoint, str) and isinstance(access_token, str):
        try:
            response = httpx.get(
                endpoint, headers={"Authorization": f"Bearer {access_token}"}, timeout=HTTP_TIMEOUT
            )
            response.raise_for_status()
            extra = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise sso.refuse(
                conn.id, "could not read the user's profile from the provider"
            ) from exc
        if not isinstance(extra, dict) or extra.get("sub") != claims.get("sub"):
            raise sso.refuse(conn.id, "the provider's profile is for another user")
        info.update(extra)
    return info


def do_configure(session: Session, actor: Actor | None, org_id: Any, data: Any) -> SsoConnection:
    """Set an organization's OIDC connection (org admins); the secret is stored encrypted."""
    org, conn = sso.admin_connection(session, actor, org_id, SsoProtocol.OIDC, change=True)
    assert actor is not None
    form: OidcConnectionInput = parse_input(OidcConnectionInput, data)
    conn.discovery_url = form.discovery_url
    conn.client_id = form.client_id
    if form.client_secret:
        conn.client_secret_enc = crypto.encrypt(
            form.client_secret, context=sso.secret_context(conn)
        )
    conn.scopes = form.scopes
    conn.email_attr, conn.name_attr = form.email_attr, form.name_attr
    conn.groups_attr, conn.admin_groups = form.groups_attr, form.admin_groups
    conn.allow_unverified_email = form.allow_unverified_email
    conn.enabled = form.enabled
    session.add(conn)
    session.flush()
    _cache.pop(conn.discovery_url, None)
    org_audit(
        session,
        actor.user_id,
        conn.org_id,
        "sso.oidc_configured",
        f"sso:{conn.id}",
        {
            "enabled": conn.enabled,
            "issuer": conn.discovery_url,
            "client_id": conn.client_id,
            "secret_changed": bool(form.client_secret),
            "mapping": {
                "email": conn.email_attr,
                "name": conn.name_attr,
                "groups": conn.groups_attr,
            },
            "admin_groups": conn.admin_groups,
            "allow_unverified_email": conn.allow_unverified_email,
        },
    )
    exception = (
        " Addresses the provider has not verified are accepted (an exception an admin chose)."
        if conn.allow_unverified_email
        else ""
    )
    announce_sso_change(
        session,
        org,
        actor,
        "the OpenID Connect connection was saved",
        f"Discovery URL: {conn.discovery_url}.{exception}",
    )
    return conn
