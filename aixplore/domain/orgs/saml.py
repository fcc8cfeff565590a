"""SAML 2.0 sign-in per organization with python3-saml in strict mode.

Signed assertions are required, SHA-1 is refused (``rejectDeprecatedAlgorithm``), audience,
recipient and destination must name this connection's SP, DTDs and entities are refused by
the parser, the clock tolerance comes from settings, and every accepted assertion ID is
stored (``sso_replay``) so the same assertion is refused the second time, on any worker.
A response to a sign-in we started must answer a request we remember (``InResponseTo``);
unsolicited (IdP-initiated) responses are accepted only where the org allows them.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from sqlmodel import Session

from aixplore.core import tracing
from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import parse_input
from aixplore.domain.orgs import sso
from aixplore.domain.orgs.saml_certs import PEM
from aixplore.domain.orgs.saml_certs import cert_expiry_days as cert_expiry_days
from aixplore.domain.orgs.services import org_audit
from aixplore.domain.orgs.sso_changes import announce_sso_change
from aixplore.domain.orgs.sso_models import (
    SamlConnectionInput,
    SsoConnection,
    SsoProtocol,
    idp_url_problem,
)

MAX_RESPONSE_BYTES = 256_000


def sp_urls(conn: SsoConnection) -> dict[str, str]:
    """This connection's SP entity ID, assertion consumer and logout addresses."""
    base = f"{get_settings().base_url.rstrip('/')}/api/sso/saml/{conn.id}"
    return {"entity_id": f"{base}/metadata", "acs": f"{base}/acs", "sls": f"{base}/sls"}


def idp_certs(conn: SsoConnection) -> list[str]:
    """The IdP signing certificates (several during a rollover), as PEM."""
    return PEM.findall(conn.idp_certs)


def saml_settings(conn: SsoConnection) -> OneLogin_Saml2_Settings:
    """python3-saml settings for a connection, strict."""
    OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT = get_settings().sso_clock_skew_seconds  # pyright: ignore[reportAttributeAccessIssue]
    urls = sp_urls(conn)
    idp: dict[str, Any] = {
        "entityId": conn.idp_entity_id or "unset",
        "singleSignOnService": {
            "url": conn.idp_sso_url or "https://unset.invalid/sso",
            "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
        },
        "x509certMulti": {"signing": idp_certs(conn) or [""]},
    }
    if conn.idp_slo_url:
        idp["singleLogoutService"] = {
            "url": conn.idp_slo_url,
            "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
        }
    data = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": urls["entity_id"],
            "assertionConsumerService": {
                "url": urls["acs"],
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
            "singleLogoutService": {
                "url": urls["sls"],
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            "NameIDFormat": OneLogin_Saml2_Constants.NAMEID_EMAIL_ADDRESS,
        },
        "idp": idp,
        "security": {
            "authnRequestsSigned": False,
            "logoutRequestSigned": False,
            "logoutResponseSigned": False,
            "wantAssertionsSigned": True,
            "wantMessagesSigned": False,
            "wantNameId": True,
            "wantAttributeStatement": False,
            "requestedAuthnContext": False,
            "rejectDeprecatedAlgorithm": True,
            "rejectUnsolicitedResponsesWithInResponseTo": True,
            "allowRepeatAttributeName": True,
            "signatureAlgorithm": OneLogin_Saml2_Constants.RSA_SHA256,
            "digestAlgorithm": OneLogin_Saml2_Constants.SHA256,
        },
    }
    return OneLogin_Saml2_Settings(data, sp_validation_only=not conn.idp_entity_id)


def request_data(conn: SsoConnection, path: str, *, get: Any = None, post: Any = None) -> dict:
    """The request as python3-saml sees it, built from the configured public address."""
    base = urlsplit(get_settings().base_url)
    https = base.scheme == "https"
    return {
        "https": "on" if https else "off",
        "http_host": base.hostname or "localhost",
        "server_port": str(base.port or (443 if https else 80)),
        "script_name": path,
        "get_data": dict(get or {}),
        "post_data": dict(post or {}),
    }


