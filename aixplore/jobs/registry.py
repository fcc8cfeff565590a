"""Import every task module so a worker and the web process know the same tasks."""

from aixplore.jobs import analytics, api, audit, events, gdpr, mail, orders, wallet, webhooks

__all__ = ["analytics", "api", "audit", "events", "gdpr", "mail", "orders", "wallet", "webhooks"]
