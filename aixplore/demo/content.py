"""Hand-written vocabulary for the demo catalog: products, tags and phrases per category.

The words live in JSON files under ``aixplore/demo/vocabulary``, one per kind (categories,
publishers, people, integrations, reviews, release notes, large-catalog names). This module
reads them once, checks their shape, and exposes them as the tuples and dicts the planners
draw from. Review phrases may use ``{name}``, ``{aspect}``, ``{aspect_cap}``, ``{audience}``,
``{other_audience}``, ``{feature_lower}`` and ``{other_feature}``, filled in by the planner.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class CategoryContent:
    """What the demo catalog knows about one category."""

    slug: str
    products: tuple[tuple[str, str], ...]  # (name, tagline)
    tags: tuple[str, ...]
    features: tuple[str, ...]
    audiences: tuple[str, ...]
    aspects: tuple[str, ...]  # what reviewers talk about
    how: tuple[str, ...]  # sentences for "How it works"


def _load(name: str) -> Any:
    text = resources.files("aixplore.demo").joinpath("vocabulary", name).read_text("utf-8")
    return json.loads(text)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValueError(f"demo data: {what} must be a list of strings")
    return tuple(value)


def _by_rating(value: dict[str, Any], what: str) -> dict[int, tuple[str, ...]]:
    return {int(stars): _strings(phrases, f"{what} {stars}") for stars, phrases in value.items()}


def _category(row: dict[str, Any]) -> CategoryContent:
    slug = row["slug"]
    products = tuple((name, tagline) for name, tagline in row["products"])
    if not all(isinstance(n, str) and isinstance(t, str) for n, t in products):
        raise ValueError(f"demo data: the products of {slug} must be [name, tagline] pairs")
    return CategoryContent(
        slug=slug,
        products=products,
        tags=_strings(row["tags"], f"{slug} tags"),
        features=_strings(row["features"], f"{slug} features"),
        audiences=_strings(row["audiences"], f"{slug} audiences"),
        aspects=_strings(row["aspects"], f"{slug} aspects"),
        how=_strings(row["how"], f"{slug} how"),
    )


CATALOG: tuple[CategoryContent, ...] = tuple(_category(row) for row in _load("categories.json"))

# (name, bio, categories it publishes in, verified publisher badge)
PUBLISHERS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = tuple(
    (p["name"], p["bio"], _strings(p["categories"], p["name"]), bool(p["verified"]))
    for p in _load("publishers.json")
)

_people = _load("people.json")
FIRST_NAMES = _strings(_people["first_names"], "first names")
LAST_NAMES = _strings(_people["last_names"], "last names")

INTEGRATIONS = _strings(_load("integrations.json"), "integrations")

_reviews = _load("reviews.json")
REVIEW_TITLES = _by_rating(_reviews["titles"], "review titles")
REVIEW_OPENERS = _by_rating(_reviews["openers"], "review openers")
# Keyed by mood: "good", "meh" or "bad".
REVIEW_POINTS = {mood: _strings(p, f"{mood} points") for mood, p in _reviews["points"].items()}
REVIEW_CLOSERS = _by_rating(_reviews["closers"], "review closers")

RELEASE_NOTES = _strings(_load("release_notes.json"), "release notes")

_large = _load("large_catalog.json")
LARGE_WORDS = _strings(_large["words"], "large-catalog words")
LARGE_SUFFIXES = _strings(_large["suffixes"], "large-catalog suffixes")


@lru_cache(maxsize=1)
def community_vocabulary() -> dict[str, Any]:
    """The demo community's words (forum, groups, messages, traders, streams), read once."""
    words = _load("community.json")
    if not isinstance(words, dict) or not isinstance(words.get("threads"), list):
        raise ValueError("demo data: community.json must hold threads, groups and traders")
    return words
