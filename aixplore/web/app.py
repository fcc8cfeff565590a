"""Build the Reflex app: pages, API routes, error handling and background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from aixplore.api.app import build_api
from aixplore.core import heap
from aixplore.core.logging import configure_logging
from aixplore.core.settings import get_settings
from aixplore.core.tracing import configure_tracing
from aixplore.jobs import registry  # noqa: F401 - tasks and after-commit hooks
from aixplore.jobs.queue import start_embedded_consumer, stop_embedded_consumer
from aixplore.web import event_metrics, lost_state, reflex_fixes, socket_json, tab_owner
from aixplore.web.accounts import pages as account_pages
from aixplore.web.accounts import settings_pages as account_settings
from aixplore.web.accounts.sign_in_methods import SignInMethodsState, SocialButtonsState
from aixplore.web.accounts.state import ProfileState, SecurityState, VerifyState
from aixplore.web.admin.audit import AuditState, audit_page
from aixplore.web.admin.forums import AdminForumsState, admin_forums_page
from aixplore.web.admin.moderation import ModerationState, moderation_page
from aixplore.web.admin.pages import admin_page
from aixplore.web.admin.state import AdminUsersState
from aixplore.web.analytics.pages import platform_analytics_page, solution_analytics_page
from aixplore.web.analytics.state import PlatformAnalyticsState, SolutionAnalyticsState
from aixplore.web.apikeys.pages import api_keys_page
from aixplore.web.apikeys.state import ApiKeysState
from aixplore.web.cards.pages import card_page, cards_page
from aixplore.web.cards.state import CardPageState, ShowroomState
from aixplore.web.discovery.pages import collection_page, saved_page
from aixplore.web.discovery.state import CollectionState, SavedState
from aixplore.web.errors import error_boundary
from aixplore.web.events.form_page import event_form_page
from aixplore.web.events.pages import event_page, events_page
from aixplore.web.events.state import EventFormState, EventPageState, EventsListState
from aixplore.web.feedback import backend_exception_handler
from aixplore.web.forums import pages as forum_pages
from aixplore.web.forums.state import CategoryState, DiscussState, ForumIndexState, ThreadState
from aixplore.web.gallery.pages import gallery_page
from aixplore.web.gallery.state import GalleryState
from aixplore.web.groups.pages import group_page, groups_page
from aixplore.web.groups.state import GroupPageState, GroupsState
from aixplore.web.home import legal
from aixplore.web.home.pages import HomeState, about_page, home_page, not_found_page
from aixplore.web.link_preview import LinkPreview, absolute_url
from aixplore.web.live import LiveState
from aixplore.web.messaging.pages import messages_page
from aixplore.web.messaging.state import MessagesState
from aixplore.web.moderation.pages import appeal_page, moderation_log_page
from aixplore.web.moderation.state import AppealState, ModerationLogState
from aixplore.web.notifications.pages import notifications_page
from aixplore.web.notifications.settings_page import (
    NotificationSettingsState,
    notification_settings_page,
)
from aixplore.web.notifications.state import NotificationsState
from aixplore.web.oauth.pages import authorized_apps_page, oauth_apps_page
from aixplore.web.oauth.state import AuthorizedAppsState, OAuthAppsState
from aixplore.web.orders.order_pages import admin_orders_page, my_orders_page, order_page
from aixplore.web.orders.order_state import AdminOrdersState, MyOrdersState, OrderPageState
from aixplore.web.orders.pages import wizard_page
from aixplore.web.orders.review_page import review_page
from aixplore.web.orders.review_state import ReviewState
from aixplore.web.orders.wizard_state import WizardState
from aixplore.web.orgs.apps_state import OrgAppsState
from aixplore.web.orgs.links import IdentityLinksState
from aixplore.web.orgs.pages import invitation_page, org_page, orgs_page
from aixplore.web.orgs.sso_pages import sso_page, sso_sign_in_page
from aixplore.web.orgs.sso_state import SsoAdminState
from aixplore.web.orgs.state import InvitationState, OrgsState, OrgState
from aixplore.web.page_paths import PagePaths
from aixplore.web.privacy.pages import PrivacyState, privacy_page
from aixplore.web.session import SessionState
from aixplore.web.social.editor_page import profile_editor_page
from aixplore.web.social.editor_state import ProfileEditorState
from aixplore.web.social.feed_page import feed_page
from aixplore.web.social.feed_state import FeedState
from aixplore.web.social.profile_page import profile_page
from aixplore.web.social.profile_state import ProfilePageState
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
from aixplore.web.solutions.model_view import ModelUploadState, SolutionModelState
from aixplore.web.solutions.publish_page import publish_page
from aixplore.web.solutions.publish_state import PublishState
from aixplore.web.state_expiry import expire_idle_states
from aixplore.web.streams.list_state import LiveListState
from aixplore.web.streams.pages import live_page, stream_page
from aixplore.web.streams.state import StreamState
from aixplore.web.trading.board_pages import leaderboard_page
from aixplore.web.trading.board_state import LeaderboardState, TraderState
from aixplore.web.trading.copy_pages import copies_page
from aixplore.web.trading.copy_state import CopiesState
from aixplore.web.trading.market_pages import portfolio_page, trading_page
from aixplore.web.trading.signal_pages import chain_page, signal_form_page, signal_page
from aixplore.web.trading.state import (
    ChainState,
    MarketState,
    PortfolioState,
    SignalFormState,
    SignalPageState,
)
from aixplore.web.wallet.pages import token_page
from aixplore.web.wallet.state import TokenState
from aixplore.web.webhooks.pages import webhooks_page
from aixplore.web.webhooks.state import WebhooksState

configure_logging()
configure_tracing()  # spans over OTLP when AIXPLORE_OTLP_ENDPOINT is set (core/tracing.py)
# A published secret key never serves other machines (core/settings.py).
get_settings().check_listen_address(rx.config.get_config().backend_host)

# Almost every handler asks who is signed in: the session state comes with every read.
reflex_fixes.apply(SessionState)
# A tab whose state vanished (say, Redis restarted) loads its page again before its event.
lost_state.apply()
# A tab whose worker died keeps its token and state where it reconnects (web/tab_owner.py).
tab_owner.apply()
# Event-socket traffic in /metrics (web/event_metrics.py).
event_metrics.apply()
# State deltas leave through orjson (web/socket_json.py); before rx.App makes its socket server.
socket_json.install()


@contextlib.asynccontextmanager
async def _background_work() -> AsyncIterator[None]:
    if get_settings().run_embedded_worker:
        start_embedded_consumer()
    # Everything the worker loaded to get here lives as long as it does (core/heap.py).
    heap.settle()
    try:
        yield
    finally:
        stop_embedded_consumer()


app = rx.App(
    stylesheets=["/styles.css", "/showroom.css"],
    # The REST API in front of Reflex's backend; pages served at their own address; a
    # solution's page with its own title and link preview tags (web/link_preview.py).
    api_transformer=[build_api(), PagePaths, LinkPreview],
    backend_exception_handler=backend_exception_handler,
    html_lang="en",
    head_components=[rx.el.meta(name="theme-color", content="#6e56cf")],
)
app.app_wraps[(55, "ErrorBoundary")] = error_boundary
app.register_lifespan_task(_background_work)
app.register_lifespan_task(expire_idle_states)

refresh = SessionState.refresh
guard = SessionState.require_signed_in
NOINDEX = {"name": "robots", "content": "noindex"}
SITE_IMAGE = "/components3d/posters/card-rainbow.png"
DESCRIPTION = "Discover AI solutions, order custom apps built from them, and meet their community."


@dataclass(frozen=True)
class Route:
    """One page: its path, component, title and the handlers that run when it opens."""

    path: str
    component: Callable[[], rx.Component]
    title: str
    on_load: list[Any] = field(default_factory=list)
    description: str | None = None


ROUTES: list[Route] = [
    Route(
        "/",
        home_page,
        "AiXplore: discover AI solutions",
        [refresh, HomeState.load],
        description=DESCRIPTION,
    ),
    Route(
        "/about",
        about_page,
        "About · AiXplore",
        [refresh],
        description="What AiXplore is: a catalog of AI solutions, custom apps built from them, and the community around them.",
    ),
    Route(
        "/terms",
        legal.terms_page,
        "Terms of use · AiXplore",
        [refresh],
        description="The rules for using AiXplore: accounts, publishing, reviews, orders, tokens.",
    ),
    Route(
        "/privacy",
        legal.privacy_page,
        "Privacy policy · AiXplore",
        [refresh],
        description="What AiXplore keeps about you, why, and how to export or delete it.",
    ),
    Route(
        "/contact",
        legal.contact_page,
        "Contact · AiXplore",
        [refresh],
        description="How to reach the AiXplore team.",
    ),
    Route(
        "/signup",
        account_pages.signup_page,
        "Sign up · AiXplore",
        [refresh, SocialButtonsState.load],
        description="Create a free AiXplore account to review solutions, order custom apps and earn ECE tokens.",
    ),
    Route(
        "/login",
        account_pages.login_page,
        "Sign in · AiXplore",
        [refresh, SocialButtonsState.load],
        description="Sign in to AiXplore with your email and password or your organization's single sign-on.",
    ),
    Route(
        "/verify",
        account_pages.verify_page,
        "Confirm email · AiXplore",
        [refresh, VerifyState.verify],
        description="Confirm the email address of your AiXplore account.",
    ),
    Route(
        "/forgot-password",
        account_pages.forgot_password_page,
        "Forgot password · AiXplore",
        [refresh],
        description="Get a link to choose a new password for your AiXplore account.",
    ),
    Route(
        "/reset-password",
        account_pages.reset_password_page,
        "New password · AiXplore",
        [refresh],
        description="Choose a new password for your AiXplore account.",
    ),
    Route(
        "/profile",
        account_settings.profile_page,
        "Profile · AiXplore",
        [guard, ProfileState.load, TokenState.load],
    ),
    Route(
        "/settings/profile",
        profile_editor_page,
        "Public profile · AiXplore",
        [guard, ProfileEditorState.load],
    ),
    Route("/feed", feed_page, "Your feed · AiXplore", [guard, FeedState.load]),
    Route("/messages", messages_page, "Messages · AiXplore", [guard, MessagesState.load]),
    Route(
        "/messages/[conversation_id]",
        messages_page,
        "Messages · AiXplore",
        [guard, MessagesState.load],
    ),
    Route(
        "/live",
        live_page,
        "Live streams · AiXplore",
        [refresh, LiveListState.load],
        description="Members of AiXplore streaming live, with chat.",
    ),
    Route(
        "/live/[stream_id]",
        stream_page,
        "Live stream · AiXplore",
        [refresh, StreamState.load],
        description="A live stream on AiXplore, with chat.",
    ),
    Route(
        "/u/[handle]",
        profile_page,
        "Profile · AiXplore",
        [ProfilePageState.load],
        description="A member of AiXplore: what they publish, review and host.",
    ),
    Route(
        "/trading",
        trading_page,
        "Trading · AiXplore",
        [refresh, MarketState.load],
        description="Paper trading on simulated prices: instruments, charts and traders' signals.",
    ),
    Route(
        "/trading/portfolio",
        portfolio_page,
        "Paper portfolio · AiXplore",
        [guard, PortfolioState.load],
    ),
    Route(
        "/trading/leaderboard",
        leaderboard_page,
        "Leaderboard · AiXplore",
        [refresh, LeaderboardState.load],
        description="Paper traders ranked on verified records, with bootstrap bands and drawdown penalties.",
    ),
    Route(
        "/trading/copies",
        copies_page,
        "My copies · AiXplore",
        [guard, CopiesState.load],
    ),
    Route(
        "/trading/signals/new",
        signal_form_page,
        "Publish a signal · AiXplore",
        [guard, SignalFormState.load],
    ),
    Route(
        "/trading/signals/[signal_id]",
        signal_page,
        "Signal · AiXplore",
        [refresh, SignalPageState.load],
        description="A trading signal, hashed and chained when published; its outcome comes from the price feed.",
    ),
    Route(
        "/traders/[handle]/chain",
        chain_page,
        "Signal chain · AiXplore",
        [refresh, ChainState.load, TraderState.load],
        description="A trader's signals as a hash chain anyone can re-compute.",
    ),
    Route(
        "/forums",
        forum_pages.forums_page,
        "Forums · AiXplore",
        [refresh, ForumIndexState.load],
        description="The AiXplore forums: ask, answer and talk about AI solutions and events.",
    ),
    Route(
        "/forums/[category]",
        forum_pages.category_page,
        "Forum · AiXplore",
        [refresh, CategoryState.load],
        description="A forum category on AiXplore and its threads.",
    ),
    Route(
        "/forums/t/[thread_id]",
        forum_pages.thread_page,
        "Thread · AiXplore",
        [refresh, ThreadState.load],
        description="A forum thread on AiXplore.",
    ),
    Route(
        "/forums/discuss/[kind]/[subject_id]",
        forum_pages.discuss_page,
        "Discuss · AiXplore",
        [refresh, DiscussState.load],
    ),
    Route(
        "/groups",
        groups_page,
        "Groups · AiXplore",
        [refresh, GroupsState.load],
        description="Groups on AiXplore: communities and trading groups with their own forums.",
    ),
    Route(
        "/groups/[slug]",
        group_page,
        "Group · AiXplore",
        [refresh, GroupPageState.load],
        description="A group on AiXplore.",
    ),
    Route("/order", wizard_page, "Order a custom app · AiXplore", [guard, WizardState.load]),
    Route("/orders", my_orders_page, "My orders · AiXplore", [guard, MyOrdersState.load]),
    Route("/orders/[order_id]", order_page, "Order · AiXplore", [guard, OrderPageState.load]),
    Route(
        "/orders/[order_id]/review",
        review_page,
        "Review request · AiXplore",
        [guard, ReviewState.load],
    ),
    Route(
        "/admin/orders",
        admin_orders_page,
        "Orders · Admin · AiXplore",
        [guard, AdminOrdersState.load],
    ),
    Route(
        "/notifications",
        notifications_page,
        "Notifications · AiXplore",
        [guard, NotificationsState.load],
    ),
    Route("/token", token_page, "Your ECE tokens · AiXplore", [guard, TokenState.load]),
    Route(
        "/cards",
        cards_page,
        "Trading cards · AiXplore",
        [refresh, ShowroomState.load],
        description="Every AI solution's trading card, rarer the better it is rated.",
    ),
    Route(
        "/cards/[slug]",
        card_page,
        "Trading card · AiXplore",
        [refresh, CardPageState.load],
        description="A solution's trading card: its rarity follows its rating and reviews.",
    ),
    Route("/gallery", gallery_page, "Your gallery · AiXplore", [guard, GalleryState.load]),
    Route(
        "/gallery/[handle]",
        gallery_page,
        "Gallery · AiXplore",
        [GalleryState.load],
        description="A member's trading cards, framed on the walls of a 3D room.",
    ),
    Route(
        "/settings/security",
        account_settings.security_page,
        "Security · AiXplore",
        [guard, SecurityState.load, IdentityLinksState.load],
    ),
    Route(
        "/settings/sign-in",
        account_settings.sign_in_methods_page,
        "Sign-in methods · AiXplore",
        [guard, SignInMethodsState.load],
    ),
    Route("/settings/api-keys", api_keys_page, "API keys · AiXplore", [guard, ApiKeysState.load]),
    Route("/settings/webhooks", webhooks_page, "Webhooks · AiXplore", [guard, WebhooksState.load]),
    Route("/settings/apps", oauth_apps_page, "Your apps · AiXplore", [guard, OAuthAppsState.load]),
    Route(
        "/settings/authorized-apps",
        authorized_apps_page,
        "Authorized apps · AiXplore",
        [guard, AuthorizedAppsState.load],
    ),
    Route("/settings/privacy", privacy_page, "Your data · AiXplore", [guard, PrivacyState.load]),
    Route(
        "/settings/notifications",
        notification_settings_page,
        "Notification settings · AiXplore",
        [guard, NotificationSettingsState.load],
    ),
    Route("/admin", admin_page, "Admin · AiXplore", [guard, AdminUsersState.load]),
    Route("/admin/audit", audit_page, "Audit log · AiXplore", [guard, AuditState.load]),
    Route(
        "/solutions",
        catalog_page,
        "AI solutions · AiXplore",
        [CatalogState.load],
        description=DESCRIPTION,
    ),
    Route(
        "/solutions/[slug]",
        solution_page,
        "Solution · AiXplore",
        [refresh, SolutionPageState.load, SolutionModelState.load],
        description="An AI solution on AiXplore: what it does, its reviews and rating, and its trading card.",
    ),
    Route(
        "/categories",
        categories_page,
        "Categories · AiXplore",
        [CategoriesState.load],
        description="AI solutions on AiXplore by category.",
    ),
    Route(
        "/publishers/[publisher_id]",
        publisher_page,
        "Publisher · AiXplore",
        [PublisherState.load],
        description="A publisher on AiXplore and the AI solutions they publish.",
    ),
    Route("/publish", publish_page, "Publish a solution · AiXplore", [guard, PublishState.load]),
    Route(
        "/publish/[slug]",
        publish_page,
        "Edit listing · AiXplore",
        [guard, PublishState.load, ModelUploadState.load],
    ),
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
        "/moderation-log",
        moderation_log_page,
        "Moderation log · AiXplore",
        [ModerationLogState.load],
        description="What the AiXplore moderators acted on and why, without naming anyone.",
    ),
    Route(
        "/moderation/appeal/[action_id]",
        appeal_page,
        "Appeal · AiXplore",
        [guard, AppealState.load],
    ),
    Route(
        "/events",
        events_page,
        "Community events · AiXplore",
        [EventsListState.load],
        description="Community events around AI solutions: online and in person, with their hosts and times in your time zone.",
    ),
    Route(
        "/events/new", event_form_page, "Organize an event · AiXplore", [guard, EventFormState.load]
    ),
    Route(
        "/events/[event_id]",
        event_page,
        "Event · AiXplore",
        [refresh, EventPageState.load],
        description="A community event on AiXplore: when, where, who hosts it, and how to join.",
    ),
    Route(
        "/events/[event_id]/edit",
        event_form_page,
        "Edit event · AiXplore",
        [guard, EventFormState.load],
    ),
    Route("/saved", saved_page, "Saved · AiXplore", [guard, SavedState.load]),
    Route(
        "/collections/[collection_id]",
        collection_page,
        "Collection · AiXplore",
        [CollectionState.load],
        description="A collection of AI solutions put together on AiXplore.",
    ),
    Route(
        "/analytics/[slug]",
        solution_analytics_page,
        "Analytics · AiXplore",
        [guard, SolutionAnalyticsState.load],
    ),
    Route(
        "/admin/analytics",
        platform_analytics_page,
        "Platform analytics · AiXplore",
        [guard, PlatformAnalyticsState.load],
    ),
    Route("/orgs", orgs_page, "Organizations · AiXplore", [guard, OrgsState.load]),
    Route(
        "/orgs/invitation", invitation_page, "Invitation · AiXplore", [guard, InvitationState.load]
    ),
    Route(
        "/orgs/[org_id]",
        org_page,
        "Organization · AiXplore",
        [guard, OrgState.load, OrgAppsState.load],
    ),
    Route("/orgs/[org_id]/sso", sso_page, "Single sign-on · AiXplore", [guard, SsoAdminState.load]),
    Route("/orgs/[org_id]/audit", audit_page, "Audit log · AiXplore", [guard, AuditState.load]),
    Route("/orgs/[org_id]/keys", api_keys_page, "API keys · AiXplore", [guard, ApiKeysState.load]),
    Route(
        "/orgs/[org_id]/webhooks", webhooks_page, "Webhooks · AiXplore", [guard, WebhooksState.load]
    ),
    Route(
        "/sso",
        sso_sign_in_page,
        "Single sign-on · AiXplore",
        [refresh],
        description="Sign in to AiXplore with your organization's single sign-on.",
    ),
    Route(
        "404",
        not_found_page,
        "Page not found · AiXplore",
        [refresh],
        description="This page does not exist on AiXplore.",
    ),
]

for route in ROUTES:
    app.add_page(
        route.component,
        route=route.path,
        title=route.title,
        description=route.description or DESCRIPTION,
        # Pages behind sign-in are nobody's search result.
        meta=[NOINDEX] if any(handler is guard for handler in route.on_load) else [],
        # A link preview needs an absolute image URL (Reflex's default is "favicon.ico").
        image=absolute_url(get_settings().base_url, SITE_IMAGE),
        # Last: the tab's live listener (web/live.py), started again on every reconnect.
        on_load=[*route.on_load, LiveState.start],
    )
