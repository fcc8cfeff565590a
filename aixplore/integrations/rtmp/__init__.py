"""nginx's RTMP module as AiXplore's live stream ingest: the config rendered from a template.

``nginx.conf.template`` beside this file holds the whole server; :func:`render` fills in the
ports, the folders (``<stream_root>/hls`` and ``/recordings``, where the app looks for them) and
the callback URL, which carries the secret path segment the app's route checks
(``domain/streams/ingest.py``). :func:`start` runs nginx in the foreground with it.
"""

from __future__ import annotations

import os
import pwd
import shutil
from dataclasses import dataclass
from pathlib import Path

from aixplore.core.settings import get_settings
from aixplore.domain.streams.ingest import callback_secret

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")  # Debian's libnginx-mod-rtmp
CALLBACK_PATH = "/api/streams/rtmp"


@dataclass(frozen=True)
class IngestPlan:
    """What the rendered config says: ports, folders and where the app answers."""

    app_url: str  # the app as nginx reaches it, e.g. http://127.0.0.1:3000
    rtmp_port: int = 1935
    http_port: int = 8088
    bind: str = "0.0.0.0"  # noqa: S104 - encoders and players connect from elsewhere
    stream_root: Path | None = None  # default: the settings' stream_root
    module: Path = MODULE

    @property
    def root(self) -> Path:
        """The folder holding hls/, recordings/ and nginx's own run/ files."""
        return self.stream_root or get_settings().stream_root

    @property
    def callback_url(self) -> str:
        """Where nginx posts its callbacks (the secret segment included)."""
        return f"{self.app_url.rstrip('/')}{CALLBACK_PATH}/{callback_secret()}"


def _check(plan: IngestPlan) -> None:
    for port in (plan.rtmp_port, plan.http_port):
        if not 0 < port < 65536:
            raise ValueError(f"port {port} is out of range")
    if not plan.app_url.startswith(("http://", "https://")) or any(
        c in plan.app_url for c in " ;{}'\"\n"
    ):
        raise ValueError(f"the app URL {plan.app_url!r} is not a plain http(s) URL")
    if any(c in str(plan.root) for c in " ;{}'\"\n"):
        raise ValueError(f"the stream folder {plan.root} holds characters nginx would misread")


def render(plan: IngestPlan) -> str:
    """The nginx config for ``plan``."""
    _check(plan)
    root = plan.root.resolve()
    # Run as root (a container, the test machine), nginx's workers would otherwise switch to
    # "nobody" and could not write the folders; as anyone else the directive is not needed.
    user = f"user {pwd.getpwuid(0).pw_name};" if os.geteuid() == 0 else ""
    values = {
        "@MODULE@": str(plan.module),
        "@USER_LINE@": user,
        "@RUN_DIR@": str(root / "run"),
        "@BIND@": plan.bind,
        "@RTMP_PORT@": str(plan.rtmp_port),
        "@HTTP_PORT@": str(plan.http_port),
        "@HLS_DIR@": str(root / "hls"),
        "@RECORDINGS_DIR@": str(root / "recordings"),
        "@CALLBACK_URL@": plan.callback_url,
    }
    text = TEMPLATE.read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def write(plan: IngestPlan) -> Path:
    """Create the folders and write the rendered config; returns its path."""
    root = plan.root.resolve()
    for folder in ("hls", "recordings", "run/tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    config = root / "run" / "nginx.conf"
    config.write_text(render(plan))
    return config


def command(config: Path) -> list[str]:
    """The command that runs nginx in the foreground with ``config``."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    run_dir = config.parent
    return [nginx, "-p", str(run_dir), "-c", str(config), "-e", str(run_dir / "error.log")]


def start(plan: IngestPlan) -> None:
    """Render the config and replace this process with nginx (foreground, for a supervisor)."""
    cmd = command(write(plan))
    os.execv(cmd[0], cmd)  # noqa: S606 - nginx replaces this process, on purpose