def sp_metadata(conn: SsoConnection) -> str:
    """This connection's SP metadata XML."""
    meta: Any = saml_settings(conn).get_sp_metadata()
    return meta.decode() if isinstance(meta, bytes) else str(meta)


# ---- Configuration ----


def _parse_metadata(conn_id: int | None, *, url: str, xml: str) -> dict[str, Any]:
    try:
        if xml.strip():
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml)
        else:
            response = httpx.get(url, timeout=10)
            response.raise_for_status()
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(response.text)
    except httpx.HTTPError as exc:
        raise ValidationFailed("The IdP metadata could not be downloaded.") from exc
    except Exception as exc:  # lxml, defusedxml and the parser raise many kinds
        raise ValidationFailed("The IdP metadata is not valid SAML metadata XML.") from exc
    idp = parsed.get("idp") or {}
    if not idp.get("entityId") or not idp.get("singleSignOnService", {}).get("url"):
        raise ValidationFailed("The IdP metadata has no entity ID or sign-on address.")
    certs = list(idp.get("x509certMulti", {}).get("signing", []))
    if idp.get("x509cert"):
        certs.append(idp["x509cert"])
    if not certs:
        raise ValidationFailed("The IdP metadata has no signing certificate.")
    return {
        "entity_id": idp["entityId"],
        "sso_url": idp["singleSignOnService"]["url"],
        "slo_url": idp.get("singleLogoutService", {}).get("url", ""),
        "certs": "\n".join(OneLogin_Saml2_Utils.format_cert(c) for c in dict.fromkeys(certs)),
    }


def do_configure(session: Session, actor: Actor | None, org_id: Any, data: Any) -> SsoConnection:
    """Set an organization's SAML connection from IdP metadata (URL or XML)."""
    org, conn = sso.admin_connection(session, actor, org_id, SsoProtocol.SAML, change=True)
    assert actor is not None
    form: SamlConnectionInput = parse_input(SamlConnectionInput, data)
    if not form.idp_metadata_url and not form.idp_metadata_xml:
        raise ValidationFailed("Give the IdP metadata URL or paste its XML.")
    problem = idp_url_problem(form.idp_metadata_url) if form.idp_metadata_url else None
    if problem is not None:
        raise ValidationFailed(f"The metadata URL {problem}.", field="idp_metadata_url")
    meta = _parse_metadata(conn.id, url=form.idp_metadata_url, xml=form.idp_metadata_xml)
    conn.idp_metadata_url = form.idp_metadata_url
    conn.idp_entity_id, conn.idp_sso_url = meta["entity_id"], meta["sso_url"]
    conn.idp_slo_url, conn.idp_certs = meta["slo_url"], meta["certs"]
    conn.allow_idp_initiated = form.allow_idp_initiated
    conn.email_attr, conn.name_attr = form.email_attr, form.name_attr
    conn.groups_attr, conn.admin_groups = form.groups_attr, form.admin_groups
    conn.enabled = form.enabled
    session.add(conn)
    session.flush()
    detail = {
        "enabled": conn.enabled,
        "idp": conn.idp_entity_id,
        "certificates": len(idp_certs(conn)),
        "allow_idp_initiated": conn.allow_idp_initiated,
        "mapping": {"email": conn.email_attr, "name": conn.name_attr, "groups": conn.groups_attr},
        "admin_groups": conn.admin_groups,
    }
    org_audit(session, actor.user_id, conn.org_id, "sso.saml_configured", f"sso:{conn.id}", detail)
    announce_sso_change(
        session,
        org,
        actor,
        "the SAML connection was saved",
        f"Identity provider: {conn.idp_entity_id}.",
    )
    return conn


