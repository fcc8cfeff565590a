"""Alembic environment: targets SQLModel.metadata, URL from AiXplore's settings."""

from __future__ import annotations

from logging.config import fileConfig

from sqlmodel import SQLModel

from aixplore.core.db import get_engine
from aixplore.core.settings import get_settings
from aixplore.domain import tables  # registers every table on the metadata
from alembic import context

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the engine-specific search objects (made by hand in migrations) out of autogenerate."""
    return not (name and name.startswith(tables.SEARCH_OBJECTS))


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the configured database."""
    engine = get_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
