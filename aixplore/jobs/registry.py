"""Import every task module so a worker and the web process know the same tasks."""

from aixplore.jobs import analytics, events, mail, orders

__all__ = ["analytics", "events", "mail", "orders"]
