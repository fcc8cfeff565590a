"""Pages of one's account: sign-up and sign-in, settings, notifications, tokens, organizations."""

from __future__ import annotations

from aixplore.web.accounts import pages as account_pages
from aixplore.web.accounts import settings_pages as account_settings
from aixplore.web.accounts.sign_in_methods import SignInMethodsState, SocialButtonsState
from aixplore.web.accounts.state import ProfileState, SecurityState, VerifyState
from aixplore.web.admin.audit import AuditState, audit_page
from aixplore.web.apikeys.pages import api_keys_page
from aixplore.web.apikeys.state import ApiKeysState
from aixplore.web.notifications.pages import notifications_page
from aixplore.web.notifications.settings_page import (
    NotificationSettingsState,
    notification_settings_page,
)
from aixplore.web.notifications.state import NotificationsState
from aixplore.web.oauth.pages import authorized_apps_page, oauth_apps_page
from aixplore.web.oauth.state import AuthorizedAppsState, OAuthAppsState
from aixplore.web.orgs.apps_state import OrgAppsState
from aixplore.web.orgs.links import IdentityLinksState
from aixplore.web.orgs.pages import invitation_page, org_page, orgs_page
from aixplore.web.orgs.sso_pages import sso_page, sso_sign_in_page
from aixplore.web.orgs.sso_state import SsoAdminState
from aixplore.web.orgs.state import InvitationState, OrgsState, OrgState
from aixplore.web.privacy.pages import PrivacyState, privacy_page
from aixplore.web.routes.route import Route, guard, refresh
from aixplore.web.social.editor_page import profile_editor_page
from aixplore.web.social.editor_state import ProfileEditorState
from aixplore.web.wallet.pages import token_page
from aixplore.web.wallet.state import TokenState
from aixplore.web.webhooks.pages import webhooks_page
from aixplore.web.webhooks.state import WebhooksState

ACCOUNT_ROUTES: list[Route] = [
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
    Route(
        "/notifications",
        notifications_page,
        "Notifications · AiXplore",
        [guard, NotificationsState.load],
    ),
    Route("/token", token_page, "Your ECE tokens · AiXplore", [guard, TokenState.load]),
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
]
