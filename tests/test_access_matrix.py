"""A generated access matrix: every route of ``app.url_map`` × every role.

The expected outcome of each endpoint is written out in ``EXPECTED`` below, grouped by area;
a route missing from it fails ``test_every_route_is_classified``, so a new route must be
classified before it ships. URL parameters come from a small world with one business line
per director and one object of each kind on the first director's line ("line A").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.services.assessments.evidence import Upload, attach
from app.services.assessments.respondents import invite
from app.services.assessments.workflow import load_assessment
from app.services.backlog.quickwins import add_kpi, add_measurement, promote
from app.services.backlog.reviews import add_action, create_review
from app.services.findings.records import add_manual_finding
from app.services.findings.surveys import save_survey
from app.services.tokens import create_token
from assessments.kpi import Direction
from assessments.outcome_kpis import Frequency as KpiFrequency
from models import (
    ApiToken,
    Assessment,
    Base,
    Channel,
    ClusteringRun,
    Job,
    JobState,
    Lesson,
    LessonKind,
    LessonSource,
    Notification,
    OutcomeKpi,
    ReviewKind,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
    UserSession,
    WebhookChannel,
)
from models.base import utcnow
from tests.assessment_support import assessment_id_of, make_cycle
from tests.backlog_helpers import make_item
from tests.conftest import PASSWORD, Person

ADMIN, PMO, LEAD, DIR, OTHER, RESP, ANON = (
    "admin",
    "pmo",
    "leadership",
    "director",
    "other-director",
    "respondent",
    "anonymous",
)
#: Staff: every role but respondents, who see only what is assigned to them.
SIGNED = frozenset({ADMIN, PMO, LEAD, DIR, OTHER})
ACCOUNTS = SIGNED | {RESP}
MANAGERS = frozenset({ADMIN, PMO})
READERS = frozenset({ADMIN, PMO, LEAD})
EVERYONE = ACCOUNTS | {ANON}


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint. ``line``: the URL names an object of line A, so the other
    director must get 404 (not 403) and the director of line A is allowed when ``DIR`` is in
    ``allowed``. ``post_only``: no GET to check."""

    allowed: frozenset[str]
    line: bool = False


def rule(*roles: str, line: bool = False) -> Rule:
    return Rule(frozenset(roles), line)


def rule_of(roles: frozenset[str], *, line: bool = False) -> Rule:
    return Rule(roles, line)


