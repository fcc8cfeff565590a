"""Structured JSON logs on stdout (plain text when AIXPLORE_LOG_JSON=false)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from aixplore.core.settings import get_settings

_configured = False


def configure_logging() -> None:
    """Install the root handler once per process."""
    global _configured
    if _configured:
        return
    settings = get_settings()
    handler = logging.StreamHandler(sys.stdout)
    if settings.log_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("aixplore")
    logger.handlers[:] = [handler]
    logger.setLevel(settings.log_level.upper())
    logger.propagate = False
    huey_logger = logging.getLogger("huey")
    huey_logger.handlers[:] = [handler]
    huey_logger.setLevel(logging.WARNING)
    _configured = True
