"""Factories for test data, built through the real services."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from aixplore.core.db import session_scope
from aixplore.domain import tables  # noqa: F401 - every table, so foreign keys resolve
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.accounts.models import Actor, UserPublic

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_member(*, email: str | None = None, name: str = "Test Member") -> UserPublic:
    """A verified member with the password ``PASSWORD``."""
    email = email or f"member{next(_seq)}@example.com"
    with session_scope() as db:
        return account_admin.do_create_verified_member(
            db, email=email, password=PASSWORD, display_name=name
        )


def make_admin(*, email: str | None = None) -> UserPublic:
    """A verified platform admin with the password ``PASSWORD``."""
    email = email or f"admin{next(_seq)}@example.com"
    with session_scope() as db:
        return account_admin.do_create_admin(
            db, email=email, password=PASSWORD, display_name="Test Admin"
        )


def sign_in(email: str, password: str = PASSWORD, *, ip: str = "198.51.100.7") -> str:
    """Open a session; return the raw token a browser would hold."""
    with session_scope() as db:
        return accounts.do_sign_in(
            db, {"email": email, "password": password}, ip=ip, user_agent="pytest"
        )


def actor_for(token: str) -> Actor | None:
    """Resolve a token from the database, the source of truth.

    Not through ``actor_cache``: without Redis that cache lives in each process, and an
    end-to-end test's process would keep answering from its own copy after the app process
    ended the session.
    """
    with session_scope() as db:
        return accounts.get_actor_by_token(db, token)


def outbox_link(db: Session, email: str, path: str) -> str:
    """The token from the newest mailed link to ``path`` for ``email``."""
    from aixplore.domain.mail.services import list_outbox_for

    for mail in list_outbox_for(db, email):
        for word in mail.body_text.split():
            if f"{path}?token=" in word:
                return word.split("token=", 1)[1]
    raise AssertionError(f"no {path} link mailed to {email}")


def make_solution(
    owner_email: str,
    *,
    name: str = "Summarizer Pro",
    tagline: str = "Summaries of long documents in seconds",
    description: str = "Turns long reports into short, faithful summaries with citations.",
    category: str = "text-generation",
    pricing: str = "free",
    tags: list[str] | None = None,
    publish: bool = True,
):
    """A solution created (and published) through the services by the owner's session."""
    from aixplore.domain.solutions import services as solutions

    actor = actor_for(sign_in(owner_email))
    data = {
        "name": name,
        "tagline": tagline,
        "description": description,
        "category": category,
        "pricing": pricing,
        "tags": tags if tags is not None else ["summarization", "nlp"],
    }
    with session_scope() as db:
        created = solutions.do_create_solution(db, actor, data)
        if publish:
            created = solutions.do_set_status(db, actor, created.slug, "published")
    return created


def set_solution_rating(slug: str, rating: float, count: int, **values) -> None:
    """Set a solution's rating aggregate (and any other column) directly.

    Ratings come from reviews; tests set the aggregate to reach each card rarity.
    """
    from sqlalchemy import update

    from aixplore.domain.solutions.models import Solution

    with session_scope() as db:
        db.exec(  # type: ignore[call-overload]
            update(Solution)
            .where(Solution.slug == slug)  # type: ignore[arg-type]
            .values(rating_avg=rating, rating_count=count, **values)
        )


def make_small_catalog(publisher_name: str = "Ocelot Labs") -> dict[str, str]:
    """Three published solutions and one draft with overlapping words, by slug key."""
    owner = make_member(name=publisher_name)
    made = {
        "ocr": make_solution(
            owner.email,
            name="Receipt Reader",
            tagline="OCR for receipts and invoices",
            description="Extracts **totals** from scanned receipts with OCR.\n\n- fast\n- exact",
            category="computer-vision",
            pricing="paid",
            tags=["ocr", "finance"],
        ),
        "summary": make_solution(
            owner.email,
            name="Brief Writer",
            tagline="Summaries of long reports",
            description="Summarization of reports, papers and meeting notes.",
            category="text-generation",
            tags=["summarization", "nlp"],
        ),
        "transcribe": make_solution(
            owner.email,
            name="Meeting Transcriber",
            tagline="Speech to text for meetings",
            description="Transcribes meetings and writes a summary of decisions.",
            category="speech-audio",
            pricing="freemium",
            tags=["transcription", "summarization"],
        ),
        "draft": make_solution(
            owner.email,
            name="Hidden Summary Draft",
            tagline="Not published yet",
            description="A summary tool still being written.",
            publish=False,
        ),
    }
    return {key: value.slug for key, value in made.items()}


def make_org(owner_email: str, *, slug: str = "acme", name: str = "Acme Inc") -> int:
    """An organization owned by ``owner_email``, created through the service; its id."""
    from aixplore.domain.orgs import services as orgs

    with session_scope() as db:
        return orgs.do_create_org(
            db, actor_for(sign_in(owner_email)), {"name": name, "slug": slug}
        ).id


def join_org(org_id: int, inviter_email: str, email: str, role: str = "member") -> None:
    """``email`` joins the organization with ``role`` through a real mailed invitation."""
    from aixplore.domain.orgs import invitations

    with session_scope() as db:
        invitations.do_invite(
            db, actor_for(sign_in(inviter_email)), org_id, {"email": email, "role": role}
        )
    with session_scope() as db:
        token = outbox_link(db, email, "/orgs/invitation")
    with session_scope() as db:
        invitations.do_accept_invitation(db, actor_for(sign_in(email)), token)
