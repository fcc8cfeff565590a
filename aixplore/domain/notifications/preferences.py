"""Notification preferences: a channel per kind, the user's time zone, quiet hours, a digest.

A user without a settings row has the defaults: every kind in the app, no quiet hours, no
digest, UTC. Quiet hours are whole local hours ``[start, end)`` and may wrap midnight (22 to
7); inside them no notification is mailed (the bell still counts it, and a digest can carry
it later).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from sqlmodel import Session

from aixplore.core.errors import ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.models import Actor
from aixplore.domain.accounts.services import require_actor
from aixplore.domain.notifications.models import (
    KINDS,
    NotificationSettings,
    NotificationSettingsPublic,
)

DEFAULT_CHANNEL = "app"


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (UTC when unknown: a zone removed from tzdata reads as UTC)."""
    return ZoneInfo(name if name in known_zones() else "UTC")


class NotificationSettingsForm(BaseModel):
    """What the settings page sends; every field checked (any browser can send anything)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    channels: dict[str, Literal["app", "email", "off"]]
    timezone: str
    quiet_start: int | None = None
    quiet_end: int | None = None
    digest: Literal["off", "daily", "weekly"] = "off"

    @field_validator("channels")
    @classmethod
    def _known_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds: {', '.join(sorted(unknown))[:200]}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in known_zones():
            raise ValueError("choose a time zone from the list")
        return value

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _hour(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 23:
            raise ValueError("quiet hours are whole hours from 0 to 23")
        return value

    @model_validator(mode="after")
    def _both_or_neither(self) -> NotificationSettingsForm:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("give quiet hours a start and an end, or neither")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValueError("quiet hours must start and end at different hours")
        return self


def _public(row: NotificationSettings | None) -> NotificationSettingsPublic:
    chosen = (row.channels if row is not None else None) or {}
    return NotificationSettingsPublic(
        channels={k: chosen.get(k, DEFAULT_CHANNEL) for k in KINDS},
        timezone=row.timezone if row is not None else "UTC",
        quiet_start=row.quiet_start if row is not None else None,
        quiet_end=row.quiet_end if row is not None else None,
        digest=row.digest if row is not None else "off",
        saved=row is not None,
    )


def get_my_settings(session: Session, actor: Actor | None) -> NotificationSettingsPublic:
    """The actor's notification settings (the defaults when never saved)."""
    actor = require_actor(actor)
    return _public(session.get(NotificationSettings, actor.user_id))


def do_save_settings(
    session: Session, actor: Actor | None, form: Any
) -> NotificationSettingsPublic:
    """Replace the actor's notification settings with ``form`` (a dict as the page sends it)."""
    actor = require_actor(actor)
    try:
        valid = NotificationSettingsForm.model_validate(form)
    except ValidationError as exc:
        reason = exc.errors()[0].get("msg", "invalid") if exc.errors() else "invalid"
        raise ValidationFailed(f"Those notification settings were not saved: {reason}.") from exc
    row = session.get(NotificationSettings, actor.user_id)
    if row is None:
        row = NotificationSettings(user_id=actor.user_id)
    if valid.digest != "off" and (row.digest == "off" or row.digest_since is None):
        # A digest newly turned on covers what is missed from now, not the whole history.
        row.digest_since = utcnow()
    row.channels = {k: v for k, v in valid.channels.items() if v != DEFAULT_CHANNEL}
    row.timezone = valid.timezone
    row.quiet_start, row.quiet_end = valid.quiet_start, valid.quiet_end
    row.digest = valid.digest
    session.add(row)
    session.flush()
    return _public(row)


def channel_for(row: NotificationSettings | None, kind: str) -> str:
    """How a notification of ``kind`` reaches the owner of ``row``."""
    if row is None or not row.channels:
        return DEFAULT_CHANNEL
    return row.channels.get(kind, DEFAULT_CHANNEL)


def in_quiet_hours(row: NotificationSettings | None, now: datetime) -> bool:
    """Whether ``now`` falls in the quiet hours of the owner of ``row``, in their time zone."""
    if row is None or row.quiet_start is None or row.quiet_end is None:
        return False
    hour = now.astimezone(zone_of(row.timezone)).hour
    start, end = row.quiet_start, row.quiet_end
    return start <= hour < end if start < end else hour >= start or hour < end