def do_add_certificate(session: Session, actor: Actor | None, org_id: Any, pem: Any) -> None:
    """Trust one more IdP certificate (for a rollover), next to the current ones."""
    org, conn = sso.admin_connection(session, actor, org_id, SsoProtocol.SAML, change=True)
    assert actor is not None
    if not isinstance(pem, str) or len(pem) > 20_000 or not PEM.search(pem):
        raise ValidationFailed("Paste a PEM certificate (BEGIN CERTIFICATE ... END CERTIFICATE).")
    for found in PEM.findall(pem):
        try:
            x509.load_pem_x509_certificate(found.encode())
        except ValueError as exc:
            raise ValidationFailed("That certificate could not be read.") from exc
    conn.idp_certs = "\n".join(dict.fromkeys([*idp_certs(conn), *PEM.findall(pem)]))
    session.add(conn)
    org_audit(
        session,
        actor.user_id,
        conn.org_id,
        "sso.certificate_added",
        f"sso:{conn.id}",
        {"certificates": len(idp_certs(conn))},
    )
    announce_sso_change(session, org, actor, "a signing certificate of the SAML IdP was added")


# ---- Sign-in ----


def start(
    session: Session, conn: SsoConnection, *, return_to: str = "/", test_only: bool = False
) -> tuple[str, str]:
    """Begin an SP-initiated sign-in: the IdP address with a fresh AuthnRequest, and the
    secret of the cookie that binds the sign-in to this browser."""
    urls = sp_urls(conn)
    auth = OneLogin_Saml2_Auth(request_data(conn, urlsplit(urls["acs"]).path), saml_settings(conn))
    url = auth.login(return_to=sso.safe_return_to(return_to))
    request_id = str(auth.get_last_request_id() or "")
    browser = sso.new_state_token()
    sso.new_login_state(
        session,
        conn,
        key=request_id,
        return_to=return_to,
        test_only=test_only,
        browser_secret=browser,
    )
    return url, browser


