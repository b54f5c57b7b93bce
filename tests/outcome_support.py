"""Shared by the outcome KPI tests: two business lines with a director each, a PMO, a token
with the kpi:write scope, and the values stored."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.services.tokens import create_token
from models import BusinessLine, OutcomeKpiValue, Role, User

POST = "/api/v1/kpi-values"


def build_org(make_user, make_business_line) -> dict:
    director = make_user(Role.DIRECTOR)
    other = make_user(Role.DIRECTOR)
    scm = make_business_line("SCM", "供应链", directors=(director.id,))
    rnd = make_business_line("RND", "研发中心", directors=(other.id,))
    pmo = make_user(Role.PMO)
    return {"director": director, "other": other, "scm": scm, "rnd": rnd, "pmo": pmo}


def writer_token(app, person) -> str:
    with app.app_context():
        _row, token = create_token(None, db.session.get(User, person.id), "jira", ["kpi:write"])
        db.session.commit()
        return token


def stored(app) -> dict[tuple[str, str, str], float]:
    with app.app_context():
        rows = db.session.execute(
            select(
                OutcomeKpiValue.kpi_key,
                BusinessLine.code,
                OutcomeKpiValue.period,
                OutcomeKpiValue.value,
            ).join(BusinessLine)
        )
        return {(k, c, p): v for k, c, p, v in rows}


def item(kpi="on_time_rate", line="SCM", period="2026-03", value=92.5):
    return {"kpi": kpi, "business_line": line, "period": period, "value": value}
