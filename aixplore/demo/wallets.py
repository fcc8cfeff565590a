"""Demo token balances: every demo account gets a one-time grant, so the token shows a tier."""

from __future__ import annotations

from sqlmodel import Session, col, select

from aixplore.demo.earnings import seed_demo_earnings
from aixplore.demo.plan import DOMAIN
from aixplore.domain.accounts.models import User
from aixplore.domain.wallet import services as wallet

# Grants cycle through these so the demo shows every tier (bronze to platinum).
DEMO_GRANTS = (2_500, 640, 7_200, 30_000, 1_450, 120)


def seed_demo_wallets(session: Session) -> int:
    """Grant tokens to every demo user (``@demo.aixplore.dev`` and below); return how many got some.

    Safe to run again: each grant's reference is per user, so a second run moves nothing.
    """
    users = session.exec(
        select(User.id)
        .where(col(User.email).endswith(f"@{DOMAIN}") | col(User.email).endswith(f".{DOMAIN}"))
        .order_by(col(User.id))
    ).all()
    granted = 0
    for index, user_id in enumerate(users):
        if user_id is None:
            continue
        result = wallet.do_grant_demo_tokens(
            session, user_id, DEMO_GRANTS[index % len(DEMO_GRANTS)]
        )
        granted += int(result.created)
    seed_demo_earnings(session)  # the earning rules at work for the demo member
    return granted
