"""A session's device in words ("Chrome on Linux") from its user agent string.

Parsed by ``ua-parser`` (the maintained Python port of the uap-core rules that browsers' and
analytics tools' parsers share), not by hand: user agent strings are too irregular to guess.
"""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Unknown device"
# Families the rules give for "nothing recognised".
_NOTHING = {"", "Other"}


@lru_cache(maxsize=1024)
def describe_device(user_agent: str) -> str:
    """The browser and system of ``user_agent``, such as "Chrome on Linux" or "Safari on iOS".

    A program that is no browser ("curl", "pytest") is named as it names itself; an empty
    string is an unknown device.
    """
    raw = (user_agent or "").strip()
    if not raw:
        return UNKNOWN
    parsed = parse(raw[:500])
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    if browser in _NOTHING:
        return raw.split()[0][:40]
    # A headless browser is the same browser to its owner (automated tests use them too).
    browser = browser.removeprefix("Headless")
    return browser if system in _NOTHING else f"{browser} on {system}"
