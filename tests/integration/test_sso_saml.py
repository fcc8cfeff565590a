"""SAML sign-in against a real pysaml2 IdP (signing rsa-sha256 with xmlsec1), and attacks."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from aixplore.core.db import session_scope
from aixplore.domain.orgs import saml
from aixplore.domain.orgs import services as orgs
from aixplore.domain.orgs.models import OrgRole
from aixplore.domain.orgs.sso_models import SsoConnection
from tests.factories import actor_for
from tests.integration.sso_helpers import APP, app_client, org_with_admin, session_provider
from tests.support.idp.servers import drive_login, form_action, hidden_fields, saml_idp


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with saml_idp(tmp_path_factory.mktemp("saml-idp")) as running:
        yield running


def _configure(idp, actor, org_id, **extra) -> int:
    data = {"idp_metadata_url": f"{idp.url}/metadata", "admin_groups": "sso-admins", **extra}
    with session_scope() as db:
        conn_id = saml.do_configure(db, actor, org_id, data).id
    # The IdP's admin uploads our SP metadata, as in real life.
    metadata = app_client().get(f"/api/sso/saml/{conn_id}/metadata").text
    assert httpx.post(f"{idp.url}/register-sp", data={"metadata": metadata}).status_code == 200
    return conn_id


def _response_form(client, conn_id: int, login: str = "bob", knobs: str = "", **query):
    """Start at the app, sign in at the IdP; the auto-post form's fields (not yet posted)."""
    start = client.get(f"/api/sso/saml/{conn_id}/start", params=query)
    assert start.status_code == 303, start.text
    page = drive_login(
        start.headers["location"] + knobs, {"login": login, "password": "password"}, app_origin=APP
    )
    assert form_action(page.text).startswith(f"{APP}/api/sso/saml/{conn_id}/acs")
    return hidden_fields(page.text)


def _post(client, conn_id: int, fields: dict):
    """Post the IdP's response to the ACS, then (as a browser does) follow its 303 to the
    same-site finish step, where the session is opened."""
    posted = client.post(f"/api/sso/saml/{conn_id}/acs", data=fields)
    location = posted.headers.get("location", "")
    if posted.status_code == 303 and location.startswith(f"/api/sso/saml/{conn_id}/finish?"):
        return client.get(location)
    return posted


def _xml(fields) -> str:
    return base64.b64decode(fields["SAMLResponse"]).decode()


def _with_xml(fields, xml: str) -> dict:
    return {**fields, "SAMLResponse": base64.b64encode(xml.encode()).decode()}


def test_sp_initiated_round_trip_and_sp_metadata(idp) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    client = app_client()
    meta = client.get(f"/api/sso/saml/{conn_id}/metadata")
    assert meta.status_code == 200 and f"{APP}/api/sso/saml/{conn_id}/acs" in meta.text
    fields = _response_form(client, conn_id, "alice", return_to="/events")
    assert 'SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"' in _xml(
        fields
    )
    done = _post(client, conn_id, fields)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/events"
    raw = client.cookies.get("aixplore_session")
    alice = actor_for(raw)
    assert alice is not None and alice.email == "alice@acme.com"
    assert session_provider(raw) == "saml:acme"
    with session_scope() as db:
        assert orgs.get_org(db, alice, org.id).role == OrgRole.ADMIN
        assert db.get(SsoConnection, conn_id).last_success_at is not None


def test_replayed_assertion_is_refused(idp) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id, allow_idp_initiated=True)
    client = app_client()
    fields = _response_form(client, conn_id)
    assert _post(client, conn_id, fields).status_code == 303
    again = _post(app_client(), conn_id, fields)
    assert again.status_code == 400
    assert "already used" in again.text or "no sign-in we started" in again.text
    # Unsolicited replays (no InResponseTo) hit the assertion-ID memory.
    unsolicited = drive_login(
        f"{idp.url}/idp-init?acs={APP}/api/sso/saml/{conn_id}/acs&audience={APP}/api/sso/saml/{conn_id}/metadata",
        {"login": "bob", "password": "password"},
        app_origin=APP,
    )
    f2 = hidden_fields(unsolicited.text)
    assert _post(app_client(), conn_id, f2).status_code == 303
    replay = _post(app_client(), conn_id, f2)
    assert replay.status_code == 400 and "replay" in replay.text


