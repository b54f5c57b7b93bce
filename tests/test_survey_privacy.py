"""Anonymous survey answers leave no trace of who gave them (issue 17, item 6).

A signed-in colleague who answers an anonymous survey must not be named in the access log
line of the answer (``user_id``), nor have their session marked as seen at that moment."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.request_log import JsonFormatter
from app.services.findings.surveys import save_survey
from models import Role, SurveyResponse, User, UserSession
from models.base import utcnow

ANSWER = {
    "text": "评审会议太多，真正写代码的时间很少",
    "category": "process",
    "severity": "3",
    "frequency": "weekly",
    "process_area": "",
    "suggestion": "",
}


@pytest.fixture
def access_log(app) -> Iterator[io.StringIO]:
    """The JSON access log lines the app writes, as production formats them."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ladder.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def _entries(lines: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in lines.getvalue().splitlines()]


@pytest.fixture
def anonymous_survey(app, make_user, make_business_line) -> str:
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC")
    with app.app_context():
        survey = save_survey(
            db.session.get(User, pmo.id),
            None,
            title="匿名痛点调研",
            introduction="匿名填写",
            cycle_id=None,
            business_line_ids=[line.id],
            closes_on=None,
            anonymous=True,
            categories=[],
        )
        db.session.commit()
        return survey.token


def test_the_log_line_of_an_anonymous_answer_names_nobody(
    app, client, login_as, anonymous_survey, access_log
):
    person = login_as(Role.DIRECTOR)
    token = anonymous_survey
    assert client.get(f"/s/{token}").status_code == 200
    posted = client.post(f"/s/{token}", data=ANSWER)
    assert posted.status_code == 302
    assert client.get(posted.headers["Location"]).status_code == 200
    client.get("/profile/sessions")

    entries = _entries(access_log)
    survey_lines = [e for e in entries if e["path"].startswith(f"/s/{token}")]
    assert [(e["method"], e["status"]) for e in survey_lines] == [
        ("GET", 200),
        ("POST", 302),
        ("GET", 200),
    ]
    assert all(e["user_id"] is None for e in survey_lines), survey_lines
    # the same person on any other page is logged as usual
    assert entries[-1]["path"] == "/profile/sessions"
    assert entries[-1]["user_id"] == str(person.id)
    with app.app_context():
        assert db.session.query(SurveyResponse).one().respondent_id is None


def test_answering_does_not_mark_the_session_as_seen(app, client, login_as, anonymous_survey):
    login_as(Role.PMO)
    earlier = utcnow() - timedelta(minutes=10)
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=earlier))
        db.session.commit()
    assert client.post(f"/s/{anonymous_survey}", data=ANSWER).status_code == 302
    assert _last_seen(app) == earlier
    client.get("/")
    assert _last_seen(app) > earlier


def _last_seen(app) -> datetime:
    with app.app_context():
        seen = db.session.query(UserSession).one().last_seen_at
    return seen.replace(tzinfo=UTC) if seen.tzinfo is None else seen  # SQLite is naive
