"""The demo's generated logos and screenshots: the same bytes every run, and each its own."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from xml.etree import ElementTree

from aixplore.demo.logos import logo_svg
from aixplore.demo.plan import plan_catalog
from aixplore.demo.screens import SCREENS, screens_for, screenshot_svg

# Every demo logo and screenshot, hashed in catalog order. Python salts str hashes per
# process, so a pinned digest also proves the art does not depend on them. If you change the
# artwork on purpose, print the new digest and update it here.
ALL_ARTWORK_SHA256 = "326513e733d462ffc323c47468862179f95ae528cc9d6745c95ed546fd413cba"


def test_artwork_is_the_same_bytes_on_every_run_and_machine() -> None:
    plan = plan_catalog()[7]
    assert logo_svg(plan.category, plan.name) == logo_svg(plan.category, plan.name)
    assert screenshot_svg(plan.category, plan.name, 2) == screenshot_svg(
        plan.category, plan.name, 2
    )
    digest = hashlib.sha256()
    for p in plan_catalog():
        digest.update(logo_svg(p.category, p.name))
        for index in range(3):
            digest.update(screenshot_svg(p.category, p.name, index))
    assert digest.hexdigest() == ALL_ARTWORK_SHA256


def test_every_demo_logo_is_its_own_and_well_formed() -> None:
    plans = plan_catalog()
    logos = [logo_svg(p.category, p.name) for p in plans]
    assert len(set(logos)) == len(plans)
    for data in logos:
        root = ElementTree.fromstring(data)  # a name with & or < stays well-formed
        assert root.get("width") == "256" and len(data) < 6_000
    # Within a category, logos differ in look (tile shape, texture, colours), not only a hue.
    looks: dict[str, set[str]] = defaultdict(set)
    for p, data in zip(plans, logos, strict=True):
        root = ElementTree.fromstring(data)
        tile = root.find(".//{http://www.w3.org/2000/svg}clipPath/{http://www.w3.org/2000/svg}rect")
        assert tile is not None
        looks[p.category].add(tile.get("rx", ""))
    assert all(len(shapes) >= 3 for shapes in looks.values())


def test_the_same_name_in_another_category_gets_another_motif() -> None:
    drawn = {category: logo_svg(category, "Same Name") for category in SCREENS}
    assert len(set(drawn.values())) == len(SCREENS)
    tricky = logo_svg("code", 'A & B <script>"x"</script>')
    assert b"<script>" not in tricky and ElementTree.fromstring(tricky) is not None


def test_screenshots_show_the_category_screens_and_differ() -> None:
    for plan in plan_catalog()[:40]:
        shots = [screenshot_svg(plan.category, plan.name, i) for i in range(3)]
        assert len(set(shots)) == 3
        for (title, _), data in zip(screens_for(plan.category), shots, strict=True):
            root = ElementTree.fromstring(data)
            texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
            assert title in texts and plan.name in texts
            assert "lorem" not in data.decode().lower() and len(data) < 20_000
    digests = {
        hashlib.sha256(screenshot_svg(p.category, p.name, 0)).hexdigest() for p in plan_catalog()
    }
    assert len(digests) == len(plan_catalog())
