"""One Settings class read from AIXPLORE_* environment variables and an optional .env file."""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Values that must never reach production as a secret.
_PLACEHOLDER_SECRETS = {
    "",
    "change-me",
    "changeme",
    "secret",
    "dev-secret-key-not-for-production",
    "please-change-this-secret-key",
}
DEV_SECRET_KEY = "dev-secret-key-not-for-production"  # noqa: S105 - refused outside development
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name in data_dir, beside the SQLite database


class Settings(BaseSettings):
    """Runtime configuration of AiXplore.

    Every field can be set as ``AIXPLORE_<FIELD>`` in the environment or in ``.env``.
    """

    model_config = SettingsConfigDict(
        env_prefix="AIXPLORE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'aixplore.db'}"
    redis_url: str | None = None
    # A PostgreSQL streaming replica of database_url for catalog and search reads
    # (core/replica.py); unset, or with SQLite, every read goes to database_url.
    database_replica_url: str | None = None
    # Replica reads fall back to the primary while the replica replays this far behind.
    replica_max_lag_seconds: float = Field(default=5.0, ge=0, le=3600)
    # After a member's write, their catalog reads stay on the primary until the replica has
    # replayed it, for at most this long.
    replica_read_your_writes_seconds: float = Field(default=30.0, gt=0, le=3600)
    # How often each process asks the replica for its lag (and retries one found down).
    replica_check_seconds: float = Field(default=1.0, gt=0, le=60)
    # With Redis: keep hot cache entries in each process until Redis announces a change
    # (aixplore/core/near_cache.py). Off: every read goes to Redis.
    redis_near_cache: bool = True
    # Unset in development: a random key generated on first run and kept in
    # <data_dir>/secret_key (see _secret_key_file). Required everywhere else.
    secret_key: str = ""
    # AES-256-GCM key for secrets stored in the database (URL-safe base64 of 32 bytes);
    # derived from secret_key when unset. See aixplore/core/crypto.py.
    encryption_key: str | None = None
    # Keys being rotated out (comma-separated): still read, never written. See rotate-secrets.
    previous_encryption_keys: str | None = None
    base_url: str = "http://localhost:3000"
    data_dir: Path = PROJECT_ROOT / "data"
    media_dir: Path | None = None  # uploaded images; default: <data_dir>/media
    # Live streams (domain/streams): where streamers point their encoder, where viewers' players
    # fetch the HLS nginx packages, and the folder nginx writes (hls/, recordings/); default
    # <data_dir>/streams. ``aixplore streams-nginx`` renders and starts that nginx.
    stream_rtmp_url: str = "rtmp://localhost:1935/live"
    stream_hls_url: str = "http://localhost:8088/hls"
    stream_recordings_url: str = "http://localhost:8088/recordings"
    stream_dir: Path | None = None
    # Node tools that check and compress uploaded 3D models (npm ci in tools/gltf).
    gltf_tools_dir: Path = PROJECT_ROOT / "tools" / "gltf"

    # Mail: SMTP when smtp_host is set, otherwise mails stay in the outbox table and the log.
    mail_from: str = "AiXplore <no-reply@aixplore.local>"
    # Where people write to the team: shown on the contact, terms and privacy pages.
    contact_email: str = "support@aixplore.local"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True

    # Accounts.
    session_days: int = Field(default=30, ge=1, le=365)
    verify_token_hours: int = Field(default=48, ge=1, le=24 * 14)
    reset_token_minutes: int = Field(default=60, ge=5, le=24 * 60)
    login_limit_per_account: str = "5/15 minutes"
    login_limit_per_ip: str = "30/5 minutes"
    signup_limit_per_ip: str = "10/hour"
    # Reverse proxies in front of the app that append to X-Forwarded-For (nginx, an ingress):
    # the client's address is the entry this many from the end. 0: no proxy, the header is
    # ignored (a client could forge it).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)

    # Events: reminder mails go out this many minutes before an event starts.
    event_reminder_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    # Home feed: authors with more followers than this are not fanned out into timelines;
    # their followers' feeds read their items at read time (domain/social/feed.py).
    feed_fan_in_followers: int = Field(default=10_000, ge=0, le=10_000_000)

    # Trading prices: the seeded simulation (offline, labelled "Simulated prices") or Binance's
    # public market data (aixplore/integrations/price_feed.py) at ``price_feed_url``.
    price_feed: Literal["simulated", "binance"] = "simulated"
    price_feed_url: str = "https://api.binance.com"

    # Audit log: entries older than this many days are removed daily (0 keeps them forever).
    audit_retention_days: int = Field(default=0, ge=0, le=36500)

    # API: rate limits per endpoint class ("read", "write"), counted per key (or session user)
    # and per client IP; anonymous callers count per IP only.
    api_read_limit: str = "600/minute"
    api_write_limit: str = "60/minute"
    api_user_limit: str = "1200/minute"  # all of a user's keys together
    api_ip_limit: str = "1200/minute"
    api_anonymous_limit: str = "120/minute"
    api_key_max_days: int = Field(default=365, ge=1, le=3650)

    # OAuth2 for third-party apps: access tokens (JWT) are short-lived; refresh tokens rotate
    # on every use; a new signing key is made after ``oauth_key_rotation_days`` and the
    # previous one stays published until the tokens it signed have expired.
    oauth_access_token_minutes: int = Field(default=10, ge=1, le=60)
    oauth_refresh_token_days: int = Field(default=30, ge=1, le=365)
    oauth_code_seconds: int = Field(default=60, ge=10, le=600)
    oauth_key_rotation_days: int = Field(default=30, ge=1, le=365)

    # Outbound webhooks. Private, loopback and link-local targets are refused unless allowed
    # (by default they are allowed in development only).
    webhook_allow_private_targets: bool | None = None
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_disable_after_failures: int = Field(default=20, ge=1, le=1000)
    webhook_secret_overlap_hours: int = Field(default=24, ge=0, le=24 * 30)
    # Orders: GitHub reached through GitHub's own MCP server (see integrations/github_mcp.py).
    github_mcp_command: str | None = None
    github_host: str | None = None
    github_proxy: str | None = None
    github_mcp_timeout: float = Field(default=30.0, ge=1.0, le=600.0)
    # GitHub OAuth app sign-in in the wizard (optional; without it only a pasted token works).
    # Register the app's callback as <base_url>/api/github/oauth/callback.
    github_oauth_client_id: str | None = None
    github_oauth_client_secret: str | None = None
    github_web_url: str = "https://github.com"  # /login/oauth/authorize and /access_token
    # Members' "Continue with GitHub" and "Continue with Google" (domain/social): each button
    # shows only when its app is configured. GitHub's sign-in app is a separate OAuth app (it
    # asks only for the profile and addresses); its callback is
    # <base_url>/api/auth/github/callback, Google's <base_url>/api/auth/google/callback.
    github_signin_client_id: str | None = None
    github_signin_client_secret: str | None = None
    github_api_url: str = "https://api.github.com"  # GitHub Enterprise: https://HOST/api/v3
    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_discovery_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    order_validate_seconds: int = Field(default=120, ge=5, le=1800)
    # Orders into local Git repositories (integrations/local_git.py): bare repositories in this
    # folder, reached through the MCP Git server (mcp-server-git). Default <data_dir>/repos,
    # except in production, where only an explicitly set folder is offered.
    local_repos_dir: Path | None = None
    git_mcp_command: str | None = None
    git_mcp_timeout: float = Field(default=30.0, ge=1.0, le=600.0)
    # Stripe Checkout (optional): secret key, webhook signing secret, API base (tests).
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None

    # GDPR: an erasure request is carried out after this many days unless cancelled.
    erasure_grace_days: int = Field(default=14, ge=0, le=90)

    # Without Redis: a browser tab's state leaves the worker's memory once its socket is gone
    # and it had no event for this many minutes (aixplore/web/state_expiry.py). An open tab
    # keeps its state; one that comes back later loads its page again.
    state_idle_minutes: float = Field(default=30.0, gt=0, le=7 * 24 * 60)

    # Jobs: run a huey consumer inside the web process (the default without Redis).
    embedded_worker: bool | None = None
    # Recovery from a dead job worker (aixplore/jobs/recovery.py): an order's pipeline and a
    # webhook attempt hold a lease this long, renewed every job_heartbeat_seconds while they
    # run; every consumer process looks for expired leases every job_sweep_seconds and runs
    # their work again. A killed worker's work resumes within lease + sweep seconds.
    job_lease_seconds: int = Field(default=10, ge=2, le=3600)
    job_heartbeat_seconds: float = Field(default=3.0, gt=0, le=1800)
    job_sweep_seconds: float = Field(default=2.0, gt=0, le=300)

    log_json: bool = True
    log_level: str = "INFO"

    # Single sign-on: allowed clock difference with identity providers, and the DNS TXT record
    # name prefix an organization publishes to prove it owns an email domain.
    sso_clock_skew_seconds: int = Field(default=120, ge=0, le=600)
    sso_login_minutes: int = Field(default=10, ge=1, le=60)
    sso_limit_per_ip: str = "60/5 minutes"  # SSO start, callbacks and discovery
    # OAuth2 server: the token, revocation and introspection endpoints count per app (client
    # id as presented) and per network address; the consent page per network address.
    oauth_limit_per_client: str = "300/minute"
    oauth_limit_per_ip: str = "600/minute"
    oauth_authorize_limit_per_ip: str = "60/minute"
    domain_txt_prefix: str = "_aixplore-verify"

    # Scheduled backups (aixplore/jobs/operations.py): with a folder set, a job worker writes a
    # verified backup there whenever the last successful one is older than the interval, and
    # keeps the newest backup_keep archives. Unset: no scheduled backups.
    backup_dir: Path | None = None
    backup_interval_minutes: int = Field(default=24 * 60, ge=1, le=31 * 24 * 60)
    backup_keep: int = Field(default=7, ge=1, le=1000)
    # /metrics (api/routes/health.py): with a token set, scrapes must send it as a Bearer
    # token. Unset: open in development and tests, off (404) in production, where handler
    # names, queue depths and error counts are not for everyone to read.
    metrics_token: str | None = None
    # Tracing (core/tracing.py): an OTLP/HTTP traces endpoint (say
    # http://collector:4318/v1/traces) turns it on; unset, no spans are recorded.
    otlp_endpoint: str | None = None
    otlp_service_name: str = "aixplore"

    @field_validator(
        "redis_url",
        "database_replica_url",
        "metrics_token",
        "otlp_endpoint",
        "encryption_key",
        "previous_encryption_keys",
        "smtp_host",
        "smtp_username",
        "smtp_password",
        "github_mcp_command",
        "git_mcp_command",
        "local_repos_dir",
        "backup_dir",
        "github_host",
        "github_proxy",
        "github_oauth_client_id",
        "github_oauth_client_secret",
        "github_signin_client_id",
        "github_signin_client_secret",
        "google_client_id",
        "google_client_secret",
        "stripe_secret_key",
        "stripe_webhook_secret",
        "stripe_api_base",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> Settings:
        # Two renewals fit in a lease, so one late renewal does not lose it.
        if self.job_heartbeat_seconds * 2 > self.job_lease_seconds:
            msg = (
                "AIXPLORE_JOB_HEARTBEAT_SECONDS must be at most half of AIXPLORE_JOB_LEASE_SECONDS"
            )
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env == "development" and not self.secret_key:
            self.secret_key = _secret_key_file(self.data_dir)
        if self.env != "development" and (
            self.secret_key.strip().lower() in _PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            msg = (
                "AIXPLORE_SECRET_KEY must be a random value of at least 32 characters outside "
                "development (generate one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
            raise ValueError(msg)
        for name in ("github_oauth", "github_signin", "google"):
            secret = getattr(self, f"{name}_client_secret")
            if (
                self.env != "development"
                and secret is not None
                and (secret.strip().lower() in _PLACEHOLDER_SECRETS or len(secret) < 16)
            ):
                msg = f"AIXPLORE_{name.upper()}_CLIENT_SECRET must be the app's real client secret"
                raise ValueError(msg)
        return self

    @property
    def published_secret_key(self) -> bool:
        """Whether the secret key is a well-known value (allowed in development on loopback)."""
        return self.secret_key.strip().lower() in _PLACEHOLDER_SECRETS or len(self.secret_key) < 32

    def check_listen_address(self, host: str) -> None:
        """Refuse to serve other machines while signing with a published secret key.

        Raises:
            RuntimeError: ``host`` is not a loopback address and the key is a published one.
        """
        if self.published_secret_key and not is_loopback(host):
            msg = (
                f"Refusing to listen on {host}: AIXPLORE_SECRET_KEY is a published value, so "
                "anyone could forge what it protects. Unset it (development generates a "
                f"random key in {self.data_dir / SECRET_KEY_FILE}) or set a random one, or "
                "listen on 127.0.0.1 only."
            )
            raise RuntimeError(msg)

    @property
    def github_oauth_enabled(self) -> bool:
        """Whether the wizard offers "Connect with GitHub" (an OAuth app is configured)."""
        return bool(self.github_oauth_client_id and self.github_oauth_client_secret)

    @property
    def social_providers(self) -> list[str]:
        """The providers members may sign in with ("google", "github"): those configured."""
        found = []
        if self.google_client_id and self.google_client_secret:
            found.append("google")
        if self.github_signin_client_id and self.github_signin_client_secret:
            found.append("github")
        return found

    @property
    def local_repos_root(self) -> Path | None:
        """The folder of local Git repositories orders may target (None: not offered)."""
        if self.local_repos_dir is not None:
            return self.local_repos_dir
        return None if self.env == "production" else self.data_dir / "repos"

    @property
    def media_root(self) -> Path:
        """Where uploaded images are stored (served under /media)."""
        return self.media_dir or self.data_dir / "media"

    @property
    def stream_root(self) -> Path:
        """The folder nginx writes streams into (hls/ and recordings/)."""
        return self.stream_dir or self.data_dir / "streams"

    @property
    def webhooks_may_target_private(self) -> bool:
        """Whether webhook URLs may point at private, loopback or link-local addresses."""
        if self.webhook_allow_private_targets is not None:
            return self.webhook_allow_private_targets
        return self.env == "development"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.database_url.startswith("sqlite")

    @property
    def run_embedded_worker(self) -> bool:
        """Whether the web process should also consume background jobs."""
        if self.embedded_worker is not None:
            return self.embedded_worker
        return self.redis_url is None


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) only reaches this machine."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key_file(data_dir: Path) -> str:
    """The development secret key kept in ``data_dir``, generated on first use.

    Two processes starting at once both end up with the first one's key: the file is created
    exclusively, and the loser reads it.
    """
    path = data_dir / SECRET_KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the creator may not have written it yet
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        msg = f"{path} is empty: delete it and start again to generate a new key"
        raise RuntimeError(msg) from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
