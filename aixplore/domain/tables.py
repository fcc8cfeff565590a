"""Import every table module so SQLModel.metadata knows the whole schema (alembic, tests)."""

from aixplore.domain.accounts import models as accounts_models
from aixplore.domain.activity import models as activity_models
from aixplore.domain.analytics import models as analytics_models
from aixplore.domain.apikeys import models as apikeys_models
from aixplore.domain.audit_log import models as audit_log_models
from aixplore.domain.discovery import models as discovery_models
from aixplore.domain.events import models as events_models
from aixplore.domain.forums import models as forums_models
from aixplore.domain.gdpr import models as gdpr_models
from aixplore.domain.groups import models as groups_models
from aixplore.domain.holds import models as holds_models
from aixplore.domain.idempotency import models as idempotency_models
from aixplore.domain.mail import models as mail_models
from aixplore.domain.membership import models as membership_models
from aixplore.domain.messaging import models as messaging_models
from aixplore.domain.models3d import models as models3d_models
from aixplore.domain.moderation import models as moderation_models
from aixplore.domain.notifications import models as notifications_models
from aixplore.domain.oauth import models as oauth_models
from aixplore.domain.orders import models as orders_models
from aixplore.domain.orgs import sso_models
from aixplore.domain.relations import models as relations_models
from aixplore.domain.reviews import models as reviews_models
from aixplore.domain.social import models as social_models
from aixplore.domain.social_login import models as social_login_models
from aixplore.domain.solutions import models as solutions_models
from aixplore.domain.streams import models as streams_models
from aixplore.domain.trading import board_models as trading_board_models
from aixplore.domain.trading import copy_models as trading_copy_models
from aixplore.domain.trading import models as trading_models
from aixplore.domain.wallet import models as wallet_models
from aixplore.domain.webhook_outbox import models as webhook_outbox_models

__all__ = [
    "accounts_models",
    "activity_models",
    "analytics_models",
    "apikeys_models",
    "audit_log_models",
    "discovery_models",
    "events_models",
    "forums_models",
    "gdpr_models",
    "groups_models",
    "holds_models",
    "idempotency_models",
    "mail_models",
    "membership_models",
    "messaging_models",
    "models3d_models",
    "moderation_models",
    "notifications_models",
    "oauth_models",
    "orders_models",
    "relations_models",
    "reviews_models",
    "social_login_models",
    "social_models",
    "solutions_models",
    "sso_models",
    "streams_models",
    "trading_board_models",
    "trading_copy_models",
    "trading_models",
    "wallet_models",
    "webhook_outbox_models",
]

# Objects the migrations create per engine that SQLModel does not model (full-text search):
# SQLite FTS5 tables and PostgreSQL's generated tsvector column, its narrow copy table and
# their indexes, and the
# trigger-kept facet count tables (left out of the metadata so that no test wipe or ORM
# write touches them except through their triggers).
SEARCH_OBJECTS = (
    "forum_post_fts",
    "ix_forum_post_search",
    "solution_fts",
    "search_vector",
    "ix_solution_search",
    "solution_search",
    "search_catalog_version",
    "ix_solution_search_vector",
    "ix_solution_name_trgm",
    "ix_solution_fuzzy_trgm",
    "search_word",
    "ix_search_word_trgm",
    "search_facet_cell",
    "search_facet_tag_cell",
)
