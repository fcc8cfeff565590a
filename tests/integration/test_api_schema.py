"""Schemathesis against the published OpenAPI document: no 5xx, answers match the schema.

Every operation is called with generated inputs (valid and invalid), signed in with a key that
holds every scope, so the writes run too. A failure names the operation and a reproduction.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aixplore.api.app import build_api
from aixplore.core.settings import get_settings
from aixplore.domain.apikeys.models import ALL_SCOPES
from tests.api_support import bearer, make_key
from tests.factories import make_admin, make_solution

schema = schemathesis.openapi.from_asgi("/api/openapi.json", build_api())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("api_read_limit", "api_write_limit", "api_user_limit", "api_ip_limit"):
        monkeypatch.setattr(get_settings(), name, "1000000/minute")
    admin = make_admin()  # the audit scopes are for platform admins
    key = make_key(admin.email, list(ALL_SCOPES))
    make_solution(
        admin.email, name="Schema Probe", tagline="A listing the generated calls can find"
    )
    return key


@schema.parametrize()
@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
def test_every_operation_answers_within_its_schema(case, api_key: str) -> None:
    case.call_and_validate(headers=bearer(api_key), checks=CHECKS)
