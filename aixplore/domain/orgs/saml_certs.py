"""An identity provider's X.509 signing certificates: the PEM blocks in a text, and how soon
the first of them expires (the SSO health panel shows it)."""

from __future__ import annotations

import re
from datetime import datetime

from cryptography import x509

from aixplore.core.time import utcnow

PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def first_expiry(pems: str) -> datetime | None:
    """When the first of the IdP certificates expires (None: no readable certificate)."""
    ends: list[datetime] = []
    for pem in PEM.findall(pems):
        try:
            ends.append(x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc)
        except ValueError:
            continue
    return min(ends) if ends else None


def cert_expiry_days(pems: str) -> int | None:
    """Days until the first of the IdP certificates expires (negative: expired)."""
    days: list[int] = []
    for pem in PEM.findall(pems):
        try:
            cert = x509.load_pem_x509_certificate(pem.encode())
        except ValueError:
            continue
        days.append((cert.not_valid_after_utc - utcnow()).days)
    return min(days) if days else None
