"""Registering an OAuth app from a settings page: the personal page and an organization's
page share ``register_app``; the app goes to the right owner, and a refusal is answered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aixplore.core.db import session_scope
from aixplore.core.errors import NotFound
from aixplore.domain.accounts.models import Actor
from aixplore.domain.oauth import apps
from aixplore.domain.orgs import services as orgs
from aixplore.web.oauth import state as oauth_state
from tests.factories import actor_for, make_member, sign_in

FORM = {
    "app_name": "Reporter",
    "logo_url": "",
    "redirect_uris": "https://reporter.example.com/callback",
    "kind": "confidential",
}


class _Page:
    """What ``register_app`` needs of a page's state (OAuthAppsState, OrgAppsState)."""

    def __init__(self) -> None:
        self.new_secret, self.new_client_id, self.error = "old", "old", "old"
        self.reloads = 0

    def _ip(self) -> str:
        return "198.51.100.9"

    async def _reload(self) -> None:
        self.reloads += 1


@pytest.fixture
def actor(monkeypatch: pytest.MonkeyPatch) -> Actor:
    found = actor_for(sign_in(make_member(email="maker@example.com").email))
    assert found is not None

    async def current_actor(_state: Any) -> Actor:
        return found

    monkeypatch.setattr(oauth_state, "current_actor", current_actor)
    return found


def test_a_personal_app_is_registered_and_its_secret_shown_once(actor: Actor) -> None:
    page = _Page()
    answer = asyncio.run(oauth_state.register_app(page, FORM, "/settings/apps", "App registered."))
    assert "App registered." in str(answer)
    with session_scope() as db:
        (app,) = apps.list_my_apps(db, actor)
    assert app.org_id is None
    assert page.new_client_id == app.client_id and page.new_secret and page.error == ""
    assert page.reloads == 1


def test_an_organizations_app_belongs_to_the_organization(actor: Actor) -> None:
    with session_scope() as db:
        org_id = orgs.do_create_org(db, actor, {"name": "Acme", "slug": "acme"}).id
    page = _Page()
    asyncio.run(oauth_state.register_app(page, FORM, "/orgs/1", "Done.", lambda: org_id))
    with session_scope() as db:
        (app,) = apps.list_org_apps(db, actor, org_id)
    assert app.org_id == org_id and page.new_client_id == app.client_id


def test_an_unreadable_form_is_answered_and_nothing_is_registered(actor: Actor) -> None:
    page = _Page()
    answer = asyncio.run(oauth_state.register_app(page, {"kind": "odd"}, "/settings/apps", "x"))
    assert page.error == "Give the redirect URIs and the app's type."
    assert page.error in str(answer) and page.new_secret == "" and page.reloads == 0
    with session_scope() as db:
        assert apps.list_my_apps(db, actor) == []


def test_a_refused_organization_is_answered_not_raised(actor: Actor) -> None:
    def no_org() -> int:
        raise NotFound("No such organization.")

    page = _Page()
    answer = asyncio.run(oauth_state.register_app(page, FORM, "/orgs", "x", no_org))
    assert page.error == "No such organization." and page.error in str(answer)
    with session_scope() as db:
        assert apps.list_my_apps(db, actor) == []
