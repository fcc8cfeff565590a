"""Every page's styles are valid CSS lengths.

Reflex hands a prop it does not know to CSS as written: ``rx.flex(gap="2")`` became
``gap: 2``, which browsers drop (no unit), so chips, fields and buttons touched on 33 layouts
until they used Radix's own ``spacing`` scale. This renders every page of the app and refuses
a bare non-zero number for a length.
"""

from __future__ import annotations

import re

import reflex as rx

from aixplore.web.app import ROUTES

LENGTHS = re.compile(
    r'\["((?:row-|column-)?gap|padding[-a-z]*|margin[-a-z]*|width|height|inset|top|left|right'
    r'|bottom|font-size)"\] : "(\d*\.?\d+)"'
)


def test_no_page_has_a_length_without_a_unit() -> None:
    bare: list[str] = []
    for route in ROUTES:
        rendered = str(route.component().render())
        bare += [
            f"{route.path}: {name}: {value}"
            for name, value in LENGTHS.findall(rendered)
            if float(value) != 0
        ]
    assert bare == []


def test_the_check_sees_a_bare_number() -> None:
    rendered = str(rx.flex(rx.text("a"), gap="2").render())
    assert LENGTHS.findall(rendered) == [("gap", "2")]
