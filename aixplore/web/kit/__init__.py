"""The web layer's component kit: small typed functions for the shapes every page repeats.

In the manner of Reflex's own wrappers (``rx.button``, ``rx.recharts.line``): each function
takes the few things that differ and fixes the rest, so pages say what they show, and a
change of look is made once. Pages import from here::

    from aixplore.web import kit

    kit.actions(kit.action("Remove", State.remove(item_id), tone="danger"))

- actions: ``action``, ``actions``, ``toggle``, ``link_button``, ``download_button``
- tables: ``data_table`` of ``column``s (cards on phones), ``name_and_email``
- forms: ``form``, ``inline_form``, ``field``, ``text_area_field``, ``select_field``,
  ``password_field``, ``native_select``, ``checkbox``, ``checkbox_group``, ``search_box``, ``submit_button``
- feedback: ``form_error``, ``form_notice``, ``done_callout``, ``empty_state``,
  ``when_any``, ``refused``, ``not_found``, ``loading``, ``placeholder_cards``, ``shown_once``, ``counted``,
  ``result_count``
- badges: ``state_badge``, ``flag_badge``, ``role_badge``, ``badges``
- sections: ``page_header``, ``owned_title``, ``section``, ``card_form``, ``note``,
  ``item_list``, ``list_item``, ``item_text``, ``two_columns``, ``tile``
- dialogs: ``confirm``, ``drawer``
- layouts: ``settings_layout``, ``admin_layout``, ``org_layout`` (side navigation)

The app shell (top bar, footer) and the page wrappers built on these layouts are in
``aixplore/web/layout.py``.
"""

from aixplore.web.kit.actions import (
    action,
    actions,
    download_button,
    link_button,
    pager,
    toggle,
)
from aixplore.web.kit.badges import badges, flag_badge, role_badge, state_badge
from aixplore.web.kit.dialogs import confirm, drawer
from aixplore.web.kit.feedback import (
    counted,
    done_callout,
    empty_state,
    form_error,
    form_notice,
    loading,
    not_found,
    offline_notice,
    placeholder_cards,
    refused,
    result_count,
    shown_once,
    when_any,
)
from aixplore.web.kit.forms import (
    IMAGE_ACCEPT,
    checkbox,
    checkbox_group,
    field,
    form,
    grow,
    inline_form,
    native_select,
    password_field,
    search_box,
    select_field,
    submit_button,
    text_area_field,
    zone_field,
    zone_options,
)
from aixplore.web.kit.layouts import admin_layout, org_layout, settings_layout, side_nav
from aixplore.web.kit.sections import (
    card_form,
    item_list,
    item_text,
    list_item,
    note,
    owned_title,
    page_header,
    section,
    tile,
    two_columns,
)
from aixplore.web.kit.tables import Column, column, data_table, name_and_email

__all__ = [
    "IMAGE_ACCEPT",
    "Column",
    "action",
    "actions",
    "admin_layout",
    "badges",
    "card_form",
    "checkbox",
    "checkbox_group",
    "column",
    "confirm",
    "counted",
    "data_table",
    "done_callout",
    "download_button",
    "drawer",
    "empty_state",
    "field",
    "flag_badge",
    "form",
    "form_error",
    "form_notice",
    "grow",
    "inline_form",
    "item_list",
    "item_text",
    "link_button",
    "list_item",
    "loading",
    "name_and_email",
    "native_select",
    "not_found",
    "note",
    "offline_notice",
    "org_layout",
    "owned_title",
    "page_header",
    "pager",
    "password_field",
    "placeholder_cards",
    "refused",
    "result_count",
    "role_badge",
    "search_box",
    "section",
    "select_field",
    "settings_layout",
    "shown_once",
    "side_nav",
    "state_badge",
    "submit_button",
    "text_area_field",
    "tile",
    "toggle",
    "two_columns",
    "when_any",
    "zone_field",
    "zone_options",
]
