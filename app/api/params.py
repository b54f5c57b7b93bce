"""Query-string parsing for the API: a bad value is a 400 that names the parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select

from app.errors import render_error
from app.extensions import db
from app.pagination import MAX_PER_PAGE
from app.params import MAX_PAGE, query_int


class ApiError(Exception):
    """Answered as ``{"error": {"status", "message"}}`` by the blueprint's error handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> tuple[str | dict[str, object], int]:
        return render_error(self.status, self.message)


def _page_args() -> tuple[int, int]:
    page = query_int("page", default=1, maximum=MAX_PAGE) or 1
    per_page = query_int("per_page", maximum=MAX_PER_PAGE) or current_app.config["PER_PAGE"]
    return page, per_page


def paginated_list(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A page of items already in memory (a short list, such as a line's KPIs)."""
    page, per_page = _page_args()
    start = (page - 1) * per_page
    return {
        "items": list(items[start : start + per_page]),
        "page": page,
        "per_page": per_page,
        "total": len(items),
    }


def paginated(stmt: Select[Any], serialise: Any) -> dict[str, Any]:
    """``{"items", "page", "per_page", "total"}`` for ``?page=&per_page=`` (at most 100)."""
    page, per_page = _page_args()
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    return {
        "items": [serialise(row) for row in result.items],
        "page": page,
        "per_page": per_page,
        "total": result.total,
    }


def choice_arg(name: str, choices: tuple[str, ...]) -> str | None:
    """``?name=`` as one of ``choices``; None when absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise ApiError(
            400,
            _(
                "The query parameter %(name)s must be one of %(choices)s, not %(value)s.",
                name=name,
                choices=", ".join(choices),
                value=raw[:40],
            ),
        )
    return raw


def bool_arg(name: str) -> bool | None:
    """``?name=true|false`` (also 1/0, yes/no); None when absent."""
    raw = request.args.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in {"true", "1", "yes"}:
        return True
    if raw in {"false", "0", "no"}:
        return False
    raise ApiError(
        400,
        _(
            "The query parameter %(name)s must be true or false, not %(value)s.",
            name=name,
            value=raw[:40],
        ),
    )
