"""Messaging: one-to-one and group conversations, delivered live (``core/live.py``)."""

# Messages are reportable wherever messaging is loaded (every process loads its tables).
from aixplore.domain.messaging import reporting as _reporting  # noqa: F401