# Endpoint -> expected rule. For GET+POST endpoints the rule covers both; POSTs are only
# checked for refusal (roles outside ``allowed``).
EXPECTED: dict[str, Rule] = {
    # main
    "main.home": rule_of(ACCOUNTS),
    "main.healthz": rule_of(EVERYONE),
    "main.readyz": rule_of(EVERYONE),
    "main.favicon": rule_of(EVERYONE),
    "main.set_language": rule_of(EVERYONE),
    # auth and profile
    "auth.login": rule_of(EVERYONE),
    "auth.logout": rule_of(ACCOUNTS),
    "auth.password": rule_of(ACCOUNTS),
    "profile.tokens": rule_of(SIGNED),
    "profile.revoke": rule(DIR, line=True),  # the token belongs to the director of line A
    "profile.sessions": rule_of(ACCOUNTS),
    "profile.revoke_session_view": rule(DIR, line=True),  # a session of that director
    "profile.revoke_other_sessions": rule_of(ACCOUNTS),
    # notifications: each person's own; group bots for the managers
    "notifications.index": rule_of(SIGNED),
    "notifications.open_notification": rule(DIR, line=True),  # the director's own notice
    "notifications.read": rule_of(SIGNED),
    "notifications.settings": rule_of(SIGNED),
    "notifications.webhooks": rule_of(MANAGERS),
    "notifications.delete_webhook": rule_of(MANAGERS),
    "notifications.test_webhook": rule_of(MANAGERS),
    # lessons, satisfaction surveys, benefits
    "lessons.lessons": rule_of(SIGNED),
    "lessons.export": rule_of(SIGNED),
    "lessons.lesson": rule_of(SIGNED),  # a company-wide lesson
    "lessons.new_lesson": rule_of(MANAGERS),
    "lessons.edit_lesson": rule_of(MANAGERS),
    "lessons.delete_lesson": rule_of(MANAGERS),
    "api.lessons": rule_of(SIGNED),
    "surveys.add_question": rule_of(MANAGERS),
    "surveys.delete_question": rule_of(MANAGERS),
    "surveys.invite": rule_of(MANAGERS),
    "quickwins.benefit": rule(ADMIN, PMO, DIR, line=True),
    # outcome KPIs
    "outcomes.index": rule(ADMIN, PMO, LEAD, DIR, OTHER),
    "outcomes.business_line": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "outcomes.values": rule(ADMIN, PMO, DIR, OTHER),
    "outcomes.import_values": rule(ADMIN, PMO, DIR, OTHER),
    "outcomes.definitions": rule_of(MANAGERS),
    "outcomes.definition": rule_of(MANAGERS),  # a PMO-defined KPI, key "levels"
    "outcomes.missed_item": rule_of(MANAGERS),
    "api.kpis": rule(ADMIN, PMO, LEAD, DIR, line=True),  # ?business_line= line A
    "api.kpi_values": rule_of(MANAGERS),
    "audit.events": rule(ADMIN),
    "audit.export": rule(ADMIN),
    # organisation
    "org.business_lines": rule_of(SIGNED),
    "org.business_line": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "org.new_business_line": rule_of(MANAGERS),
    "org.edit_business_line": rule_of(MANAGERS),
    "org.users": rule_of(MANAGERS),
    "org.new_user": rule_of(MANAGERS),
    "org.edit_user": rule_of(MANAGERS),
    "org.export_business_lines": rule_of(SIGNED),
    "org.export_users": rule_of(MANAGERS),
    # cycles and assessments
    "cycles.index": rule_of(READERS),
    "cycles.export": rule_of(READERS),
    "cycles.new_cycle": rule_of(MANAGERS),
    "cycles.cycle": rule_of(READERS),
    "cycles.open_cycle": rule_of(MANAGERS),
    "cycles.close_cycle": rule_of(MANAGERS),
    "cycles.models": rule(ADMIN),
    "cycles.import_model": rule(ADMIN),
    "cycles.my_assessments": rule(DIR, OTHER),
    "cycles.review_queue": rule_of(MANAGERS),
    "cycles.assessment": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.area": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.results": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.results_radar": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.excel_export": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.excel_import": rule(DIR, line=True),
    "cycles.review": rule_of(MANAGERS),
    "cycles.submit": rule(DIR, line=True),
    "cycles.evidence": rule(ADMIN, PMO, LEAD, DIR, line=True),  # POST: who fills it in
    "cycles.evidence_download": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "cycles.evidence_remove": rule(DIR, line=True),
    # several respondents: the respondent of line A is invited to its assessment
    "cycles.assigned": rule(DIR, OTHER, RESP),
    "cycles.respondents": rule(ADMIN, PMO, DIR, line=True),
    "cycles.respond": rule(RESP, line=True),
    "cycles.respond_export": rule(RESP, line=True),
    "cycles.respond_import": rule(RESP, line=True),
    "cycles.open_consolidation": rule(ADMIN, PMO, DIR, line=True),
    "cycles.consolidation": rule(ADMIN, PMO, DIR, line=True),
    "cycles.disagreement_finding": rule(ADMIN, PMO, DIR, line=True),
    # surveys (the answer page is public by its unguessable link)
    "surveys.surveys": rule_of(MANAGERS),
    "surveys.export_surveys": rule_of(MANAGERS),
    "surveys.new_survey": rule_of(MANAGERS),
    "surveys.survey": rule_of(MANAGERS),
    "surveys.edit_survey": rule_of(MANAGERS),
    "surveys.change_status": rule_of(MANAGERS),
    "surveys.answer": rule_of(EVERYONE),
    "surveys.thanks": rule_of(EVERYONE),
    # findings
    "findings.findings": rule_of(SIGNED),
    "findings.finding": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "findings.export": rule_of(SIGNED),
    "findings.new_finding": rule_of(MANAGERS),
    "findings.import_file": rule_of(MANAGERS),
    # themes
    "themes.themes": rule_of(READERS),
    "themes.run": rule_of(READERS),
    "themes.run_status": rule_of(READERS),
    "themes.theme": rule_of(READERS),
    "themes.start_run": rule_of(MANAGERS),
    "themes.rerun": rule_of(MANAGERS),
    "themes.assign": rule_of(MANAGERS),
    "themes.rename": rule_of(MANAGERS),
    "themes.merge": rule_of(MANAGERS),
    "themes.move": rule_of(MANAGERS),
    "themes.split": rule_of(MANAGERS),
    "themes.confirm_selected": rule_of(MANAGERS),
    "themes.named_run": rule_of(MANAGERS),
    "themes.export_run": rule_of(READERS),
    "themes.publish": rule_of(MANAGERS),
    # background jobs
    "jobs.jobs": rule_of(MANAGERS),
    "jobs.status": rule_of(MANAGERS),
    "jobs.retry_job": rule_of(MANAGERS),
    # the world's job is a clustering run, not an import: a 404 for everyone (who may follow
    # an import job: tests/test_import_jobs.py)
    "jobs.import_result": rule(),
    # backups: admins only; the world's name is no archive, a 404 even for them
    "jobs.backups": rule(ADMIN),
    "jobs.create_backup": rule(ADMIN),
    "jobs.download_backup": rule(),
    # backlog (the item of line A is owned by the director of line A)
    "backlog.items": rule_of(SIGNED),
    "backlog.matrix": rule_of(SIGNED),
    "backlog.board": rule_of(SIGNED),
    "backlog.item": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "backlog.new_item": rule_of(MANAGERS),
    "backlog.edit_item": rule(ADMIN, PMO, DIR, line=True),
    "backlog.status": rule(ADMIN, PMO, DIR, line=True),
    "backlog.place": rule(ADMIN, PMO, DIR, line=True),
    "backlog.gaps": rule_of(MANAGERS),
    "backlog.from_finding": rule_of(MANAGERS),
    "backlog.rule": rule_of(MANAGERS),
    "backlog.export": rule_of(SIGNED),  # a director's export holds only their lines
    "backlog.from_theme": rule_of(MANAGERS),
    # quick wins (the project of line A is owned by the director of line A)
    "quickwins.projects": rule_of(SIGNED),
    "quickwins.showcase": rule_of(SIGNED),
    "quickwins.export": rule_of(SIGNED),
    "quickwins.project": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "quickwins.chart": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "quickwins.promote": rule_of(MANAGERS),
    "quickwins.add_kpi": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.add_measurement": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.import_measurements": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.close": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.edit_kpi": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.delete_kpi": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.edit_measurement": rule(ADMIN, PMO, DIR, line=True),
    "quickwins.delete_measurement": rule(ADMIN, PMO, DIR, line=True),
    # reviews
    "reviews.reviews": rule_of(MANAGERS),
    "reviews.review": rule_of(MANAGERS),
    "reviews.minutes": rule_of(MANAGERS),
    "reviews.minutes_pdf": rule_of(MANAGERS),
    "reviews.decide": rule_of(MANAGERS),
    "reviews.add_action": rule_of(MANAGERS),
    "reviews.action_done": rule_of(MANAGERS),
    # target profiles (POST: the PMO and admins)
    "profiles.profile": rule(ADMIN, PMO, LEAD, DIR, line=True),
    # reports
    "reports.dashboard": rule_of(READERS),
    "reports.company": rule_of(READERS),
    "reports.company_pdf": rule_of(READERS),
    "reports.company_xlsx": rule_of(READERS),
    "reports.business_line": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "reports.line_pdf": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "reports.line_xlsx": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "reports.chart": rule_of(SIGNED),
    "reports.table": rule_of(SIGNED),
    # report files prepared by a job: POST checks the report's audience (the world's format
    # is none); the world's job is a clustering run, a 404 for everyone here (who may:
    # tests/test_report_jobs.py)
    "reports.prepare_export": rule_of(SIGNED),
    "reports.export_job": rule(),
    "reports.export_file": rule(),
    # JSON API (bearer token or session); anonymous gets a JSON 401
    "api.openapi": rule_of(EVERYONE),
    "api.business_lines": rule_of(SIGNED),
    "api.cycles": rule_of(SIGNED),
    "api.assessments": rule_of(SIGNED),
    "api.assessment": rule(ADMIN, PMO, LEAD, DIR, line=True),
    "api.trend": rule(ADMIN, PMO, LEAD, DIR, line=True),  # ?business_line= line A
    "api.backlog": rule_of(SIGNED),
    "api.quick_wins": rule_of(SIGNED),
    "api.clustering_run": rule_of(MANAGERS),  # and the themes:run scope
    "api.start_clustering_run": rule_of(MANAGERS),  # and the themes:run scope
}

