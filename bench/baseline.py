"""Load modules as an earlier commit had them, to time the previous code in the same run.

A benchmark measures its baseline beside the new figures on the same loaded machine:
``load("f43a7c9", ["aixplore.domain.social.timeline", "aixplore.domain.social.feed"])``
returns those modules as they were at that commit (read with ``git show``), each importing
the others of the list in their old form and everything else as it is now. They are
registered under flat names (``baseline_<commit>_<name with underscores>``) and never replace the current modules.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _rewrite(line: str, flat: dict[str, str], loaded: dict[str, types.ModuleType]) -> str:
    """An import line with the modules already loaded from the commit taken from there."""
    if not line.startswith("from ") or " import " not in line:
        return line
    package, names = line[5:].split(" import ", 1)
    if package in loaded:  # from aixplore.domain.social.people import person_cards
        return f"from {flat[package]} import {names}"
    if names.startswith("("):
        return line
    parts = [n.strip() for n in names.split(",")]
    old = [n for n in parts if f"{package}.{n}" in loaded]
    if not old:
        return line
    rest = [n for n in parts if n not in old]
    lines = [f"import {flat[f'{package}.{n}']} as {n}" for n in old]
    return "; ".join(lines + ([f"from {package} import {', '.join(rest)}"] if rest else []))


def load(commit: str, names: list[str]) -> dict[str, types.ModuleType]:
    """The modules ``names`` as of ``commit``, by their current name (in dependency order)."""
    flat = {n: f"baseline_{commit}_{n.replace('.', '_')}" for n in names}
    loaded: dict[str, types.ModuleType] = {}
    for name in names:
        path = name.replace(".", "/") + ".py"
        source = subprocess.run(
            ["git", "show", f"{commit}:{path}"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        source = "\n".join(_rewrite(line, flat, loaded) for line in source.split("\n"))
        module = types.ModuleType(flat[name])
        module.__file__ = str(REPO / path)
        sys.modules[module.__name__] = module
        exec(compile(source, f"{commit}:{path}", "exec"), module.__dict__)
        loaded[name] = module
    return loaded
