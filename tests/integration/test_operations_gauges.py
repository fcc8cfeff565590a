"""The app-wide gauges /metrics reads at each scrape: a stuck order lease and an SSO
certificate near its expiry show up as the alerts expect them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from aixplore.api.app import build_api
from aixplore.core.db import session_scope
from aixplore.core.settings import get_settings
from aixplore.core.time import utcnow
from aixplore.domain.orders.models import Order, OrderStatus
from aixplore.domain.orgs.sso_models import SsoConnection, SsoProtocol
from tests.factories import make_member, make_org


def _scrape() -> dict[str, list]:
    text = TestClient(build_api()).get("/metrics").text
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def _certificate(days: int) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.com")])
    now = utcnow()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_each_enabled_saml_connection_exports_its_first_certificate_expiry() -> None:
    make_member(email="owner@example.com")
    org_id = make_org("owner@example.com")
    soon, later = _certificate(days=10), _certificate(days=400)
    with session_scope() as db:
        saml = SsoConnection(org_id=org_id, protocol=SsoProtocol.SAML, idp_certs=later + soon)
        off = SsoConnection(org_id=org_id, protocol=SsoProtocol.SAML, idp_certs=soon, enabled=False)
        db.add_all([saml, off])
        db.flush()
        saml_id = saml.id
    (sample,) = _scrape()["aixplore_sso_certificate_expiry_timestamp_seconds"]
    assert sample.labels == {"connection_id": str(saml_id), "org_id": str(org_id)}
    days_left = (sample.value - utcnow().timestamp()) / 86400
    assert days_left == pytest.approx(10, abs=0.01)  # the first to expire of the two


def test_an_order_whose_lease_stopped_being_renewed_shows_its_age() -> None:
    member = make_member(email="buyer@example.com")
    stalled = timedelta(minutes=5)
    with session_scope() as db:
        db.add(
            Order(
                user_id=member.id,
                status=OrderStatus.GENERATING,
                lease_token="held-by-a-dead-worker",
                lease_until=utcnow() - stalled,
            )
        )
    scrape = _scrape()
    (running,) = scrape["aixplore_orders_in_pipeline"]
    (lease_age,) = scrape["aixplore_order_lease_age_seconds"]
    assert running.value == 1
    expected = stalled.total_seconds() + get_settings().job_lease_seconds
    assert lease_age.value == pytest.approx(expected, abs=5)
