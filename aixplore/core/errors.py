"""Errors the domain raises; every layer turns them into a clear message, never a trace."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user may see: its message is safe to show."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input did not pass validation."""

    code = "invalid"


class NotAuthenticated(DomainError):
    """No valid signed-in session."""

    code = "not_authenticated"


class PermissionDenied(DomainError):
    """The actor may not do this."""

    code = "forbidden"


class NotFound(DomainError):
    """The thing asked for does not exist (or the actor may not know it exists)."""

    code = "not_found"


class Conflict(DomainError):
    """The action conflicts with the current state."""

    code = "conflict"


class Throttled(DomainError):
    """Too many attempts; try again later."""

    code = "throttled"

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """A backing service (database, Redis) cannot be reached."""

    code = "unavailable"
