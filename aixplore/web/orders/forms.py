"""The wizard's text formats: entities as ``Book: title:text, pages:integer?`` lines, pages
as a comma list, env vars as ``NAME=value`` lines. Parsed here, validated by the domain."""

from __future__ import annotations

from typing import Any

from aixplore.core.errors import ValidationFailed
from aixplore.domain.orders.services import SECRET_MASK
from aixplore.domain.orders.spec import MAX_ENTITIES, MAX_ENV_VARS, MAX_FIELDS, MAX_PAGES

MAX_TEXT = 20_000


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(f"The {what} could not be read.")
    if len(value) > MAX_TEXT:
        raise ValidationFailed(f"The {what} is too long.")
    return value


def parse_entities(value: Any) -> list[dict[str, Any]]:
    """``Book: title:text, pages:integer?`` per line; ``?`` marks an optional field."""
    entities = []
    for number, raw in enumerate(_text(value, "entity list").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if ":" not in line:
            raise ValidationFailed(f"Line {number}: write Name: field:type, field:type.")
        name, rest = line.split(":", 1)
        fields = []
        for part in (p.strip() for p in rest.split(",")):
            if not part:
                continue
            if ":" not in part:
                raise ValidationFailed(f'Line {number}: "{part[:40]}" needs a type (field:type).')
            field, kind = (s.strip() for s in part.split(":", 1))
            optional = kind.endswith("?")
            fields.append({"name": field, "type": kind.rstrip("?"), "required": not optional})
        entities.append({"name": name.strip(), "fields": fields[: MAX_FIELDS + 1]})
        if len(entities) > MAX_ENTITIES:
            break
    return entities


def format_entities(entities: list[dict[str, Any]]) -> str:
    """The inverse of :func:`parse_entities` (to prefill the form)."""
    return "\n".join(
        f"{e['name']}: "
        + ", ".join(f"{f['name']}:{f['type']}{'' if f['required'] else '?'}" for f in e["fields"])
        for e in entities
    )


def parse_pages(value: Any) -> list[str]:
    """Comma-separated page names."""
    pages = [p.strip() for p in _text(value, "page list").split(",") if p.strip()]
    return pages[: MAX_PAGES + 1]


def parse_env(plain: Any, secret: Any) -> list[dict[str, Any]]:
    """``NAME=value`` lines; secrets left as the mask keep their stored value."""
    found = []
    for text, is_secret in ((plain, False), (secret, True)):
        for raw in _text(text, "variable list").splitlines():
            line = raw.strip()
            if not line:
                continue
            if "=" not in line:
                raise ValidationFailed(f'"{line[:40]}": write NAME=value.')
            name, val = line.split("=", 1)
            found.append({"name": name.strip(), "value": val, "secret": is_secret})
            if len(found) > MAX_ENV_VARS:
                return found
    return found


def format_env(env: list[dict[str, Any]], *, secret: bool) -> str:
    """Plain variables with values; secrets as NAME=******** (never their value)."""
    return "\n".join(
        f"{v['name']}={SECRET_MASK if secret else v['value']}" for v in env if v["secret"] == secret
    )
