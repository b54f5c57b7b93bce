"""Production settings: request ids, logs, security headers, secrets and shared limits."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from models import Role
from tests.redis_support import reachable_redis

ROOT = Path(__file__).resolve().parent.parent


def test_every_response_carries_a_request_id(client):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-0123456789"})
    assert given.headers["X-Request-ID"] == "lb-0123456789"
    made = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert made.headers["X-Request-ID"] != "<script>"
    assert len(made.headers["X-Request-ID"]) == 32


def test_security_headers_and_hsts_only_on_https(client):
    plain = client.get("/login")
    assert "script-src 'self'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/login", base_url="https://ladder.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.fixture
def restore_loggers():
    """JSON logging reconfigures the app's loggers; put them back for the other tests."""
    loggers = [logging.getLogger(name) for name in ("app", "ladder.access")]
    saved = [(lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    yield
    for logger, (handlers, propagate, level) in zip(loggers, saved, strict=True):
        logger.handlers[:], logger.propagate, logger.level = handlers, propagate, level


@pytest.mark.usefixtures("restore_loggers")
def test_json_logs_have_one_line_per_request_with_its_id(make_app, make_user, capsys):
    application = make_app(LADDER_JSON_LOGS=True)
    person = make_user(Role.PMO)
    client = application.test_client()
    client.post("/login", data={"email": person.email, "password": person.password})
    client.get("/business-lines", headers={"X-Request-ID": "req-abcdef12"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    entry = next(e for e in lines if e.get("request_id") == "req-abcdef12")
    assert entry["path"] == "/business-lines"
    assert entry["status"] == 200
    assert entry["user_id"] == str(person.id)
    assert entry["duration_ms"] >= 0


def test_readiness_fails_cleanly_when_the_database_is_unreachable(make_app):
    down = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
    )
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    page = down.test_client().get("/login")
    assert page.status_code == 200  # pages that need no database still work


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379/15"
    reachable_redis(url)
    yield url
    redis.Redis.from_url(url).flushdb()


def test_login_limit_is_shared_by_processes_through_redis(make_app, make_user, redis_url):
    settings = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
    }
    first, second = make_app(**settings), make_app(**settings)
    person = make_user(Role.PMO)
    wrong = {"email": person.email, "password": "wrong"}
    for _ in range(3):
        assert first.test_client().post("/login", data=wrong).status_code == 200
    assert second.test_client().post("/login", data=wrong).status_code == 429


def test_wsgi_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADDER_")}
    env["LADDER_INSTANCE_PATH"] = str(tmp_path)
    code = "import wsgi"
    refused = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0
    assert "LADDER_SECRET_KEY" in refused.stderr
    env["LADDER_SECRET_KEY"] = "s" * 40
    started = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert started.returncode == 0, started.stderr
