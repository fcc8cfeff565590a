"""Group events: hosted by a group's moderators, seen as the group's threads are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound, PermissionDenied
from aixplore.domain.events import reading as event_reading
from aixplore.domain.events import services as events
from aixplore.domain.events.feed import list_upcoming_after
from aixplore.domain.groups import events as group_events
from aixplore.domain.groups import services as groups
from aixplore.domain.social.profiles import _counts
from tests.unit.domain.forums.support import handle, person

DAY = (date.today() + timedelta(days=10)).isoformat()


def _data(title: str) -> dict[str, object]:
    return {
        "title": title,
        "description": "Talks and demos.",
        "starts_at": f"{DAY}T18:30",
        "ends_at": f"{DAY}T20:00",
        "timezone": "Europe/Berlin",
        "online_url": "https://meet.example.com/group",
        "location": "",
        "capacity": 20,
    }


def _group(owner, name: str, visibility: str) -> str:
    with session_scope() as db:
        return groups.do_create_group(db, owner, name, "About us", visibility).slug


def _public_titles() -> list[str]:
    with session_scope() as db:
        listed = [e.title for e in event_reading.list_upcoming(db).items]
        after = [e.title for e in list_upcoming_after(db, None, 50)[0]]
    assert listed == after
    return listed


def test_a_private_groups_event_is_for_its_members_and_a_public_groups_for_everyone() -> None:
    owner, mod, member, outsider = person("Owner"), person("Mod"), person("Member"), person("Out")
    private = _group(owner, "Quant Circle", "private")
    public = _group(owner, "Open Circle", "public")
    names = handle(mod), handle(member)
    with session_scope() as db:
        for name in names:
            groups.do_invite(db, owner, private, name)
    with session_scope() as db:
        groups.do_join(db, mod, private)
        groups.do_join(db, member, private)
        groups.do_set_role(db, owner, private, mod.user_id, "moderator")
    with session_scope() as db:
        inside = group_events.do_host_event(db, mod, private, _data("Members night")).id
        open_id = group_events.do_host_event(db, owner, public, _data("Open night")).id
    assert _public_titles() == ["Open night"]
    with session_scope() as db:
        assert event_reading.get_event(db, member, inside).title == "Members night"
        assert [e.id for e in group_events.list_group_events(db, member, private)] == [inside]
        assert [e.id for e in group_events.list_group_events(db, None, public)] == [open_id]
        assert event_reading.get_event(db, None, open_id).title == "Open night"
        for viewer in (outsider, None):
            with pytest.raises(PermissionDenied, match="Only members of Quant Circle"):
                event_reading.get_event(db, viewer, inside)
        with pytest.raises(PermissionDenied, match="Only members of Quant Circle"):
            group_events.list_group_events(db, outsider, private)
        with pytest.raises(PermissionDenied, match="Only members of Quant Circle"):
            events.do_rsvp(db, outsider, inside)
        assert _counts(db, mod.user_id)[2] == 0  # not on the host's public profile
        assert _counts(db, owner.user_id)[2] == 1
    with session_scope() as db:
        assert events.do_rsvp(db, member, inside).my_status == "going"


def test_only_a_groups_moderators_host_and_a_secret_groups_events_do_not_exist_outside() -> None:
    owner, member, other_owner, outsider = (
        person("Owner"),
        person("Member"),
        person("Other"),
        person("Out"),
    )
    secret = _group(owner, "Hidden Lab", "secret")
    _group(other_owner, "Elsewhere", "public")
    name = handle(member)
    with session_scope() as db:
        groups.do_invite(db, owner, secret, name)
    with session_scope() as db:
        groups.do_join(db, member, secret)
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="this group's moderators"):
            group_events.do_host_event(db, member, secret, _data("Not mine"))
        for wrong in (other_owner, outsider):  # another group's owner is an outsider here
            with pytest.raises(NotFound, match="No such group"):
                group_events.do_host_event(db, wrong, secret, _data("Sneaky"))
        with pytest.raises(NotFound, match="No such group"):
            group_events.list_group_events(db, outsider, secret)
        hidden = group_events.do_host_event(db, owner, secret, _data("Lab night")).id
    with session_scope() as db:
        with pytest.raises(NotFound, match="No such event"):
            event_reading.get_event(db, outsider, hidden)
        assert event_reading.get_event(db, member, hidden).title == "Lab night"
    assert _public_titles() == []
