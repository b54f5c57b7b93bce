"""Clustering runs over the API: start one (202, run by a job) and poll it.

Both starting and reading one need a token with the ``themes:run`` scope, which only PMO and
admin accounts can hold: a run may still be a draft, which leadership does not see. The run is done
by ``ladder worker`` when Redis is configured, else by a thread of the app.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.auth import require_scope
from app.extensions import db
from app.i18n import current_locale_code
from app.security import roles
from app.services.errors import ServiceError
from app.services.findings.publication import visible_run_or_404
from app.services.findings.themes import (
    API_SOURCES,
    MAX_K,
    api_filters,
    create_run,
    queue_run,
    run_summary,
)
from app.services.jobs import fail_stale_jobs
from app.services.visibility import MANAGERS

SCOPE = "themes:run"


class InvalidBody(Exception):
    """A field of the JSON body is missing or not valid: 422 naming it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@bp.errorhandler(InvalidBody)
def invalid_body(error: InvalidBody) -> tuple[dict[str, Any], int]:
    db.session.rollback()
    body = {
        "error": {"status": 422, "message": f"{error.field}: {error.message}"},
        "errors": [{"field": error.field, "message": error.message}],
    }
    return body, 422


def _parsed_body() -> tuple[str, bool, int | None]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidBody("body", _("Send a JSON object."))
    source = body.get("source")
    if source not in API_SOURCES:
        raise InvalidBody(
            "source", _("Must be one of: %(choices)s.", choices=", ".join(API_SOURCES))
        )
    include_gaps = body.get("include_gaps", False)
    if not isinstance(include_gaps, bool):
        raise InvalidBody("include_gaps", _("Must be true or false."))
    k = body.get("k")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= MAX_K):
        raise InvalidBody(
            "k", _("Must be null (automatic) or a whole number from 2 to %(max)s.", max=MAX_K)
        )
    return source, include_gaps, k


@bp.route("/clustering-runs", methods=["POST"])
@roles(*MANAGERS)
@require_scope(SCOPE)
def start_clustering_run() -> tuple[dict[str, Any], int]:
    source, include_gaps, k = _parsed_body()
    lang = "en" if current_locale_code() == "en" else "zh"
    try:
        run = create_run(current_user, api_filters(source, include_gaps), k=k, lang=lang)
    except ServiceError as error:
        raise InvalidBody(error.field or "source", error.message) from error
    queue_run(current_user, run)  # Redis down: a 503 saying so, and nothing is saved
    return {"id": run.id, "status": "queued"}, 202


@bp.route("/clustering-runs/<int:run_id>")
@roles(*MANAGERS)
@require_scope(SCOPE)
def clustering_run(run_id: int) -> dict[str, Any]:
    fail_stale_jobs()
    return run_summary(visible_run_or_404(current_user, run_id))
