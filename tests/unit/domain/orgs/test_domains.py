"""Domains: DNS TXT verification, home-realm discovery, enforce SSO and the re-auth period."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import Conflict, PermissionDenied, ValidationFailed
from aixplore.domain.orgs import domains, invitations, sso
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol
from tests.factories import PASSWORD, actor_for, make_member, sign_in


class FakeDns:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def txt(self, name: str) -> list[str]:
        self.asked.append(name)
        return self.records.get(name, [])


@pytest.fixture
def dns():
    fake = FakeDns()
    previous = domains.set_resolver(fake)
    yield fake
    domains.set_resolver(previous)


def _org(email: str, slug: str = "acme"):
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": slug.title(), "slug": slug})
    return org, actor


def test_claim_and_verify_through_a_txt_record(dns) -> None:
    owner = make_member(email="owner@acme-corp.com")
    org, actor = _org(owner.email)
    with session_scope() as db:
        claimed = domains.do_claim_domain(db, actor, org.id, {"domain": "Acme.COM."})
    assert claimed.domain == "acme.com" and not claimed.verified
    assert claimed.txt_name == "_aixplore-verify.acme.com"
    with session_scope() as db, pytest.raises(ValidationFailed, match="No TXT record"):
        domains.do_verify_domain(db, actor, org.id, claimed.id)
    dns.records[claimed.txt_name] = ["v=spf1 -all", f'"{claimed.txt_value}"']
    with session_scope() as db:
        assert domains.do_verify_domain(db, actor, org.id, claimed.id).verified
    assert dns.asked == [claimed.txt_name, claimed.txt_name]
    other_owner = make_member(email="owner@beta-corp.com")
    beta, beta_actor = _org(other_owner.email, "beta")
    with session_scope() as db:
        with pytest.raises(Conflict, match="already claimed"):
            domains.do_claim_domain(db, beta_actor, beta.id, {"domain": "acme.com"})
        with pytest.raises(ValidationFailed, match="domain name"):
            domains.do_claim_domain(db, beta_actor, beta.id, {"domain": "not a domain"})
        # An admin of another org cannot verify or remove this org's domain.
        with pytest.raises(Exception, match="No such"):
            domains.do_remove_domain(db, beta_actor, org.id, claimed.id)


def _verified_org_with_oidc(dns, *, enforce: bool):
    owner = make_member(email="owner@acme.com")
    org, actor = _org(owner.email)
    with session_scope() as db:
        claimed = domains.do_claim_domain(db, actor, org.id, {"domain": "acme.com"})
    dns.records[claimed.txt_name] = [claimed.txt_value]
    with session_scope() as db:
        domains.do_verify_domain(db, actor, org.id, claimed.id)
        db.add(SsoConnection(org_id=org.id, protocol=SsoProtocol.OIDC, enabled=True, client_id="x"))
    with session_scope() as db:
        orgs.do_update_org_settings(
            db, actor, org.id, {"name": "Acme", "enforce_sso": enforce, "reauth_hours": 8}
        )
    return org, actor


def test_home_realm_discovery_routes_verified_domains_only(dns) -> None:
    _verified_org_with_oidc(dns, enforce=False)
    with session_scope() as db:
        start = domains.home_realm(db, "Someone@ACME.com")
        assert start is not None and start.startswith("/api/sso/oidc/")
        assert domains.home_realm(db, "someone@elsewhere.com") is None
        assert domains.home_realm(db, "not-an-email") is None


def test_enforce_sso_refuses_password_sign_in_but_not_the_owner(dns) -> None:
    member = make_member(email="worker@acme.com")
    outsider_member = make_member(email="contractor@gmail.com")
    org, actor = _verified_org_with_oidc(dns, enforce=False)
    # A contractor outside the domain, invited as a member, is covered by membership.
    with session_scope() as db:
        invitations.do_invite(db, actor, org.id, {"email": outsider_member.email})
    from aixplore.domain.mail.services import list_outbox_for

    with session_scope() as db:
        link = next(
            w.split("token=", 1)[1]
            for m in list_outbox_for(db, outsider_member.email)
            for w in m.body_text.split()
            if "token=" in w
        )
    contractor = actor_for(sign_in(outsider_member.email))
    with session_scope() as db:
        invitations.do_accept_invitation(db, contractor, link)
    old_token = sign_in(member.email)
    with session_scope() as db:
        orgs.do_update_org_settings(
            db, actor, org.id, {"name": "Acme", "enforce_sso": True, "reauth_hours": 8}
        )
    # Switching enforcement on ended the members' password sessions.
    assert actor_for(old_token) is None
    for email in (member.email, outsider_member.email):
        for password in (PASSWORD, "a wrong password!"):
            with pytest.raises(PermissionDenied, match="requires single sign-on"):
                sign_in(email, password)
    assert actor_for(sign_in("owner@acme.com")) is not None  # the owner's way in


def test_sso_session_respects_the_reauth_period(dns) -> None:
    _verified_org_with_oidc(dns, enforce=True)
    from sqlmodel import select

    from aixplore.core.security import token_digest
    from aixplore.core.time import utcnow
    from aixplore.domain.accounts.models import UserSession

    with session_scope() as db:
        conn = db.exec(select(SsoConnection)).one()
        raw = sso.complete_sign_in(
            db, conn, email="new.hire@acme.com", name="New Hire", groups=["eng"]
        )
    with session_scope() as db:
        row = db.exec(select(UserSession).where(UserSession.token_hash == token_digest(raw))).one()
        hours = (row.expires_at - utcnow()).total_seconds() / 3600
    assert 7.9 < hours <= 8.0
    assert row.provider == "oidc:acme"
    hire = actor_for(raw)
    with session_scope() as db:
        assert [o.slug for o in orgs.list_my_orgs(db, hire)] == ["acme"]  # just in time


def test_suspended_member_cannot_sign_in_through_the_idp(dns) -> None:
    from sqlmodel import select

    from aixplore.domain.orgs.sso import SsoRefused

    org, actor = _verified_org_with_oidc(dns, enforce=False)
    with session_scope() as db:
        conn = db.exec(select(SsoConnection)).one()
        raw = sso.complete_sign_in(db, conn, email="temp@acme.com", name="Temp", groups=[])
    temp = actor_for(raw)
    with session_scope() as db:
        orgs.do_suspend_member(db, actor, org.id, temp.user_id, True)
    assert actor_for(raw) is None
    with session_scope() as db, pytest.raises(SsoRefused, match="suspended"):
        conn = db.exec(select(SsoConnection)).one()
        sso.complete_sign_in(db, conn, email="temp@acme.com", name="Temp", groups=[])
