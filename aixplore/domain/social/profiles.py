"""Profiles at /u/<handle>: reading one as a viewer may, and editing one's own."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from aixplore.core.errors import NotFound, ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts.forms import parse_input
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.services import do_update_profile, require_actor
from aixplore.domain.events.models import Event, EventStatus
from aixplore.domain.reviews.models import Review, ReviewStatus
from aixplore.domain.social.feed import activity_of
from aixplore.domain.social.graph import relationship
from aixplore.domain.social.handles import (
    change_handle,
    check_handle,
    ensure_profile,
    resolve_handle,
)
from aixplore.domain.social.models import (
    LINK_MAX,
    LINKS_MAX,
    LOCATION_MAX,
    SECTIONS,
    FeedEntry,
    Profile,
    ProfileLink,
    ProfilePublic,
    ProfileVisibility,
    SectionVisibility,
)
from aixplore.domain.social.people import (
    check_can_view,
    check_can_view_section,
    person_cards,
    sections_open,
)
from aixplore.domain.solutions.markdown import render_markdown
from aixplore.domain.solutions.media import store_avatar
from aixplore.domain.solutions.models import Solution, SolutionStatus


def check_link(value: str) -> str:
    """A profile link: an absolute http(s) URL with a host, no credentials, printable."""
    url = value.strip()
    parts = urlsplit(url)
    if (
        len(url) > LINK_MAX
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or not url.isprintable()
        or any(ch.isspace() for ch in url)
    ):
        raise ValueError(
            f"Each link must be a full http:// or https:// address ({LINK_MAX} characters at most)."
        )
    return url


class ProfileEditInput(BaseModel):
    """The profile editor's form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)
    display_name: str = Field(min_length=1, max_length=80)
    handle: str = Field(min_length=1, max_length=40)
    bio: str = Field(default="", max_length=500)
    location: str = Field(default="", max_length=LOCATION_MAX)
    links: str = Field(default="", max_length=(LINK_MAX + 1) * LINKS_MAX)
    visibility: str = "public"
    # Left out: the section keeps its setting (older clients send only ``visibility``).
    activity_visibility: str | None = None
    network_visibility: str | None = None
    connections_visibility: str | None = None

    @field_validator("location")
    @classmethod
    def _location(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("links")
    @classmethod
    def _links(cls, value: str) -> str:
        links = [check_link(line) for line in value.splitlines() if line.strip()]
        if len(links) > LINKS_MAX:
            raise ValueError(f"Add at most {LINKS_MAX} links.")
        return "\n".join(dict.fromkeys(links))

    @field_validator("visibility")
    @classmethod
    def _visibility(cls, value: str) -> str:
        if value not in {v.value for v in ProfileVisibility}:
            raise ValueError("Choose who may see your profile.")
        return value

    @field_validator("activity_visibility", "network_visibility", "connections_visibility")
    @classmethod
    def _section(cls, value: str | None) -> str | None:
        if value is not None and value not in {v.value for v in SectionVisibility}:
            raise ValueError("Choose who may see each section of your profile.")
        return value


def _label(url: str) -> str:
    parts = urlsplit(url)
    shown = (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")
    return shown if len(shown) <= 60 else shown[:59] + "…"


def links_of(profile: Profile) -> list[ProfileLink]:
    """A profile's links with readable labels."""
    return [ProfileLink(url=u, label=_label(u)) for u in profile.links.splitlines() if u]


def _counts(session: Session, user_id: int) -> tuple[int, int, int]:
    published = session.exec(
        select(func.count())
        .select_from(Solution)
        .where(Solution.owner_id == user_id, Solution.status == SolutionStatus.PUBLISHED)
    ).one()
    reviews = session.exec(
        select(func.count())
        .select_from(Review)
        .join(Solution, Solution.id == Review.solution_id)  # type: ignore[arg-type]
        .where(
            Review.author_id == user_id,
            Review.status == ReviewStatus.VISIBLE,
            Solution.status == SolutionStatus.PUBLISHED,
        )
    ).one()
    events = session.exec(
        select(func.count())
        .select_from(Event)
        .where(
            Event.organizer_id == user_id,
            Event.status == EventStatus.SCHEDULED,
            ~col(Event.members_only),  # a members-only group's events are not for the profile
        )
    ).one()
    return int(published), int(reviews), int(events)


def _public(session: Session, viewer: Actor | None, profile: Profile) -> ProfilePublic:
    user = session.get(User, profile.user_id)
    assert user is not None
    card = person_cards(session, [profile.user_id])[profile.user_id]
    published, reviews, events = _counts(session, profile.user_id)
    return ProfilePublic(
        person=card,
        bio=user.bio,
        bio_html=render_markdown(user.bio) if user.bio else "",
        location=profile.location,
        links=links_of(profile),
        visibility=profile.visibility,
        joined_at=user.created_at,
        followers=profile.follower_count,
        following=profile.following_count,
        published=published,
        reviews=reviews,
        events_hosted=events,
        relationship=relationship(session, viewer, profile.user_id),
        sections=sections_open(session, viewer, profile),
        section_visibility={name: getattr(profile, column) for name, column in SECTIONS.items()},
    )


def get_profile(session: Session, viewer: Actor | None, handle: Any) -> tuple[ProfilePublic, bool]:
    """The profile ``handle`` names as ``viewer`` may see it, and whether ``handle`` is an
    old one (the page redirects to the current address)."""
    profile, old = resolve_handle(session, handle)
    user = session.get(User, profile.user_id)
    if (
        user is not None
        and user.suspended_at is not None
        and not (viewer and viewer.is_platform_admin)
    ):
        raise NotFound("This account is suspended.")
    check_can_view(session, viewer, profile)
    return _public(session, viewer, profile), old


def list_activity(session: Session, viewer: Actor | None, handle: Any) -> list[FeedEntry]:
    """What the person ``handle`` names did lately, if ``viewer`` may see their activity."""
    profile, _old = resolve_handle(session, handle)
    check_can_view_section(session, viewer, profile, "activity")
    return activity_of(session, profile.user_id)


def get_my_profile(session: Session, actor: Actor | None) -> ProfilePublic:
    """The actor's own profile (for the editor)."""
    actor = require_actor(actor)
    return _public(session, actor, ensure_profile(session, actor.user_id))


def preview_bio(bio: Any) -> str:
    """The bio's HTML as the profile will show it (the editor's live preview)."""
    if not isinstance(bio, str) or len(bio) > 500:
        raise ValidationFailed("The bio holds at most 500 characters.")
    return render_markdown(bio)


def do_edit_profile(session: Session, actor: Actor | None, data: Any) -> ProfilePublic:
    """Save the actor's name, handle, bio, location, links and who may see them."""
    actor = require_actor(actor)
    form: ProfileEditInput = parse_input(ProfileEditInput, data)
    handle = check_handle(form.handle)
    do_update_profile(session, actor, {"display_name": form.display_name, "bio": form.bio})
    profile = ensure_profile(session, actor.user_id)
    change_handle(session, profile, handle)
    profile.location, profile.links = form.location, form.links
    profile.visibility = ProfileVisibility(form.visibility)
    for column in SECTIONS.values():
        if (wanted := getattr(form, column)) is not None:
            setattr(profile, column, SectionVisibility(wanted))
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    return _public(session, actor, profile)


def do_set_avatar(session: Session, actor: Actor | None, data: Any) -> ProfilePublic:
    """Check, re-encode and store an uploaded avatar for the actor (``b""``: remove it)."""
    actor = require_actor(actor)
    stored = "" if data == b"" else store_avatar(data)
    profile = ensure_profile(session, actor.user_id)
    profile.avatar_path, profile.updated_at = stored, utcnow()
    session.add(profile)
    session.flush()
    return _public(session, actor, profile)
