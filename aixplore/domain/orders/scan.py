"""The read-only repository scan behind the feasibility report, the same for every provider.

It walks the repository's folders breadth-first through the provider's reader (bounded:
``MAX_DIRS`` folders, ``MAX_PATHS`` paths kept), reads a few key files, and reports languages
(by bytes per file extension), size, file count, the framework detected and the root folder
it was found in.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from aixplore.core.errors import NotFound
from aixplore.domain.orders.providers import RepositoryReader

MAX_DIRS = 40
MAX_PATHS = 3_000
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".next"}
LANGUAGES = {
    ".py": "Python",
    ".js": "JavaScript",
    ".jsx": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".go": "Go",
    ".rb": "Ruby",
    ".java": "Java",
    ".rs": "Rust",
    ".php": "PHP",
    ".html": "HTML",
    ".css": "CSS",
    ".md": "Markdown",
}
KEY_FILES = ("package.json", "requirements.txt", "pyproject.toml", "manage.py", "go.mod")


def detect_framework(files: dict[str, str]) -> str:
    """The framework that key files name (``files`` maps a key file's name to its text)."""
    package = files.get("package.json", "")
    if package:
        try:
            deps = json.loads(package).get("dependencies", {}) or {}
        except (ValueError, AttributeError):
            deps = {}
        if "next" in deps:
            return "nextjs"
        return "react" if "react" in deps else "node"
    if "manage.py" in files:
        return "django"
    python = (files.get("requirements.txt", "") + files.get("pyproject.toml", "")).lower()
    for name in ("django", "fastapi", "flask"):
        if name in python:
            return name
    if python:
        return "python-wsgi"
    return "none"


async def scan_repository(client: RepositoryReader, full_name: str, ref: str) -> dict[str, Any]:
    """Scan ``full_name`` at branch ``ref`` read-only; return the feasibility facts."""
    branches = await client.branches(full_name)
    if ref not in branches:
        raise NotFound(f'The repository has no branch "{ref}".')
    queue, seen_dirs = [""], 0
    paths: list[str] = []
    sizes: Counter[str] = Counter()
    total = 0
    key_dirs: dict[str, str] = {}
    while queue and seen_dirs < MAX_DIRS:
        directory = queue.pop(0)
        seen_dirs += 1
        for item in await client.list_dir(full_name, directory, ref):
            path = str(item.get("path", ""))
            if item.get("type") == "dir":
                if item.get("name") not in SKIP_DIRS:
                    queue.append(path)
                continue
            size = int(item.get("size") or 0)
            total += size
            if len(paths) < MAX_PATHS:
                paths.append(path)
            ext = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
            if ext in LANGUAGES:
                sizes[LANGUAGES[ext]] += size
            name = item.get("name", "")
            if name in KEY_FILES and name not in key_dirs:
                key_dirs[name] = directory
    contents = {
        name: await client.read_file(full_name, f"{d}/{name}".lstrip("/"), ref)
        for name, d in key_dirs.items()
    }
    framework = detect_framework(contents)
    root = next(iter(key_dirs.values()), "") if framework != "none" else ""
    language_total = sum(sizes.values()) or 1
    warnings = []
    if queue:
        warnings.append(f"Only the first {MAX_DIRS} directories were scanned.")
    if framework not in {"none", "python-wsgi", "flask", "django", "fastapi"}:
        warnings.append(
            f"The repository uses {framework}; the generated Python app goes in its own folder."
        )
    return {
        "repo": full_name,
        "ref": ref,
        "head_sha": branches[ref],
        "branches": sorted(branches)[:50],
        "file_count": len(paths) if not queue else max(len(paths), MAX_PATHS),
        "size_bytes": total,
        "languages": {
            lang: round(100 * size / language_total, 1) for lang, size in sizes.most_common(6)
        },
        "framework": framework,
        "root_dir": root,
        "paths": paths,
        "warnings": warnings,
    }


def overwritten(scan: dict[str, Any] | None, generated: list[str]) -> list[str]:
    """Generated paths that already exist in the scanned repository."""
    existing = set((scan or {}).get("paths", []))
    return sorted(p for p in generated if p in existing)
