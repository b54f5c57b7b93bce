"""One error path: a service's refusal never lets the request commit what it flushed.

The views here are small stand-ins registered on their own app, written the way views were
written by hand before (catch, flash, redirect), around real services on the real database.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, flash, redirect
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import refusal
from app.extensions import db
from app.security import public
from app.services.errors import ServiceError
from app.services.org import save_business_line
from models import BusinessLine


def _codes(application: Flask) -> list[str]:
    with application.app_context():
        return list(db.session.scalars(select(BusinessLine.code).order_by(BusinessLine.code)))


def _app_with(make_app: Callable[..., Flask], view: Callable[[], object]) -> Flask:
    application = make_app()
    application.add_url_rule("/probe", "probe", public(view), methods=["POST"])
    return application


def _client(application: Flask) -> FlaskClient:
    client = application.test_client()
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def _save_two_lines_with_the_same_code() -> None:
    """The first save flushes its row; the second is refused (the code is taken)."""
    save_business_line(None, None, code="FIRST", name="Saved first")
    save_business_line(None, None, code="FIRST", name="Refused")


def test_a_view_that_catches_a_refusal_and_redirects_commits_nothing(make_app):
    def view() -> Response:
        try:
            _save_two_lines_with_the_same_code()
        except ServiceError as error:
            flash(error.message, "danger")  # no rollback here: the request must do it
        return redirect("/")

    application = _app_with(make_app, view)
    response = _client(application).post("/probe")
    assert response.status_code == 302
    assert _codes(application) == []


def test_refusal_shows_the_message_and_the_view_answers_its_own_way(make_app):
    def view() -> tuple[str, int]:
        with refusal() as refused:
            _save_two_lines_with_the_same_code()
            return "saved", 200
        return f"refused: {refused.message}", refused.status

    application = _app_with(make_app, view)
    client = _client(application)
    response = client.post("/probe")
    assert response.status_code == 422
    assert "already exists" in response.text
    assert _codes(application) == []
    with client.session_transaction() as session:
        assert [m for _c, m in session["_flashes"]] == [
            "A business line with code FIRST already exists."
        ]


def test_a_refusal_no_view_catches_is_its_status_and_message_not_a_500(make_app):
    def view() -> str:
        _save_two_lines_with_the_same_code()
        return "saved"

    application = _app_with(make_app, view)
    response = _client(application).post("/probe")
    assert response.status_code == 422
    assert "A business line with code FIRST already exists." in response.text
    assert _codes(application) == []


def test_a_request_that_is_not_refused_still_commits(make_app):
    def view() -> Response:
        with refusal():
            save_business_line(None, None, code="ONLY", name="Saved")
        return redirect("/")

    application = _app_with(make_app, view)
    assert _client(application).post("/probe").status_code == 302
    assert _codes(application) == ["ONLY"]
