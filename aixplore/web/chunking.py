"""Fewer, larger JavaScript chunks on first load: what a phone on a slow network waits for.

Reflex's build (Vite with rolldown, ``.web/vite.config.js``, pinned reflex 0.10.1) splits the
front end automatically, module graph by module graph: the home page preloaded 51 chunks, 38 of
them under 2 KB gzipped (one per Lucide icon, one per Radix Themes component). A browser fetches
each as its own request; on a simulated slow 4G phone (Lighthouse's mobile preset, 150 ms
round trips, six connections) the page's first paint waited about 1.2 s longer than a blank
Reflex page's, whose 11 chunks carry about as many bytes.

This plugin adds two groups to the build's ``codeSplitting`` (Reflex's ``add_modify_task`` hook
on ``vite.config.js``, run at every build):

- ``icons``: every Lucide icon a page imports, one chunk (they are a few hundred bytes each);
- ``ui``: the Radix primitives and Radix Themes components pages import, one chunk.

Both take only modules a page imports statically (rolldown's ``$initial`` tag), not what is
loaded later on demand. Grouped by the pages using them instead (``entriesAware``), the home
page still fetched eleven such chunks, 97 of their 103 KB gzipped, because the navigation
every page shows uses most of them: one chunk each costs a page at most those 6 KB more.

The 3D libraries (three.js, react-three-fiber, drei, rapier) match neither group, so pages
without 3D still load no 3D code (``bench/three.py`` checks it). A Reflex upgrade that moves
the patched lines fails the build with a clear message.
"""

from __future__ import annotations

from typing import Any

from reflex_base.plugins.base import Plugin

VITE_CONFIG = "vite.config.js"
MARKER = "// aixplore: chunk groups"

# Reflex's own group, which stays first (its env.json chunk).
ANCHOR = """          groups: [
            {
              test: /env.json/,
              name: "reflex-env",
            },
"""
GROUPS = f"""            {MARKER} (aixplore/web/chunking.py)
            {{
              name: "icons",
              // Not DynamicIcon's map of every icon (56 KB gzipped, only where icons are chosen
              // at run time): it keeps its own chunk.
              test: (id) => /node_modules[\\\\/]lucide-react[\\\\/]/.test(id) && !/dynamic/i.test(id),
              tags: ["$initial"],
              priority: 3,
            }},
            {{
              name: "ui",
              test: /node_modules[\\\\/](@radix-ui|radix-ui)[\\\\/]/,
              tags: ["$initial"],
              priority: 2,
            }},
"""


class PatchError(RuntimeError):
    """Reflex's vite.config.js no longer has the lines this plugin extends."""


def patch_vite_config(source: str) -> str:
    """``source`` with the chunk groups added; unchanged if it has them already."""
    if MARKER in source:
        return source
    count = source.count(ANCHOR)
    if count != 1:
        raise PatchError(
            f"{VITE_CONFIG}: expected Reflex's codeSplitting groups once, found them {count} "
            "times; Reflex's build config changed, update aixplore/web/chunking.py"
        )
    return source.replace(ANCHOR, ANCHOR + GROUPS)


class ChunkingPlugin(Plugin):
    """Registers the vite.config.js change with Reflex's compiler (rxconfig.py's plugins)."""

    def pre_compile(self, **context: Any) -> None:
        """Change vite.config.js after Reflex has written it."""
        context["add_modify_task"](VITE_CONFIG, patch_vite_config)
