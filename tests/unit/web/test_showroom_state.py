"""The showroom's handlers with the arguments any browser may send: a message, never a 500."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import reflex as rx
from reflex import constants
from reflex.istate.data import RouterData

import aixplore.web.app  # noqa: F401 - registers every page and state
from aixplore.core.db import session_scope
from aixplore.domain.trading.board_models import LeaderboardRow
from aixplore.web.cards.state import CardPageState, ShowroomState
from tests.factories import make_member, make_solution, set_solution_rating

T = TypeVar("T", bound=rx.State)
WEIRD = [None, 7, True, ["name"], {"sort": "name"}, "", "NAME", "name; drop table", "x" * 5000]


def _state(cls: type[T], url: str = "/cards", params: dict | None = None) -> T:
    """A fresh state of ``cls`` as a browser at ``url`` would have it."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    state: Any = root
    for name in cls.get_full_name().split(".")[1:]:
        state = state.substates[name]
    path = url.partition("?")[0]
    state.router = RouterData.from_router_data(
        {
            constants.RouteVar.ORIGIN: url,
            constants.RouteVar.PATH: path,
            constants.RouteVar.QUERY: params or {},
            constants.RouteVar.HEADERS: {"origin": "http://localhost"},
        }
    )
    return state


def _redirect(spec: Any) -> str:
    assert isinstance(spec, rx.event.EventSpec)
    return json.loads(dict((str(k), v) for k, v in spec.args)["path"]._js_expr)


def _cards() -> None:
    owner = make_member()
    for name, rating, count in [("Plain Card", 3.0, 2), ("Gold Card", 4.9, 60)]:
        set_solution_rating(make_solution(owner.email, name=name).slug, rating, count)


def test_load_reads_the_filter_from_the_url() -> None:
    _cards()
    state = _state(ShowroomState, "/cards?rarity=secret&sort=name")
    state.load()
    assert [c["name"] for c in state.cards] == ["Gold Card"]
    assert state.rarity == "secret" and state.sort == "name" and state.notes == []
    current = [link for link in state.rarity_links if link["current"]]
    assert [link["label"] for link in current] == ["Secret rare"]
    # Each rarity's link keeps the order and goes back to page 1.
    assert {link["href"] for link in state.rarity_links} >= {
        "/cards?sort=name",
        "/cards?rarity=regular&sort=name",
    }


def test_load_ignores_bad_url_values_with_a_note() -> None:
    _cards()
    state = _state(ShowroomState, "/cards?rarity=mythic&sort=%3Cscript%3E&page=zz&category=nope")
    state.load()
    assert len(state.cards) == 2 and state.rarity == "all" and state.sort == "rarity"
    assert state.notes == [
        "Unknown rarity: showing every rarity.",
        "Unknown order: showing the rarest cards first.",
        "Unknown category: showing every category.",
    ]


def test_the_traders_filter_shows_traders_cards_and_an_unknown_kind_gets_a_note() -> None:
    _cards()
    trader = make_member(name="Tara Trader").id or 0
    make_member(name="No Record")
    with session_scope() as db:
        db.add(
            LeaderboardRow(
                period="all",
                trader_id=trader,
                total_return=0.05,
                max_drawdown=-0.1,
                risk=5,
                record_days=10,
                decided=3,
            )
        )
    state = _state(ShowroomState, "/cards?kind=traders")
    state.load()
    assert state.kind == "traders" and state.cards == [] and state.total == 1
    assert [(t["name"], t["rank_text"], t["foil"]) for t in state.traders] == [
        ("Tara Trader", "Unranked", "regular")
    ]
    assert [link["label"] for link in state.rarity_links if link["current"]] == ["Traders"]
    state = _state(ShowroomState, "/cards?kind=%3Cscript%3E")
    state.load()
    assert state.kind == "" and len(state.cards) == 2 and state.traders == []
    assert state.notes == ["Unknown kind of card: showing solutions' cards."]
    assert [link["label"] for link in state.rarity_links if link["current"]] == ["All rarities"]


def test_set_sort_refuses_anything_but_a_listed_order() -> None:
    state = _state(ShowroomState)
    for value in WEIRD:
        state.error = ""
        assert state.set_sort(value) is None, value
        assert state.error == "Choose one of the listed orders."


def test_set_category_refuses_anything_but_a_listed_category() -> None:
    _cards()
    state = _state(ShowroomState, "/cards?rarity=secret")
    state.load()
    for value in [*WEIRD, "no-such-category"]:
        state.error = ""
        assert state.set_category(value) is None, value
        assert state.error == "Choose one of the listed categories."


def test_sort_and_category_keep_the_other_filters_and_go_to_page_one() -> None:
    _cards()
    state = _state(ShowroomState, "/cards?rarity=secret&category=text-generation&page=1")
    state.load()
    assert _redirect(state.set_sort("newest")) == (
        "/cards?rarity=secret&category=text-generation&sort=newest"
    )
    assert _redirect(state.set_category("all")) == "/cards?rarity=secret"
    assert _redirect(state.set_category("computer-vision")) == (
        "/cards?rarity=secret&category=computer-vision"
    )


def test_a_card_page_for_an_unknown_slug_says_not_found() -> None:
    for slug in ["no-such-card", "", "x" * 300]:
        state = _state(CardPageState, f"/cards/{slug}", {"slug": slug})
        state.load()
        assert state.loaded and not state.found and state.card == {}, slug


def test_a_card_page_shows_a_published_card() -> None:
    _cards()
    state = _state(CardPageState, "/cards/gold-card", {"slug": "gold-card"})
    state.load()
    assert state.found and state.card["rarity"] == "Secret rare"
