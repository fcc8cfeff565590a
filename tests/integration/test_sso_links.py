"""An org's IdP may sign in only its verified domains and identities their owners linked.

The attack: an org admin points the org's connection at an IdP they control and has it
assert the owner (a password account outside the org's domains), or a member who owns
another org. Membership used to be enough to sign them in, for their whole account.
"""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.domain.orgs import invitations, oidc, saml, sso_links
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgRole
from tests.factories import PASSWORD, actor_for, make_member, outbox_link, sign_in
from tests.integration.sso_helpers import (
    APP,
    app_client,
    configure_oidc,
    mails_to,
    oidc_sign_in,
    org_with_admin,
    session_row,
)
from tests.support.idp.servers import (
    drive_login,
    form_action,
    hidden_fields,
    oidc_provider,
    saml_idp,
)


@pytest.fixture(scope="module")
def op():
    with oidc_provider([f"{APP}/api/sso/oidc/callback"]) as running:
        yield running


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with saml_idp(tmp_path_factory.mktemp("saml-idp-links")) as running:
        yield running


def _join(org_id: int, owner_actor, email: str) -> None:
    with session_scope() as db:
        invitations.do_invite(db, owner_actor, org_id, {"email": email})
    with session_scope() as db:
        link = outbox_link(db, email, "/orgs/invitation")
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(sign_in(email)), link)


def test_the_orgs_idp_cannot_sign_in_the_owner_until_they_link_it_with_their_password(
    op,
) -> None:
    org, owner_actor, owner = org_with_admin()
    conn_id = configure_oidc(op, owner_actor, org.id)
    client = app_client()
    done = oidc_sign_in(client, conn_id, "owner")
    # Not signed in: sent to confirm with the password instead.
    assert done.status_code == 303 and done.headers["location"] == "/api/sso/link"
    assert client.cookies.get("aixplore_session") is None
    page = client.get("/api/sso/link")
    assert page.status_code == 200 and "owner@acme-corp.com" in page.text
    # Another browser (no pending-link cookie) cannot use it.
    stranger = app_client()
    assert "expired" in stranger.post("/api/sso/link", data={"password": PASSWORD}).text
    # A form posted from another site is refused.
    cross = client.post(
        "/api/sso/link", data={"password": PASSWORD}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    wrong = client.post("/api/sso/link", data={"password": "not the password"})
    assert wrong.status_code == 400 and "incorrect" in wrong.text
    assert client.cookies.get("aixplore_session") is None
    linked = client.post("/api/sso/link", data={"password": PASSWORD})
    assert linked.status_code == 303, linked.text
    raw = client.cookies.get("aixplore_session")
    me = actor_for(raw)
    assert me is not None and me.user_id == owner.id
    assert session_row(raw).sso_connection_id == conn_id
    assert mails_to(owner.email, "sso_identity_linked")
    with session_scope() as db:
        (link,) = sso_links.list_my_links(db, me)
        assert link.subject == "owner" and link.current and link.org_name == "Acme"
        assert orgs.get_org(db, me, org.id).role == OrgRole.OWNER  # the role is kept
    # The pending link worked once.
    assert "expired" in client.post("/api/sso/link", data={"password": PASSWORD}).text
    # From now on the IdP's subject signs the owner in directly.
    again = app_client()
    assert oidc_sign_in(again, conn_id, "owner").status_code == 303
    assert actor_for(again.cookies.get("aixplore_session")).user_id == owner.id
    # Removing the link ends the sessions it opened, and the IdP needs a new link.
    with session_scope() as db:
        sso_links.do_remove_link(db, me, link.id)
    assert actor_for(raw) is None
    third = app_client()
    assert oidc_sign_in(third, conn_id, "owner").headers["location"] == "/api/sso/link"


def test_a_member_who_owns_another_org_is_not_signed_in_by_membership(op) -> None:
    acme, acme_owner, _ = org_with_admin("acme")
    dave = make_member(email="dave@beta-corp.com")
    dave_actor = actor_for(sign_in(dave.email))
    with session_scope() as db:
        beta = orgs.do_create_org(db, dave_actor, {"name": "Beta", "slug": "beta"})
    _join(acme.id, acme_owner, dave.email)
    conn_id = configure_oidc(op, acme_owner, acme.id)
    client = app_client()
    done = oidc_sign_in(client, conn_id, "dave")
    assert done.headers["location"] == "/api/sso/link"
    assert client.cookies.get("aixplore_session") is None
    assert beta.role == OrgRole.OWNER


def test_repointing_the_connection_voids_the_links_made_under_the_old_idp(op) -> None:
    org, owner_actor, owner = org_with_admin()
    conn_id = configure_oidc(op, owner_actor, org.id)
    client = app_client()
    oidc_sign_in(client, conn_id, "owner")
    assert client.post("/api/sso/link", data={"password": PASSWORD}).status_code == 303
    # The connection now trusts another client of the provider: the old link no longer counts.
    data = {
        "discovery_url": f"{op.url}/.well-known/openid-configuration",
        "client_id": "another-client",
        "scopes": "openid email profile groups",
    }
    with session_scope() as db:
        oidc.do_configure(db, owner_actor, org.id, data)
    with session_scope() as db:
        (link,) = sso_links.list_my_links(db, actor_for(client.cookies.get("aixplore_session")))
        assert not link.current
    assert owner.id


def test_saml_idp_asserting_the_owner_needs_a_link_too(idp) -> None:
    import httpx

    org, owner_actor, owner = org_with_admin()
    with session_scope() as db:
        conn_id = saml.do_configure(
            db, owner_actor, org.id, {"idp_metadata_url": f"{idp.url}/metadata"}
        ).id
    metadata = app_client().get(f"/api/sso/saml/{conn_id}/metadata").text
    assert httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).status_code == 200
    client = app_client()
    start = client.get(f"/api/sso/saml/{conn_id}/start")
    page = drive_login(
        start.headers["location"], {"login": "owner", "password": "password"}, app_origin=APP
    )
    posted = client.post(form_action(page.text).removeprefix(APP), data=hidden_fields(page.text))
    done = client.get(posted.headers["location"])
    assert done.status_code == 303 and done.headers["location"] == "/api/sso/link"
    assert client.cookies.get("aixplore_session") is None
    assert client.post("/api/sso/link", data={"password": PASSWORD}).status_code == 303
    assert actor_for(client.cookies.get("aixplore_session")).user_id == owner.id
