"""Messaging: one-to-one and group conversations, delivered live (``core/live.py``)."""
