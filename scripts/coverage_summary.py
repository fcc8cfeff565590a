"""Print the unit + integration passes' coverage by area, and hold the threshold.

    COVERAGE_FILE=<combined data> .venv/bin/python scripts/coverage_summary.py

Reads the data file ``COVERAGE_FILE`` names (``scripts/test`` combines the SQLite and the
PostgreSQL + Redis passes into it) with the settings in ``pyproject.toml``. Prints, per area
(``core``, ``api``, ``web``, ``jobs``, each feature under ``domain/``...), the share of lines
and branches the tests ran, the domain and core layers together (the service code the unit
tests aim at), and the total. Exits 2 when the total is under ``[tool.coverage.report]
fail_under``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import coverage


def area_of(path: str) -> str:
    """``aixplore/domain/forums/x.py`` -> ``domain/forums``; ``aixplore/core/x.py`` -> ``core``."""
    parts = Path(path).parts
    if parts[0] != "aixplore":
        return parts[0]
    if len(parts) > 3 and parts[1] in ("domain", "web"):
        return f"{parts[1]}/{parts[2]}"
    return parts[1] if len(parts) > 2 else "aixplore"


def percent(counts: list[int]) -> float:
    """Covered lines and branches over all of them, as coverage.py counts with branches on."""
    lines, covered_lines, branches, covered_branches = counts
    total = lines + branches
    return 100.0 * (covered_lines + covered_branches) / total if total else 100.0


def main() -> int:
    """Print the table; 2 when under the threshold."""
    cov = coverage.Coverage()
    cov.load()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "coverage.json"
        cov.json_report(outfile=str(out))
        data = json.loads(out.read_text())
    areas: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for path, found in data["files"].items():
        summary = found["summary"]
        counts = areas[area_of(path)]
        counts[0] += summary["num_statements"]
        counts[1] += summary["covered_lines"]
        counts[2] += summary.get("num_branches", 0)
        counts[3] += summary.get("covered_branches", 0)
    print(f"{'area':28s} {'lines':>7s} {'covered':>8s}")
    for name in sorted(areas):
        print(f"{name:28s} {areas[name][0]:7d} {percent(areas[name]):7.1f}%")
    service = [
        sum(c[i] for a, c in areas.items() if a == "core" or a.startswith("domain/"))
        for i in range(4)
    ]
    total = float(data["totals"]["percent_covered"])
    threshold = float(cov.get_option("report:fail_under") or 0)  # pyright: ignore[reportArgumentType]
    print(f"{'domain + core':28s} {service[0]:7d} {percent(service):7.1f}%")
    print(
        f"{'total':28s} {data['totals']['num_statements']:7d} {total:7.1f}%  (threshold {threshold:g}%)"
    )
    if total < threshold:
        print(f"coverage {total:.1f}% is under the threshold of {threshold:g}%")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
