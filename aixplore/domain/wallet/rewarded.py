"""Actions of other features that earn tokens: the feature's own service, then the grant.

Accounts and reviews sit below the wallet (the earning rules read their tables), so their
services cannot call it without an import cycle. Pages, the API and the demo call these
instead; the grant runs in the same transaction as the action, and every grant is idempotent
per reason, so a retried action never pays twice.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, UserPublic
from aixplore.domain.reviews import services as reviews
from aixplore.domain.reviews.models import Review, ReviewPublic
from aixplore.domain.wallet import earning


def do_verify_email(session: Session, raw_token: Any) -> UserPublic:
    """Confirm an email address from the mailed link, then give the welcome grant."""
    user = accounts.do_verify_email(session, raw_token)
    earning.grant_welcome(session, user.id)
    return user


def do_write_review(session: Session, actor: Actor | None, slug: Any, data: Any) -> ReviewPublic:
    """Write or edit a review, then grant for it when it has verified usage."""
    review = write_review(session, actor, slug, data)
    return reviews.public_reviews(session, [review], accounts.require_actor(actor))[0]


def write_review(session: Session, actor: Actor | None, slug: Any, data: Any) -> Review:
    """``do_write_review`` without the reader's view of the review (the demo's bulk path)."""
    review = reviews.write_review(session, actor, slug, data)
    earning.grant_for_review(session, review)
    return review
