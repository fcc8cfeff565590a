"""The component kit renders what its pages rely on: labels tied to controls, phone labels on
table cells, the current page marked in side navigation, tones, on/off pairs and dialogs."""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from aixplore.web import kit
from aixplore.web.kit.layouts import ADMIN_LINKS, ORG_PAGES, SETTINGS_LINKS


class KitState(rx.State):
    """Vars for the kit's components to draw."""

    rows: list[dict[str, Any]] = []
    on: bool = False
    org_id: int = 0
    error: str = ""
    secret: str = ""

    @rx.event
    def do(self, value: int = 0) -> None:
        """A handler for buttons."""

    @rx.event
    def submit(self, form_data: dict) -> None:
        """A handler for forms."""


def _html(component: rx.Component) -> str:
    return str(component.render())


def test_an_action_is_a_small_soft_button_coloured_by_its_tone() -> None:
    plain = _html(kit.action("Rotate secret", KitState.do(1)))
    assert '"Rotate secret"' in plain and 'size:"1"' in plain and 'variant:"soft"' in plain
    assert "color:" not in plain
    assert 'color:"red"' in _html(kit.action("Remove", KitState.do(1), tone="danger"))
    assert 'color:"green"' in _html(kit.action("Turn on", KitState.do(1), tone="positive"))
    labelled = _html(kit.action("Revoke", KitState.do(1), aria_label="Revoke key axp_1"))
    assert '"aria-label":"Revoke key axp_1"' in labelled


def test_a_toggle_offers_the_action_that_fits_the_state() -> None:
    rendered = _html(
        kit.toggle(
            KitState.on,
            kit.action("Turn off", KitState.do(0)),
            kit.action("Turn on", KitState.do(1), tone="positive"),
        )
    )
    assert rendered.index('"Turn off"') < rendered.index('"Turn on"')
    assert "on" in rendered and "cond" in rendered.lower()


def test_a_link_button_is_one_link_styled_as_a_button() -> None:
    rendered = _html(kit.link_button("API keys", "/settings/api-keys", variant="soft"))
    assert "asChild:true" in rendered and 'to:"/settings/api-keys"' in rendered
    assert rendered.count("RadixThemesButton") == 1


def test_a_table_labels_every_cell_but_the_first_for_phones() -> None:
    table = kit.data_table(
        KitState.rows,
        [
            kit.column(
                "User", lambda r: kit.name_and_email(r["name"], r["email"]), label_on_phone=False
            ),
            kit.column("Joined", "joined", nowrap=True),
            kit.column("Detail", "detail", min_width="16em"),
        ],
    )
    rendered = _html(table)
    assert 'className:"stack-table"' in rendered
    assert re.findall(r'"data-label":"([^"]+)"', rendered) == ["Joined", "Detail"]
    headers = re.findall(
        r"ColumnHeaderCell', 'props': \[\], 'children': \[\{'contents': '\"(\w+)\"", rendered
    )
    assert headers == ["User", "Joined", "Detail"]
    assert '["whiteSpace"] : "nowrap"' in rendered and 'minWidth:"16em"' in rendered


def test_a_field_ties_its_label_to_its_input_and_shows_its_hint() -> None:
    rendered = _html(kit.field("Name", "name", max_length=80, hint="What the key is for."))
    assert 'htmlFor:"field-name"' in rendered and 'id:"field-name"' in rendered
    assert '"What the key is for."' in rendered and "maxLength:80" in rendered
    assert '"What' not in _html(kit.field("Name", "name"))
    area = _html(kit.text_area_field("Description (Markdown)", "description", rows=8))
    assert 'htmlFor:"field-description"' in area and 'id:"field-description"' in area
    select = _html(kit.select_field("Category", "category", [["a", "A"]], value="a"))
    assert 'htmlFor:"field-category"' in select and 'id:"field-category"' in select


def test_choices_keep_their_names_for_the_form() -> None:
    native = _html(
        kit.native_select(
            "Solutions",
            "scope_solutions",
            [("none", "No access"), ("read", "Read")],
            select_id="scope-solutions",
            default_value="read",
        )
    )
    assert 'htmlFor:"scope-solutions"' in native and 'name:"scope_solutions"' in native
    assert native.count("option") >= 2
    box = _html(kit.checkbox("Keep my reviews", "keep_reviews"))
    assert 'type:"checkbox"' in box and 'name:"keep_reviews"' in box
    group = _html(kit.checkbox_group("Events", kit.checkbox("ping", "event_ping", checked=True)))
    assert "fieldset" in group and "legend" in group and "defaultChecked:true" in group


