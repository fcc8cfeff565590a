"""The load campaign's report: every step's outcome and latency against the plan's targets,
health checks and server memory."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.load_model import STEPS

# The plan's targets for every step.
ERROR_TARGET = 0.001
P95_TARGET_MS = 200.0


@dataclass
class Report:
    """Every step's outcome and latency, health checks and memory samples of one run."""

    rate: float
    seconds: float
    samples: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    health: list[bool] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)
    journeys: dict[str, int] = field(default_factory=dict)
    generator_cpu: float = 0.0

    def record(self, step: str, seconds: float, failure: str | None) -> None:
        """Count one step: its latency, and why it failed if it did."""
        self.samples.setdefault(step, []).append(seconds)
        if failure is not None:
            self.failures.setdefault(step, []).append(failure)

    @property
    def steps(self) -> int:
        """How many steps ran."""
        return sum(len(v) for v in self.samples.values())

    @property
    def errors(self) -> int:
        """How many steps failed."""
        return sum(len(v) for v in self.failures.values())


def group_rss_mib(pgid: int) -> float:
    """Resident memory (MiB) of every live process in the process group ``pgid``."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rpartition(")")[2].split()[2]) == pgid:
                total += int((stat.parent / "statm").read_text().split()[1]) * page
    return total / 2**20


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def summary(report: Report) -> list[str]:
    """The report's lines: per step n, errors, p50 and p95 against the targets, then totals."""
    lines = [f"{'step':34s} {'n':>6s} {'errors':>7s} {'p50 ms':>8s} {'p95 ms':>8s}  targets"]
    for journey, steps in STEPS.items():
        for step in steps:
            name = f"{journey}: {step}"
            values = report.samples.get(name, [])
            if not values:
                lines.append(f"{name:34s} {0:6d}  (not run)")
                continue
            errors = len(report.failures.get(name, []))
            rate, slow = errors / len(values), p95(values) * 1000
            verdict = "ok" if rate < ERROR_TARGET and slow < P95_TARGET_MS else "MISSED"
            mid = sorted(values)[len(values) // 2] * 1000
            lines.append(
                f"{name:34s} {len(values):6d} {errors:7d} {mid:8.0f} {slow:8.0f}  {verdict}"
            )
    total = report.steps
    everything = [v for values in report.samples.values() for v in values]
    checks = report.health
    lines.append(
        f"steps: {total} in {report.seconds:.0f} s ({total / report.seconds:.1f}/s, asked"
        f" {report.rate:.1f}/s); errors {report.errors} ({report.errors / max(total, 1):.3%},"
        f" target < {ERROR_TARGET:.1%}); p95 all steps {p95(everything) * 1000 if everything else 0:.0f} ms"
    )
    if checks:
        lines.append(
            f"availability (/api/health every 0.5 s): {sum(checks) / len(checks):.2%} of"
            f" {len(checks)} checks (target 99.9 %)"
        )
    if report.memory:
        shown = [*report.memory[:: max(1, len(report.memory) // 8)], report.memory[-1]]
        points = ", ".join(f"{t:.0f} s {mib:.0f}" for t, mib in shown)
        lines.append(f"server memory (RSS, MiB) over time: {points}")
    causes: dict[str, int] = {}
    for reasons in report.failures.values():
        for reason in reasons:
            causes[reason] = causes.get(reason, 0) + 1
    if causes:
        lines.append("failures: " + ", ".join(f"{k} x{n}" for k, n in sorted(causes.items())))
    lines.append(f"load generator CPU: {report.generator_cpu:.1f} s; journeys: {report.journeys}")
    return lines
