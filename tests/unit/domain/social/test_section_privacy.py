"""Who may see each section of a profile: activity, followers and following, connections."""

from __future__ import annotations

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import PermissionDenied, ValidationFailed
from aixplore.domain.social import connections, graph, profiles
from tests.unit.domain.social.support import person

FORM = {
    "display_name": "Ada",
    "handle": "ada",
    "bio": "",
    "location": "",
    "links": "",
    "visibility": "public",
}


def _edit(actor, **change: str):
    with session_scope() as db:
        return profiles.do_edit_profile(db, actor, {**FORM, **change})


def _sections(viewer) -> dict[str, bool]:
    with session_scope() as db:
        shown, _old = profiles.get_profile(db, viewer, "ada")
    return shown.sections


def test_each_section_opens_only_to_whom_its_owner_chose() -> None:
    ada, fan, friend, stranger = person("Ada"), person("Fan"), person("Friend"), person("Stray")
    _edit(
        ada,
        activity_visibility="followers",
        network_visibility="connections",
        connections_visibility="only_me",
    )
    with session_scope() as db:
        graph.do_follow(db, fan, "ada")
        connections.do_request_connection(db, friend, "ada")
        connections.do_accept_connection(db, ada, "friend")
    assert _sections(None) == {"activity": False, "network": False, "connections": False}
    assert _sections(stranger) == {"activity": False, "network": False, "connections": False}
    assert _sections(fan) == {"activity": True, "network": False, "connections": False}
    assert _sections(friend) == {"activity": False, "network": True, "connections": False}
    assert _sections(ada) == {"activity": True, "network": True, "connections": True}
    with session_scope() as db:
        with pytest.raises(PermissionDenied, match="shows their activity to their followers only"):
            profiles.list_activity(db, stranger, "ada")
        with pytest.raises(PermissionDenied, match="followers and following to their connect"):
            graph.list_people(db, fan, "ada", "followers")
        with pytest.raises(PermissionDenied, match="connections to no one"):
            connections.list_connections(db, friend, "ada")
        assert [p.handle for p in graph.list_people(db, friend, "ada", "following")[0]] == []
        assert profiles.list_activity(db, fan, "ada") == []


def test_leaving_the_sections_out_keeps_them_and_a_wrong_value_is_refused() -> None:
    ada = person("Ada")
    _edit(ada, activity_visibility="members")
    kept = _edit(ada, location="Paris")
    assert kept.section_visibility["activity"] == "members"
    with pytest.raises(ValidationFailed, match="each section"):
        _edit(ada, network_visibility="everyone")
    with pytest.raises(ValidationFailed):
        _edit(ada, connections_visibility=3)  # type: ignore[arg-type]
