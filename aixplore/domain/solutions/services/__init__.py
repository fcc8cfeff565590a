"""Publishing solutions: create, edit, publish, archive, feature; read one or a publisher's.

Drafts (and archived listings) are visible to their owner and platform admins only; a
stranger asking for one gets NotFound, as if it did not exist.

The parts: ``writes`` (create, edit, publish, archive, feature), ``reads`` (one listing, its
page, lists) and ``cards`` (listing summaries, in bulk).
"""

from __future__ import annotations

from aixplore.domain.solutions.services.cards import (
    PRICING_LABELS,
    card_of,
    cards_for,
    logo_url,
    tags_for,
)
from aixplore.domain.solutions.services.reads import (
    get_solution,
    get_solution_id,
    list_categories,
    list_featured,
    list_publisher_solutions,
    list_similar,
    screenshots_of,
)
from aixplore.domain.solutions.services.writes import (
    MAX_SOLUTIONS_PER_PUBLISHER,
    do_create_solution,
    do_set_featured,
    do_set_logo,
    do_set_publisher_verified,
    do_set_status,
    do_update_solution,
    slugify,
)

__all__ = [
    "MAX_SOLUTIONS_PER_PUBLISHER",
    "PRICING_LABELS",
    "card_of",
    "cards_for",
    "do_create_solution",
    "do_set_featured",
    "do_set_logo",
    "do_set_publisher_verified",
    "do_set_status",
    "do_update_solution",
    "get_solution",
    "get_solution_id",
    "list_categories",
    "list_featured",
    "list_publisher_solutions",
    "list_similar",
    "logo_url",
    "screenshots_of",
    "slugify",
    "tags_for",
]
