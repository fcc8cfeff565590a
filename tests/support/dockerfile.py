"""Run a Dockerfile's steps outside Docker: the closest check of the image without an engine.

The development and CI machines have no Docker engine, so :class:`DockerfileRun` reads the
Dockerfile and does what ``docker build`` would, stage by stage, in folders: each stage has
a root folder standing for its file system; ``COPY`` copies from the build context (the
files git tracks or would track, as ``.dockerignore`` keeps the rest out) or from an
earlier stage's folder; ``ARG`` and ``ENV`` set variables (container paths in their values
point into the stage's folder); ``WORKDIR`` moves; ``RUN`` lines run verbatim with
``/bin/sh -c`` in the stage's working directory, except the steps that install what the test
machine already provides (system packages, the virtual environment, bun): those are named
in ``provided`` with the local folder that stands for them. Any other install step fails
the run, so a new one cannot slip by unchecked. The final stage's ``CMD`` and
``HEALTHCHECK`` commands are kept for the caller to run; ``USER`` and ``EXPOSE`` are recorded.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Paths the test machine has as they are: never moved into a stage's folder.
SYSTEM_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib/", "/etc/")
# "npm ci" installs too (from a lock file): it must be stood in for like any other install.
INSTALL_STEP = re.compile(r"\b(apt-get|apk|pip|npm|yarn|bun|curl|wget)\b.*\b(install|add|ci)\b")
_VARIABLE = re.compile(r"\$(?:\{(\w+)(?::-([^}]*))?\}|(\w+))")


@dataclass(frozen=True)
class Provided:
    """A RUN step the test machine stands in for, and the container paths it provides."""

    pattern: str  # a regular expression the step's command starts with
    reason: str
    paths: Mapping[str, Path] = field(default_factory=dict)


@dataclass
class Stage:
    """One build stage: its folder, variables and working directory."""

    name: str
    root: Path
    env: dict[str, str]
    args: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    user: str = "root"
    cmd: list[str] | None = None
    healthcheck: list[str] | None = None
    ran: list[str] = field(default_factory=list)
    stood_in: list[str] = field(default_factory=list)


def instructions(text: str) -> list[tuple[str, str]]:
    """Split a Dockerfile into (INSTRUCTION, arguments), continuations joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if line.strip().startswith("#") or (not line.strip() and not pending):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        if whole:
            word, _, rest = whole.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def _command(form: str) -> list[str]:
    """An exec-form (JSON) command as is; a shell-form one as ``/bin/sh -c``."""
    if form.startswith("["):
        return list(json.loads(form))
    return ["/bin/sh", "-c", form]


