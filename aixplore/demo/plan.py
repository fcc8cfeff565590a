"""The demo catalog, decided in advance: pure functions of a seed, no database.

Each solution draws from its own random generator keyed by its name, so the plan is the
same on every machine and adding a product to the vocabulary changes no other listing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import product

from aixplore.demo.content import (
    CATALOG,
    FIRST_NAMES,
    INTEGRATIONS,
    LAST_NAMES,
    PUBLISHERS,
    RELEASE_NOTES,
    REVIEW_CLOSERS,
    REVIEW_OPENERS,
    REVIEW_POINTS,
    REVIEW_TITLES,
    CategoryContent,
)
from aixplore.domain.solutions.models import Pricing
from aixplore.domain.solutions.services import slugify

SEED = 20261122
DOMAIN = "demo.aixplore.dev"
# The same password as the CLI's demo members, so any demo account can sign in.
DEMO_PASSWORD = "demo-member-password"  # noqa: S105 - public demo data, never production
PUBLISHER_PASSWORD = "demo-publisher-password"  # noqa: S105 - public demo data
REVIEWER_COUNT = 120
MEAN_REVIEWS = 7.5
MAX_REVIEWS = 36

PRICING_WEIGHTS = {
    Pricing.FREE: 22,
    Pricing.FREEMIUM: 38,
    Pricing.PAID: 28,
    Pricing.ENTERPRISE: 12,
}


@dataclass
class PlannedReview:
    """One review to write, with the day it is dated and the votes it gets."""

    reviewer: int  # index into the reviewer list
    rating: int
    title: str
    body: str
    days_ago: float
    voters: list[int] = field(default_factory=list)
    reply: str = ""


@dataclass
class PlannedSolution:
    """One solution of the catalog, fully decided before anything is written."""

    name: str
    tagline: str
    category: str
    publisher: int  # index into PUBLISHERS
    pricing: Pricing
    tags: list[str]
    description: str
    website_url: str
    repository_url: str
    demo_url: str
    releases: list[tuple[str, str, float]]  # (version, notes, days ago), oldest first
    status: str  # "published", "draft" or "archived"
    quality: float
    published_days_ago: float
    reviews: list[PlannedReview]
    featured: bool = False


def publisher_email(name: str) -> str:
    """The sign-in email of a demo publisher."""
    return f"{slugify(name)}@publishers.{DOMAIN}"


def reviewer_names() -> list[tuple[str, str]]:
    """The demo reviewers as (display name, email), always the same."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    pairs = rng.sample(list(product(FIRST_NAMES, LAST_NAMES)), REVIEWER_COUNT)
    return [(f"{f} {last}", f"{f}.{last}@{DOMAIN}".lower()) for f, last in pairs]


def _publisher_focus() -> dict[str, list[int]]:
    """Which publishers work in each category."""
    focus: dict[str, list[int]] = {c.slug: [] for c in CATALOG}
    for index, (_, _, categories, _) in enumerate(PUBLISHERS):
        for slug in categories:
            focus[slug].append(index)
    return focus


def _version(rng: random.Random, count: int) -> list[str]:
    major, minor, patch = rng.choice((0, 1, 1, 1, 2, 2, 3)), rng.randint(0, 6), 0
    versions = []
    for _ in range(count):
        versions.append(f"{major}.{minor}.{patch}")
        roll = rng.random()
        if roll < 0.15:
            major, minor, patch = major + 1, 0, 0
        elif roll < 0.7:
            minor, patch = minor + 1, 0
        else:
            patch += rng.randint(1, 3)
    return versions


