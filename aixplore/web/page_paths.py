"""Pages answer at their own address: ``/solutions`` is served as it is, not redirected.

The production build writes each page twice, as ``solutions.html`` and as
``solutions/index.html`` (the folder holds the pages below it). Reflex 0.10.1 serves the
build with Starlette's ``StaticFiles(html=True)``, which finds the folder first and answers
``/solutions`` with a redirect to ``/solutions/``: a second round trip before every page
(about 0.6 s on a phone). This wrapper, in front of the whole app, hands such a request to
the static files as the folder's address, so the page is served at once with 200 under the
address the app links to (never with a slash at the end). ``/solutions/`` still answers too,
with the same page.
"""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send


def built_pages() -> Path:
    """Where the production build keeps the pages (as Reflex mounts them)."""
    from reflex.utils import prerequisites
    from reflex_base import constants
    from reflex_base.config import get_config

    root = prerequisites.get_web_dir() / constants.Dirs.STATIC
    return (root / get_config().frontend_path.strip("/")).resolve()


class PagePaths:
    """ASGI wrapper: ``GET /x`` of a built page folder ``x/index.html`` is served as ``/x/``."""

    def __init__(self, app: ASGIApp, pages: Path | None = None) -> None:
        """Wrap ``app``; ``pages`` is the build's folder (found lazily when None)."""
        self.app = app
        self._pages = pages

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one wrapper per process, bounded
    def _is_folder_page(self, path: str) -> bool:
        if self._pages is None:
            self._pages = built_pages()
        relative = path.strip("/")
        if not relative or ".." in relative.split("/"):
            return False
        return (self._pages / relative / "index.html").is_file()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite the path of a page folder's address, then pass the request on."""
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path: str = scope["path"]
            last = path.rsplit("/", 1)[-1]
            if (
                path != "/"
                and not path.endswith("/")
                and "." not in last
                and not path.startswith(("/api/", "/_", "/media/"))
                and self._is_folder_page(path)
            ):
                scope = {**scope, "path": path + "/", "raw_path": (path + "/").encode()}
        await self.app(scope, receive, send)
