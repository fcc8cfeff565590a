"""Import every table module so SQLModel.metadata knows the whole schema (alembic, tests)."""

from aixplore.domain.accounts import models as accounts_models
from aixplore.domain.mail import models as mail_models

__all__ = ["accounts_models", "mail_models"]
