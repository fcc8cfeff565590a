"""``streams-nginx``: render nginx's RTMP ingest config, or render it and start nginx."""

from __future__ import annotations

import argparse
import sys

from aixplore.core.settings import get_settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``streams-nginx`` command to the CLI."""
    ingest = sub.add_parser("streams-nginx", help="the RTMP ingest for live streams (nginx)")
    ingest.add_argument("action", choices=("render", "start"))
    ingest.add_argument("--rtmp-port", type=int, default=1935)
    ingest.add_argument("--http-port", type=int, default=8088, help="where nginx serves HLS")
    ingest.add_argument(
        "--bind",
        default="0.0.0.0",  # noqa: S104 - encoders and players connect from elsewhere
        help="the address nginx listens on",
    )
    ingest.add_argument("--app-url", help="the app as nginx reaches it (default AIXPLORE_BASE_URL)")


def run(args: argparse.Namespace) -> int:
    """Render (print the config's path) or start nginx in the foreground."""
    from aixplore.integrations import rtmp

    plan = rtmp.IngestPlan(
        app_url=args.app_url or get_settings().base_url,
        rtmp_port=args.rtmp_port,
        http_port=args.http_port,
        bind=args.bind,
    )
    try:
        if args.action == "render":
            print(rtmp.write(plan))
            return 0
        if not rtmp.MODULE.exists():
            print(
                f"nginx's RTMP module is missing ({rtmp.MODULE}): install libnginx-mod-rtmp",
                file=sys.stderr,
            )
            return 2
        rtmp.start(plan)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0
