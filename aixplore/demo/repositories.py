"""The demo's local Git repository: a small shop app a newcomer can order an app into offline.

``seed_demo_repository`` makes ``<repos folder>/shop.git``, a bare repository whose ``main``
holds one commit with a tiny Python package and its tests. It is built beside the folder's
other repositories and renamed into place, so a half-made repository is never seen, and a
second run keeps what is there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DEMO_REPOSITORY = "shop"
DESCRIPTION = "A tiny shop catalog (AiXplore demo repository)"
# Fixed author and date: every machine seeds the same commit.
_ENV = {
    "GIT_AUTHOR_NAME": "AiXplore demo",
    "GIT_AUTHOR_EMAIL": "demo@aixplore.invalid",
    "GIT_AUTHOR_DATE": "2026-01-05T09:00:00+00:00",
    "GIT_COMMITTER_NAME": "AiXplore demo",
    "GIT_COMMITTER_EMAIL": "demo@aixplore.invalid",
    "GIT_COMMITTER_DATE": "2026-01-05T09:00:00+00:00",
}

FILES = {
    "README.md": (
        "# Shop\n\nA tiny shop catalog: products with prices in cents and a cart that adds "
        "them up.\n\nRun the tests: `python -m unittest discover -s tests -t .`\n"
    ),
    "pyproject.toml": ('[project]\nname = "shop"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'),
    "shop/__init__.py": '"""A tiny shop: a catalog of products and a cart."""\n',
    "shop/catalog.py": '''"""Products and a cart; prices are whole cents."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Product:
    """Something the shop sells."""

    sku: str
    name: str
    price_cents: int


CATALOG = {
    p.sku: p
    for p in (
        Product("mug", "Mug", 900),
        Product("tee", "T-shirt", 1900),
        Product("cap", "Cap", 1500),
    )
}


@dataclass
class Cart:
    """Products and how many of each."""

    lines: dict[str, int] = field(default_factory=dict)

    def add(self, sku: str, count: int = 1) -> None:
        """Add ``count`` of a product in the catalog."""
        if sku not in CATALOG or count < 1:
            raise ValueError(f"cannot add {count} x {sku}")
        self.lines[sku] = self.lines.get(sku, 0) + count

    def total_cents(self) -> int:
        """What the cart costs."""
        return sum(CATALOG[sku].price_cents * n for sku, n in self.lines.items())
''',
    "tests/__init__.py": "",
    "tests/test_catalog.py": """import unittest

from shop.catalog import Cart


class CartTest(unittest.TestCase):
    def test_total(self):
        cart = Cart()
        cart.add("mug", 2)
        cart.add("cap")
        self.assertEqual(cart.total_cents(), 3300)

    def test_unknown_product(self):
        with self.assertRaises(ValueError):
            Cart().add("sofa")


if __name__ == "__main__":
    unittest.main()
""",
}


def _git(folder: Path, *args: str, data: bytes | None = None, index: Path | None = None) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **_ENV}
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    done = subprocess.run(  # noqa: S603 - fixed git commands on a folder made here
        [shutil.which("git") or "git", "--git-dir", str(folder), *args],
        input=data,
        capture_output=True,
        env=env,
        check=True,
        timeout=60,
    )
    return done.stdout.decode().strip()


def seed_demo_repository(root: Path | None) -> str:
    """Make the demo repository in ``root`` unless it is there; what happened, in words."""
    if root is None:
        return "off (no local repositories folder in production unless one is set)"
    target = root / f"{DEMO_REPOSITORY}.git"
    if (target / "HEAD").is_file():
        return f"kept {target}"
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{DEMO_REPOSITORY}-", dir=root))
    try:
        folder = work / "repo.git"
        subprocess.run(  # noqa: S603 - a fixed git command
            [shutil.which("git") or "git", "init", "--quiet", "--bare", "-b", "main", str(folder)],
            check=True,
            timeout=60,
        )
        index = work / "index"
        for path, content in sorted(FILES.items()):
            blob = _git(folder, "hash-object", "-w", "--stdin", data=content.encode())
            _git(
                folder, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", index=index
            )
        tree = _git(folder, "write-tree", index=index)
        commit = _git(folder, "commit-tree", tree, "-m", "A tiny shop catalog with tests")
        _git(folder, "update-ref", "refs/heads/main", commit)
        (folder / "description").write_text(DESCRIPTION + "\n")
        try:
            folder.rename(target)
        except OSError:
            if not (target / "HEAD").is_file():
                raise
            return f"kept {target}"  # another run made it a moment ago
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return f"created {target}"
