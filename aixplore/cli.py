"""Operator commands: ``python -m aixplore.cli {migrate,seed-demo,backup,restore,...}``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from pathlib import Path

from alembic.config import Config

from aixplore.backup import pitr_cli
from aixplore.core.db import read_scope, session_scope
from aixplore.core.errors import DomainError
from aixplore.core.settings import PROJECT_ROOT, get_settings
from aixplore.demo import (
    seed_demo_catalog,
    seed_demo_events,
    seed_demo_order_tokens,
    seed_demo_repository,
    seed_demo_social,
    seed_demo_streams,
    seed_demo_trading,
    seed_demo_wallets,
    seed_large_catalog,
)
from aixplore.domain import tables  # noqa: F401 - the whole schema, for every command
from aixplore.domain.accounts import admin as account_admin
from aixplore.domain.accounts import services as accounts
from aixplore.domain.audit.services import verify_chain
from aixplore.integrations.rtmp import cli as streams_cli
from alembic import command

DEMO_ADMIN = ("admin@demo.aixplore.dev", "Ada Admin", "demo-admin-password")
DEMO_MEMBERS = [
    ("member@demo.aixplore.dev", "Max Member", "demo-member-password"),
    ("grace@demo.aixplore.dev", "Grace Hopper", "demo-member-password"),
    ("alan@demo.aixplore.dev", "Alan Turing", "demo-member-password"),
    ("katherine@demo.aixplore.dev", "Katherine Johnson", "demo-member-password"),
]


def alembic_config(database_url: str | None = None) -> Config:
    """The project's alembic configuration, optionally for another database."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.attributes["configure_logger"] = False
    if database_url:
        cfg.attributes["database_url"] = database_url
    return cfg


def migrate() -> None:
    """Upgrade the database to the newest schema."""
    command.upgrade(alembic_config(), "head")


def seed_demo() -> None:
    """Load demo accounts and the demo catalog; safe to run again (existing rows are kept)."""
    with session_scope() as db:
        if accounts.get_user_by_email(db, DEMO_ADMIN[0]) is None:
            account_admin.do_create_admin(
                db, email=DEMO_ADMIN[0], display_name=DEMO_ADMIN[1], password=DEMO_ADMIN[2]
            )
        for email, name, password in DEMO_MEMBERS:
            account_admin.do_create_verified_member(
                db, email=email, display_name=name, password=password
            )
    with session_scope() as db:
        report = seed_demo_catalog(db)
    print(f"demo catalog: added {report}")
    with session_scope() as db:
        print(f"demo wallets: {seed_demo_wallets(db)} token grants")
    with session_scope() as db:
        given = seed_demo_order_tokens(db)
    print(f"demo order tokens for {DEMO_MEMBERS[0][0]}: {'granted' if given else 'kept'}")
    print(f"demo local repository: {seed_demo_repository(get_settings().local_repos_root)}")
    with session_scope() as db:
        print(f"demo events: added {seed_demo_events(db)}")
    seed_demo_community()
    print(
        f"demo data ready: admin {DEMO_ADMIN[0]} / {DEMO_ADMIN[2]}, member {DEMO_MEMBERS[0][0]} / {DEMO_MEMBERS[0][2]}"
    )


def seed_demo_community() -> None:
    """Demo traders, the community around the demo member, and streams (needs the catalog)."""
    with session_scope() as db:
        print(f"demo traders: added {seed_demo_trading(db)}")
    with session_scope() as db:
        community = seed_demo_social(
            db,
            admin_email=DEMO_ADMIN[0],
            member_email=DEMO_MEMBERS[0][0],
            friend_emails=[email for email, _name, _password in DEMO_MEMBERS[1:]],
        )
    print(f"demo community: added {community}")
    with session_scope() as db:
        print(f"demo streams: added {seed_demo_streams(db, streamer_email=DEMO_MEMBERS[1][0])}")


def seed_large(count: int) -> None:
    """Add ``count`` generated solutions for benchmarks (bulk inserts, batched transactions)."""
    started = time.perf_counter()

    def progress(done: int) -> None:
        print(f"  {done:,}/{count:,} solutions ({time.perf_counter() - started:.1f} s)")

    report = seed_large_catalog(session_scope, count, progress=progress)
    print(
        f"large catalog: added {report.solutions:,} solutions, {report.tags:,} tags, "
        f"{report.publishers} publishers in {report.seconds:.1f} s"
    )


