"""Write the GraphQL schema's SDL to aixplore/api/gql/schema.graphql (the committed snapshot).

Run it after a deliberate change to the schema, read the diff, and commit the file with the
change: ``tests/unit/api/test_graphql_schema_snapshot.py`` fails until the two agree, so a
field renamed or removed by accident (a breaking change for API clients) is seen in review.
Usage: ``.venv/bin/python scripts/update_graphql_schema.py`` (``--check`` only compares).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aixplore.api.gql.snapshot import SNAPSHOT, current_sdl  # noqa: E402


def main() -> int:
    """Write the snapshot (or, with --check, say whether it is up to date)."""
    sdl = current_sdl()
    if "--check" in sys.argv[1:]:
        same = SNAPSHOT.exists() and SNAPSHOT.read_text() == sdl
        print("up to date" if same else f"{SNAPSHOT} is out of date")
        return 0 if same else 1
    SNAPSHOT.write_text(sdl)
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
