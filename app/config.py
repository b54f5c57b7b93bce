"""Configuration read from the environment (``LADDER_*`` variables)."""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

DEFAULT_LOCALE = "zh_CN"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_path: str) -> str:
    """A secret key generated once and kept in the instance folder (demo and development)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def use_host_cookie_prefix(config: MutableMapping[str, Any]) -> None:
    """With secure cookies, name them ``__Host-…``: browsers then accept them only when
    Secure, for path ``/`` and without a Domain, so a sibling subdomain cannot plant or
    overwrite them. Flask's defaults already give path ``/`` and no Domain."""
    if config.get("SESSION_COOKIE_SECURE"):
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
        config["REMEMBER_COOKIE_SECURE"] = True
        config["SESSION_COOKIE_DOMAIN"] = None
        config["REMEMBER_COOKIE_DOMAIN"] = None
        config["SESSION_COOKIE_PATH"] = "/"
        config["REMEMBER_COOKIE_PATH"] = "/"


def load_config(instance_path: str) -> dict[str, Any]:
    env = os.environ
    database_url = env.get("LADDER_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "ladder.db")
    )
    return {
        "LADDER_ENV": env.get("LADDER_ENV", "production"),
        "SECRET_KEY": env.get("LADDER_SECRET_KEY") or instance_secret_key(instance_path),
        "SECRET_KEY_FROM_ENV": bool(env.get("LADDER_SECRET_KEY")),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": env.get("LADDER_REDIS_URL") or "memory://",
        # A Redis that is down must not refuse sign-ins: count in this process meanwhile.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Background jobs go to RQ on this Redis; without it they run in a thread of the app.
        "REDIS_URL": env.get("LADDER_REDIS_URL") or None,
        "JOB_QUEUE": env.get("LADDER_JOB_QUEUE", "ladder"),
        "JOB_HEARTBEAT_TIMEOUT": float(env.get("LADDER_JOB_HEARTBEAT_TIMEOUT", "60")),
        # An import upload larger than this runs as a job (smaller ones while the page waits).
        "IMPORT_JOB_BYTES": int(env.get("LADDER_IMPORT_JOB_BYTES", 1024 * 1024)),
        # Where backups made from the admin page are kept; empty: ``backups`` in the instance.
        "BACKUP_DIR": env.get("LADDER_BACKUP_DIR", ""),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LADDER_LOGIN_RATE_LIMIT", "30 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get(
            "LADDER_LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute; 20 per hour; 100 per day"
        ),
        "SESSION_IDLE_MINUTES": int(env.get("LADDER_SESSION_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": int(env.get("LADDER_SESSION_MAX_HOURS", "12")),
        "SURVEY_RATE_LIMIT": env.get("LADDER_SURVEY_RATE_LIMIT", "10 per hour"),
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": env.get("LADDER_TIMEZONE", "Asia/Shanghai"),
        "MAX_CONTENT_LENGTH": int(env.get("LADDER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "EVIDENCE_MAX_BYTES": int(env.get("LADDER_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)),
        # Where evidence files are kept; empty: the ``evidence`` folder of the instance.
        "EVIDENCE_DIR": env.get("LADDER_EVIDENCE_DIR", ""),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("LADDER_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_HASH_METHOD": "argon2id",
        "PER_PAGE": 20,
        "LADDER_JSON_LOGS": env.get("LADDER_JSON_LOGS", "0") == "1",
        "LADDER_PROXY_FIX": env.get("LADDER_PROXY_FIX", "0") == "1",
        "LADDER_SMTP_URL": env.get("LADDER_SMTP_URL", ""),
        "LADDER_MAIL_FROM": env.get("LADDER_MAIL_FROM", "Ladder <ladder@localhost>"),
        "LADDER_BASE_URL": env.get("LADDER_BASE_URL", ""),
        "LADDER_WEBHOOK_HOSTS": env.get("LADDER_WEBHOOK_HOSTS", ""),
    }
