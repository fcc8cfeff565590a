"""Which organization an email address belongs to, and whether its "enforce SSO" refuses a
password sign-in.

Signing in asks before it checks a password (:func:`check_password_sign_in`); organizations
route sign-ins by domain with :func:`org_of_email`. Only organization tables are read: the
caller looks the account up and passes its id, since accounts build on this package. Which
sessions and API keys an enforcing organization admits is ``aixplore.domain.orgs.sso_policy``.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from aixplore.core.errors import PermissionDenied
from aixplore.domain.membership.models import Organization, OrgDomain, OrgMembership, OrgRole

log = logging.getLogger("aixplore.security")


def org_of_email(session: Session, email: str) -> Organization | None:
    """The organization that verified the domain of ``email``, if any."""
    domain = email.strip().lower().rsplit("@", 1)[-1]
    row = session.exec(
        select(OrgDomain).where(OrgDomain.domain == domain, col(OrgDomain.verified_at).is_not(None))
    ).first()
    return session.get(Organization, row.org_id) if row else None


def sso_required_for(session: Session, email: str, user_id: int | None) -> Organization | None:
    """The organization whose "enforce SSO" forbids ``email`` a password sign-in, if any.

    Applies to addresses of an enforcing org's verified domains and to its members
    (``user_id``: the account of ``email``, None when there is none); the owner is exempt, to
    keep a way in when the identity provider is down.
    """
    candidates: list[Organization] = []
    by_domain = org_of_email(session, email)
    if by_domain is not None:
        candidates.append(by_domain)
    if user_id is not None:
        candidates += session.exec(
            select(Organization)
            .join(OrgMembership, col(OrgMembership.org_id) == Organization.id)
            .where(OrgMembership.user_id == user_id, OrgMembership.role != OrgRole.OWNER)
        ).all()
    for org in candidates:
        if not org.enforce_sso:
            continue
        if user_id is not None:
            owner = session.exec(
                select(OrgMembership).where(
                    OrgMembership.org_id == org.id,
                    OrgMembership.user_id == user_id,
                    OrgMembership.role == OrgRole.OWNER,
                )
            ).first()
            if owner is not None:
                continue
        return org
    return None


def check_password_sign_in(session: Session, email: str, user_id: int | None) -> None:
    """Refuse a password sign-in that an organization's "enforce SSO" forbids."""
    org = sso_required_for(session, email, user_id)
    if org is not None:
        log.warning(
            "password_sign_in_refused_sso",
            extra={"security_event": "password_sign_in_refused_sso", "org_id": org.id},
        )
        raise PermissionDenied(
            f"{org.name} requires single sign-on for this account. Use 'Sign in with single "
            "sign-on' instead of a password."
        )
