"""Configuration, read from the environment and nowhere else.

Every setting is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    redis_url: str | None = None
    instance_path: str | None = None
    cors_origins: list[str] = field(default_factory=list)
    public_url: str | None = None
    phone_region: str | None = None
    workers: int = 2
    # Threads per gunicorn worker: a client that is slow to send its request holds one thread,
    # not the whole worker (docs/operations.md, "Slow clients").
    threads: int = 8
    # Larger request bodies answer 413; a 1,000-row import batch with its message history fits.
    max_request_mb: int = 8
    log_level: str = "INFO"
    # Jobs run in-process when Redis is not configured; tests may force it either way.
    inline_jobs: bool | None = None
    # SQLite only: keep the popup's list between requests while nothing changes (read_cache).
    read_cache: bool = True
    # Reminders (docs/operations.md, "Reminders"): the daily digest's SMTP server
    # (smtp://user:pass@host:587 with STARTTLS, smtps://… with implicit TLS), its sender, and
    # a CA bundle to trust a relay with a private certificate (verification is never off).
    smtp_url: str | None = None
    mail_from: str | None = None
    smtp_ca_file: str | None = None
    # Mail in: the IMAP passwords are encrypted with a Fernet key derived from this secret.
    secret_key: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        inline = env.get("THRICE_INLINE_JOBS")
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            instance_path=env.get("THRICE_INSTANCE_PATH") or None,
            cors_origins=_list(env.get("THRICE_CORS_ORIGINS")),
            public_url=(env.get("THRICE_PUBLIC_URL") or "").rstrip("/") or None,
            phone_region=(env.get("THRICE_PHONE_REGION") or "").upper() or None,
            workers=int(env.get("THRICE_WORKERS") or 2),
            threads=int(env.get("THRICE_THREADS") or 8),
            max_request_mb=int(env.get("THRICE_MAX_REQUEST_MB") or 8),
            log_level=(env.get("THRICE_LOG_LEVEL") or "INFO").upper(),
            inline_jobs=None if inline is None else _bool(inline),
            read_cache=_bool(env.get("THRICE_READ_CACHE"), default=True),
            smtp_url=(env.get("THRICE_SMTP_URL") or "").strip() or None,
            mail_from=(env.get("THRICE_MAIL_FROM") or "").strip() or None,
            smtp_ca_file=env.get("THRICE_SMTP_CA_FILE") or None,
            secret_key=env.get("THRICE_SECRET_KEY") or None,
        )


def sqlite_url_for(instance_path: str) -> str:
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance_path, 'thrice.sqlite3')}"


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
