"""Single sign-on in Chromium against the real test IdPs: an org admin configures OIDC and
tests the connection, a member signs in through the OP by email first and lands inside the
org; the same for SAML against the pysaml2 IdP; enforce SSO refuses password sign-in.

The org's handlers fired by name over the socket are in ``test_sso_socket.py``."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from aixplore.core.db import session_scope
from tests.e2e.helpers import (
    axe_violations,
    horizontal_overflow,
    org_with_domain,
    sign_in_through_ui,
)
from tests.factories import actor_for, make_member, sign_in
from tests.support.idp.servers import (
    OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET,
    oidc_provider,
    saml_idp,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def op(app_url: str):
    with oidc_provider([f"{app_url}/api/sso/oidc/callback"]) as running:
        yield running


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with saml_idp(tmp_path_factory.mktemp("e2e-saml-idp")) as running:
        yield running


def _op_login(page: Page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def test_oidc_configure_test_and_member_sign_in(
    page: Page, base_url: str, browser, op, shoot
) -> None:
    org_id, owner = org_with_domain()
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}/sso")
    page.get_by_label("Discovery URL").fill(f"{op.url}/.well-known/openid-configuration")
    page.get_by_label("Client ID").fill(OIDC_CLIENT_ID)
    page.get_by_label("Client secret").fill(OIDC_CLIENT_SECRET)
    page.get_by_label("Scopes").fill("openid email profile groups")
    oidc_form = page.locator("form").filter(has=page.get_by_label("Discovery URL"))
    oidc_form.get_by_label("Enabled").check()
    page.get_by_role("button", name="Save OIDC").click()
    expect(page.get_by_text("OIDC connection saved.")).to_be_visible()
    # Test connection: a round trip through the OP that opens no session.
    oidc_form.get_by_role("button", name="Test connection").click()
    _op_login(page, "alice")
    expect(page.get_by_text("The test sign-in went through.")).to_be_visible(timeout=15000)
    expect(page.get_by_text("passed").first).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-sso-health")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("heading", name="Health")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-sso-health")

    # A member signs in email first and lands inside the org.
    member = browser.new_page()
    member.goto(f"{base_url}/sso")
    member.get_by_label("Work email").fill("bob@acme.com")
    member.get_by_role("button", name="Continue").click()
    _op_login(member, "bob")
    expect(member).to_have_url(f"{base_url}/", timeout=15000)
    member.goto(f"{base_url}/orgs")
    expect(member.get_by_role("link", name="Acme")).to_be_visible(timeout=10000)
    member.get_by_role("link", name="Acme").click()
    expect(member.get_by_text("bob@acme.com")).to_be_visible()
    member.goto(f"{base_url}/settings/security")
    expect(member.get_by_text("oidc:acme")).to_be_visible()


def test_saml_configure_and_member_sign_in(page: Page, base_url: str, browser, idp, shoot) -> None:
    org_id, owner = org_with_domain()
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}/sso")
    saml_form = page.locator("form").filter(has=page.get_by_label("IdP metadata URL"))
    page.get_by_label("IdP metadata URL").fill(f"{idp.url}/metadata")
    saml_form.get_by_label("Enabled").check()
    page.get_by_role("button", name="Save SAML").click()
    expect(page.get_by_text("SAML connection saved.")).to_be_visible()
    from sqlmodel import select

    from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol

    with session_scope() as db:
        conn_id = (
            db.exec(select(SsoConnection).where(SsoConnection.protocol == SsoProtocol.SAML))
            .one()
            .id
        )
    metadata = httpx.get(f"{base_url}/api/sso/saml/{conn_id}/metadata").text
    httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).raise_for_status()
    assert axe_violations(page) == []
    shoot(page, "org-sso-settings")

    member = browser.new_page()
    member.goto(f"{base_url}/sso")
    member.get_by_label("Work email").fill("bob@acme.com")
    member.get_by_role("button", name="Continue").click()
    member.get_by_label("Login").fill("bob")
    member.get_by_label("Password").fill("password")
    member.get_by_role("button", name="Sign in").click()
    member.get_by_role("button", name="Continue").click()
    expect(member).to_have_url(f"{base_url}/", timeout=15000)
    member.goto(f"{base_url}/settings/security")
    expect(member.get_by_text("saml:acme")).to_be_visible(timeout=10000)


def test_enforced_sso_refuses_password_sign_in(page: Page, base_url: str, shoot) -> None:
    org_id, _owner = org_with_domain()
    worker = make_member(email="worker@acme.com")
    with session_scope() as db:
        from aixplore.domain.orgs.models import Organization

        db.get_one(Organization, org_id).enforce_sso = True
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(worker.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Acme requires single sign-on")).to_be_visible()
    shoot(page, "sso-enforced-login")


def test_org_pages_members_and_invitations(page: Page, base_url: str, shoot) -> None:
    from aixplore.domain.orgs import invitations

    org_id, owner = org_with_domain()
    member = make_member(email="sam@example.com", name="Sam Suspended")
    with session_scope() as db:
        invitations.do_invite(db, actor_for(sign_in(owner)), org_id, {"email": member.email})
    from tests.factories import outbox_link

    with session_scope() as db:
        link = outbox_link(db, member.email, "/orgs/invitation")
    member_token = sign_in(member.email)
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(member_token), link)
    sign_in_through_ui(page, base_url, owner)
    page.goto(f"{base_url}/orgs/{org_id}")
    row = page.get_by_role("row").filter(has_text=member.email)
    row.get_by_role("button", name="Suspend").click()
    expect(row.get_by_text("Suspended", exact=True)).to_be_visible()
    from aixplore.domain.accounts.services import get_actor_by_token

    with session_scope() as db:
        assert get_actor_by_token(db, member_token) is None  # ended at once, in the database
    page.get_by_label("Email", exact=True).fill("newbie@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("newbie@example.com · member")).to_be_visible()
    page.get_by_label("Domain", exact=True).fill("acme-labs.com")
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("_aixplore-verify.acme-labs.com")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, "org-members")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("newbie@example.com · member")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-members")
    page.goto(f"{base_url}/orgs")
    expect(page.get_by_role("link", name="Acme")).to_be_visible()
    shoot(page, "orgs-list")
    # The org's own audit log, for its admins.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/orgs/{org_id}/audit")
    expect(page.get_by_role("heading", name="Organization audit log")).to_be_visible()
    expect(page.get_by_text("org.member_suspended")).to_be_visible()
    expect(page.get_by_text("org.domain_claimed")).to_be_visible()
    expect(page.get_by_role("button", name="Verify chain")).to_have_count(0)
    assert axe_violations(page) == []
    shoot(page, "org-audit")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_text("org.member_suspended")).to_be_visible()
    assert horizontal_overflow(page) <= 1
    shoot(page, "org-audit")


def _saml_connection(base_url: str, idp, org_id: int, owner: str) -> int:
    """Configure SAML for the org through the service (as its owner) and register the SP."""
    from aixplore.domain.orgs import saml

    with session_scope() as db:
        conn_id = saml.do_configure(
            db, actor_for(sign_in(owner)), org_id, {"idp_metadata_url": f"{idp.url}/metadata"}
        ).id
    assert conn_id is not None
    metadata = httpx.get(f"{base_url}/api/sso/saml/{conn_id}/metadata").text
    httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).raise_for_status()
    return conn_id


@pytest.mark.allow_console(r"status of 400 .*/api/sso/saml/\d+/finish")
def test_saml_response_from_one_browser_is_refused_in_another(
    base_url: str, browser, idp, shoot
) -> None:
    """Login CSRF: a response obtained in browser A, posted from a fresh browser B, does not
    sign B in; A still finishes its own sign-in."""
    org_id, owner = org_with_domain()
    conn_id = _saml_connection(base_url, idp, org_id, owner)
    first, second = browser.new_context(), browser.new_context()
    a, b = first.new_page(), second.new_page()
    a.goto(f"{base_url}/api/sso/saml/{conn_id}/start?return_to=/orgs")
    a.get_by_label("Login").fill("bob")
    a.get_by_label("Password").fill("password")
    a.get_by_role("button", name="Sign in").click()
    expect(a.get_by_role("button", name="Continue")).to_be_visible()
    response = a.locator("input[name=SAMLResponse]").input_value()
    action = a.locator("form").get_attribute("action")
    # B posts A's response from a page of its own (what an attacker's page would do).
    b.set_content(
        f'<form method="post" action="{action}"><input type="hidden" name="SAMLResponse" '
        f'value="{response}"><button type="submit">Go</button></form>'
    )
    b.get_by_role("button", name="Go").click()
    expect(b.get_by_role("alert")).to_contain_text("started in another browser")
    assert not [c for c in second.cookies() if c["name"] == "aixplore_session"]
    shoot(b, "sso-saml-other-browser")
    # A's own browser is not affected by B's attempt: its response is used up, so A starts
    # again and finishes in the same browser.
    a.goto(f"{base_url}/api/sso/saml/{conn_id}/start?return_to=/orgs")
    a.get_by_label("Login").fill("bob")
    a.get_by_label("Password").fill("password")
    a.get_by_role("button", name="Sign in").click()
    a.get_by_role("button", name="Continue").click()
    expect(a).to_have_url(re.compile(rf"{re.escape(base_url)}/orgs/?$"), timeout=15000)
    expect(a.get_by_role("link", name="Acme")).to_be_visible()
    first.close()
    second.close()


@pytest.mark.allow_console(r"status of 400 .*/api/sso/link")  # the wrong password first
def test_owner_links_the_idp_identity_with_the_password_and_can_remove_it(
    page: Page, base_url: str, op, shoot
) -> None:
    from aixplore.domain.orgs import oidc

    org_id, owner = org_with_domain()
    with session_scope() as db:
        conn_id = oidc.do_configure(
            db,
            actor_for(sign_in(owner)),
            org_id,
            {
                "discovery_url": f"{op.url}/.well-known/openid-configuration",
                "client_id": OIDC_CLIENT_ID,
                "client_secret": OIDC_CLIENT_SECRET,
                "scopes": "openid email profile groups",
            },
        ).id
    page.goto(f"{base_url}/api/sso/oidc/{conn_id}/start?return_to=/settings/security")
    _op_login(page, "owner")
    expect(
        page.get_by_role("heading", name="Sign in with your AiXplore password to link")
    ).to_be_visible(timeout=15000)
    assert not [c for c in page.context.cookies() if c.get("name") == "aixplore_session"]
    assert axe_violations(page) == []
    shoot(page, "sso-link-identity")
    page.get_by_label("AiXplore password").fill("not the password")
    page.get_by_role("button", name="Link and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("incorrect")
    page.get_by_label("AiXplore password").fill("correct horse battery staple")
    page.get_by_role("button", name="Link and sign in").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/settings/security/?$"))
    expect(page.get_by_role("heading", name="Linked sign-ins")).to_be_visible()
    expect(page.get_by_text("Acme · OIDC")).to_be_visible()
    page.get_by_role("button", name="Remove the link to Acme").click()
    # The link opened this very session: removing it signs this browser out.
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/login/?\?next=/settings/security"))
