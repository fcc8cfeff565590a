"""How long the demo catalog takes to seed into an empty SQLite database, and its media size.

Run from the repository root: ``.venv/bin/python bench/demo_seed.py``. Each run uses a fresh
temporary data folder (database and media), so the figures are those of a first seed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Seed the demo catalog once into a scratch folder and print the figures."""
    folder = Path(tempfile.mkdtemp(prefix="aixplore-seed-"))
    # The first run of scripts/run: development settings, so passwords get their full hash.
    os.environ.setdefault("AIXPLORE_ENV", "development")
    os.environ.setdefault("AIXPLORE_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijkl")
    os.environ["AIXPLORE_DATA_DIR"] = str(folder)
    os.environ["AIXPLORE_DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from sqlalchemy import delete, update
    from sqlmodel import select

    from aixplore.cli import migrate
    from aixplore.core.db import session_scope
    from aixplore.core.settings import get_settings
    from aixplore.demo import seed_demo_catalog
    from aixplore.demo.artwork import add_demo_artwork
    from aixplore.domain.solutions.models import Solution, SolutionScreenshot

    migrate()
    started = time.perf_counter()
    with session_scope() as db:
        report = seed_demo_catalog(db)
    seconds = time.perf_counter() - started
    media = [p for p in get_settings().media_root.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in media)
    print(f"seeded {report} in {seconds:.1f} s")
    # The artwork's own share: draw and store it again for every listing, in a new folder.
    os.environ["AIXPLORE_DATA_DIR"] = str(folder / "again")
    get_settings.cache_clear()
    with session_scope() as db:
        db.execute(update(Solution).values(logo_path=""))
        db.execute(delete(SolutionScreenshot))
        owners = list(db.exec(select(Solution.owner_id).distinct()).all())
    started = time.perf_counter()
    with session_scope() as db:
        drawn = add_demo_artwork(db, list(owners))
    print(f"of which artwork: {drawn} listings in {time.perf_counter() - started:.2f} s")
    print(f"media: {len(media)} files, {size / 1024:.0f} KiB in all")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
