"""Shared set-up for the SSO integration tests: real IdPs, an org, and an app client."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.time import utcnow
from aixplore.domain.orgs import oidc
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgDomain
from tests.factories import actor_for, make_member, sign_in
from tests.support.idp.servers import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, drive_login

APP = "http://localhost:3000"


def app_client() -> TestClient:
    from aixplore.api.app import build_api

    return TestClient(build_api(), base_url=APP, follow_redirects=False)


def org_with_admin(slug: str = "acme", domain: str | None = "acme.com"):
    """An org whose owner is a password user; optionally a verified domain."""
    owner = make_member(email=f"owner@{slug}-corp.com")
    actor = actor_for(sign_in(owner.email))
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": slug.title(), "slug": slug})
        if domain:
            db.add(
                OrgDomain(
                    org_id=org.id, domain=domain, verification_token="t", verified_at=utcnow()
                )
            )
    return org, actor, owner


def session_provider(raw: str) -> str:
    from aixplore.core.security import token_digest
    from aixplore.domain.accounts.models import UserSession

    with session_scope() as db:
        return (
            db.exec(select(UserSession).where(UserSession.token_hash == token_digest(raw)))
            .one()
            .provider
        )


def session_row(raw: str):
    """The session row behind a raw token."""
    from aixplore.core.security import token_digest
    from aixplore.domain.accounts.models import UserSession

    with session_scope() as db:
        return db.exec(select(UserSession).where(UserSession.token_hash == token_digest(raw))).one()


def make_admin_of(org_id: int, owner_actor, email: str, *, password: bool = True):
    """A member made admin of the org (by invitation, as in real life); their actor."""
    from aixplore.domain.orgs import invitations
    from tests.factories import outbox_link

    member = make_member(email=email)
    with session_scope() as db:
        invitations.do_invite(db, owner_actor, org_id, {"email": email, "role": "admin"})
    with session_scope() as db:
        link = outbox_link(db, email, "/orgs/invitation")
    actor = actor_for(sign_in(email))
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor, link)
    if not password:
        from aixplore.domain.accounts.models import User

        with session_scope() as db:
            db.get(User, member.id).password_hash = None
    return actor


def mails_to(email: str, kind: str) -> list:
    """The mails of one kind queued for an address."""
    from aixplore.domain.mail.services import list_outbox_for

    with session_scope() as db:
        return [(m.subject, m.body_text) for m in list_outbox_for(db, email) if m.kind == kind]


def configure_oidc(op, actor, org_id, **extra) -> int:
    """Point the org's OIDC connection at the test OP ``op`` (as ``actor``); its id."""
    data = {
        "discovery_url": f"{op.url}/.well-known/openid-configuration",
        "client_id": OIDC_CLIENT_ID,
        "client_secret": OIDC_CLIENT_SECRET,
        "scopes": "openid email profile groups",
        "admin_groups": "sso-admins",
        **extra,
    }
    with session_scope() as db:
        conn_id = oidc.do_configure(db, actor, org_id, data).id
    assert conn_id is not None
    return conn_id


def oidc_sign_in(client: TestClient, conn_id: int, login: str, **query):
    """Start at the app, sign in at the OP as ``login``; the app's answer to the callback."""
    start = client.get(f"/api/sso/oidc/{conn_id}/start", params=query)
    assert start.status_code == 303, start.text
    back = drive_login(start.headers["location"], {"login": login}, app_origin=APP)
    return client.get(back.headers["location"])
