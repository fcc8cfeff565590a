"""Social sign-in settings: a provider is offered only with both halves of its app; secrets
are not placeholders."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aixplore.core.settings import Settings

KEY = "a-real-secret-key-for-these-tests-0123456789"
REAL = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("name", ["google", "github_signin"])
def test_a_placeholder_secret_is_refused_outside_development(name: str) -> None:
    with pytest.raises(ValidationError, match=f"AIXPLORE_{name.upper()}_CLIENT_SECRET"):
        Settings(env="production", secret_key=KEY, **{f"{name}_client_secret": "change-me"})


def test_a_provider_is_offered_only_when_its_app_is_complete() -> None:
    assert Settings(env="production", secret_key=KEY).social_providers == []
    half = Settings(
        env="production", secret_key=KEY, google_client_id="id", github_signin_client_secret=REAL
    )
    assert half.social_providers == []
    both = Settings(
        env="production",
        secret_key=KEY,
        google_client_id="id.apps.googleusercontent.com",
        google_client_secret=REAL,
        github_signin_client_id="Iv1.x",
        github_signin_client_secret=REAL,
    )
    assert both.social_providers == ["google", "github"]
    blank = Settings(google_client_id="", google_client_secret="")
    assert blank.google_client_id is None and blank.social_providers == []
