"""Structured JSON logs on stdout (plain text when AIXPLORE_LOG_JSON=false)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from aixplore.core.settings import get_settings
from aixplore.core.tracing import TraceIds

_configured = False


class PlainFormatter(logging.Formatter):
    """Readable lines for development; a line written inside a span ends with its trace id."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        trace_id = getattr(record, "trace_id", None)
        return f"{line} trace_id={trace_id}" if trace_id else line


def make_handler(json: bool) -> logging.Handler:
    """A stdout handler writing JSON objects (``json``) or plain lines, with trace ids."""
    handler = logging.StreamHandler(sys.stdout)
    if json:
        # Fields a record carries beyond these (extra=..., trace_id, span_id) are added too.
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    # With tracing on, a line written inside a span names it (trace_id, span_id).
    handler.addFilter(TraceIds())
    return handler


def configure_logging() -> None:
    """Install the root handler once per process."""
    global _configured
    if _configured:
        return
    settings = get_settings()
    handler = make_handler(settings.log_json)
    logger = logging.getLogger("aixplore")
    logger.handlers[:] = [handler]
    logger.setLevel(settings.log_level.upper())
    logger.propagate = False
    huey_logger = logging.getLogger("huey")
    huey_logger.handlers[:] = [handler]
    huey_logger.setLevel(logging.WARNING)
    _configured = True