def test_response_for_another_sp_is_refused_for_its_audience(idp) -> None:
    org_a, actor_a, _ = org_with_admin("acme")
    org_b, actor_b, _ = org_with_admin("beta", domain="beta.com")
    conn_a = _configure(idp, actor_a, org_a.id, allow_idp_initiated=True)
    conn_b = _configure(idp, actor_b, org_b.id, allow_idp_initiated=True)
    page = drive_login(
        f"{idp.url}/idp-init?acs={APP}/api/sso/saml/{conn_b}/acs&audience={APP}/api/sso/saml/{conn_b}/metadata",
        {"login": "bob", "password": "password"},
        app_origin=APP,
    )
    for_b = hidden_fields(page.text)
    refused = _post(app_client(), conn_a, for_b)
    assert refused.status_code == 400 and "was received at" in refused.text
    # With the destination also rewritten to A, the audience check still refuses it.
    page = drive_login(
        f"{idp.url}/idp-init?acs={APP}/api/sso/saml/{conn_a}/acs&audience={APP}/api/sso/saml/{conn_b}/metadata",
        {"login": "bob", "password": "password"},
        app_origin=APP,
    )
    refused = _post(app_client(), conn_a, hidden_fields(page.text))
    assert refused.status_code == 400 and "audience" in refused.text.lower()


def test_idp_initiated_is_refused_unless_allowed(idp) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    page = drive_login(
        f"{idp.url}/idp-init?acs={APP}/api/sso/saml/{conn_id}/acs&audience={APP}/api/sso/saml/{conn_id}/metadata",
        {"login": "bob", "password": "password"},
        app_origin=APP,
    )
    refused = _post(app_client(), conn_id, hidden_fields(page.text))
    assert (
        refused.status_code == 400
        and "started at the identity provider are turned off" in refused.text
    )


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ("&alg=sha1", "Deprecated"),
        ("&destination=https://elsewhere.example/acs", "instead of https://elsewhere.example/acs"),
        ("&lifetime=-30", "expired"),
        ("&sign_assertion=0&sign_response=0", "signed"),
        ("&sign_assertion=0", "signed"),
    ],
)
def test_bad_responses_from_the_idp_are_refused(idp, knobs: str, message: str) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    client = app_client()
    fields = _response_form(client, conn_id, knobs=knobs)
    refused = _post(client, conn_id, fields)
    assert refused.status_code == 400, refused.text
    assert message.lower() in refused.text.lower(), refused.text
    assert client.cookies.get("aixplore_session") is None
    with session_scope() as db:
        assert db.get(SsoConnection, conn_id).last_failure_reason


def test_tampered_wrapped_and_malformed_responses_are_refused(idp) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    client = app_client()
    fields = _response_form(client, conn_id, "bob")
    xml = _xml(fields)
    # Tampering with the signed email.
    tampered = _post(
        client, conn_id, _with_xml(fields, xml.replace("bob@acme.com", "alice@acme.com"))
    )
    assert tampered.status_code == 400 and "Single sign-on failed" in tampered.text
    # Signature wrapping: a second, unsigned assertion beside the signed one.
    assertion = re.search(r"<(\w+:)?Assertion .*?</(\w+:)?Assertion>", xml, re.S).group(0)
    evil = re.sub(
        r"<ns\d:Signature.*?</ns\d:Signature>|<ds:Signature.*?</ds:Signature>",
        "",
        assertion,
        flags=re.S,
    )
    evil = evil.replace("bob@acme.com", "alice@acme.com").replace('ID="', 'ID="evil')
    wrapped = _post(client, conn_id, _with_xml(fields, xml.replace(assertion, evil + assertion)))
    assert wrapped.status_code == 400 and "Single sign-on failed" in wrapped.text
    for junk in (
        "<not-xml",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    ):
        bad = _post(client, conn_id, _with_xml(fields, junk))
        assert bad.status_code == 400 and "Single sign-on failed" in bad.text
    assert _post(client, conn_id, {"SAMLResponse": "%%%"}).status_code == 400
    assert client.cookies.get("aixplore_session") is None
    # The genuine response still works afterwards (the request was not used up by junk).


