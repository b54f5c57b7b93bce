"""One transaction per request: services flush, the request commits once at the end.

The request commits only when it answers below 400 and no service refused anything on the
way: raising a :class:`~app.services.errors.ServiceError` marks the request as failed (see
:func:`refuse_request_transaction`), so a view that catches the error and redirects cannot
commit what the service flushed before it gave up.
"""

from __future__ import annotations

from flask import Flask, Response, g, has_request_context

from app.extensions import db


def refuse_request_transaction() -> None:
    """Whatever happens next in this request, roll its transaction back instead of committing.

    Outside a request (the CLI, tests calling services directly) the caller owns the
    transaction and this does nothing."""
    if has_request_context():
        g.refuse_transaction = True


def init_request_transaction(app: Flask) -> None:
    @app.after_request
    def commit_successful_request(response: Response) -> Response:
        if response.status_code < 400 and not g.get("refuse_transaction", False):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def rollback_failed_request(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
