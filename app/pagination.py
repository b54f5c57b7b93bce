"""Pagination of list pages: one helper, one template macro (``macros.pagination``)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.extensions import db
from app.params import MAX_PAGE, query_int

MAX_PER_PAGE = 100


def paginate(stmt: Select[Any]) -> Pagination:
    """Page through ``stmt`` using ``?page=`` and ``?per_page=``; pages after the last are
    empty, and a page or page size out of range is a 400 that names it."""
    page = query_int("page", default=1, maximum=MAX_PAGE) or 1
    per_page = query_int("per_page", maximum=MAX_PER_PAGE) or current_app.config["PER_PAGE"]
    return db.paginate(
        stmt,
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )
