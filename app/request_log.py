"""Structured logs: one JSON line per request, each tagged with a request id.

The id comes from the load balancer's ``X-Request-ID`` when it sends a sane one, else it is
made here; it is echoed in the response so a user's report can be matched with the logs.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

from app.security import is_untracked_request

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
        for key in ("method", "path", "status", "duration_ms", "user_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _user_id(user: Any) -> str | None:
    """The id of the request's user from its identity key: the request has committed by now,
    which expires loaded rows, and reading ``user.id`` would load the user again (one query
    per request for a log line)."""
    state = inspect(user, raiseerr=False)
    if state is not None and state.identity:
        return str(state.identity[0])
    return str(user.id)


def init_request_logging(app: Flask) -> None:
    access = logging.getLogger("ladder.access")
    if app.config.get("LADDER_JSON_LOGS"):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        for logger in (app.logger, access):
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        started = g.get("request_started")
        if started is not None and request.endpoint != "static":
            # Only a user the request already loaded: loading one here, after the response
            # is built, would re-enter Flask-Login's loaders. Untracked pages (anonymous
            # surveys) name nobody, so a line cannot tie an answer to its author.
            user = None if is_untracked_request() else g.get("_login_user")
            user_id = _user_id(user) if user is not None and user.is_authenticated else None
            access.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                },
            )
        return response