# Form data for refused POSTs where the refusal depends on what is asked.
POST_DATA = {"backlog.status": {"action": "finish", "reason": "理由"}}  # it runs as a quick win

# Endpoints whose URL carries a query string to be meaningful.
QUERY = {
    "api.trend": "?business_line={line_a}",
    "api.kpis": "?business_line={line_a}",
    "api.assessments": "?cycle={cycle}",
}
AREAS = sorted({endpoint.split(".")[0] for endpoint in EXPECTED})


def _application() -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_route_is_classified():
    endpoints = {r.endpoint for r in _application().url_map.iter_rules() if r.endpoint != "static"}
    assert sorted(endpoints - EXPECTED.keys()) == [], "classify these routes in EXPECTED"
    assert sorted(EXPECTED.keys() - endpoints) == [], "these routes no longer exist"


# ------------------------------------------------------------------------------ the world


@dataclass
class World:
    ids: dict[str, Any]
    people: dict[str, Person]
    tokens: dict[str, str]  # role -> API token


def _build_world(app: Flask, make_user, make_business_line) -> World:
    admin = make_user(Role.ADMIN)
    pmo = make_user(Role.PMO)
    lead = make_user(Role.LEADERSHIP)
    director = make_user(Role.DIRECTOR)
    other = make_user(Role.DIRECTOR)
    line_a = make_business_line("LA", "业务线甲", directors=(director.id,))
    line_b = make_business_line("LB", "业务线乙", directors=(other.id,))
    cycle_id = make_cycle(app, pmo.id, {line_a.id: 2, line_b.id: 2})
    assessment_id = assessment_id_of(app, cycle_id, line_a.id)
    item_id = make_item(
        app,
        "统一需求变更流程",
        impact=5,
        urgency=4,
        effort=2,
        business_line_id=line_a.id,
        owner_id=director.id,
        actor_id=pmo.id,
        actions=("approve",),
    )
    spare_item = make_item(app, "另一项", business_line_id=line_a.id, owner_id=director.id)
    respondent = make_user(Role.RESPONDENT, business_lines=(line_a.id,))
    people = {ADMIN: admin, PMO: pmo, LEAD: lead, DIR: director, OTHER: other, RESP: respondent}
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        invite(
            actor,
            db.session.get(Assessment, assessment_id),
            assignments=["STD"],
            user_id=respondent.id,
        )
        finding = add_manual_finding(
            actor, text="需求变更频繁", business_line_id=line_a.id, severity=3
        )
        survey = save_survey(
            actor,
            None,
            title="痛点调研",
            introduction="",
            cycle_id=None,
            business_line_ids=[line_a.id],
            closes_on=None,
            anonymous=True,
            categories=[],
        )
        from models import ImprovementItem

        item = db.session.get(ImprovementItem, item_id)
        project = promote(
            actor,
            item,
            goal="需求变更率降到 10%",
            owner_id=director.id,
            start=date.today() - timedelta(days=10),
            end=date.today() + timedelta(days=30),
        )
        kpi = add_kpi(
            actor,
            project,
            name="变更率",
            unit="%",
            direction=Direction.LOWER,
            baseline=30,
            target=10,
        )
        measurement = add_measurement(actor, kpi, measured_on=date.today(), value=25)
        review = create_review(actor, kind=ReviewKind.WEEKLY, held_on=date.today())
        action = add_action(actor, review, title="整理模板", owner_id=None, due_on=date.today())
        run = ClusteringRun(
            status=RunStatus.DONE,
            k=1,
            finding_count=1,
            created_by_id=pmo.id,
            published_at=utcnow(),
        )
        db.session.add(run)
        db.session.flush()
        theme = Theme(run_id=run.id, label="需求变更", size=1, business_line_ids=[line_a.id])
        spare_theme = Theme(run_id=run.id, label="其他", position=1)
        db.session.add_all([theme, spare_theme])
        db.session.flush()
        db.session.add(ThemeFinding(run_id=run.id, theme_id=theme.id, finding_id=finding.id))
        evidence = attach(
            db.session.get(User, director.id),
            load_assessment(assessment_id),
            Upload("STD.SP1.1", "制度.pdf", b"%PDF-1.7\n%%EOF\n"),
        )
        job = Job(
            kind="clustering_run",
            subject=f"clustering_run:{run.id}",
            payload={"run_id": run.id},
            state=JobState.FAILED,
            error="stopped",
        )
        db.session.add(job)
        db.session.flush()
        token_row, _token = create_token(None, db.session.get(User, director.id), "bi")
        db.session.add(
            OutcomeKpi(
                key="levels",
                name_zh="评审次数",
                name_en="Reviews",
                direction=Direction.HIGHER,
                target=4,
                frequency=KpiFrequency.QUARTERLY,
            )
        )
        lesson = Lesson(
            title="评审前置",
            text="需求评审放在迭代计划之前",
            kind=LessonKind.BEST_PRACTICE,
            source=LessonSource.MANUAL,
        )
        db.session.add(lesson)
        bot = WebhookChannel(
            name="群机器人", vendor=Channel.DINGTALK, url="https://oapi.dingtalk.com/robot/send?x=1"
        )
        db.session.add(bot)
        db.session.flush()
        notice_id = db.session.scalar(
            select(Notification.id).where(Notification.user_id == director.id).limit(1)
        )
        tokens = {  # respondents have no API token; managers' tokens carry the write scopes
            role: create_token(
                None,
                db.session.get(User, person.id),
                "matrix",
                ("kpi:write", "themes:run") if role in MANAGERS else (),
            )[1]
            for role, person in people.items()
            if role != RESP
        }
        db.session.commit()
        ids = {
            "business_line_id": line_a.id,
            "user_id": director.id,
            "cycle_id": cycle_id,
            "assessment_id": assessment_id,
            "code": "STD",
            "survey_id": survey.id,
            "token": survey.token,
            "finding_id": finding.id,
            "run_id": run.id,
            "job_id": job.id,
            "theme_id": theme.id,
            "item_id": item_id,
            "spare_item": spare_item,
            "project_id": project.id,
            "kpi_id": kpi.id,
            "measurement_id": measurement.id,
            "review_id": review.id,
            "action_id": action.id,
            "token_id": token_row.id,
            "notification_id": notice_id,
            "bot_id": bot.id,
            "lesson_id": lesson.id,
            "question_id": 1,
            "invitation": "x",
            "evidence_id": evidence.id,
            "name": "levels",
            "fmt": "svg",
            "key": "levels",
            "line_a": line_a.id,
            "cycle": cycle_id,
        }
    return World(ids, people, tokens)


