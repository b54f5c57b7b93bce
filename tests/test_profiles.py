"""Target profiles and roadmaps: the PMO sets them; results and reports show actual, target
and planned capability levels side by side, with the profile gap."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from models import AuditEvent, CapabilityPlan, CapabilityTarget, Role
from tests.assessment_helpers import REQM_SPECIFIC, open_assessment, rate, signed_in_client
from tests.conftest import Person
from tests.pdf_text import pdf_text


@dataclass
class World:
    app: Flask
    line_id: int
    assessment_id: int
    people: dict[str, Person]

    def client(self, who: str) -> FlaskClient:
        return signed_in_client(self.app, self.people[who])

    def save(self, c: FlaskClient, **fields: str):
        return c.post(f"/profiles/business-lines/{self.line_id}", data=fields)


@pytest.fixture
def world(app, make_user, make_business_line) -> World:
    director = make_user(Role.DIRECTOR)
    other = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    lead = make_user(Role.LEADERSHIP)
    line = make_business_line("RD", "研发中心", directors=(director.id,))
    make_business_line("SC", "供应链", directors=(other.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    rate(app, assessment_id, director.id, dict.fromkeys(REQM_SPECIFIC, "FI"))  # REQM: CL1
    people = {"director": director, "other": other, "pmo": pmo, "leadership": lead}
    return World(app, line.id, assessment_id, people)


def _cell(html: str, table: str, area: str, column: str) -> str:
    body = html[html.index(f'id="{table}"') :]
    row = body[body.index(f'data-area="{area}"') :]
    found = re.search(rf'data-col="{column}"[^>]*>(.*?)</td>', row, re.S)
    assert found, (table, area, column)
    return re.sub(r"<[^>]+>", "", found[1]).strip()


def test_the_pmo_sets_a_profile_and_a_roadmap(world):
    response = world.save(
        world.client("pmo"), **{"target-REQM": "2", "new_due": "2027-06-30", "new-REQM": "3"}
    )
    assert response.status_code == 302
    with world.app.app_context():
        targets = db.session.scalars(select(CapabilityTarget)).all()
        plans = db.session.scalars(select(CapabilityPlan)).all()
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "set_profile")
        ).one()
    assert [(t.process_area, t.level) for t in targets] == [("REQM", 2)]
    assert [(p.process_area, p.due.isoformat(), p.level) for p in plans] == [
        ("REQM", "2027-06-30", 3)
    ]
    assert event.changes["profile"]["new"]["targets"] == {"REQM": 2}
    page = world.client("leadership").get(f"/profiles/business-lines/{world.line_id}").text
    assert _cell(page, "profile", "REQM", "target") == "CL2"
    assert 'name="target-REQM"' not in page  # leadership reads only


def test_only_the_pmo_changes_a_profile_and_other_lines_stay_private(world):
    assert world.save(world.client("director"), **{"target-REQM": "2"}).status_code == 403
    assert world.save(world.client("leadership"), **{"target-REQM": "2"}).status_code == 403
    other = world.client("other")
    assert other.get(f"/profiles/business-lines/{world.line_id}").status_code == 404
    assert world.save(world.client("pmo"), **{"target-REQM": "7"}).status_code == 400
    with world.app.app_context():
        assert db.session.scalars(select(CapabilityTarget)).all() == []


def test_results_and_reports_show_actual_target_and_planned(world):
    pmo = world.client("pmo")
    world.save(pmo, **{"target-REQM": "2", "new_due": "2027-06-30", "new-REQM": "3"})
    results = world.client("director").get(f"/cycles/assessments/{world.assessment_id}/results")
    html = results.text
    assert _cell(html, "profile-results", "REQM", "actual") == "CL1"
    assert _cell(html, "profile-results", "REQM", "target") == "CL2"
    assert _cell(html, "profile-results", "REQM", "planned").startswith("CL3")
    assert _cell(html, "profile-results", "REQM", "gap") == "REQM.GG2"
    assert html.count('class="level-bar"') == 1  # with the numbers: a bar per area
    line = pmo.get(f"/reports/business-lines/{world.line_id}").text
    assert _cell(line, "profile-results", "REQM", "target") == "CL2"
    company = world.client("leadership").get("/reports/company").text
    matrix = company[company.index('id="profiles-matrix"') :]
    assert re.search(r'data-area="REQM" class="gap">CL1 / CL2 → CL3', matrix)


def test_without_a_profile_the_results_say_so(world):
    html = world.client("director").get(f"/cycles/assessments/{world.assessment_id}/results").text
    assert 'id="no-profile"' in html


def test_the_pdf_and_workbook_show_the_profiles_too(world):
    profile = {"target-REQM": "2", "new_due": "2027-06-30", "new-REQM": "3"}
    world.save(world.client("pmo"), **profile)
    leadership = world.client("leadership")
    workbook = load_workbook(io.BytesIO(leadership.get("/reports/company.xlsx").data))
    sheet = workbook["目标画像：实际、目标与计划能力等级"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    (reqm,) = [r for r in rows if str(r[1]).startswith("REQM")]
    assert reqm[0].startswith("研发中心")
    assert reqm[2:4] == ("CL1", "CL2")
    assert reqm[4].startswith("CL3")
    assert reqm[5] == "REQM.GG2"
    pdf = world.client("director").get(f"/reports/business-lines/{world.line_id}.pdf")
    _pages, text = pdf_text(pdf.data)
    assert "目标画像" in text
    assert "CL3" in text
