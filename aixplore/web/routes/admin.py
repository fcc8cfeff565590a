"""Pages for the platform's administrators."""

from __future__ import annotations

from aixplore.web.admin.audit import AuditState, audit_page
from aixplore.web.admin.forums import AdminForumsState, admin_forums_page
from aixplore.web.admin.moderation import ModerationState, moderation_page
from aixplore.web.admin.pages import admin_page
from aixplore.web.admin.state import AdminUsersState
from aixplore.web.analytics.pages import platform_analytics_page
from aixplore.web.analytics.state import PlatformAnalyticsState
from aixplore.web.orders.order_pages import admin_orders_page
from aixplore.web.orders.order_state import AdminOrdersState
from aixplore.web.routes.route import Route, guard

ADMIN_ROUTES: list[Route] = [
    Route(
        "/admin/orders",
        admin_orders_page,
        "Orders · Admin · AiXplore",
        [guard, AdminOrdersState.load],
    ),
    Route("/admin", admin_page, "Admin · AiXplore", [guard, AdminUsersState.load]),
    Route("/admin/audit", audit_page, "Audit log · AiXplore", [guard, AuditState.load]),
    Route(
        "/admin/moderation", moderation_page, "Moderation · AiXplore", [guard, ModerationState.load]
    ),
    Route(
        "/admin/forums",
        admin_forums_page,
        "Forum categories · AiXplore",
        [guard, AdminForumsState.load],
    ),
    Route(
        "/admin/analytics",
        platform_analytics_page,
        "Platform analytics · AiXplore",
        [guard, PlatformAnalyticsState.load],
    ),
]