def _decode(conn: SsoConnection, raw: Any) -> str:
    if not isinstance(raw, str) or not raw or len(raw) > MAX_RESPONSE_BYTES:
        raise sso.refuse(conn.id, "no SAML response, or one that is too large")
    try:
        xml = base64.b64decode(raw, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise sso.refuse(conn.id, "the SAML response is not base64") from exc
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise sso.refuse(conn.id, "the SAML response contains a DTD or entities")
    return raw


def acs(session: Session, conn: SsoConnection, post: dict[str, str]) -> str:
    """Check a posted SAML response and keep the identity it asserts; the one-time key with
    which the browser that started the sign-in finishes it (``sso.take_parked``)."""
    with tracing.span("saml response", sso_connection=conn.id, org=conn.org_id):
        return _acs(session, conn, post)


def _acs(session: Session, conn: SsoConnection, post: dict[str, str]) -> str:
    settings = saml_settings(conn)
    raw = _decode(conn, post.get("SAMLResponse"))
    try:
        in_response_to = OneLogin_Saml2_Response(settings, raw).get_in_response_to()
    except Exception as exc:  # malformed XML of any kind
        raise sso.refuse(conn.id, "the SAML response is not valid XML") from exc
    login = None
    if in_response_to:
        login = sso.consume_login_state(session, in_response_to)
        if login is None or login.connection_id != conn.id:
            raise sso.refuse(conn.id, "the response answers no sign-in we started (or a used one)")
    elif not conn.allow_idp_initiated:
        raise sso.refuse(conn.id, "sign-ins started at the identity provider are turned off")
    try:
        identity = _validate(session, conn, settings, post, in_response_to)
    except sso.SsoRefused as exc:
        exc.test_only = bool(login and login.test_only)
        raise
    return sso.park_identity(session, conn, login, identity, return_to=post.get("RelayState", "/"))


def _validate(
    session: Session,
    conn: SsoConnection,
    settings: OneLogin_Saml2_Settings,
    post: dict[str, str],
    in_response_to: str | None,
) -> dict[str, Any]:
    path = urlsplit(sp_urls(conn)["acs"]).path
    auth = OneLogin_Saml2_Auth(request_data(conn, path, post=post), settings)
    try:
        auth.process_response(request_id=in_response_to)
    except (OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError) as exc:
        raise sso.refuse(conn.id, f"the SAML response was refused: {exc}") from exc
    except Exception as exc:
        raise sso.refuse(conn.id, "the SAML response could not be read") from exc
    if auth.get_errors() or not auth.is_authenticated():
        reason = auth.get_last_error_reason() or ", ".join(auth.get_errors()) or "not authenticated"
        raise sso.refuse(conn.id, f"the SAML response was refused: {reason}")
    assertion_id = auth.get_last_assertion_id()
    until = auth.get_last_assertion_not_on_or_after()
    expires = utcnow() + timedelta(hours=1)
    if isinstance(until, int | float):
        from datetime import UTC, datetime

        expires = max(expires, datetime.fromtimestamp(until, tz=UTC) + timedelta(minutes=10))
    if not assertion_id or not sso.remember_once(
        session, f"saml:{conn.id}:{assertion_id}", expires
    ):
        raise sso.refuse(conn.id, "this assertion was already used (replay)")
    issued = auth.get_last_assertion_issue_instant()
    sso.record_skew(session, conn, issued)
    attrs = auth.get_attributes()

    def first(name: str) -> Any:
        values = attrs.get(name) or []
        return values[0] if values else None

    name_id = auth.get_nameid()
    if not isinstance(name_id, str) or not name_id:
        raise sso.refuse(conn.id, "the SAML response names no subject (NameID)")
    groups = [g for g in attrs.get(conn.groups_attr) or [] if isinstance(g, str)]
    return {
        "issuer": conn.idp_entity_id,
        "subject": name_id,
        "email": first(conn.email_attr) or name_id,
        "name": first(conn.name_attr),
        "groups": groups,
    }


# ---- Single logout ----


def start_logout(session: Session, conn: SsoConnection, email: str) -> str | None:
    """The IdP address ending its session too (None when the IdP offers no single logout)."""
    if not conn.idp_slo_url:
        return None
    path = urlsplit(sp_urls(conn)["sls"]).path
    auth = OneLogin_Saml2_Auth(request_data(conn, path), saml_settings(conn))
    url = auth.logout(
        return_to="/", name_id=email, name_id_format=OneLogin_Saml2_Constants.NAMEID_EMAIL_ADDRESS
    )
    sso.new_login_state(session, conn, key=str(auth.get_last_request_id() or ""))
    return url


def handle_sls(
    session: Session, conn: SsoConnection, get: dict[str, str]
) -> tuple[str, str | None]:
    """The IdP's answer to our logout, or its own signed logout request.

    Returns (where to send the browser, email whose SAML sessions with this org must end).
    A logout request from the IdP must be signed: otherwise anyone could sign users out.
    """
    path = urlsplit(sp_urls(conn)["sls"]).path
    settings = saml_settings(conn)
    ended: str | None = None
    if "SAMLRequest" in get:
        from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request

        settings.get_security_data()["wantMessagesSigned"] = True
        try:
            xml = OneLogin_Saml2_Logout_Request(settings, get["SAMLRequest"]).get_xml()
            ended = str(OneLogin_Saml2_Logout_Request.get_nameid(xml)).lower()
        except Exception as exc:
            raise sso.refuse(conn.id, "the logout request could not be read") from exc
    elif "SAMLResponse" not in get:
        raise sso.refuse(conn.id, "no logout message")
    auth = OneLogin_Saml2_Auth(request_data(conn, path, get=get), settings)
    try:
        url = auth.process_slo(keep_local_session=True)
    except (OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError) as exc:
        raise sso.refuse(conn.id, f"the logout message was refused: {exc}") from exc
    if auth.get_errors():
        reason = auth.get_last_error_reason() or ", ".join(auth.get_errors())
        raise sso.refuse(conn.id, f"the logout message was refused: {reason}")
    return url or "/", ended
