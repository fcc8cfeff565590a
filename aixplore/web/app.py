"""Build the Reflex app: pages, API routes, error handling and background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import reflex as rx

from aixplore.api.app import build_api
from aixplore.core.logging import configure_logging
from aixplore.core.settings import get_settings
from aixplore.jobs import registry  # noqa: F401 - tasks and after-commit hooks
from aixplore.jobs.queue import start_embedded_consumer, stop_embedded_consumer
from aixplore.web.accounts import pages as account_pages
from aixplore.web.accounts.state import ProfileState, SecurityState, VerifyState
from aixplore.web.admin.moderation import ModerationState, moderation_page
from aixplore.web.admin.pages import admin_page
from aixplore.web.admin.state import AdminUsersState
from aixplore.web.analytics.pages import platform_analytics_page, solution_analytics_page
from aixplore.web.analytics.state import PlatformAnalyticsState, SolutionAnalyticsState
from aixplore.web.discovery.pages import collection_page, saved_page
from aixplore.web.discovery.state import CollectionState, SavedState
from aixplore.web.errors import error_boundary
from aixplore.web.events.pages import event_form_page, event_page, events_page
from aixplore.web.events.state import EventFormState, EventPageState, EventsListState
from aixplore.web.feedback import backend_exception_handler
from aixplore.web.home.pages import HomeState, about_page, home_page, not_found_page
from aixplore.web.session import SessionState
from aixplore.web.solutions.browse import (
    CategoriesState,
    PublisherState,
    categories_page,
    publisher_page,
)
from aixplore.web.solutions.catalog_page import catalog_page
from aixplore.web.solutions.catalog_state import CatalogState
from aixplore.web.solutions.detail_page import solution_page
from aixplore.web.solutions.detail_state import SolutionPageState
from aixplore.web.solutions.publish_page import publish_page
from aixplore.web.solutions.publish_state import PublishState

configure_logging()


@contextlib.asynccontextmanager
async def _background_work() -> AsyncIterator[None]:
    if get_settings().run_embedded_worker:
        start_embedded_consumer()
    try:
        yield
    finally:
        stop_embedded_consumer()


app = rx.App(
    stylesheets=["/styles.css"],
    api_transformer=build_api(),
    backend_exception_handler=backend_exception_handler,
    html_lang="en",
    head_components=[rx.el.meta(name="theme-color", content="#6e56cf")],
)
app.app_wraps[(55, "ErrorBoundary")] = error_boundary
app.register_lifespan_task(_background_work)

refresh = SessionState.refresh
guard = SessionState.require_signed_in
DESCRIPTION = "Discover AI solutions, order custom apps built from them, and meet their community."

app.add_page(
    home_page,
    route="/",
    title="AiXplore: discover AI solutions",
    description=DESCRIPTION,
    on_load=[refresh, HomeState.load],
)
app.add_page(about_page, route="/about", title="About · AiXplore", on_load=refresh)
app.add_page(
    account_pages.signup_page, route="/signup", title="Sign up · AiXplore", on_load=refresh
)
app.add_page(
    account_pages.login_page,
    route="/login",
    title="Sign in · AiXplore",
    on_load=refresh,
)
app.add_page(
    account_pages.verify_page,
    route="/verify",
    title="Confirm email · AiXplore",
    on_load=[refresh, VerifyState.verify],
)
app.add_page(
    account_pages.forgot_password_page,
    route="/forgot-password",
    title="Forgot password · AiXplore",
    on_load=refresh,
)
app.add_page(
    account_pages.reset_password_page,
    route="/reset-password",
    title="New password · AiXplore",
    on_load=refresh,
)
app.add_page(
    account_pages.profile_page,
    route="/profile",
    title="Profile · AiXplore",
    on_load=[guard, ProfileState.load],
)
app.add_page(
    account_pages.security_page,
    route="/settings/security",
    title="Security · AiXplore",
    on_load=[guard, SecurityState.load],
)
app.add_page(
    admin_page, route="/admin", title="Admin · AiXplore", on_load=[guard, AdminUsersState.load]
)
app.add_page(
    catalog_page,
    route="/solutions",
    title="AI solutions · AiXplore",
    description=DESCRIPTION,
    on_load=CatalogState.load,
)
app.add_page(
    solution_page,
    route="/solutions/[slug]",
    title="Solution · AiXplore",
    on_load=[refresh, SolutionPageState.load],
)
app.add_page(
    categories_page,
    route="/categories",
    title="Categories · AiXplore",
    on_load=CategoriesState.load,
)
app.add_page(
    publisher_page,
    route="/publishers/[publisher_id]",
    title="Publisher · AiXplore",
    on_load=PublisherState.load,
)
app.add_page(
    publish_page,
    route="/publish",
    title="Publish a solution · AiXplore",
    on_load=[guard, PublishState.load],
)
app.add_page(
    publish_page,
    route="/publish/[slug]",
    title="Edit listing · AiXplore",
    on_load=[guard, PublishState.load],
)
app.add_page(
    moderation_page,
    route="/admin/moderation",
    title="Moderation · AiXplore",
    on_load=[guard, ModerationState.load],
)
app.add_page(
    events_page, route="/events", title="Community events · AiXplore", on_load=EventsListState.load
)
app.add_page(
    event_form_page,
    route="/events/new",
    title="Organize an event · AiXplore",
    on_load=[guard, EventFormState.load],
)
app.add_page(
    event_page,
    route="/events/[event_id]",
    title="Event · AiXplore",
    on_load=[refresh, EventPageState.load],
)
app.add_page(
    event_form_page,
    route="/events/[event_id]/edit",
    title="Edit event · AiXplore",
    on_load=[guard, EventFormState.load],
)
app.add_page(saved_page, route="/saved", title="Saved · AiXplore", on_load=[guard, SavedState.load])
app.add_page(
    collection_page,
    route="/collections/[collection_id]",
    title="Collection · AiXplore",
    on_load=CollectionState.load,
)
app.add_page(
    solution_analytics_page,
    route="/analytics/[slug]",
    title="Analytics · AiXplore",
    on_load=[guard, SolutionAnalyticsState.load],
)
app.add_page(
    platform_analytics_page,
    route="/admin/analytics",
    title="Platform analytics · AiXplore",
    on_load=[guard, PlatformAnalyticsState.load],
)
app.add_page(not_found_page, route="404", title="Page not found · AiXplore", on_load=refresh)
