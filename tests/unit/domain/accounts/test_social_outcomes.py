"""What a failed social round trip says on the sign-in page: only fixed texts, never what the
URL carried (a page that echoed ``auth_error`` would let any link put words in our mouth)."""

from __future__ import annotations

from aixplore.domain.social_login.flows import OUTCOMES, outcome_message, parse_provider
from aixplore.domain.social_login.models import SocialProvider


def test_known_codes_give_their_fixed_text_with_the_providers_name() -> None:
    assert outcome_message("cancelled", "github") == "Signing in with GitHub was cancelled."
    assert "Google has not verified" in outcome_message("unverified", "google")
    assert all("{provider}" in text or text for text in OUTCOMES.values())


def test_anything_else_from_the_url_says_nothing() -> None:
    for reason, provider in [
        ("<script>alert(1)</script>", "google"),
        ("cancelled", "Evil Corp"),
        (["cancelled"], "google"),
        ("cancelled", None),
        (None, "github"),
    ]:
        assert outcome_message(reason, provider) == ""
    assert parse_provider("GOOGLE") is None and parse_provider(1) is None
    assert parse_provider("github") is SocialProvider.GITHUB