def test_a_form_stacks_its_error_fields_and_submit_button() -> None:
    rendered = _html(
        kit.form(
            kit.field("URL", "url"),
            on_submit=KitState.submit,
            submit="Add endpoint",
            error=KitState.error,
            reset=True,
        )
    )
    assert rendered.index('role:"alert"') < rendered.index('id:"field-url"')
    assert rendered.index('id:"field-url"') < rendered.index('"Add endpoint"')
    assert 'type:"submit"' in rendered
    inline = _html(
        kit.inline_form(
            kit.search_box("Search users", "query", placeholder="Search by email or name"),
            kit.submit_button("Search"),
            on_submit=KitState.submit,
        )
    )
    assert 'htmlFor:"search-query"' in inline and 'className:"sr-only"' in inline


def test_feedback_shows_only_when_there_is_something_to_say() -> None:
    error = _html(kit.form_error(KitState.error))
    assert 'role:"alert"' in error and "error" in error
    assert 'role:"status"' in _html(kit.form_notice(KitState.error))
    assert 'role:"status"' in _html(kit.done_callout("Sent."))
    empty = _html(kit.when_any(KitState.rows, rx.text("rows"), "No keys yet."))
    assert '"No keys yet."' in empty and "length" in empty
    assert '"See upcoming events"' in _html(
        kit.not_found("Gone", "Removed.", kit.link_button("See upcoming events", "/events"))
    )
    assert '"lock"' in _html(kit.refused("API keys", "Only organization admins can do that."))
    once = _html(kit.shown_once("Copy it now:", KitState.secret, "new-api-key", KitState.do(0)))
    assert 'id:"new-api-key"' in once and '"Copy"' in once and '"Done"' in once
    assert "Spinner" in _html(kit.loading())


def test_badges_cover_every_state_and_a_fallback() -> None:
    rendered = _html(
        kit.state_badge(
            KitState.error,
            {"active": ("Active", "green"), "revoked": ("Revoked", "red")},
            ("Expired", "gray"),
        )
    )
    assert all(f'"{t}"' in rendered for t in ("Active", "Revoked", "Expired"))
    pair = _html(kit.flag_badge(KitState.on, ("On", "green"), ("Off", "red")))
    assert '"On"' in pair and '"Off"' in pair
    assert '"Owner"' in _html(kit.role_badge(KitState.error))


def test_a_page_header_puts_actions_beside_the_title() -> None:
    alone = _html(kit.page_header("Users"))
    assert 'as:"h1"' in alone and "Flex" not in alone
    with_actions = _html(kit.page_header("Notifications", kit.action("Mark all as read")))
    assert with_actions.index('"Notifications"') < with_actions.index('"Mark all as read"')
    assert 'as:"h2"' in _html(kit.section("Your keys", rx.text("x")))


def test_item_lists_are_lists() -> None:
    rendered = _html(
        kit.item_list(
            KitState.rows,
            lambda r: kit.list_item(kit.item_text(rx.text(r["name"]), ("Events: ", r["events"]))),
        )
    )
    assert '"ul"' in rendered
    assert 'className:"item-list"' in rendered and 'className:"item"' in rendered


def test_a_confirmation_fires_only_from_its_own_button() -> None:
    rendered = _html(
        kit.confirm(
            kit.action("Cancel event", tone="danger"),
            title="Cancel this event?",
            description="Everyone gets a mail.",
            confirm_label="Cancel the event",
            on_confirm=KitState.do(1),
            cancel_label="Keep the event",
        )
    )
    trigger, dialog = rendered.split("AlertDialog.Content", 1)
    assert "do" not in trigger.split('"Cancel event"')[1][:200]
    assert dialog.index('"Keep the event"') < dialog.index('"Cancel the event"')
    assert "kit_state.do" in dialog


def _current(rendered: str) -> list[str]:
    return re.findall(r'"aria-current":"page".*?to:"([^"]+)"', rendered)


def test_side_navigation_marks_the_current_page_and_only_it() -> None:
    rendered = _html(kit.settings_layout("/settings/webhooks", rx.text("content")))
    assert _current(rendered) == ["/settings/webhooks"]
    assert all(f'to:"{href}"' in rendered for _t, href in SETTINGS_LINKS)
    assert 'className:"side-layout"' in rendered and '"aria-label":"Settings"' in rendered
    admin = _html(kit.admin_layout("/admin/audit", rx.text("content")))
    assert _current(admin) == ["/admin/audit"]
    assert all(f'to:"{href}"' in admin for _t, href in ADMIN_LINKS)


