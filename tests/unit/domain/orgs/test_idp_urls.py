"""IdP addresses are parsed: plain http only for this machine, and only in development/test."""

from __future__ import annotations

import pytest

from aixplore.core.errors import ValidationFailed
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.services import parse_input
from aixplore.domain.orgs.sso_models import OidcConnectionInput, idp_url_problem

LOOKALIKES = [
    "http://localhost.evil.example/.well-known/openid-configuration",
    "http://127.0.0.1.nip.io/.well-known/openid-configuration",
    "http://localhost@evil.example/.well-known/openid-configuration",
    "http://127.0.0.1@evil.example/",
    "http://127.0.0.1:80@evil.example/",
    "https://user:secret@idp.example.com/",
    "http://evil.example/",
    "http://10.0.0.1/",
    "ftp://idp.example.com/",
    "http://[::1/",
]
LOCAL = [
    "http://localhost:8080/x",
    "http://127.0.0.1:9000/x",
    "http://127.3.4.5/x",
    "http://[::1]:81/x",
]


@pytest.mark.parametrize("url", LOOKALIKES)
def test_lookalike_and_remote_plain_http_addresses_are_refused(url: str) -> None:
    assert idp_url_problem(url) is not None
    with pytest.raises(ValidationFailed, match="The discovery URL"):
        parse_input(OidcConnectionInput, {"discovery_url": url, "client_id": "c"})


@pytest.mark.parametrize(
    "url", [*LOCAL, "https://login.example.com/.well-known/openid-configuration"]
)
def test_https_and_loopback_http_in_test_are_accepted(url: str) -> None:
    assert idp_url_problem(url) is None


def test_loopback_http_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "env", "production")
    for url in LOCAL:
        assert idp_url_problem(url) == "must use https"
    assert idp_url_problem("https://login.example.com/") is None
