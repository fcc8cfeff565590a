"""/settings/notifications: a channel per kind, quiet hours, the digest and the time zone."""

from __future__ import annotations

from typing import Any

import reflex as rx

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.domain.notifications import preferences
from aixplore.domain.notifications.models import KIND_LABELS, KINDS
from aixplore.web import kit
from aixplore.web.feedback import answer_error, toast_ok
from aixplore.web.kit.forms import SELECT_STYLE
from aixplore.web.layout import settings_template
from aixplore.web.session import current_actor

PAGE = "/settings/notifications"
CHANNEL_CHOICES = (("app", "In the app"), ("email", "In the app and by email"), ("off", "Off"))
DIGEST_CHOICES = (
    ("off", "No digest"),
    ("daily", "Daily, at 08:00"),
    ("weekly", "Weekly, Monday 08:00"),
)
HOURS = [(str(h), f"{h:02d}:00") for h in range(24)]
BROWSER_TIMEZONE = "Intl.DateTimeFormat().resolvedOptions().timeZone"


def _hour(value: Any) -> Any:
    """A form's hour ("" for none); anything else goes on as sent, for the service to refuse."""
    if value == "":
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 2:
        return int(value)
    return value


class NotificationSettingsState(rx.State):
    """The page's form values (as strings for the native selects); the service re-checks all."""

    values: dict[str, str] = {}
    saved_once: bool = False
    loaded: bool = False
    version: int = 0  # the form's key: a new value remounts it with the values read

    def _show(self, settings: Any) -> None:
        values = {f"channel_{k}": v for k, v in settings.channels.items()}
        values["timezone"] = settings.timezone
        values["quiet_start"] = "" if settings.quiet_start is None else str(settings.quiet_start)
        values["quiet_end"] = "" if settings.quiet_end is None else str(settings.quiet_end)
        values["digest"] = settings.digest
        self.values, self.loaded = values, True
        self.version += 1

    @rx.event
    async def load(self):
        """Read my settings; when never saved, start from the browser's time zone."""
        actor = await current_actor(self)
        try:
            with read_scope() as db:
                settings = preferences.get_my_settings(db, actor)
            self._show(settings)
            self.saved_once = settings.saved
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        if not self.saved_once:
            # The form waits for the browser's zone: shown before, it would be redrawn under
            # the person's first choices.
            self.loaded = False
            return rx.call_script(
                BROWSER_TIMEZONE, callback=NotificationSettingsState.set_browser_timezone
            )
        return None

    @rx.event
    def set_browser_timezone(self, zone: Any):
        """Offer the browser's zone until the settings are first saved (a known zone only)."""
        if not self.saved_once and isinstance(zone, str) and zone in preferences.known_zones():
            self.values = {**self.values, "timezone": zone}
            self.version += 1
        self.loaded = bool(self.values)

    @rx.event
    async def save(self, form_data: Any):
        """Save the form (every kind's channel, quiet hours, digest, time zone)."""
        actor = await current_actor(self)
        data = form_data if isinstance(form_data, dict) else {}
        form = {
            "channels": {k: data.get(f"channel_{k}", "app") for k in KINDS},
            "timezone": data.get("timezone", ""),
            "quiet_start": _hour(data.get("quiet_start", "")),
            "quiet_end": _hour(data.get("quiet_end", "")),
            "digest": data.get("digest", "off"),
        }
        try:
            with session_scope() as db:
                saved = preferences.do_save_settings(db, actor, form)
        except DomainError as exc:
            return answer_error(exc, next_path=PAGE)
        self._show(saved)
        self.saved_once = True
        return toast_ok("Notification settings saved.")


def _select(label: str, name: str, options: Any, *, width: str = "100%") -> rx.Component:
    select_id = f"field-{name}"
    return rx.flex(
        rx.el.label(label, html_for=select_id, flex="1", min_width="180px"),
        rx.el.select(
            *options,
            id=select_id,
            name=name,
            default_value=NotificationSettingsState.values[name],
            style={**SELECT_STYLE, "maxWidth": width},
        ),
        spacing="3",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _options(pairs: Any) -> list[rx.Component]:
    return [rx.el.option(text, value=value) for value, text in pairs]


def _form() -> rx.Component:
    kinds = [_select(KIND_LABELS[k], f"channel_{k}", _options(CHANNEL_CHOICES)) for k in KINDS]
    none = [rx.el.option("None", value="")]
    return kit.form(
        kit.section(
            "What reaches you",
            rx.text(
                "Each kind of notification shows in the app, also comes by email, or is off.",
                size="2",
            ),
            *kinds,
        ),
        kit.section(
            "Quiet hours and digest",
            rx.text(
                "No email in your quiet hours (the bell still counts). The digest mails what "
                "you have not read yet, in your time zone.",
                size="2",
            ),
            _select("Time zone", "timezone", kit.zone_options()),
            _select("Quiet from", "quiet_start", none + _options(HOURS)),
            _select("Quiet until", "quiet_end", none + _options(HOURS)),
            _select("Email digest", "digest", _options(DIGEST_CHOICES)),
        ),
        on_submit=NotificationSettingsState.save,
        submit="Save",
        max_width="640px",
        # Remount when the values arrive so the selects show them.
        key=NotificationSettingsState.version,
    )


@settings_template("Notifications", PAGE)
def notification_settings_page() -> rx.Component:
    """My notification settings."""
    return rx.vstack(
        kit.page_header("Notifications"),
        rx.cond(NotificationSettingsState.loaded, _form(), kit.loading()),
        spacing="5",
        width="100%",
    )