def _pricing_section(rng: random.Random, pricing: Pricing) -> str:
    if pricing == Pricing.FREE:
        return "## Pricing\n\nFree for everyone, with no usage limits for fair use.\n"
    rows: list[tuple[str, str, str]]
    pro = rng.choice((9, 12, 15, 19, 24, 29, 39, 49))
    if pricing == Pricing.FREEMIUM:
        rows = [
            ("Free", "$0", f"Up to {rng.choice((50, 100, 200, 500))} runs a month"),
            ("Pro", f"${pro}/month", "Unlimited runs, priority processing"),
            ("Team", f"${pro * 2}/user/month", "Shared workspaces, SSO, admin controls"),
        ]
    elif pricing == Pricing.PAID:
        rows = [
            ("Starter", f"${pro}/month", "One seat, standard support"),
            ("Business", f"${pro * 4}/month", "Ten seats, API access, audit log"),
        ]
    else:
        rows = [
            ("Business", f"${pro * 10}/month", "Up to 50 seats, SSO"),
            ("Enterprise", "Custom", "VPC deployment, SLA, dedicated support"),
        ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"## Pricing\n\n| Plan | Price | Includes |\n| --- | --- | --- |\n{table}\n"


def _description(
    rng: random.Random, content: CategoryContent, name: str, tagline: str, pricing: Pricing
) -> str:
    audiences = rng.sample(content.audiences, 2)
    intro = rng.choice(
        (
            "**{name}**: {tagline_lower}. It is built for {a} and {b} who want dependable "
            "results without a long setup.",
            "**{name}** gives {a} and {b} {tagline_lower}, with the controls a real team "
            "needs around it.",
            "{tagline}. **{name}** started as an internal tool for {a}; today {b} use it too.",
        )
    ).format(
        name=name,
        tagline=tagline,
        tagline_lower=tagline[0].lower() + tagline[1:],
        a=audiences[0],
        b=audiences[1],
    )
    features = "\n".join(f"- {f}" for f in rng.sample(content.features, rng.randint(4, 6)))
    how = " ".join(rng.sample(content.how, rng.randint(2, 3)))
    parts = [intro, f"## What you get\n\n{features}\n", f"## How it works\n\n{how}\n"]
    if rng.random() < 0.6:
        parts.append(_pricing_section(rng, pricing))
    if rng.random() < 0.5:
        tools = rng.sample(INTEGRATIONS, rng.randint(2, 4))
        parts.append(f"## Integrations\n\nWorks with {', '.join(tools[:-1])} and {tools[-1]}.\n")
    return "\n\n".join(parts)


def _review(
    rng: random.Random, content: CategoryContent, name: str, rating: int
) -> tuple[str, str]:
    moods = {5: "good good", 4: "good meh", 3: "meh good", 2: "bad meh", 1: "bad bad"}[rating]
    aspects = rng.sample(content.aspects, 2)
    features = rng.sample(content.features, 2)
    audiences = rng.sample(content.audiences, 2)
    slots = {
        "name": name,
        "audience": audiences[0],
        "other_audience": audiences[1],
        "feature_lower": features[0][0].lower() + features[0][1:],
        "other_feature": features[1][0].lower() + features[1][1:],
    }
    sentences = [rng.choice(REVIEW_OPENERS[rating]).format(**slots)]
    used: set[str] = set()
    for aspect, mood in zip(aspects, moods.split()[: rng.randint(1, 2)], strict=False):
        point = rng.choice([p for p in REVIEW_POINTS[mood] if p not in used])
        used.add(point)
        aspect_cap = aspect[0].upper() + aspect[1:]
        sentences.append(point.format(aspect=aspect, aspect_cap=aspect_cap, **slots))
    sentences.append(rng.choice(REVIEW_CLOSERS[rating]).format(**slots))
    return rng.choice(REVIEW_TITLES[rating]), " ".join(sentences)


def _tags(rng: random.Random, content: CategoryContent, text: str) -> list[str]:
    """Tags that fit the listing's own words first, then a few more from the category."""
    words = {w[:5] for w in text.lower().replace("-", " ").split() if len(w) >= 3}
    fitting = [t for t in content.tags if any(w[:5] in words for w in t.split())]
    others = [t for t in content.tags if t not in fitting]
    chosen = rng.sample(fitting, min(len(fitting), 3))
    chosen += rng.sample(others, rng.randint(2, 4))
    return chosen[:6]


REPLIES = (
    "Thanks for the honest feedback. We have shipped fixes for most of this since; "
    "we would love for you to give it another try.",
    "Sorry this did not work out. Our support team has reached out to help with your setup.",
    "Thank you for taking the time to write this. It is on our roadmap for the next release.",
    "Thanks! Glad it is working well for your team.",
)


def plan_catalog(rng_seed: int = SEED) -> list[PlannedSolution]:
    """Decide the whole catalog; the same list every time for the same seed."""
    focus = _publisher_focus()
    reviewer_count = REVIEWER_COUNT
    planned: list[PlannedSolution] = []
    for content in CATALOG:
        for name, tagline in content.products:
            rng = random.Random(f"{rng_seed}:{name}")  # noqa: S311 - reproducible demo data
            pricing = rng.choices(list(PRICING_WEIGHTS), weights=list(PRICING_WEIGHTS.values()))[0]
            publisher = rng.choice(focus[content.slug])
            slug = slugify(name)
            roll = rng.random()
            status = "draft" if roll < 0.035 else "archived" if roll < 0.05 else "published"
            quality = min(4.9, max(1.8, rng.gauss(3.9, 0.65)))
            published_days_ago = rng.uniform(20, 720)
            hot = rng.random() < 0.15
            review_count = 0
            if status != "draft":
                review_count = min(MAX_REVIEWS, int(rng.expovariate(1 / MEAN_REVIEWS)))
            release_count = rng.randint(1, 4)
            release_days = sorted(
                (rng.uniform(0, published_days_ago) for _ in range(release_count - 1)),
                reverse=True,
            )
            versions = _version(rng, release_count)
            releases = [(versions[0], "First public release.", published_days_ago)] + [
                (v, rng.choice(RELEASE_NOTES), d)
                for v, d in zip(versions[1:], release_days, strict=True)
            ]
            plan_reviews: list[PlannedReview] = []
            for reviewer in rng.sample(range(reviewer_count), review_count):
                rating = min(5, max(1, round(rng.gauss(quality, 0.95))))
                title, body = _review(rng, content, name, rating)
                if hot and rng.random() < 0.6:
                    days_ago = rng.uniform(0, 6)
                else:
                    days_ago = published_days_ago * rng.random() ** 1.6
                votes = min(reviewer_count - 1, int(rng.expovariate(1 / (2.5 + len(body) / 120))))
                voters = [v for v in rng.sample(range(reviewer_count), votes) if v != reviewer]
                reply = rng.choice(REPLIES[:3]) if rating <= 3 and rng.random() < 0.4 else ""
                if rating == 5 and rng.random() < 0.08:
                    reply = REPLIES[3]
                plan_reviews.append(
                    PlannedReview(reviewer, rating, title, body, days_ago, voters, reply)
                )
            description = _description(rng, content, name, tagline, pricing)
            tags = _tags(rng, content, f"{name} {tagline}")
            open_source = pricing in (Pricing.FREE, Pricing.FREEMIUM) and rng.random() < 0.45
            publisher_slug = slugify(PUBLISHERS[publisher][0])
            planned.append(
                PlannedSolution(
                    name=name,
                    tagline=tagline,
                    category=content.slug,
                    publisher=publisher,
                    pricing=pricing,
                    tags=tags,
                    description=description,
                    website_url=f"https://{slug}.example.com",
                    repository_url=(
                        f"https://git.example.com/{publisher_slug}/{slug}" if open_source else ""
                    ),
                    demo_url=f"https://demo.{slug}.example.com" if rng.random() < 0.6 else "",
                    releases=releases,
                    status=status,
                    quality=quality,
                    published_days_ago=published_days_ago,
                    reviews=plan_reviews,
                )
            )
    _pick_featured(planned)
    return planned


def _pick_featured(planned: list[PlannedSolution]) -> None:
    """The best-reviewed published solution of each category is an editors' pick."""
    for content in CATALOG:
        candidates = [
            p
            for p in planned
            if p.category == content.slug and p.status == "published" and len(p.reviews) >= 3
        ]
        if candidates:
            max(candidates, key=lambda p: (p.quality, len(p.reviews))).featured = True