def create_admin(email: str, name: str) -> int:
    """Create or promote a platform admin; the password comes from the env or a prompt."""
    password = os.environ.get("AIXPLORE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        with session_scope() as db:
            user = account_admin.do_create_admin(
                db, email=email, display_name=name, password=password
            )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"platform admin ready: {user.email} (id {user.id})")
    return 0


def verify_audit() -> int:
    """Walk the audit chain; exit 1 and name the first broken link when it was tampered with."""
    with read_scope() as db:
        report = verify_chain(db)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def backup(out: str | None) -> int:
    """Write a verified backup archive; exit 2 with a clear message when it cannot."""
    from aixplore.backup import BackupError, create_backup

    try:
        report = create_backup(get_settings(), Path(out) if out else None)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def restore(archive: str, yes: bool) -> int:
    """Restore an archive over the configured database and files (``--yes`` when not empty)."""
    from aixplore.backup import BackupError, describe_target, restore_backup, target_has_data
    from aixplore.core import cache
    from aixplore.core.db import dispose_engines

    settings = get_settings()
    print(describe_target(settings))
    try:
        if target_has_data(settings) and not yes:
            print(
                "restore refused: the database holds data; run again with --yes to overwrite it",
                file=sys.stderr,
            )
            return 2
        report = restore_backup(settings, Path(archive))
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 2
    # Pooled connections and cached values describe the database as it was before.
    dispose_engines()
    cache.invalidate()
    print(report.summary())
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if report.manifest.alembic_revision != head:
        print(
            "the backup's schema is older than this release: run `python -m aixplore.cli migrate`"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m aixplore.cli")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    seed = sub.add_parser("seed-demo", help="load demo data (idempotent)")
    seed.add_argument("--force", action="store_true", help="allow outside development")
    large = sub.add_parser("seed-large", help="add many generated solutions (benchmarks)")
    large.add_argument("--count", type=int, default=100_000)
    admin = sub.add_parser("create-admin", help="create or promote a platform admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Platform Admin")
    sub.add_parser("verify-audit", help="verify the audit log's hash chain")
    sub.add_parser("encryption-key", help="print a fresh encryption key and the current one")
    sub.add_parser("rotate-secrets", help="re-encrypt stored secrets under the current key")
    back = sub.add_parser("backup", help="write a verified backup archive")
    back.add_argument("--out", help="folder for the archive (default <data_dir>/backups)")
    rest = sub.add_parser("restore", help="restore a backup archive over the database and files")
    rest.add_argument("archive")
    rest.add_argument("--yes", action="store_true", help="overwrite a database that holds data")
    pitr_cli.add_parser(sub)
    streams_cli.add_parser(sub)
    args = parser.parse_args(argv)
    if args.cmd == "pitr":
        return pitr_cli.run(args)
    if args.cmd == "streams-nginx":
        return streams_cli.run(args)
    if args.cmd == "backup":
        return backup(args.out)
    if args.cmd == "restore":
        return restore(args.archive, args.yes)
    if args.cmd == "verify-audit":
        return verify_audit()
    if args.cmd == "encryption-key":
        from aixplore.core import crypto

        print(f"new:     AIXPLORE_ENCRYPTION_KEY={crypto.new_key()}")
        print(f"current: add to AIXPLORE_PREVIOUS_ENCRYPTION_KEYS={crypto.current_key()}")
        return 0
    if args.cmd == "rotate-secrets":
        from aixplore.domain.secrets import rotate_all

        report = rotate_all(session_scope)
        print(report.summary(), file=sys.stderr if report.unreadable else sys.stdout)
        return 1 if report.unreadable else 0
    if args.cmd == "migrate":
        migrate()
        return 0
    if args.cmd == "seed-demo":
        if get_settings().env == "production" and not args.force:
            print("refusing to load demo data in production (use --force)", file=sys.stderr)
            return 2
        seed_demo()
        return 0
    if args.cmd == "seed-large":
        if get_settings().env == "production":
            print("refusing to load benchmark data in production", file=sys.stderr)
            return 2
        if not 1 <= args.count <= 5_000_000:
            print("--count must be between 1 and 5,000,000", file=sys.stderr)
            return 2
        seed_large(args.count)
        return 0
    return create_admin(args.email, args.name)


if __name__ == "__main__":
    sys.exit(main())
