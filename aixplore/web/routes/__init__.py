"""Every page of the app, by area; web/app.py adds them to the rx.App."""

from __future__ import annotations

from aixplore.web.routes.accounts import ACCOUNT_ROUTES
from aixplore.web.routes.admin import ADMIN_ROUTES
from aixplore.web.routes.catalog import CATALOG_ROUTES
from aixplore.web.routes.community import COMMUNITY_ROUTES
from aixplore.web.routes.route import DESCRIPTION, Route, guard, refresh
from aixplore.web.routes.site import NOT_FOUND, SITE_ROUTES
from aixplore.web.routes.trading import TRADING_ROUTES

ROUTES: list[Route] = [
    *SITE_ROUTES,
    *ACCOUNT_ROUTES,
    *COMMUNITY_ROUTES,
    *CATALOG_ROUTES,
    *TRADING_ROUTES,
    *ADMIN_ROUTES,
    NOT_FOUND,
]

__all__ = ["DESCRIPTION", "ROUTES", "Route", "guard", "refresh"]
