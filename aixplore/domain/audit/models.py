"""The audit log's tables, where the features above organizations import them from.

They live in :mod:`aixplore.domain.audit_log.models`, below the accounts and organizations
that record into the log.
"""

from aixplore.domain.audit_log.models import GENESIS_HASH, AuditEntry, AuditHead

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditHead"]
