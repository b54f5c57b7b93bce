"""Pagination of list pages: one helper, one template macro (``macros.pagination``)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from app.extensions import db

MAX_PER_PAGE = 100


def paginate(stmt: Select[Any]) -> Pagination:
    """Page through ``stmt`` using ``?page=`` and ``?per_page=``; out-of-range pages are empty."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", current_app.config["PER_PAGE"], type=int)
    return db.paginate(
        stmt,
        page=max(page, 1),
        per_page=min(max(per_page or 1, 1), MAX_PER_PAGE),
        error_out=False,
        count=True,
    )
