"""Single sign-on crypto cost on one core: SAML response validations/s and OIDC callbacks/s.

    .venv/bin/python bench/sso.py [--saml 200] [--oidc 300] [--oidc-live 40]

Runs in one process pinned to one CPU, on a throwaway SQLite database, against the real test
IdPs (pysaml2 and panva's oidc-provider, started here and stopped at the end). Each subject
is printed with p50/p95 and calls per second, next to a baseline measured in the same run on
the same input, so the figures compare across machines as ratios:

- ``saml acs``: ``saml.acs`` in a unit of work (parse, strict checks, XML signature, replay
  insert, parking the identity) and the finish step in another (user and session) per distinct IdP-initiated response; baseline: the bare xmlsec
  signature check of the same assertion.
- ``oidc token+sign-in``: ``validate_id_token`` (RS256, JWKS cached) plus opening the session;
  baseline: a bare ``joserfc`` decode of the same token.
- ``oidc callback (live OP)``: ``oidc.finish`` with a fresh code each time: token exchange
  and userinfo over HTTP to the local OP, ID token checks, sign-in.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from common import latency_stats as stats
from common import scratch_database

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
_TMP = scratch_database("aixplore-bench-sso-")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saml", type=int, default=200)
    parser.add_argument("--oidc", type=int, default=300)
    parser.add_argument("--oidc-live", type=int, default=40)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    import base64

    import httpx
    import xmlsec
    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey
    from lxml import etree

    from aixplore.cli import migrate
    from aixplore.core.db import session_scope
    from aixplore.core.time import utcnow
    from aixplore.domain.accounts import admin as account_admin
    from aixplore.domain.accounts import services as accounts
    from aixplore.domain.accounts.actor_cache import authenticate
    from aixplore.domain.orgs import oidc, saml, sso
    from aixplore.domain.orgs import services as orgs
    from aixplore.domain.orgs.models import OrgDomain
    from aixplore.domain.orgs.sso_models import SsoLoginState
    from tests.support.idp.servers import (
        OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        drive_login,
        hidden_fields,
        oidc_provider,
        saml_idp,
    )

    migrate()
    app = "http://localhost:3000"
    with session_scope() as db:
        account_admin.do_create_verified_member(
            db, email="owner@acme-corp.com", password="bench password 123", display_name="O"
        )
    with session_scope() as db:
        raw = accounts.do_sign_in(
            db, {"email": "owner@acme-corp.com", "password": "bench password 123"}
        )
    actor = authenticate(raw)
    with session_scope() as db:
        org = orgs.do_create_org(db, actor, {"name": "Acme", "slug": "acme"})
        db.add(
            OrgDomain(
                org_id=org.id, domain="acme.com", verification_token="t", verified_at=utcnow()
            )
        )
    results: dict[str, dict[str, float]] = {}

    with saml_idp(_TMP / "idp") as idp, oidc_provider([f"{app}/api/sso/oidc/callback"]) as op:
        # ---- SAML ----
        with session_scope() as db:
            conn = saml.do_configure(
                db,
                actor,
                org.id,
                {"idp_metadata_url": f"{idp.url}/metadata", "allow_idp_initiated": True},
            )
            conn_id, sp_meta, urls = conn.id, saml.sp_metadata(conn), saml.sp_urls(conn)
        httpx.post(f"{idp.url}/register-sp", data={"metadata": sp_meta}).raise_for_status()
        start = f"{idp.url}/idp-init?acs={urls['acs']}&audience={urls['entity_id']}"
        forms = [
            hidden_fields(
                drive_login(start, {"login": "bob", "password": "password"}, app_origin=app).text
            )
            for _ in range(args.saml)
        ]
        cert = (idp.extra["workdir"] / "idp.crt").read_bytes()
        key = xmlsec.Key.from_memory(cert, xmlsec.constants.KeyDataFormatCertPem)

        def bare_verify(form: dict) -> None:
            doc = etree.fromstring(base64.b64decode(form["SAMLResponse"]))
            assertion = doc.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion")
            node = xmlsec.tree.find_node(assertion, xmlsec.constants.NodeSignature)
            ctx = xmlsec.SignatureContext()
            ctx.key = key
            ctx.register_id(assertion, "ID")
            ctx.verify(node)

        def acs(form: dict) -> None:
            from aixplore.domain.orgs.sso_sign_in import Identity, sign_in_identity

            with session_scope() as db:
                c = sso.get_connection(db, conn_id, sso.SsoProtocol.SAML)
                key = saml.acs(db, c, form)
            # The same-site finish step (IdP-initiated: no browser binding to check).
            with session_scope() as db:
                _login, claims = sso.take_parked(db, conn_id, key, None)
                c = sso.get_connection(db, conn_id, sso.SsoProtocol.SAML)
                sign_in_identity(db, c, Identity(**claims))

        results["saml bare signature check"] = stats(
            [timed(lambda f=f: bare_verify(f)) for f in forms]
        )
        results["saml acs"] = stats([timed(lambda f=f: acs(f)) for f in forms])

        # ---- OIDC: token checks + sign-in, local RS256 key ----
        with session_scope() as db:
            oc = oidc.do_configure(
                db,
                actor,
                org.id,
                {
                    "discovery_url": f"{op.url}/.well-known/openid-configuration",
                    "client_id": OIDC_CLIENT_ID,
                    "client_secret": OIDC_CLIENT_SECRET,
                    "scopes": "openid email profile",
                },
            )
            oidc_id = oc.id
        rsa = RSAKey.generate_key(2048, parameters={"kid": "b1", "use": "sig"})
        keys = KeySet([rsa])
        now = int(time.time())
        tokens = [
            (
                jwt.encode(
                    {"alg": "RS256", "kid": "b1"},
                    {
                        "iss": op.url,
                        "aud": OIDC_CLIENT_ID,
                        "sub": f"u{i}",
                        "iat": now,
                        "exp": now + 600,
                        "nonce": f"nonce-{i:08d}",
                    },
                    rsa,
                ),
                f"nonce-{i:08d}",
            )
            for i in range(args.oidc)
        ]
        meta = {"issuer": op.url}

        def token_and_sign_in(tok: str, nonce: str) -> None:
            with session_scope() as db:
                c = sso.get_connection(db, oidc_id, sso.SsoProtocol.OIDC)
                oidc.validate_id_token(c, meta, tok, nonce, keys)
                sso.complete_sign_in(db, c, email="bob@acme.com", name="Bob", groups=[])

        results["oidc bare jwt decode"] = stats(
            [timed(lambda t=t: jwt.decode(t, keys, algorithms=["RS256"])) for t, _ in tokens]
        )
        results["oidc token+sign-in"] = stats(
            [timed(lambda t=t, n=n: token_and_sign_in(t, n)) for t, n in tokens]
        )

        # ---- OIDC: the full callback against the live OP ----
        pending = []
        for _ in range(args.oidc_live):
            with session_scope() as db:
                c = sso.get_connection(db, oidc_id, sso.SsoProtocol.OIDC)
                url, state = oidc.start(db, c)
            back = drive_login(url, {"login": "bob"}, app_origin=app)
            params = dict(httpx.URL(back.headers["location"]).params)
            with session_scope() as db:
                login = sso.consume_login_state(db, state)
                assert isinstance(login, SsoLoginState)
            pending.append((login, params))

        def finish(login, params) -> None:
            with session_scope() as db:
                c = sso.get_connection(db, oidc_id, sso.SsoProtocol.OIDC)
                oidc.finish(db, c, login, params)

        results["oidc callback (live OP)"] = stats(
            [timed(lambda lp=lp: finish(*lp)) for lp in pending]
        )

    print(f"{'subject':32} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'per s':>8}")
    for name, r in results.items():
        print(f"{name:32} {r['n']:5d} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['per_s']:8.1f}")
    saml_ratio = results["saml acs"]["p50_ms"] / results["saml bare signature check"]["p50_ms"]
    oidc_ratio = results["oidc token+sign-in"]["p50_ms"] / results["oidc bare jwt decode"]["p50_ms"]
    print(f"saml acs / bare signature check (p50): {saml_ratio:.1f}x")
    print(f"oidc token+sign-in / bare jwt decode (p50): {oidc_ratio:.1f}x")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"sso-{int(time.time())}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
