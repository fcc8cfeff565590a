"""Every process entry point registers the whole schema before it touches the database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import SQLModel

from aixplore.core.settings import PROJECT_ROOT
from aixplore.domain import tables

NAMES = "import sqlmodel, {module}; print(' '.join(sqlmodel.SQLModel.metadata.tables))"


@pytest.mark.parametrize("module", ["aixplore.cli", "aixplore.jobs.worker", "aixplore.web.app"])
def test_the_entry_point_registers_every_table(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", NAMES.format(module=module)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    known = set(done.stdout.split())
    assert tables.__all__ and set(SQLModel.metadata.tables) - known == set()
