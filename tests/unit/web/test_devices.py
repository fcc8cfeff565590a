"""Sessions name their device in words, not as a raw user agent cut off mid-word."""

from aixplore.web.accounts.devices import UNKNOWN, describe_device

HEADLESS_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/141.0.7390.65 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"
)
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def test_browsers_are_named_with_their_system() -> None:
    assert describe_device(HEADLESS_CHROME) == "Chrome on Linux"
    assert describe_device(IPHONE) == "Mobile Safari on iOS"
    assert describe_device(EDGE) == "Edge on Windows"
    assert describe_device(FIREFOX) == "Firefox on Ubuntu"


def test_programs_keep_their_own_name_and_nothing_is_unknown() -> None:
    assert describe_device("curl/8.5.0") == "curl"
    assert describe_device("pytest") == "pytest"
    assert describe_device("") == UNKNOWN
    assert describe_device("   ") == UNKNOWN