def test_unknown_signing_certificate_and_rollover(idp, tmp_path) -> None:
    from tests.support.idp.saml_idp import make_keypair

    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    _key, other = make_keypair(tmp_path, "other")
    real = (idp.extra["workdir"] / "idp.crt").read_text()
    with session_scope() as db:
        db.get(SsoConnection, conn_id).idp_certs = other.read_text()
    client = app_client()
    refused = _post(client, conn_id, _response_form(client, conn_id))
    assert refused.status_code == 400 and "signature" in refused.text.lower()
    # Rollover: the old and the new certificate are trusted at once.
    with session_scope() as db:
        saml.do_add_certificate(db, actor, org.id, real)
    assert _post(client, conn_id, _response_form(client, conn_id)).status_code == 303


def test_single_logout_round_trip_through_the_idp(idp) -> None:
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    client = app_client()
    assert _post(client, conn_id, _response_form(client, conn_id, "bob")).status_code == 303
    raw = client.cookies.get("aixplore_session")
    assert actor_for(raw) is not None
    out = client.get(f"/api/sso/saml/{conn_id}/logout")
    assert out.status_code == 303 and out.headers["location"].startswith(f"{idp.url}/slo/redirect")
    assert actor_for(raw) is None  # the local session ended at once
    at_idp = httpx.get(out.headers["location"])
    assert at_idp.status_code == 303, at_idp.text
    back = at_idp.headers["location"]
    assert back.startswith(f"{APP}/api/sso/saml/{conn_id}/sls?SAMLResponse=")
    done = client.get(back.removeprefix(APP))
    assert done.status_code == 303, done.text
    # A logout request claiming to come from the IdP must be signed.
    unsigned = client.get(f"/api/sso/saml/{conn_id}/sls", params={"SAMLRequest": "AAAA"})
    assert unsigned.status_code == 400


def test_idp_metadata_by_upload_and_bad_metadata(idp) -> None:
    from aixplore.core.errors import ValidationFailed

    org, actor, _owner = org_with_admin()
    xml = httpx.get(f"{idp.url}/metadata").text
    with session_scope() as db:
        conn = saml.do_configure(db, actor, org.id, {"idp_metadata_xml": xml})
        assert conn.idp_entity_id == f"{idp.url}/metadata"
        assert conn.idp_sso_url == f"{idp.url}/sso/redirect"
        assert len(saml.idp_certs(conn)) == 1
        assert 300 <= saml.cert_expiry_days(conn.idp_certs) <= 366
    bad = {
        "<not-xml": "not valid SAML metadata",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>': "not valid SAML metadata",
        "": "Give the IdP metadata",
    }
    for text, message in bad.items():
        with session_scope() as db, pytest.raises(ValidationFailed, match=message):
            saml.do_configure(db, actor, org.id, {"idp_metadata_xml": text})
    with session_scope() as db, pytest.raises(ValidationFailed, match="https"):
        saml.do_configure(db, actor, org.id, {"idp_metadata_url": "http://evil.example/metadata"})


def test_a_response_obtained_in_one_browser_does_not_sign_in_another(idp) -> None:
    """Login CSRF: the ACS answers a 303 to a same-site GET that must carry the cookie set
    where the sign-in started; a fresh browser posting the same response gets a clear page."""
    org, actor, _owner = org_with_admin()
    conn_id = _configure(idp, actor, org.id)
    started_here = app_client()
    fields = _response_form(started_here, conn_id, "bob")
    fresh = app_client()
    posted = fresh.post(f"/api/sso/saml/{conn_id}/acs", data=fields)
    assert posted.status_code == 303, posted.text
    finish = posted.headers["location"]
    assert finish.startswith(f"/api/sso/saml/{conn_id}/finish?k=")
    refused = fresh.get(finish)
    assert refused.status_code == 400
    assert "started in another browser" in refused.text
    assert fresh.cookies.get("aixplore_session") is None
    # The browser that started it finishes it with its own cookie.
    done = started_here.get(finish)
    assert done.status_code == 303, done.text
    assert actor_for(started_here.cookies.get("aixplore_session")).email == "bob@acme.com"
    # And only once.
    assert started_here.get(finish).status_code == 400
