"""Account pages' states: thin handlers that parse, call a service and answer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.accounts import services as accounts
from aixplore.domain.wallet import rewarded
from aixplore.web.accounts.devices import describe_device
from aixplore.web.feedback import answer_error, pick, toast_ok
from aixplore.web.session import SessionState, current_actor

CHECK_INBOX = "If the address can be used, a mail is on its way. Check your inbox."


def safe_next(value: Any) -> str:
    """A local path to go to after sign-in (never another site)."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and len(value) < 300
    ):
        return value
    return "/profile"


class SignUpState(rx.State):
    """The sign-up form."""

    error: str = ""
    done: bool = False
    busy: bool = False

    @rx.event
    async def submit(self, form_data: dict):
        """Create the account and mail a verification link."""
        self.error, self.busy = "", True
        yield
        session = await self.get_state(SessionState)
        ip, _ua = session._client()
        try:
            with session_scope() as db:
                accounts.do_sign_up(db, pick(form_data, "email", "display_name", "password"), ip=ip)
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.done, self.busy = True, False


class LoginState(rx.State):
    """The sign-in form."""

    error: str = ""
    busy: bool = False

    @rx.event
    async def submit(self, form_data: dict):
        """Check the credentials and open a session."""
        self.error, self.busy = "", True
        yield
        session = await self.get_state(SessionState)
        ip, ua = session._client()
        try:
            with session_scope() as db:
                token = accounts.do_sign_in(
                    db, pick(form_data, "email", "password"), ip=ip, user_agent=ua
                )
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        session._start(token)
        self.busy = False
        yield rx.redirect(safe_next(self.router.url.query_parameters.get("next")))


class VerifyState(rx.State):
    """The page behind the mailed verification link."""

    status: str = "checking"
    message: str = "Checking your link…"

    @rx.event
    def verify(self) -> None:
        """Consume the token from the URL."""
        token = self.router.url.query_parameters.get("token", "")
        try:
            with session_scope() as db:
                rewarded.do_verify_email(db, token)
        except DomainError as exc:
            self.status, self.message = "failed", exc.message
            return
        self.status, self.message = "ok", "Your email address is confirmed. You can sign in now."

    @rx.event
    def resend(self, form_data: dict):
        """Mail a new link."""
        try:
            with session_scope() as db:
                accounts.do_resend_verification(db, pick(form_data, "email"))
        except DomainError as exc:
            return answer_error(exc)
        return toast_ok(CHECK_INBOX)


class ForgotPasswordState(rx.State):
    """Ask for a password reset link."""

    sent: bool = False
    error: str = ""

    @rx.event
    async def submit(self, form_data: dict) -> None:
        """Mail a reset link when the account exists (the answer is the same either way)."""
        self.error = ""
        session = await self.get_state(SessionState)
        ip, _ua = session._client()
        try:
            with session_scope() as db:
                accounts.do_request_password_reset(db, pick(form_data, "email"), ip=ip)
        except DomainError as exc:
            self.error = exc.message
            return
        self.sent = True


class ResetPasswordState(rx.State):
    """Choose a new password from a mailed link."""

    error: str = ""
    done: bool = False

    @rx.event
    def submit(self, form_data: dict) -> None:
        """Set the new password; every session of the account ends."""
        self.error = ""
        token = self.router.url.query_parameters.get("token", "")
        data = {
            "token": token,
            "password": form_data.get("password") if isinstance(form_data, dict) else None,
        }
        if isinstance(form_data, dict) and form_data.get("password") != form_data.get("confirm"):
            self.error = "The two passwords do not match."
            return
        try:
            with session_scope() as db:
                accounts.do_reset_password(db, data)
        except DomainError as exc:
            self.error = exc.message
            return
        self.done = True


class ProfileState(rx.State):
    """The signed-in user's profile."""

    display_name: str = ""
    email: str = ""
    bio: str = ""
    role: str = ""
    member_since: str = ""
    email_verified: bool = False
    editing: bool = False
    error: str = ""

    @rx.var
    def initial(self) -> str:
        """The avatar's letter."""
        return self.display_name[:1].upper() or "?"

    @rx.event
    async def load(self):
        """Read the profile (signed-in users only)."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                me = accounts.get_profile(db, actor)
        except DomainError as exc:
            return answer_error(exc, next_path="/profile")
        self.display_name, self.email, self.bio = me.display_name, me.email, me.bio
        self.role = "Platform admin" if me.role.value == "platform_admin" else "Member"
        self.member_since = me.created_at.strftime("%B %Y")
        self.email_verified = me.email_verified
        self.editing, self.error = False, ""
        return None

    @rx.event
    def toggle_edit(self) -> None:
        """Open or close the edit form."""
        self.editing, self.error = not self.editing, ""

    @rx.event
    async def save(self, form_data: dict):
        """Save name and bio."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                me = accounts.do_update_profile(db, actor, pick(form_data, "display_name", "bio"))
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/profile")
        self.display_name, self.bio, self.editing = me.display_name, me.bio, False
        session = await self.get_state(SessionState)
        session.viewer_name = me.display_name
        return toast_ok("Profile saved.")


class SecurityState(rx.State):
    """Change password; list and end my sessions."""

    sessions: list[dict[str, Any]] = []
    error: str = ""

    async def _reload(self) -> None:
        actor = await current_actor(self)
        with session_scope() as db:
            rows = accounts.list_my_sessions(db, actor)
        self.sessions = [
            {
                "id": r.id,
                "provider": r.provider,
                "ip": r.ip or "unknown",
                "device": describe_device(r.user_agent),
                "last_seen": r.last_seen_at.strftime("%Y-%m-%d %H:%M UTC"),
                "current": r.current,
            }
            for r in rows
        ]

    @rx.event
    async def load(self):
        """Read my sessions."""
        self.error = ""
        try:
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/security")
        return None

    @rx.event
    async def change_password(self, form_data: dict):
        """Change my password; my other sessions end."""
        self.error = ""
        if isinstance(form_data, dict) and form_data.get("new_password") != form_data.get(
            "confirm"
        ):
            self.error = "The two new passwords do not match."
            return None
        data = pick(form_data, "current_password", "new_password")
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                accounts.do_change_password(db, actor, data)
            await self._reload()
        except DomainError as exc:
            self.error = exc.message
            return answer_error(exc, next_path="/settings/security")
        return [
            toast_ok("Password changed. Your other sessions were signed out."),
            rx.set_value("field-current_password", ""),
            rx.set_value("field-new_password", ""),
            rx.set_value("field-confirm", ""),
        ]

    @rx.event
    async def revoke(self, session_id: int):
        """End one of my sessions."""
        actor = await current_actor(self)
        try:
            with session_scope() as db:
                accounts.do_revoke_session(db, actor, session_id)
            if actor is not None and session_id == actor.session_id:
                session = await self.get_state(SessionState)
                session.auth_token = ""
                session._show(None)
                return rx.redirect("/login")
            await self._reload()
        except DomainError as exc:
            return answer_error(exc, next_path="/settings/security")
        return toast_ok("Session ended.")
