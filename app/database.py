"""One transaction per request: services flush, the request commits once at the end."""

from __future__ import annotations

from flask import Flask, Response

from app.extensions import db


def init_request_transaction(app: Flask) -> None:
    @app.after_request
    def commit_successful_request(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def rollback_failed_request(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
