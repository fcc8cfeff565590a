"""What the web layer shows when something fails."""

from __future__ import annotations

import json

import redis

from aixplore.core.errors import NotAuthenticated, PermissionDenied
from aixplore.web.accounts.state import safe_next
from aixplore.web.feedback import RECONNECTING, answer_error, backend_exception_handler, pick


def _text(spec) -> str:
    return json.dumps(spec.args, default=str)


def test_unexpected_errors_show_a_calm_toast_without_details() -> None:
    spec = backend_exception_handler(RuntimeError("password=hunter2 at /srv/app.py line 12"))
    text = _text(spec)
    assert "went wrong on our side" in text
    assert "hunter2" not in text and "app.py" not in text and "RuntimeError" not in text


def test_signed_out_refusals_send_to_sign_in_and_others_only_toast() -> None:
    events = answer_error(NotAuthenticated("Sign in to continue."), next_path="/admin")
    assert any("/login?next=/admin" in _text(e) for e in events)
    assert len(answer_error(PermissionDenied("no"))) == 1


def test_pick_keeps_only_named_fields_and_passes_non_dicts_on() -> None:
    assert pick({"email": "a", "field-email": "a", "role": "admin"}, "email") == {"email": "a"}
    assert pick("junk", "email") == "junk"


def test_next_path_never_leaves_the_site() -> None:
    assert safe_next("/settings/security") == "/settings/security"
    for bad in ["//evil.example", "https://evil.example", "/\\evil", None, 5, "/" + "a" * 400]:
        assert safe_next(bad) == "/profile"


def test_redis_being_unreachable_says_reconnecting_not_something_went_wrong() -> None:
    try:
        try:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        except redis.ConnectionError as exc:
            raise RuntimeError("could not take the state lock") from exc
    except RuntimeError as wrapped:
        text = _text(backend_exception_handler(wrapped))
    assert RECONNECTING in text and "warning" in text
    assert "went wrong" not in text and "6379" not in text
    assert RECONNECTING in _text(backend_exception_handler(redis.TimeoutError("timed out")))


def test_a_database_out_of_reach_says_reconnecting_too(tmp_path) -> None:
    import sqlite3

    from sqlalchemy import create_engine, text

    holder = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", connect_args={"timeout": 0.05})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM t"))
    except Exception as locked:
        text_shown = _text(backend_exception_handler(locked))
    holder.execute("ROLLBACK")
    assert RECONNECTING in text_shown and "locked" not in text_shown
