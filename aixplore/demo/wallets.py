"""Demo token balances: every demo account gets a one-time grant, so the token shows a tier."""

from __future__ import annotations

from sqlmodel import Session, col, select

from aixplore.demo.earnings import seed_demo_earnings
from aixplore.demo.plan import DOMAIN
from aixplore.domain.accounts.models import User
from aixplore.domain.wallet import services as wallet
from aixplore.domain.wallet.models import SystemAccount, TransactionKind

# Grants cycle through these so the demo shows every tier (bronze to platinum).
DEMO_GRANTS = (2_500, 640, 7_200, 30_000, 1_450, 120)
# The demo member also gets enough to pay for a few orders (the wizard's first-run path).
ORDER_MEMBER = f"member@{DOMAIN}"
ORDER_TOKENS = 3_000


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


def seed_demo_order_tokens(session: Session) -> bool:
    """Give the demo member tokens for orders, once; whether this run gave them."""
    user_id = session.exec(select(User.id).where(User.email == ORDER_MEMBER)).first()
    if user_id is None:
        return False
    issuance = wallet.system_account(session, SystemAccount.ISSUANCE)
    member = wallet.user_account(session, user_id)
    assert issuance.id is not None and member.id is not None
    result = wallet.transfer(
        session,
        issuance.id,
        member.id,
        ORDER_TOKENS,
        TransactionKind.GRANT,
        f"demo-order-grant:{user_id}",
    )
    return bool(result.created)
