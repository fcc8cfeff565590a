"""A real SAML 2.0 identity provider for the tests, built on pysaml2 (signing with xmlsec1).

Run as ``python -m tests.support.idp.saml_idp`` with PORT and WORKDIR. It makes its own
signing key and certificate in WORKDIR (``idp.key``, ``idp.crt``) and serves:

- ``GET /metadata``: IdP metadata (entity ID is this URL).
- ``GET /sso/redirect``: an SP-initiated AuthnRequest (HTTP-Redirect); answers a login form.
- ``GET /idp-init?acs=...&audience=...``: an IdP-initiated (unsolicited) login form.
- ``POST /register-sp``: trust an SP from its metadata (form field ``metadata``).
- ``POST /login``: checks the form and answers an auto-posting form with a signed Response.
- ``GET /slo/redirect``: a LogoutRequest; answers a redirect with a signed LogoutResponse.

Login forms accept the logins of ``servers.ACCOUNTS`` with the password ``password``. Extra
query parameters on the SSO URL are test knobs carried through the form: ``alg=sha1``,
``audience``, ``destination``, ``lifetime`` (minutes, negative: already expired),
``sign_assertion=0`` and ``sign_response=0``.
"""

from __future__ import annotations

import base64
import html
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

from tests.support.idp.servers import ACCOUNTS

SHA256 = (
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmlenc#sha256",
)
SHA1 = ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1")
KNOBS = ("alg", "audience", "destination", "lifetime", "sign_assertion", "sign_response")


def make_keypair(directory: Path, name: str, *, days: int = 365) -> tuple[Path, Path]:
    """A self-signed RSA certificate and key (PEM) valid for ``days``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"AiXplore test {name}")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def build_server(url: str, workdir: Path) -> Server:
    key, cert = workdir / "idp.key", workdir / "idp.crt"
    if not key.exists():
        key, cert = make_keypair(workdir, "idp")
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{url}/metadata",
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(key),
            "cert_file": str(cert),
            "signing_algorithm": SHA256[0],
            "digest_algorithm": SHA256[1],
            "service": {
                "idp": {
                    "name": "AiXplore test IdP",
                    "endpoints": {
                        "single_sign_on_service": [(f"{url}/sso/redirect", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{url}/slo/redirect", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "policy": {
                        "default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_BASIC}
                    },
                    "sign_response": True,
                    "sign_assertion": True,
                    "want_authn_requests_signed": False,
                }
            },
            "metadata": {},
        }
    )
    return Server(config=config)


def _page(title: str, body: str, status: str = "200 OK") -> tuple[str, str]:
    return status, (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1>{body}</body></html>"
    )


def _hidden(fields: dict[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>'
        for k, v in fields.items()
    )


class App:
    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.idp = build_server(url, workdir)

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form: dict[str, str] = {}
        if environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        try:
            status, body, headers = self.route(path, query, form)
        except Exception as exc:  # a test fixture: say what went wrong
            status, body, headers = "400 Bad Request", f"IdP error: {type(exc).__name__}: {exc}", []
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), *headers])
        return [body.encode()]

    def route(self, path, query, form):
        if path == "/metadata":
            xml = create_metadata_string(None, config=self.idp.config, sign=False)
            return "200 OK", xml.decode() if isinstance(xml, bytes) else xml, []
        if path == "/sso/redirect":
            req = self.idp.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
            message = req.message
            fields = {
                "in_response_to": message.id,
                "acs": message.assertion_consumer_service_url,
                "audience": message.issuer.text,
                "relay_state": query.get("RelayState", ""),
                **{k: query[k] for k in KNOBS if k in query},
            }
            return (*self.login_form(fields), [])
        if path == "/idp-init":
            fields = {
                "in_response_to": "",
                "acs": query["acs"],
                "audience": query["audience"],
                "relay_state": query.get("RelayState", ""),
            }
            fields.update({k: query[k] for k in KNOBS if k in query})
            return (*self.login_form(fields), [])
        if path == "/register-sp":
            return (*self.register_sp(form["metadata"]), [])
        if path == "/login":
            return (*self.respond(form), [])
        if path == "/slo/redirect":
            return self.logout(query)
        return "404 Not Found", "not found", []

    def register_sp(self, xml: str):
        """Trust a service provider from its metadata (what an IdP admin does by upload)."""
        store = self.idp.metadata
        for key, md in list(store.metadata.items()):
            if any(entity in xml for entity in md.entity):
                del store.metadata[key]
        store.load("inline", xml)
        return _page("Registered", "<p>ok</p>")

    def login_form(self, fields):
        return _page(
            "Sign in to the test IdP",
            f'<form method="post" action="{self.url}/login">{_hidden(fields)}'
            '<label>Login <input name="login" autocomplete="username"></label>'
            '<label>Password <input type="password" name="password"></label>'
            "<button type=submit>Sign in</button></form>",
        )

    def respond(self, form):
        account = ACCOUNTS.get(form.get("login", ""))
        if account is None or form.get("password") != "password":
            return self.login_form(
                {k: v for k, v in form.items() if k not in ("login", "password")}
            )
        sign_alg, digest_alg = SHA1 if form.get("alg") == "sha1" else SHA256
        lifetime = int(form.get("lifetime", "5"))
        policy = self.idp.config.getattr("policy", "idp")
        policy._restrictions["default"]["lifetime"] = {"minutes": lifetime}
        identity = {
            "email": [account["email"]],
            "name": [account["name"]],
            "groups": account["groups"],
        }
        response = self.idp.create_authn_response(
            identity,
            in_response_to=form.get("in_response_to") or None,
            destination=form.get("destination") or form["acs"],
            sp_entity_id=form["audience"],
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=account["email"]),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=form.get("sign_response", "1") == "1",
            sign_assertion=form.get("sign_assertion", "1") == "1",
            sign_alg=sign_alg,
            digest_alg=digest_alg,
            session_not_on_or_after=None,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        fields = {"SAMLResponse": encoded}
        if form.get("relay_state"):
            fields["RelayState"] = form["relay_state"]
        return _page(
            "Signing you in",
            f'<form method="post" action="{html.escape(form["acs"])}">{_hidden(fields)}'
            "<button type=submit>Continue</button></form>",
        )

    def logout(self, query):
        req = self.idp.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = req.message
        _binding, destination = self.idp.pick_binding(
            "single_logout_service", [BINDING_HTTP_REDIRECT], "spsso", entity_id=message.issuer.text
        )
        response = self.idp.create_logout_response(message, [BINDING_HTTP_REDIRECT], sign=False)
        info = self.idp.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SHA256[0],
        )
        location = dict(info["headers"])["Location"]
        return "303 See Other", "", [("Location", location)]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    port = int(os.environ["PORT"])
    workdir = Path(os.environ["WORKDIR"])
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    server = make_server("127.0.0.1", port, App(url, workdir), handler_class=_Quiet)
    print(f"READY {url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
