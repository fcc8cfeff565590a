"""Reading untrusted form data into input models, with messages fit to show people."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from aixplore.core.errors import ValidationFailed


def parse_input(model: type[Any], data: Any) -> Any:
    """Validate untrusted ``data`` into ``model``; raise ValidationFailed with a clear message."""
    if not isinstance(data, dict):
        raise ValidationFailed("The form could not be read. Reload the page and try again.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else None
        message = str(first.get("msg", "Invalid value."))
        message = message.removeprefix("Value error, ")
        if first.get("type") == "extra_forbidden":
            message = "The form holds an unexpected field."
        elif field == "email":
            message = "Enter a valid email address."
        elif first.get("type") in {"string_type", "missing"}:
            message = "Fill in every field."
        elif first.get("type") == "string_too_long":
            message = f"{(field or 'A value').replace('_', ' ').capitalize()} is too long."
        elif first.get("type") == "string_too_short":
            message = f"{(field or 'A value').replace('_', ' ').capitalize()} is required."
        raise ValidationFailed(message, field=field) from exc