def test_a_page_shared_with_organizations_shows_their_navigation_there() -> None:
    rendered = _html(
        kit.settings_layout("/settings/api-keys", rx.text("x"), org_id=KitState.org_id)
    )
    assert '"aria-label":"Organization"' in rendered and '"aria-label":"Settings"' in rendered
    assert rendered.count('"aria-current":"page"') == 2  # one per branch: keys, and API keys
    assert "/keys" in rendered
    org = _html(kit.org_layout(KitState.org_id, "", rx.text("x"), show=KitState.on))
    assert len(re.findall(r'"aria-current":"page"', org)) == 1
    assert all(text in org for text, _p in ORG_PAGES)
    assert "side-layout" in org and "cond" in org.lower()


def test_the_kit_writes_no_length_without_a_unit() -> None:
    rendered = _html(
        rx.fragment(
            kit.actions(kit.action("a"), kit.action("b")),
            kit.inline_form(kit.field("Domain", "domain"), on_submit=KitState.submit),
            kit.two_columns(rx.text("a"), rx.text("b")),
            kit.list_item(rx.text("x"), kit.action("y")),
        )
    )
    assert not re.search(r'\["(gap|padding|margin|width)[a-z-]*"\] : "\d+"', rendered)


def test_counted_picks_the_plural() -> None:
    rendered = _html(rx.text(KitState.org_id, kit.counted(KitState.org_id, "solution")))
    assert '" solution"' in rendered and '" solutions"' in rendered


def test_area_templates_put_the_body_in_the_shell_beside_the_area_navigation() -> None:
    from aixplore.web.layout import admin_template, settings_template

    @admin_template("Things", "/admin/audit", KitState.on)
    def things() -> rx.Component:
        """A page body."""
        return rx.text("the body")

    @settings_template("Keys", "/settings/api-keys")
    def keys() -> rx.Component:
        """Another."""
        return rx.text("the keys")

    assert things.__name__ == "things"
    admin = _html(things())
    assert "the body" in admin and "This area is for platform admins." in admin
    assert '"aria-label":"Admin"' in admin and _current(admin) == ["/admin/audit"]
    assert 'id:"main"' in admin  # inside the app shell
    settings = _html(keys())
    assert "the keys" in settings and _current(settings) == ["/settings/api-keys"]
    assert "platform admins" not in settings


def test_a_drawer_has_its_trigger_a_labelled_close_button_and_its_content() -> None:
    rendered = _html(
        kit.drawer(
            kit.action("Filters"),
            rx.heading("Filters"),
            rx.text("the facets"),
            close_label="Close filters",
        )
    )
    trigger, content = rendered.split("Drawer.Content", 1)
    assert '"Filters"' in trigger and "the facets" not in trigger
    assert '"aria-label":"Close filters"' in content and "the facets" in content
    assert content.index('"Close filters"') < content.index("the facets")


def test_a_tile_is_one_full_width_card_around_its_stack() -> None:
    tile = kit.tile(rx.text("one"), rx.text("two"), spacing="2", card={"size": "2"}).render()
    assert tile["name"] == "RadixThemesCard" and 'size:"2"' in tile["props"]
    assert '"100%"' in str(tile["props"])  # the card fills its column
    (stack,) = tile["children"]
    assert "Flex" in stack["name"] and '"100%"' in str(stack["props"])
    rendered = str(tile)
    assert rendered.index('"one"') < rendered.index('"two"')


def test_page_shapes_stack_their_blocks_or_say_what_is_missing() -> None:
    from aixplore.web.layout import card_page, found_page, stacked_page

    stacked = _html(stacked_page("Tokens", rx.text("first"), rx.text("second"), max_width="760px"))
    assert stacked.index("first") < stacked.index("second") and 'id:"main"' in stacked
    assert '"760px"' in stacked
    found = _html(found_page("Order", KitState.on, rx.text("no such order"), rx.text("order 7")))
    assert "no such order" in found and "order 7" in found and "kit_state.on" in found
    assert found.index("kit_state.on") < found.index("order 7") < found.index("no such order")
    card = _html(card_page("Sign in", "Welcome back.", rx.text("the form")))
    assert '"Sign in"' in card and '"Welcome back."' in card and "the form" in card
