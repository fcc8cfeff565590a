"""GitHub OAuth app settings: "configured" needs both halves; secrets are not placeholders."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aixplore.core.settings import Settings

KEY = "a-real-secret-key-for-these-tests-0123456789"


@pytest.mark.parametrize("secret", ["change-me", "secret", "too-short"])
def test_a_placeholder_client_secret_is_refused_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match="AIXPLORE_GITHUB_OAUTH_CLIENT_SECRET"):
        Settings(env="production", secret_key=KEY, github_oauth_client_secret=secret)
    assert Settings(env="development", github_oauth_client_secret=secret)


def test_oauth_is_configured_with_both_id_and_secret_only() -> None:
    real = "0123456789abcdef0123456789abcdef01234567"
    assert not Settings(env="production", secret_key=KEY).github_oauth_enabled
    assert not Settings(
        env="production", secret_key=KEY, github_oauth_client_id="Iv1.x"
    ).github_oauth_enabled
    both = Settings(
        env="production",
        secret_key=KEY,
        github_oauth_client_id="Iv1.abc",
        github_oauth_client_secret=real,
    )
    assert both.github_oauth_enabled and both.github_web_url == "https://github.com"
    blank = Settings(github_oauth_client_id="", github_oauth_client_secret="")
    assert blank.github_oauth_client_id is None and not blank.github_oauth_enabled
