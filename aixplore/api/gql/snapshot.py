"""The GraphQL schema as SDL, and where its committed snapshot lives."""

from __future__ import annotations

from pathlib import Path

SNAPSHOT = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    """The schema's SDL as the running code defines it (newline-terminated)."""
    from aixplore.api.gql.schema import schema

    return schema.as_str() + "\n"