class DockerfileRun:
    """Build a Dockerfile's stages in folders under ``workspace``."""

    def __init__(
        self,
        dockerfile: Path,
        context: Path,
        workspace: Path,
        provided: list[Provided],
        base_env: Mapping[str, str],
        build_args: Mapping[str, str] | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.context = context
        self.workspace = workspace
        self.provided = provided
        self.base_env = dict(base_env)
        self.build_args = dict(build_args or {})
        self.stages: dict[str, Stage] = {}
        self.paths: dict[str, Path] = {p: d for step in provided for p, d in step.paths.items()}

    # Paths and variables ------------------------------------------------------------------

    def local(self, stage: Stage, container_path: str) -> Path:
        """Where a container path of ``stage`` lives on this machine."""
        for prefix in sorted(self.paths, key=len, reverse=True):
            if container_path == prefix or container_path.startswith(prefix + "/"):
                return self.paths[prefix] / container_path[len(prefix) :].lstrip("/")
        if container_path.startswith(SYSTEM_PREFIXES):
            return Path(container_path)
        return stage.root / container_path.lstrip("/")

    def _expand(self, stage: Stage, value: str) -> str:
        scope = {**stage.args, **stage.env}

        def one(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(3)
            found = scope.get(name, "")
            return found if found or match.group(2) is None else match.group(2)

        return _VARIABLE.sub(one, value)

    def _value(self, stage: Stage, raw: str) -> str:
        """An ENV value: container paths moved into the stage, then variables expanded."""
        parts = []
        for part in raw.split(":"):
            if part.startswith("/") and not part.startswith("//"):  # not a URL's "//host"
                part = str(self.local(stage, part))
            parts.append(self._expand(stage, part))
        return ":".join(parts)

    def _path(self, stage: Stage, raw: str) -> Path:
        """A path argument (COPY destination, WORKDIR) relative to the working directory."""
        expanded = self._expand(stage, raw)
        if not expanded.startswith("/"):
            expanded = f"{stage.workdir.rstrip('/')}/{expanded}"
        return self.local(stage, expanded)

    # Instructions -------------------------------------------------------------------------

    def build(self) -> Stage:
        """Run every stage; return the last (the image)."""
        stage: Stage | None = None
        for word, rest in instructions(self.dockerfile.read_text()):
            if word == "FROM":
                name = rest.split()[-1] if " AS " in rest.upper() else str(len(self.stages))
                root = self.workspace / name
                root.mkdir(parents=True)
                stage = Stage(name=name, root=root, env=dict(self.base_env))
                self.stages[name] = stage
                continue
            assert stage is not None, f"{word} before FROM"
            handler = getattr(self, f"_do_{word.lower()}", None)
            assert handler is not None, f"the Dockerfile runner does not know {word}"
            handler(stage, rest)
        assert stage is not None, "no FROM in the Dockerfile"
        return stage

    def _do_arg(self, stage: Stage, rest: str) -> None:
        name, _, default = rest.partition("=")
        stage.args[name] = self.build_args.get(name, default)

    def _do_env(self, stage: Stage, rest: str) -> None:
        for pair in shlex.split(rest):
            name, _, raw = pair.partition("=")
            stage.env[name] = self._value(stage, raw)

    def _do_workdir(self, stage: Stage, rest: str) -> None:
        expanded = self._expand(stage, rest)
        stage.workdir = expanded if expanded.startswith("/") else f"{stage.workdir}/{expanded}"
        self.local(stage, stage.workdir).mkdir(parents=True, exist_ok=True)

    def _do_user(self, stage: Stage, rest: str) -> None:
        stage.user = rest

    def _do_expose(self, stage: Stage, rest: str) -> None:
        pass  # docker run -p decides what is published

    def _do_cmd(self, stage: Stage, rest: str) -> None:
        stage.cmd = _command(rest)

    def _do_healthcheck(self, stage: Stage, rest: str) -> None:
        form = rest[rest.index("CMD ") + 4 :].strip()
        stage.healthcheck = _command(form)

    def _do_run(self, stage: Stage, rest: str) -> None:
        for step in self.provided:
            if re.match(step.pattern, rest):
                stage.stood_in.append(rest)
                return
        assert not INSTALL_STEP.search(rest), (
            f"an install step the test machine does not stand in for: {rest!r}; name it in "
            "the test's `provided` with the local folder that holds what it installs"
        )
        done = subprocess.run(
            ["/bin/sh", "-c", rest],
            cwd=self.local(stage, stage.workdir),
            env=stage.env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"RUN {rest} failed:\n{(done.stdout + done.stderr)[-4000:]}"
        stage.ran.append(rest)

    def _do_copy(self, stage: Stage, rest: str) -> None:
        words = shlex.split(rest)
        options = [w for w in words if w.startswith("--")]
        *sources, target = [w for w in words if not w.startswith("--")]
        origin = next((o.split("=", 1)[1] for o in options if o.startswith("--from=")), None)
        into_folder = target.endswith("/") or len(sources) > 1
        dest = self._path(stage, target)
        for source in sources:
            if origin is None:
                src, files = self.context / source, self._context_files(source)
            else:
                src = self.local(self.stages[origin], source)
                files = None
            if src.resolve() == dest.resolve():
                continue  # a path both stages take from the machine (the venv)
            if src.is_dir():
                _copy_tree(src, dest, files)
            else:
                place = dest / src.name if into_folder else dest
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, place)

    def _context_files(self, source: str) -> list[str]:
        """The files under ``source`` that a build context would hold, relative to it."""
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", source],
            cwd=self.context,
            capture_output=True,
            check=True,
        ).stdout.decode()
        base = (self.context / source).resolve()
        return [
            str((self.context / name).resolve().relative_to(base))
            for name in listed.split("\0")
            if name and (self.context / name).is_file() and (self.context / name) != base
        ]


def _copy_tree(src: Path, dest: Path, files: list[str] | None) -> None:
    """Copy a folder's contents into ``dest`` (only ``files`` when given)."""
    if files is None:
        shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
        return
    for name in files:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / name, dest / name)
