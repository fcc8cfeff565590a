"""Organization acts reach the audit log under the org, and only its admins read them."""

from __future__ import annotations

import pytest

from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.audit import reading
from aixplore.domain.orgs import services as orgs
from tests.factories import actor_for, make_admin, make_member, sign_in
from tests.unit.domain.orgs.test_orgs import _actor, _join, _org_with


def test_org_acts_are_audited_and_readable_by_that_orgs_admins_only() -> None:
    owner, admin, member, outsider = make_member(), make_member(), make_member(), make_member()
    acme = _org_with(owner.email, "acme-audit")
    other = _org_with(outsider.email, "other-audit")
    _join(acme, owner.email, admin.email, "admin")
    _join(acme, owner.email, member.email)
    with session_scope() as db:
        orgs.do_suspend_member(db, _actor(admin.email), acme, member.id, True)

    with read_scope() as db:
        rows, _cursor = reading.list_entries(db, _actor(admin.email), {"org_id": acme})
        actions = [r.action for r in reversed(rows)]
        assert {r.org_id for r in rows} == {acme}
    assert actions == [
        "org.created",
        "org.member_invited",
        "org.member_joined",
        "org.member_invited",
        "org.member_joined",
        "org.member_suspended",
    ]

    # Another org's owner, a (suspended) member, or no org filter at all: refused (another
    # org reads as not found, so its existence does not leak).
    for who, filters in (
        (outsider, {"org_id": acme}),
        (member, {"org_id": acme}),
        (admin, {}),
        (admin, {"org_id": other}),
    ):
        with read_scope() as db, pytest.raises((PermissionDenied, NotFound)):
            reading.list_entries(db, _actor(who.email), filters)
    with session_scope() as db, pytest.raises((PermissionDenied, NotFound)):
        reading.export_entries(db, _actor(outsider.email), {"org_id": acme}, "json")

    # The org's admin exports their org (and the export is itself recorded under the org).
    with session_scope() as db:
        body, media = reading.export_entries(db, _actor(admin.email), {"org_id": acme}, "csv")
    assert media.startswith("text/csv") and "org.member_suspended" in body
    platform = actor_for(sign_in(make_admin().email))
    with read_scope() as db:
        rows, _cursor = reading.list_entries(db, platform, {"org_id": acme, "action": "audit."})
        assert [r.action for r in rows] == ["audit.exported"]
