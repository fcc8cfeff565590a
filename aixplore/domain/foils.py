"""Card foils and their rarity names, shared by solution cards and trader cards.

Below both features (``cards`` and ``trading``), so neither imports the other for them.
"""

from __future__ import annotations

import enum


class Foil(enum.StrEnum):
    """A card's foil, one per rarity."""

    REGULAR = "regular"  # common
    REVERSE = "reverse"  # rare: reverse holo
    RAINBOW = "rainbow"  # ultra rare
    SECRET = "secret"  # noqa: S105 - secret rare, not a password


RARITY_NAMES = {
    Foil.REGULAR: "Common",
    Foil.REVERSE: "Rare (reverse holo)",
    Foil.RAINBOW: "Ultra rare (rainbow)",
    Foil.SECRET: "Secret rare",
}
