"""Email domains: claim, verify by DNS TXT, and home-realm discovery.

An organization claims ``example.com`` and publishes ``_aixplore-verify.example.com TXT
"aixplore-verify=<token>"``. Once verified, sign-in sends addresses of that domain to the
organization's identity provider, its IdP may sign them in (just-in-time membership), and
with "enforce SSO" their password sign-in is refused (``membership.services``, which signing
in asks). The resolver is an interface: tests answer from a dict, production asks DNS through
dnspython.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session, col, select

from aixplore.core.errors import Conflict, NotFound, ValidationFailed
from aixplore.core.security import new_token
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input
from aixplore.domain.membership.services import org_of_email
from aixplore.domain.orgs.models import (
    DomainInput,
    DomainPublic,
    Organization,
    OrgDomain,
    OrgRole,
)
from aixplore.domain.orgs.services import org_audit, require_org_role
from aixplore.domain.orgs.sso_changes import announce_sso_change, require_sso_change
from aixplore.domain.orgs.sso_models import SsoConnection

MAX_DOMAINS_PER_ORG = 20


class TxtResolver(Protocol):
    """Answers the TXT records of a name (empty when there are none)."""

    def txt(self, name: str) -> list[str]: ...


class DnsResolver:
    """Real DNS through dnspython."""

    def txt(self, name: str) -> list[str]:
        import dns.exception
        import dns.resolver

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=5.0)
        except (dns.exception.DNSException, OSError):
            return []
        return [b"".join(r.strings).decode(errors="replace") for r in answer]  # type: ignore[attr-defined]


_resolver: TxtResolver = DnsResolver()


def set_resolver(resolver: TxtResolver) -> TxtResolver:
    """Replace the resolver (tests); returns the previous one."""
    global _resolver
    previous, _resolver = _resolver, resolver
    return previous


def _txt_name(domain: str) -> str:
    return f"{get_settings().domain_txt_prefix}.{domain}"


def _public(row: OrgDomain) -> DomainPublic:
    return DomainPublic(
        id=row.id or 0,
        domain=row.domain,
        verified=row.verified_at is not None,
        txt_name=_txt_name(row.domain),
        txt_value=f"aixplore-verify={row.verification_token}",
    )


def list_domains(session: Session, actor: Actor | None, org_id: Any) -> list[DomainPublic]:
    """An organization's claimed domains (admins)."""
    _a, org, _m = require_org_role(session, actor, org_id, OrgRole.ADMIN, "list_domains")
    rows = session.exec(
        select(OrgDomain).where(OrgDomain.org_id == org.id).order_by(OrgDomain.domain)
    ).all()
    return [_public(r) for r in rows]


def do_claim_domain(session: Session, actor: Actor | None, org_id: Any, data: Any) -> DomainPublic:
    """Claim a domain; it counts only once verified."""
    admin, org, _m = require_sso_change(session, actor, org_id, "claim_domain")
    form: DomainInput = parse_input(DomainInput, data)
    if session.exec(select(OrgDomain).where(OrgDomain.domain == form.domain)).first():
        raise Conflict("That domain is already claimed.", field="domain")
    count = len(session.exec(select(OrgDomain.id).where(OrgDomain.org_id == org.id)).all())
    if count >= MAX_DOMAINS_PER_ORG:
        raise Conflict(f"An organization can claim at most {MAX_DOMAINS_PER_ORG} domains.")
    assert org.id is not None
    row = OrgDomain(org_id=org.id, domain=form.domain, verification_token=new_token(18))
    session.add(row)
    session.flush()
    org_audit(session, admin.user_id, org.id, "org.domain_claimed", f"domain:{row.domain}")
    announce_sso_change(session, org, admin, f"the domain {row.domain} was claimed")
    return _public(row)


def _own_domain(
    session: Session, actor: Actor | None, org_id: Any, domain_id: Any
) -> tuple[Actor, Organization, OrgDomain]:
    admin, org, _m = require_sso_change(session, actor, org_id, "domain")
    ok = isinstance(domain_id, int) and not isinstance(domain_id, bool)
    row = session.get(OrgDomain, domain_id) if ok else None
    if row is None or row.org_id != org.id:
        raise NotFound("No such domain.")
    return admin, org, row


def do_verify_domain(
    session: Session, actor: Actor | None, org_id: Any, domain_id: Any
) -> DomainPublic:
    """Look for the TXT record; mark the domain verified when it is there."""
    admin, org, row = _own_domain(session, actor, org_id, domain_id)
    if row.verified_at is None:
        expected = f"aixplore-verify={row.verification_token}"
        records = [r.strip().strip('"') for r in _resolver.txt(_txt_name(row.domain))]
        if expected not in records:
            raise ValidationFailed(
                f"No TXT record {_txt_name(row.domain)} with the value {expected} was found "
                "yet. DNS changes can take a while; try again later."
            )
        row.verified_at = utcnow()
        session.add(row)
        org_audit(session, admin.user_id, row.org_id, "org.domain_verified", f"domain:{row.domain}")
        announce_sso_change(
            session,
            org,
            admin,
            f"the domain {row.domain} was verified",
            f"{org.name}'s identity provider may now sign in every address at {row.domain}.",
        )
    return _public(row)


def do_remove_domain(session: Session, actor: Actor | None, org_id: Any, domain_id: Any) -> None:
    """Give up a claimed domain."""
    admin, org, row = _own_domain(session, actor, org_id, domain_id)
    org_audit(session, admin.user_id, row.org_id, "org.domain_removed", f"domain:{row.domain}")
    announce_sso_change(session, org, admin, f"the domain {row.domain} was removed")
    session.delete(row)


# ---- Routing ----


def home_realm(session: Session, email: Any) -> str | None:
    """Where to send ``email`` to sign in: its org's IdP start address, or None (password)."""
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return None
    org = org_of_email(session, email)
    if org is None:
        return None
    conn = session.exec(
        select(SsoConnection)
        .where(SsoConnection.org_id == org.id, col(SsoConnection.enabled).is_(True))
        .order_by(col(SsoConnection.id))
    ).first()
    if conn is None:
        return None
    return f"/api/sso/{conn.protocol.value}/{conn.id}/start"
