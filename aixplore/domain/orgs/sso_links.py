"""Identity links: which IdP identities may sign in which accounts beyond the verified domains.

An organization's identity provider speaks for the addresses of the domains the organization
verified. Anyone else it names (an owner with a personal address, a member who also owns
another organization) is signed in only through a link that person made: after the IdP
round trip, a pending link waits, bound to that browser by an HttpOnly cookie, until they
confirm with their AiXplore password (``sso_sign_in.do_confirm_link``). Links are keyed by
the IdP's stable subject (OIDC ``iss`` and ``sub``; SAML IdP entity ID and NameID) per
connection, never by the email the IdP sends, and hold only while the connection trusts the
same IdP (:func:`trust_anchor`).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.security import new_token, token_digest
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.accounts.sessions import end_sessions_opened_by
from aixplore.domain.audit_log.services import record as audit
from aixplore.domain.orgs.models import Organization
from aixplore.domain.orgs.sso_models import (
    IdentityLinkPublic,
    SsoConnection,
    SsoIdentityLink,
    SsoPendingLink,
    SsoProtocol,
)

_PEM_BODY = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def trust_anchor(conn: SsoConnection) -> str:
    """A digest of what makes the connection trust one IdP and no other.

    OIDC: the discovery URL and client ID. SAML: the IdP entity ID and every trusted signing
    certificate. Any change (another IdP, another certificate) changes the anchor, so links
    made under the old one no longer sign anyone in.
    """
    if conn.protocol == SsoProtocol.OIDC:
        parts = ["oidc", conn.discovery_url, conn.client_id]
    else:
        certs = sorted("".join(b.split()) for b in _PEM_BODY.findall(conn.idp_certs))
        parts = ["saml", conn.idp_entity_id, *certs]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def subject_key(issuer: str, subject: str) -> str:
    """The stored key of an IdP identity."""
    return hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()


def find_link(
    session: Session, conn: SsoConnection, issuer: str, subject: str
) -> SsoIdentityLink | None:
    """The link of this IdP identity on this connection, if its owner made one that holds."""
    link = session.exec(
        select(SsoIdentityLink).where(
            SsoIdentityLink.connection_id == conn.id,
            SsoIdentityLink.subject_key == subject_key(issuer, subject),
        )
    ).first()
    if link is None or link.anchor != trust_anchor(conn):
        return None
    return link


def save_link(
    session: Session, conn: SsoConnection, user_id: int, issuer: str, subject: str
) -> SsoIdentityLink:
    """Create (or re-point, after the connection changed) the link of an IdP identity."""
    assert conn.id is not None
    key = subject_key(issuer, subject)
    link = session.exec(
        select(SsoIdentityLink).where(
            SsoIdentityLink.connection_id == conn.id, SsoIdentityLink.subject_key == key
        )
    ).first()
    if link is None:
        link = SsoIdentityLink(
            connection_id=conn.id,
            user_id=user_id,
            subject_key=key,
            issuer=issuer[:500],
            subject=subject[:500],
            anchor=trust_anchor(conn),
        )
    else:
        link.user_id, link.anchor, link.created_at = user_id, trust_anchor(conn), utcnow()
    session.add(link)
    session.flush()
    return link


# ---- Pending links ----


def start_pending_link(
    session: Session,
    conn: SsoConnection,
    *,
    issuer: str,
    subject: str,
    email: str,
    name: str,
    groups: list[str],
    return_to: str,
) -> str:
    """Remember an IdP identity waiting for a password; the raw secret for the cookie."""
    assert conn.id is not None
    now = utcnow()
    session.execute(delete(SsoPendingLink).where(col(SsoPendingLink.expires_at) < now))
    raw = new_token()
    session.add(
        SsoPendingLink(
            token_hash=token_digest(raw),
            connection_id=conn.id,
            anchor=trust_anchor(conn),
            issuer=issuer[:500],
            subject=subject[:500],
            email=email[:254],
            name=name[:80],
            groups=json.dumps(groups[:100]),
            return_to=return_to[:300],
            expires_at=now + timedelta(minutes=get_settings().sso_login_minutes),
        )
    )
    return raw


def _well_formed(raw: Any) -> bool:
    return isinstance(raw, str) and 16 <= len(raw) <= 128


def get_pending_link(session: Session, raw: Any) -> SsoPendingLink | None:
    """A pending link that is neither used nor expired."""
    if not _well_formed(raw):
        return None
    return session.exec(
        select(SsoPendingLink).where(
            SsoPendingLink.token_hash == token_digest(raw),
            col(SsoPendingLink.used_at).is_(None),
            col(SsoPendingLink.expires_at) > utcnow(),
        )
    ).first()


def use_pending_link(session: Session, raw: str) -> bool:
    """Mark a pending link used, once (two racing confirmations cannot both win)."""
    result = session.execute(
        update(SsoPendingLink)
        .where(
            col(SsoPendingLink.token_hash) == token_digest(raw),
            col(SsoPendingLink.used_at).is_(None),
            col(SsoPendingLink.expires_at) > utcnow(),
        )
        .values(used_at=utcnow())
    )
    return getattr(result, "rowcount", 0) == 1


def pending_groups(pending: SsoPendingLink) -> list[str]:
    """The group names the IdP sent with a pending identity."""
    try:
        groups = json.loads(pending.groups)
    except ValueError:
        return []
    return [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []


# ---- The user's own links ----


def list_my_links(session: Session, actor: Actor | None) -> list[IdentityLinkPublic]:
    """The IdP identities linked to the actor's account, newest first."""
    actor = require_actor(actor)
    rows = session.exec(
        select(SsoIdentityLink, SsoConnection, Organization)
        .join(SsoConnection, col(SsoConnection.id) == SsoIdentityLink.connection_id)
        .join(Organization, col(Organization.id) == SsoConnection.org_id)
        .where(SsoIdentityLink.user_id == actor.user_id)
        .order_by(col(SsoIdentityLink.id).desc())
    ).all()
    return [
        IdentityLinkPublic(
            id=link.id or 0,
            org_name=org.name,
            protocol=conn.protocol,
            subject=link.subject,
            created_at=link.created_at,
            last_used_at=link.last_used_at,
            current=link.anchor == trust_anchor(conn),
        )
        for link, conn, org in rows
    ]


def do_remove_link(
    session: Session, actor: Actor | None, link_id: Any, *, ip: str = "", user_agent: str = ""
) -> None:
    """Remove one of the actor's links; the sessions it opened end."""
    actor = require_actor(actor)
    if not isinstance(link_id, int) or isinstance(link_id, bool) or not 1 <= link_id < 2**31:
        raise ValidationFailed("Unknown link.")
    link = session.get(SsoIdentityLink, link_id)
    if link is None or link.user_id != actor.user_id:
        raise NotFound("Unknown link.")
    conn = session.get(SsoConnection, link.connection_id)
    session.delete(link)
    end_sessions_opened_by(session, actor.user_id, sso_connection_id=link.connection_id)
    audit(
        session,
        actor.user_id,
        "sso.identity_unlinked",
        f"user:{actor.user_id}",
        org_id=conn.org_id if conn else None,
        ip=ip,
        user_agent=user_agent,
        detail={"connection_id": link.connection_id, "subject": link.subject},
    )
