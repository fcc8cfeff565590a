"""Access tokens: RS256 JWTs signed with rotating keys kept (encrypted) in the database.

The newest key signs; it is replaced once older than ``oauth_key_rotation_days`` (by
whichever worker signs first after that, or ``do_rotate_signing_key``). The JWKS publishes
the newest two keys, so tokens signed just before a rotation stay valid until they expire
(rotation is far longer than a token's life). Every worker reads the keys from the database
and keeps them for ``KEY_CACHE_SECONDS``: a key another worker made is picked up at once when
a token names its unknown ``kid`` (at most one reload per ``UNKNOWN_KID_RELOAD_SECONDS``, so
forged kids cannot hammer the database).

Verification accepts only ``alg: RS256`` with a published ``kid``, and checks the issuer, the
audience, ``exp`` (required) and ``nbf``/``iat``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jwt import JWTClaimsRegistry
from sqlmodel import Session, col, select

from aixplore.core import crypto
from aixplore.core.errors import NotAuthenticated
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.oauth.models import OAuthSigningKey

ALGORITHM = "RS256"
KEY_CACHE_SECONDS = 60.0
UNKNOWN_KID_RELOAD_SECONDS = 5.0
PUBLISHED_KEYS = 2


def issuer() -> str:
    """The authorization server's issuer identifier (the site's base URL)."""
    return get_settings().base_url.rstrip("/")


def audience() -> str:
    """The audience of access tokens: the REST API."""
    return f"{issuer()}/api/v1"


@dataclass
class _Cache:
    public: dict[str, RSAKey]
    loaded_at: float = 0.0
    unknown_reload_at: float = 0.0


_cache = _Cache(public={})
_private: dict[str, RSAKey] = {}
_lock = threading.Lock()


def _context(kid: str) -> str:
    return f"oauth_signing_key.private_key:{kid}"


def _published(session: Session) -> list[OAuthSigningKey]:
    return list(
        session.exec(
            select(OAuthSigningKey).order_by(col(OAuthSigningKey.id).desc()).limit(PUBLISHED_KEYS)
        ).all()
    )


def do_rotate_signing_key(session: Session) -> str:
    """Make a new signing key (the current one stays published as the previous); its kid."""
    kid = secrets.token_urlsafe(12)
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    pem = key.as_pem(private=True).decode()
    session.add(
        OAuthSigningKey(
            kid=kid,
            private_key=crypto.encrypt(pem, context=_context(kid)),
            public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
        )
    )
    session.flush()
    return kid


def signing_key(session: Session) -> RSAKey:
    rotation = timedelta(days=get_settings().oauth_key_rotation_days)
    newest = session.exec(
        select(OAuthSigningKey).order_by(col(OAuthSigningKey.id).desc()).limit(1)
    ).first()
    if newest is None or utcnow() - newest.created_at > rotation:
        do_rotate_signing_key(session)
        newest = session.exec(
            select(OAuthSigningKey).order_by(col(OAuthSigningKey.id).desc()).limit(1)
        ).one()
    cached = _private.get(newest.kid)
    if cached is None:
        pem = crypto.decrypt(newest.private_key, context=_context(newest.kid))
        cached = RSAKey.import_key(pem, parameters={"kid": newest.kid})
        _private[newest.kid] = cached
    return cached


def sign_access_token(
    session: Session, *, user_id: int, client_id: str, grant_id: int, scopes: str
) -> tuple[str, int]:
    """A signed access token for a grant, and its lifetime in seconds."""
    key = signing_key(session)
    lifetime = get_settings().oauth_access_token_minutes * 60
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": audience(),
        "sub": str(user_id),
        "client_id": client_id,
        "grant_id": grant_id,
        "scope": scopes,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(12),
    }
    header = {"alg": ALGORITHM, "typ": "at+jwt", "kid": key.kid}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM]), lifetime


def jwks(session: Session) -> dict[str, Any]:
    """The published public keys (current and previous)."""
    return {"keys": [json.loads(row.public_jwk) for row in _published(session)]}


def _reload(session: Session) -> None:
    _cache.public = {
        row.kid: RSAKey.import_key(json.loads(row.public_jwk)) for row in _published(session)
    }
    _cache.loaded_at = time.monotonic()


def _public_key(session_factory: Any, kid: str) -> RSAKey | None:
    now = time.monotonic()
    with _lock:
        stale = now - _cache.loaded_at > KEY_CACHE_SECONDS
        unknown = kid not in _cache.public and now - _cache.unknown_reload_at > (
            UNKNOWN_KID_RELOAD_SECONDS
        )
        if stale or unknown:
            if unknown:
                _cache.unknown_reload_at = now
            with session_factory() as session:
                _reload(session)
        return _cache.public.get(kid)


def forget_cached_keys() -> None:
    """Drop this process's key cache (tests and key rotation)."""
    with _lock:
        _cache.public = {}
        _cache.loaded_at = 0.0
        _cache.unknown_reload_at = 0.0
    _private.clear()


def looks_like_jwt(raw: str) -> bool:
    """Whether a bearer value has a JWS compact shape (three dot-separated parts)."""
    return raw.count(".") == 2 and len(raw) <= 4096


def _header(raw: str) -> dict[str, Any]:
    try:
        part = raw.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAuthenticated("The access token is malformed.") from exc
    if not isinstance(header, dict):
        raise NotAuthenticated("The access token is malformed.")
    return header


def verify_access_token(session_factory: Any, raw: str) -> dict[str, Any]:
    """The claims of a valid access token; NotAuthenticated with the reason otherwise.

    ``session_factory`` opens a read-only unit of work, used only when the key cache must
    be (re)loaded.
    """
    header = _header(raw)
    if header.get("alg") != ALGORITHM:
        raise NotAuthenticated(f"The access token must be signed with {ALGORITHM}.")
    kid = header.get("kid")
    key = _public_key(session_factory, kid) if isinstance(kid, str) and kid else None
    if key is None:
        raise NotAuthenticated("The access token is signed with an unknown key.")
    try:
        token = jwt.decode(raw, key, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as exc:
        raise NotAuthenticated("The access token's signature is not valid.") from exc
    registry = JWTClaimsRegistry(
        leeway=30,
        iss={"essential": True, "value": issuer()},
        aud={"essential": True, "value": audience()},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except JoseError as exc:
        name = getattr(exc, "claim", "") or ""
        reason = "has expired" if exc.error == "expired_token" else f"has a wrong '{name}' claim"
        raise NotAuthenticated(f"The access token {reason}.") from exc
    return token.claims
