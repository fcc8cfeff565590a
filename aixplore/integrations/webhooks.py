"""Sending one webhook request: bounded timeouts, redirects never followed."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Outcome:
    """What happened: the status code (None when no answer), time taken and any error."""

    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url``; never raises for network trouble."""
    started = time.perf_counter()
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            trust_env=False,
        ) as client:
            response = client.post(url, content=body, headers=headers)
        elapsed = int((time.perf_counter() - started) * 1000)
        error = ""
        if response.is_redirect:
            error = f"redirect to elsewhere not followed ({response.status_code})"
        elif not response.is_success:
            error = f"answered {response.status_code}"
        return Outcome(response.status_code, elapsed, error)
    except httpx.TimeoutException:
        return Outcome(None, int((time.perf_counter() - started) * 1000), "timed out")
    except httpx.HTTPError as exc:
        return Outcome(
            None, int((time.perf_counter() - started) * 1000), f"{type(exc).__name__}: {exc}"[:300]
        )
