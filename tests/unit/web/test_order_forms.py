"""The wizard's text formats parse into what the domain validates, with clear errors."""

from __future__ import annotations

import pytest

from aixplore.core.errors import ValidationFailed
from aixplore.web.orders.forms import (
    format_entities,
    format_env,
    parse_entities,
    parse_env,
    parse_pages,
)


def test_entities_round_trip() -> None:
    text = "Book: title:text, pages:integer?\n\nAuthor: name:text"
    entities = parse_entities(text)
    assert entities == [
        {
            "name": "Book",
            "fields": [
                {"name": "title", "type": "text", "required": True},
                {"name": "pages", "type": "integer", "required": False},
            ],
        },
        {"name": "Author", "fields": [{"name": "name", "type": "text", "required": True}]},
    ]
    assert format_entities(entities) == "Book: title:text, pages:integer?\nAuthor: name:text"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Book title text", "Line 1: write Name"),
        ("Book: title", "needs a type"),
        ("x" * 30_000, "too long"),
        (None, "could not be read"),
    ],
)
def test_bad_entity_text_gets_a_clear_message(value: object, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        parse_entities(value)


def test_env_and_pages() -> None:
    env = parse_env("APP_TITLE=Shop\n", "API_KEY=s3cret=with=equals\n")
    assert env == [
        {"name": "APP_TITLE", "value": "Shop", "secret": False},
        {"name": "API_KEY", "value": "s3cret=with=equals", "secret": True},
    ]
    stored = [{"name": "API_KEY", "secret": True, "value": "********"}, {**env[0]}]
    assert format_env(stored, secret=True) == "API_KEY=********"
    assert format_env(stored, secret=False) == "APP_TITLE=Shop"
    with pytest.raises(ValidationFailed, match="NAME=value"):
        parse_env("JUSTANAME", "")
    assert parse_pages(" home, about ,,") == ["home", "about"]
