"""The fault drill's figures: each phase's writes attempted, confirmed and stored, outages,
recovery times, and the promises a phase broke."""

from __future__ import annotations

from fault_steps import Phase

WORKER_OUTAGE_LIMIT = 5.0


def _stored(attempts: list) -> set[tuple[str, int, str]]:
    """Which of these writes are in the database: (kind, user id, slug)."""
    from sqlmodel import col, select

    from aixplore.core.db import read_scope
    from aixplore.domain.discovery.models import Bookmark
    from aixplore.domain.reviews.models import Review
    from aixplore.domain.solutions.models import Solution

    with read_scope() as db:
        marks = db.exec(
            select(Bookmark.user_id, Solution.slug).join(
                Solution, col(Solution.id) == col(Bookmark.solution_id)
            )
        ).all()
        reviews = db.exec(
            select(Review.author_id, Solution.slug).join(
                Solution, col(Solution.id) == col(Review.solution_id)
            )
        ).all()
    found = {("bookmark", u, s) for u, s in marks} | {("review", u, s) for u, s in reviews}
    return {(a.kind, a.user_id, a.slug) for a in attempts} & found


def report(ledger, phases: list[Phase]) -> tuple[list[dict], list[str]]:
    """A row of figures per phase, and the failures: lost writes, prompts, long outages."""
    from fault_load import first_recovery, longest_outage

    stored = _stored(ledger.attempts)
    rows, failures = [], []
    for phase in phases:
        mine = ledger.between(phase.start, phase.end)
        confirmed = [a for a in mine if a.confirmed]
        kept = [a for a in confirmed if (a.kind, a.user_id, a.slug) in stored]
        errors = [a.error for a in mine if not a.confirmed]
        prompts = sum(a.sign_in_prompt for a in mine)
        outage = longest_outage(ledger.probes, phase.start, phase.end)
        service = (
            first_recovery(ledger.probes, phase.injected, phase.end) if phase.injected else None
        )
        row = {
            "fault": phase.name,
            "attempted": len(mine),
            "confirmed": len(confirmed),
            "stored": len(kept),
            "lost": len(confirmed) - len(kept),
            "errors_seen": len(errors),
            "error_examples": sorted(set(errors))[:3],
            "sign_in_prompts": prompts,
            "longest_outage_s": round(outage, 1),
            "service_back_s": None if service is None else round(service, 1),
            "recovered_s": None if phase.recovered is None else round(phase.recovered, 1),
            "notes": phase.notes,
        }
        rows.append(row)
        problems = list(phase.failures)
        if row["lost"]:
            problems.append(f"{row['lost']} confirmed writes were lost")
        if prompts:
            problems.append(f"{prompts} sign-in prompts shown to signed-in members")
        if phase.name == "worker" and outage > WORKER_OUTAGE_LIMIT:
            problems.append(f"service down {outage:.1f} s after a worker kill")
        failures += [f"{phase.name}: {p}" for p in problems]
    return rows, failures


def print_rows(rows: list[dict]) -> None:
    """Print the figures as a table, then each phase's notes and what users saw."""
    head = ("fault", "attempted", "confirmed", "stored", "lost", "errors_seen")
    head += ("sign_in_prompts", "longest_outage_s", "service_back_s", "recovered_s")
    print(" | ".join(head))
    for row in rows:
        print(" | ".join("-" if row[h] is None else str(row[h]) for h in head))
    for row in rows:
        for note in row["notes"]:
            print(f"  {row['fault']}: {note}")
        for example in row["error_examples"]:
            print(f"  {row['fault']}: seen instead of a success: {example}")
