"""Who may change how an organization signs people in, and who hears about it.

An organization's identity provider signs in the addresses of its verified domains and the
identities people linked: whoever changes the connection (IdP metadata, certificates,
discovery URL, attribute mapping, the unverified-email exception) or the domains decides
whom it may sign in. So these changes need the owner, or an admin who confirmed their
password in the last few minutes (``accounts.reauth``, GitHub's "sudo mode"); an admin with
no password asks the owner. Every change is in the organization's audit log (its caller
records it) and is mailed to the owner.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from aixplore.core.errors import PermissionDenied
from aixplore.core.settings import get_settings
from aixplore.domain.accounts.models import Actor, User
from aixplore.domain.accounts.reauth import REAUTH_MINUTES, is_fresh
from aixplore.domain.mail.services import do_queue_mail
from aixplore.domain.orgs.models import Organization, OrgMembership, OrgRole
from aixplore.domain.orgs.services import require_org_role


class ReauthRequired(PermissionDenied):
    """An admin must confirm their password (or ask the owner) before this change."""

    code = "reauth_required"


def reauth_message(has_password: bool) -> str:
    """What an admin who is not the owner is told."""
    if not has_password:
        return (
            "Only the owner can change single sign-on and domains for an admin without a "
            "password. Ask the owner."
        )
    return (
        f"Confirm your password first (it counts for {REAUTH_MINUTES} minutes), or ask the "
        "owner to make this change."
    )


def require_sso_change(
    session: Session, actor: Actor | None, org_id: Any, action: str
) -> tuple[Actor, Organization, OrgMembership]:
    """The owner, or an admin whose session re-authenticated just now; else a refusal."""
    actor, org, membership = require_org_role(session, actor, org_id, OrgRole.ADMIN, action)
    if membership.role == OrgRole.OWNER or is_fresh(session, actor):
        return actor, org, membership
    user = session.get(User, actor.user_id)
    raise ReauthRequired(reauth_message(user is not None and user.password_hash is not None))


def needs_reauth(session: Session, actor: Actor, membership: OrgMembership) -> bool:
    """Whether this admin would be asked to confirm their password for an SSO change."""
    return membership.role != OrgRole.OWNER and not is_fresh(session, actor)


def announce_sso_change(
    session: Session, org: Organization, actor: Actor, what: str, detail: str = ""
) -> None:
    """Mail the organization's owner that its sign-in settings changed, and by whom."""
    rows = session.exec(
        select(User)
        .join(OrgMembership, OrgMembership.user_id == User.id)  # type: ignore[arg-type]
        .where(OrgMembership.org_id == org.id, OrgMembership.role == OrgRole.OWNER)
    ).all()
    base = get_settings().base_url.rstrip("/")
    for owner in rows:
        by = "you" if owner.id == actor.user_id else f"{actor.display_name} ({actor.email})"
        do_queue_mail(
            session,
            to=owner.email,
            subject=f"{org.name}: single sign-on settings changed",
            body=(
                f"Hello {owner.display_name},\n\nThe sign-in settings of {org.name} were "
                f"changed by {by}: {what}.{(' ' + detail) if detail else ''}\n\nWhoever "
                "controls the organization's identity provider and domains decides whom it "
                "may sign in. If you did not expect this change, review it in the "
                f"organization's audit log: {base}/orgs/{org.id}/audit\n"
            ),
            kind="org_sso_changed",
            user_id=owner.id,
        )
