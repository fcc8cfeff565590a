"""What an order asks for: the template catalog, the wizard's validated inputs and the quote.

Quote rules (documented in the README; ``quote_for`` is the only implementation):

* base price per template: ``TEMPLATES[key].base_tokens``;
* + 60 tokens per entity, + 8 per field, + 30 per page, + 120 when sign-in is wanted;
* + 10% when the scan found more than 2,000 files in the repository (a larger review);
* a promo code takes its percent off; the price never drops below 100 tokens;
* money: 1 ECE token = EUR 0.05 (``TOKEN_PRICE_CENTS``);
* estimated time: 3 minutes + 1 per entity + 1 per 4 pages, rounded up.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aixplore.domain.orders.providers import check_local_name

TOKEN_PRICE_CENTS = 5
MIN_PRICE = 100
PER_ENTITY, PER_FIELD, PER_PAGE, SIGN_IN = 60, 8, 30, 120
LARGE_REPO_FILES = 2_000
MAX_ENTITIES, MAX_FIELDS, MAX_PAGES, MAX_NOTES = 12, 30, 20, 4_000
MAX_ENV_VARS, MAX_ENV_VALUE = 30, 4_096


@dataclass(frozen=True)
class Template:
    """One kind of app the pipeline can generate."""

    key: str
    title: str
    description: str
    base_tokens: int


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "crud_admin",
            "CRUD admin app",
            "Forms and tables to list, create, edit and delete each entity.",
            400,
        ),
        Template(
            "catalog_site",
            "Public catalog / landing site",
            "A landing page and public pages listing the entities as a catalog.",
            250,
        ),
        Template(
            "api_service",
            "API service",
            "A JSON HTTP API with list, create, read, update and delete per entity.",
            350,
        ),
    )
}

FieldType = Literal["text", "long_text", "integer", "decimal", "boolean", "date", "email"]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]
FRAMEWORKS = ("python-wsgi", "flask", "django", "fastapi", "nextjs", "react", "node", "none")

# Names the generated code already uses, or that shadow Python builtins.
RESERVED = frozenset(
    {"id", "app", "store", "models", "tests", "self", "cls", "type", "object", "list", "dict"}
    | {"str", "int", "float", "bool", "date", "session", "user", "password", "request"}
)
_ENTITY = re.compile(r"^[A-Z][A-Za-z0-9]{1,39}$")
_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PAGE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
_BRANCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
_ROOT = re.compile(r"^[A-Za-z0-9._/-]{0,200}$")
_REPO = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _not_reserved(name: str, what: str) -> str:
    if keyword.iskeyword(name) or name.lower() in RESERVED:
        msg = f'"{name}" is a reserved word; choose another {what} name.'
        raise ValueError(msg)
    return name


class FieldSpec(BaseModel):
    """One typed field of an entity."""

    model_config = _STRICT
    name: str = Field(max_length=40)
    type: FieldType
    required: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _FIELD.match(value):
            msg = (
                f'Field "{value[:40]}": use lower_case letters, digits and _ (start with a letter).'
            )
            raise ValueError(msg)
        return _not_reserved(value, "field")


class EntitySpec(BaseModel):
    """A data entity: a PascalCase name and 1 to 30 typed fields."""

    model_config = _STRICT
    name: str = Field(max_length=40)
    fields: list[FieldSpec] = Field(min_length=1, max_length=MAX_FIELDS)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _ENTITY.match(value):
            msg = f'Entity "{value[:40]}": use a PascalCase name of 2 to 40 letters and digits.'
            raise ValueError(msg)
        return _not_reserved(value, "entity")

    @model_validator(mode="after")
    def _unique_fields(self) -> EntitySpec:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            msg = f"Entity {self.name} has two fields with the same name."
            raise ValueError(msg)
        return self


class Requirements(BaseModel):
    """Step 2: what to generate."""

    model_config = _STRICT
    template: str
    entities: list[EntitySpec] = Field(min_length=1, max_length=MAX_ENTITIES)
    pages: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=MAX_PAGES)
    sign_in: bool = False
    notes: str = Field(default="", max_length=MAX_NOTES)

    @field_validator("template")
    @classmethod
    def _template(cls, value: str) -> str:
        if value not in TEMPLATES:
            msg = f'Unknown template "{value[:40]}"; choose one of: {", ".join(TEMPLATES)}.'
            raise ValueError(msg)
        return value

    @field_validator("pages")
    @classmethod
    def _pages(cls, value: list[str]) -> list[str]:
        for page in value:
            if not _PAGE.match(page):
                msg = f'Page "{page[:40]}": use lower-case letters, digits and dashes.'
                raise ValueError(msg)
        if len(set(value)) != len(value):
            raise ValueError("Two pages have the same name.")
        return value

    @model_validator(mode="after")
    def _unique_entities(self) -> Requirements:
        names = [e.name.lower() for e in self.entities]
        if len(set(names)) != len(names):
            raise ValueError("Two entities have the same name.")
        keys = {n if n.endswith("s") else n + "s" for n in names}
        if len(keys) != len(names):
            raise ValueError("Two entities would share one URL (e.g. Item and Items).")
        clash = sorted((keys | {"api", "sign-in", "sign-up"}) & set(self.pages))
        if clash:
            msg = f'The page "{clash[0]}" has the name of an entity list or a built-in route.'
            raise ValueError(msg)
        return self


class EnvVarInput(BaseModel):
    """One environment variable as typed in the wizard (value may be blank to keep a secret)."""

    model_config = _STRICT
    name: str = Field(max_length=64)
    value: str = Field(default="", max_length=MAX_ENV_VALUE)
    secret: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _ENV.match(value):
            msg = f'Variable "{value[:64]}": use UPPER_CASE letters, digits and _.'
            raise ValueError(msg)
        return value


def check_branch(value: str) -> str:
    """A branch name git accepts (no '..', no '//', no trailing '/' or '.lock')."""
    if (
        not _BRANCH.match(value)
        or ".." in value
        or "//" in value
        or value.endswith(("/", ".lock", "."))
        or "@{" in value
    ):
        msg = "Use a branch name of letters, digits, '.', '_', '-' and '/' (no '..')."
        raise ValueError(msg)
    return value


class Configuration(BaseModel):
    """Step 3: where and how the app lands in the repository."""

    model_config = _STRICT
    framework: str
    root_dir: str = Field(default="", max_length=200)
    branch_name: str = Field(max_length=100)
    env_vars: list[EnvVarInput] = Field(default=[], max_length=MAX_ENV_VARS)

    @field_validator("framework")
    @classmethod
    def _framework(cls, value: str) -> str:
        if value not in FRAMEWORKS:
            msg = f"Choose a framework from: {', '.join(FRAMEWORKS)}."
            raise ValueError(msg)
        return value

    @field_validator("root_dir")
    @classmethod
    def _root(cls, value: str) -> str:
        value = value.strip("/")
        parts = value.split("/") if value else []
        if not _ROOT.match(value) or any(p in {"", ".", ".."} or p == ".git" for p in parts):
            msg = "The root directory must be a relative path inside the repository."
            raise ValueError(msg)
        return value

    @field_validator("branch_name")
    @classmethod
    def _branch(cls, value: str) -> str:
        return check_branch(value)

    @model_validator(mode="after")
    def _unique_env(self) -> Configuration:
        names = [v.name for v in self.env_vars]
        if len(set(names)) != len(names):
            raise ValueError("Two environment variables have the same name.")
        return self


class RepositoryChoice(BaseModel):
    """Step 1: where the repository lives, which one, and the branch the new one starts from.

    GitHub repositories are ``owner/name``; local ones are a folder name in the server's
    repositories folder.
    """

    model_config = _STRICT
    provider: Literal["github", "local"] = "github"
    repo_full_name: str = Field(max_length=141)
    base_branch: str = Field(default="main", max_length=100)

    @field_validator("base_branch")
    @classmethod
    def _base(cls, value: str) -> str:
        return check_branch(value)

    @model_validator(mode="after")
    def _repo(self) -> RepositoryChoice:
        if self.provider == "local":
            check_local_name(self.repo_full_name)
        elif not _REPO.match(self.repo_full_name):
            raise ValueError("Pick a repository as owner/name.")
        return self


def quote_for(
    requirements: dict[str, Any], scan: dict[str, Any] | None, percent_off: int = 0
) -> dict[str, Any]:
    """The price in tokens and money and the estimated minutes, by the module's rules."""
    template = TEMPLATES[requirements["template"]]
    entities = requirements["entities"]
    n_fields = sum(len(e["fields"]) for e in entities)
    n_pages = len(requirements.get("pages", []))
    lines = [(f"{template.title} base", template.base_tokens)]
    lines.append((f"{len(entities)} entities x {PER_ENTITY}", len(entities) * PER_ENTITY))
    lines.append((f"{n_fields} fields x {PER_FIELD}", n_fields * PER_FIELD))
    if n_pages:
        lines.append((f"{n_pages} pages x {PER_PAGE}", n_pages * PER_PAGE))
    if requirements.get("sign_in"):
        lines.append(("Sign-in", SIGN_IN))
    subtotal = sum(amount for _, amount in lines)
    if scan and int(scan.get("file_count", 0)) > LARGE_REPO_FILES:
        extra = subtotal // 10
        lines.append((f"Large repository (> {LARGE_REPO_FILES:,} files) +10%", extra))
        subtotal += extra
    discount = subtotal * percent_off // 100
    if discount:
        lines.append((f"Promo code -{percent_off}%", -discount))
    tokens = max(MIN_PRICE, subtotal - discount)
    minutes = 3 + len(entities) + -(-n_pages // 4)
    return {
        "lines": [{"label": label, "tokens": amount} for label, amount in lines],
        "tokens": tokens,
        "money_cents": tokens * TOKEN_PRICE_CENTS,
        "currency": "EUR",
        "minutes": minutes,
    }
