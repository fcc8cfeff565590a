"""Reading the session token from the ``Cookie`` header a socket's handshake carried."""

from __future__ import annotations

from aixplore.web.session import COOKIE_NAME, handshake_token


def test_the_session_cookie_is_found_among_others() -> None:
    header = f"theme=dark; {COOKIE_NAME}=abc-DEF_123; other=1"
    assert handshake_token(header) == "abc-DEF_123"


def test_the_first_of_two_session_cookies_wins_and_values_are_url_decoded() -> None:
    assert handshake_token(f"{COOKIE_NAME}=a%2Bb; {COOKIE_NAME}=older") == "a+b"
    assert handshake_token(f'{COOKIE_NAME}="quoted"') == "quoted"


def test_no_session_cookie_gives_an_empty_token() -> None:
    for header in ["", "theme=dark", f"x{COOKIE_NAME}=nope", f"{COOKIE_NAME}", ";;;", "=;="]:
        assert handshake_token(header) == ""
