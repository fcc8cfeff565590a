"""The GraphQL schema matches its committed SDL: changes to it are made on purpose."""

from __future__ import annotations

import difflib

from aixplore.api.gql.snapshot import SNAPSHOT, current_sdl


def test_the_schema_matches_the_committed_snapshot() -> None:
    committed = SNAPSHOT.read_text()
    sdl = current_sdl()
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True), sdl.splitlines(keepends=True), "committed", "code"
        )
    )
    assert sdl == committed, (
        "The GraphQL schema changed. If that was meant, run "
        "`.venv/bin/python scripts/update_graphql_schema.py` and commit "
        f"aixplore/api/gql/schema.graphql with the change.\n{diff}"
    )
