"""Changing how an org signs people in needs the owner or an admin's fresh password; it is
audited and mailed to the owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from aixplore.core.db import session_scope
from aixplore.core.errors import ValidationFailed
from aixplore.core.time import utcnow
from aixplore.domain.accounts import reauth
from aixplore.domain.accounts.models import UserSession
from aixplore.domain.audit.models import AuditEntry
from aixplore.domain.orgs import domains, oidc, saml
from aixplore.domain.orgs.sso_changes import ReauthRequired
from tests.factories import PASSWORD
from tests.integration.sso_helpers import mails_to, make_admin_of, org_with_admin

OIDC = {
    "discovery_url": "https://idp.evil.example/.well-known/openid-configuration",
    "client_id": "mine",
}


def test_an_admin_must_confirm_their_password_to_change_sso_and_the_owner_hears_of_it() -> None:
    org, _owner_actor, owner = org_with_admin()
    admin = make_admin_of(org.id, _owner_actor, "admin@example.com")
    attempts = [
        lambda db: oidc.do_configure(db, admin, org.id, OIDC),
        lambda db: saml.do_configure(db, admin, org.id, {"idp_metadata_xml": "<x/>"}),
        lambda db: saml.do_add_certificate(db, admin, org.id, "x"),
        lambda db: domains.do_claim_domain(db, admin, org.id, {"domain": "evil.example"}),
    ]
    for attempt in attempts:
        with session_scope() as db, pytest.raises(ReauthRequired, match="Confirm your password"):
            attempt(db)
    with session_scope() as db, pytest.raises(ValidationFailed, match="incorrect"):
        reauth.do_reauthenticate(db, admin, "not the password")
    with session_scope() as db:
        reauth.do_reauthenticate(db, admin, PASSWORD)
    with session_scope() as db:
        oidc.do_configure(db, admin, org.id, OIDC)
    ((subject, body),) = mails_to(owner.email, "org_sso_changed")
    assert "Acme" in subject and "admin@example.com" in body and "idp.evil.example" in body
    with session_scope() as db:
        actions = db.exec(select(AuditEntry.action).where(AuditEntry.org_id == org.id)).all()
    assert "sso.oidc_configured" in actions
    # Ten minutes later the mark has worn off.
    with session_scope() as db:
        db.execute(
            update(UserSession)
            .where(UserSession.id == admin.session_id)  # type: ignore[arg-type]
            .values(reauthenticated_at=utcnow() - timedelta(minutes=11))
        )
    with session_scope() as db, pytest.raises(ReauthRequired):
        oidc.do_configure(db, admin, org.id, OIDC)


def test_an_admin_without_a_password_is_sent_to_the_owner() -> None:
    org, owner_actor, _owner = org_with_admin()
    admin = make_admin_of(org.id, owner_actor, "sso-only@example.com", password=False)
    with session_scope() as db, pytest.raises(ReauthRequired, match="Ask the owner"):
        oidc.do_configure(db, admin, org.id, OIDC)
    from aixplore.core.errors import PermissionDenied

    with session_scope() as db, pytest.raises(PermissionDenied, match="no password"):
        reauth.do_reauthenticate(db, admin, PASSWORD)


def test_the_owner_changes_sso_without_confirming_and_is_mailed() -> None:
    org, owner_actor, owner = org_with_admin()
    with session_scope() as db:
        oidc.do_configure(db, owner_actor, org.id, OIDC)
    ((_subject, body),) = mails_to(owner.email, "org_sso_changed")
    assert "changed by you" in body
