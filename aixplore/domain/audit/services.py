"""Recording, verifying and pruning the audit log, where the features above organizations
import them from.

They live in :mod:`aixplore.domain.audit_log.services`, below the accounts and organizations
that record into the log; reading it for people is :mod:`aixplore.domain.audit.reading`.
"""

from aixplore.domain.audit_log.services import (
    MAX_DETAIL_CHARS,
    ChainReport,
    compute_hash,
    prune,
    record,
    verify_chain,
)

__all__ = ["MAX_DETAIL_CHARS", "ChainReport", "compute_hash", "prune", "record", "verify_chain"]