def fingerprint(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table except the audit trail's and the sign-in bookkeeping, so a
    refused request that changed anything is caught."""
    volatile = {"last_login_at", "last_seen_at", "last_used_at", "updated_at"}
    with app.app_context():
        db.session.remove()
        state = {}
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in volatile]
            rows = db.session.execute(table.select().with_only_columns(*columns)).all()
            state[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        db.session.remove()
        return state


def url_for_rule(rule: Any, ids: dict[str, Any]) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids[name]), url)
    return url + QUERY.get(rule.endpoint, "").format(**ids)


@pytest.fixture
def world(app, make_user, make_business_line, tmp_path) -> Iterator[World]:
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    yield _build_world(app, make_user, make_business_line)
    app.config["EVIDENCE_DIR"] = ""


@pytest.fixture
def clients(app, world) -> dict[str, FlaskClient]:
    made = {ANON: app.test_client()}
    for role, person in world.people.items():
        c = app.test_client()
        response = c.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302
        made[role] = c
    with app.app_context():  # the director's sign-in session, for /profile/sessions/<id>
        director_id = world.people[DIR].id
        world.ids["session_id"] = db.session.scalar(
            select(UserSession.id).where(UserSession.user_id == director_id)
        )
    return made


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def check_get(role: str, url: str, expected: Rule, response: Any) -> str | None:
    status = response.status_code
    allowed = role in expected.allowed
    if role in (ANON, RESP) and _is_api(url) and not allowed:
        return None if status == 401 else f"expected 401 (no API for {role}), got {status}"
    if role == ANON and not allowed:
        ok = status == 401 if _is_api(url) else _to_login(response)
        return None if ok else f"anonymous expected sign-in, got {status}"
    if allowed:
        ok = status == 200 or (status == 302 and not _to_login(response))
        return None if ok else f"expected 200, got {status}"
    if expected.line and role == OTHER:
        return None if status == 404 else f"expected 404 (other line), got {status}"
    return None if status in (403, 404) else f"expected 403/404, got {status}"


def check_refused_post(role: str, url: str, response: Any) -> str | None:
    status = response.status_code
    if role == ANON or (role == RESP and _is_api(url)):  # a respondent has no API token
        ok = status == 401 if _is_api(url) else _to_login(response)
    else:
        ok = status in (403, 404)
    return None if ok else f"expected refusal, got {status}"


@pytest.mark.parametrize("area", AREAS)
def test_access_matrix(app, world, clients, area):
    """For each endpoint of ``area`` and each role: GETs give the expected outcome; POSTs
    from roles that may not use them are refused and change nothing."""
    problems: list[str] = []
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] == area]
    assert rules
    for url_rule in sorted(rules, key=lambda r: r.rule):
        expected = EXPECTED[url_rule.endpoint]
        url = url_for_rule(url_rule, world.ids)
        if "GET" in url_rule.methods:
            for role, c in clients.items():
                if _is_api(url):  # the API takes bearer tokens, not the session cookie
                    token = world.tokens.get(role)
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    response = app.test_client().get(url, headers=headers)
                else:
                    response = c.get(url)
                problem = check_get(role, url, expected, response)
                if problem:
                    problems.append(f"GET {url} as {role}: {problem}")
        if "POST" in url_rule.methods:
            refused = [role for role in clients if role not in expected.allowed]
            if not refused:
                continue
            before = fingerprint(app)
            for role in refused:
                data = POST_DATA.get(url_rule.endpoint, {})
                if _is_api(url):  # bearer tokens here too; a token without the role is 403
                    token = world.tokens.get(role)
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    answer = app.test_client().post(url, json=data, headers=headers)
                else:
                    answer = clients[role].post(url, data=data)
                problem = check_refused_post(role, url, answer)
                if problem:
                    problems.append(f"POST {url} as {role}: {problem}")
            if fingerprint(app) != before:
                problems.append(f"POST {url}: a refused request changed data")
    assert problems == []


# ----------------------------------------------------------- CSRF, sessions and tokens

CSRF_SAMPLE = [
    ("/business-lines/new", {"code": "ZZ", "name": "新业务线"}),
    ("/users/new", {"email": "x@example.com", "display_name": "X", "role": "pmo"}),
    ("/backlog/new", {"title": "新的改进项", "impact": "3", "urgency": "3", "effort": "3"}),
    ("/findings/new", {"text": "新发现", "severity": "3"}),
    ("/surveys/new", {"title": "新调研"}),
    ("/reviews/", {"kind": "weekly", "held_on": "2026-01-05"}),
    ("/logout", {}),
]


@pytest.fixture
def csrf_on(app) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_posts_without_a_csrf_token_are_refused(app, world, clients, csrf_on):
    before = fingerprint(app)
    for url, data in CSRF_SAMPLE:
        response = clients[ADMIN].post(url, data=data)
        assert response.status_code == 400, url
    assert clients[ADMIN].get("/").status_code == 200  # still signed in after the /logout try
    answer = clients[ANON].post(f"/s/{world.ids['token']}", data={"text": "没有令牌的回答"})
    assert answer.status_code == 400
    assert fingerprint(app) == before


def test_a_post_with_a_valid_csrf_token_is_accepted(app, world, clients, csrf_on):
    page = clients[ADMIN].get("/business-lines/new").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token
    response = clients[ADMIN].post(
        "/business-lines/new", data={"code": "ZZ", "name": "新业务线", "csrf_token": token[1]}
    )
    assert response.status_code == 302


def test_changing_the_password_signs_out_other_sessions(app, world):
    person = world.people[DIR]
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        assert c.post("/login", data={"email": person.email, "password": PASSWORD}).status_code
    assert second.get("/cycles/mine").status_code == 200
    changed = first.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-passphrase-9",
            "confirm": "a-new-passphrase-9",
        },
    )
    assert changed.status_code == 302, changed.text
    stale = second.get("/cycles/mine")
    assert _to_login(stale)
    assert first.get("/cycles/mine").status_code == 200  # the session that changed it stays


def test_status_change_never_redirects_off_site(app, world, clients):
    response = clients[PMO].post(
        f"/backlog/{world.ids['spare_item']}/status",
        data={"action": "approve", "reason": "理由", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/backlog/")


def test_a_revoked_token_gets_401(app, world, clients):
    with app.app_context():
        _row, token = create_token(None, db.session.get(User, world.people[DIR].id), "script")
        db.session.commit()
        token_id = _row.id
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/business-lines", headers=headers).status_code == 200
    other_refused = clients[OTHER].post(f"/profile/tokens/{token_id}/revoke")
    assert other_refused.status_code == 404
    assert api.get("/api/v1/business-lines", headers=headers).status_code == 200
    assert clients[DIR].post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    refused = api.get("/api/v1/business-lines", headers=headers)
    assert refused.status_code == 401
    assert refused.is_json
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None
