"""Several respondents: invitations, independent rating, consolidation, consensus and the API."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.services.assessments import respondents as service
from app.services.assessments import workflow
from app.services.tokens import create_token
from assessments.excel_format import FIRST_DATA_ROW
from models import Assessment, AuditEvent, Finding, Respondent, Role, User
from tests.api_support import bearer, token_for
from tests.assessment_helpers import REQM_ALL, REQM_SPECIFIC, open_assessment, rate
from tests.conftest import PASSWORD, Person
from tests.test_api import count_queries  # noqa: F401  (fixture)


def signed_in(app: Flask, person: Person) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def world(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR, name="王总监")
    other = make_user(Role.DIRECTOR)
    line = make_business_line("LA", "业务线甲", directors=(director.id,))
    line_b = make_business_line("LB", "业务线乙", directors=(other.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    return {
        "pmo": pmo,
        "director": director,
        "other": other,
        "line": line,
        "line_b": line_b,
        "assessment_id": assessment_id,
    }


def invite(app: Flask, world, person: Person, assignments: list[str]) -> None:
    with app.app_context():
        service.invite(
            db.session.get(User, world["director"].id),
            db.session.get(Assessment, world["assessment_id"]),
            assignments=assignments,
            user_id=person.id,
        )
        db.session.commit()


def respond(client: FlaskClient, assessment_id: int, code: str, ratings: dict[str, str]):
    data = {f"rating-{pid}": value for pid, value in ratings.items()}
    data.update({f"na_reason-{pid}": "不适用" for pid, v in ratings.items() if v == "NA"})
    return client.post(f"/cycles/assessments/{assessment_id}/respond/{code}", data=data)


def consolidation_url(world, code: str = "REQM") -> str:
    return f"/cycles/assessments/{world['assessment_id']}/consolidation/{code}"


def version_of(app: Flask, assessment_id: int) -> int:
    with app.app_context():
        return db.session.get(Assessment, assessment_id).version


def test_the_director_invites_a_new_respondent_who_then_signs_in(app, world):
    director = signed_in(app, world["director"])
    url = f"/cycles/assessments/{world['assessment_id']}/respondents"
    page = director.get(url)
    assert page.status_code == 200
    response = director.post(
        url,
        data={
            "user_id": "0",
            "email": "pm1@example.com",
            "display_name": "李项目经理",
            "password": "Ladder-respondent-2026",
            "assignments": "REQM.SP1.1 REQM.SP1.2",
            "due": "2026-05-31",
        },
    )
    assert response.status_code == 302, response.text
    listing = director.get(url).text
    assert "李项目经理" in listing
    assert "REQM.SP1.1 REQM.SP1.2" in listing

    respondent = app.test_client()
    signed = respondent.post(
        "/login", data={"email": "pm1@example.com", "password": "Ladder-respondent-2026"}
    )
    assert signed.status_code == 302
    home = respondent.get("/").text
    assert "业务线甲" in home
    assigned = respondent.get("/cycles/assigned").text
    assert 'data-assigned="REQM.SP1.1"' in assigned
    page = respondent.get(f"/cycles/assessments/{world['assessment_id']}/respond/REQM").text
    shown = re.findall(r'data-practice="([^"]+)"', page)
    assert shown == ["REQM.SP1.1", "REQM.SP1.2"]


def test_a_person_of_another_line_cannot_be_invited(app, world, make_user):
    stranger = make_user(Role.RESPONDENT, business_lines=(world["line_b"].id,))
    with app.app_context(), pytest.raises(service.ServiceError, match="本业务线"):
        service.invite(
            db.session.get(User, world["director"].id),
            db.session.get(Assessment, world["assessment_id"]),
            assignments=["REQM"],
            user_id=stranger.id,
        )


def test_respondents_see_only_their_assignments_and_nothing_else(app, world, make_user):
    mine = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    invite(app, world, mine, ["REQM.SP1.1"])
    client = signed_in(app, mine)
    aid = world["assessment_id"]
    assert client.get(f"/cycles/assessments/{aid}/respond/REQM").status_code == 200
    for url in (
        f"/cycles/assessments/{aid}",
        f"/cycles/assessments/{aid}/areas/REQM",
        f"/cycles/assessments/{aid}/results",
        f"/cycles/assessments/{aid}/respondents",
        consolidation_url(world),
        "/findings/",
        "/backlog/",
        "/business-lines",
        "/quick-wins/",
    ):
        assert client.get(url).status_code in (403, 404), url
    with app.app_context(), pytest.raises(service.ServiceError, match="API"):
        create_token(None, db.session.get(User, mine.id), "bi")
    assert client.get(f"/api/v1/assessments/{aid}").status_code == 401
    # a rating of a practice not assigned is not taken
    saved = respond(client, aid, "REQM", {"REQM.SP1.1": "FI", "REQM.SP1.2": "NI"})
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Respondent).where(Respondent.user_id == mine.id))
        assert {r.practice_id: r.rating for r in row.ratings} == {"REQM.SP1.1": "FI"}


def test_a_respondent_of_another_line_sees_nothing_of_this_one(app, world, make_user):
    mine = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    invite(app, world, mine, ["REQM"])
    with app.app_context():  # the person moves to the other line
        db.session.get(User, mine.id).respondent_line.business_line_id = world["line_b"].id
        db.session.commit()
    client = signed_in(app, mine)
    page = client.get(f"/cycles/assessments/{world['assessment_id']}/respond/REQM")
    assert page.status_code == 404
    assert "业务线甲" not in client.get("/cycles/assigned").text


def test_ratings_stay_private_until_consolidation_then_consensus_drives_the_score(
    app, world, make_user
):
    aid = world["assessment_id"]
    first = make_user(Role.RESPONDENT, business_lines=(world["line"].id,), name="赵工")
    second = make_user(Role.RESPONDENT, business_lines=(world["line"].id,), name="钱工")
    invite(app, world, first, ["REQM"])
    invite(app, world, second, ["REQM"])
    assert (
        respond(signed_in(app, first), aid, "REQM", dict.fromkeys(REQM_ALL, "FI")).status_code
        == 302
    )
    second_client = signed_in(app, second)
    assert respond(second_client, aid, "REQM", {"REQM.SP1.1": "PI"}).status_code == 302
    # the second respondent's page shows their own ratings only
    own = second_client.get(f"/cycles/assessments/{aid}/respond/REQM").text
    assert own.count('value="FI" selected') == 0
    assert own.count('value="PI" selected') == 1
    # the director sees progress, but no ratings before consolidation opens
    director = signed_in(app, world["director"])
    listing = director.get(f"/cycles/assessments/{aid}/respondents").text
    assert 'data-done="yes"' in listing
    assert 'data-done="no"' in listing
    assert director.get(consolidation_url(world)).status_code == 302
    opened = director.post(f"/cycles/assessments/{aid}/consolidation/open")
    assert opened.status_code == 302
    page = director.get(consolidation_url(world)).text
    practices = re.findall(r'<tr data-practice="([^"]+)"', page)
    assert practices[0] == "REQM.SP1.1"  # the disagreement first
    assert 'data-disagreement="yes"' in page
    assert "赵工" in page
    assert "钱工" in page
    assert re.search(r'data-practice="REQM.SP1.1".*?data-proposed="PI"', page, re.S)

    version = version_of(app, aid)
    unexplained = director.post(
        consolidation_url(world), data={"version": version, "consensus-REQM.SP1.1": "LI"}
    )
    assert unexplained.status_code == 422
    assert "请填写理由" in unexplained.text
    consensus = {f"consensus-{pid}": "FI" for pid in REQM_ALL}
    consensus["consensus-REQM.SP1.1"] = "LI"
    consensus["reason-REQM.SP1.1"] = "评审记录齐全，但一个项目缺计划基线"
    assert (
        director.post(consolidation_url(world), data={"version": version, **consensus}).status_code
        == 302
    )
    with app.app_context():
        assessment = db.session.get(Assessment, aid)
        ratings = workflow.ratings_by_practice(assessment)
        assert ratings["REQM.SP1.1"].rating == "LI"
        assert ratings["REQM.SP1.1"].consensus_reason.startswith("评审记录齐全")
        assert assessment.complete
        assert assessment.maturity_level == 2
        assert assessment.score == pytest.approx(50 / 51 * 100, abs=0.01)  # one LI, 16 FI
        assert (
            db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "consensus"))
            is not None
        )


def test_two_people_setting_the_same_consensus_one_wins_the_other_is_told(app, world, make_user):
    aid = world["assessment_id"]
    person = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    invite(app, world, person, ["REQM"])
    invite(app, world, world["director"], ["REQM"])
    respond(signed_in(app, person), aid, "REQM", {"REQM.SP1.1": "FI"})
    director = signed_in(app, world["director"])
    respond(director, aid, "REQM", {"REQM.SP1.1": "NI"})
    director.post(f"/cycles/assessments/{aid}/consolidation/open")
    version = version_of(app, aid)
    other_tab = signed_in(app, world["director"])
    first = director.post(
        consolidation_url(world),
        data={"version": version, "consensus-REQM.SP1.1": "NI"},
    )
    assert first.status_code == 302
    second = other_tab.post(
        consolidation_url(world),
        data={"version": version, "consensus-REQM.SP1.1": "LI", "reason-REQM.SP1.1": "看法"},
    )
    assert second.status_code == 409
    assert 'id="stale-notice"' in second.text
    assert 'data-stale="REQM.SP1.1"' in second.text
    assert 'value="看法"' in second.text  # nothing typed is lost
    with app.app_context():
        saved = workflow.ratings_by_practice(db.session.get(Assessment, aid))
        assert saved["REQM.SP1.1"].rating == "NI"


def test_a_disagreement_becomes_a_finding_in_one_step(app, world, make_user):
    aid = world["assessment_id"]
    a = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    b = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    invite(app, world, a, ["REQM"])
    invite(app, world, b, ["REQM"])
    respond(signed_in(app, a), aid, "REQM", {"REQM.SP1.2": "FI"})
    respond(signed_in(app, b), aid, "REQM", {"REQM.SP1.2": "NI"})
    director = signed_in(app, world["director"])
    director.post(f"/cycles/assessments/{aid}/consolidation/open")
    made = director.post(
        f"/cycles/assessments/{aid}/consolidation/finding", data={"practice_id": "REQM.SP1.2"}
    )
    assert made.status_code == 302
    assert "已记录为发现项" in director.get(made.headers["Location"]).text
    with app.app_context():
        finding = db.session.scalar(select(Finding).where(Finding.assessment_id == aid))
        assert finding.text.startswith("认识不一致：REQM.SP1.2")
        assert finding.business_line_id == world["line"].id
        assert finding.process_area == "REQM"


def test_the_pmo_changes_the_consensus_in_review_and_validation_keeps_every_respondent(
    app, world, make_user
):
    aid = world["assessment_id"]
    person = make_user(Role.RESPONDENT, business_lines=(world["line"].id,), name="孙工")
    invite(app, world, person, ["REQM"])
    respond(signed_in(app, person), aid, "REQM", dict.fromkeys(REQM_SPECIFIC, "LI"))
    rate(app, aid, world["director"].id, dict.fromkeys(REQM_ALL, "FI"))
    director = signed_in(app, world["director"])
    director.post(f"/cycles/assessments/{aid}/consolidation/open")
    assert director.post(f"/cycles/assessments/{aid}/submit").status_code == 302
    pmo = signed_in(app, world["pmo"])
    version = version_of(app, aid)
    changed = pmo.post(
        consolidation_url(world),
        data={"version": version, "consensus-REQM.SP1.3": "LI"},
    )
    assert changed.status_code == 302  # LI is the proposal: no reason needed
    assert (
        director.post(  # the director cannot change it while it is reviewed
            consolidation_url(world), data={"version": version + 1, "consensus-REQM.SP1.3": "FI"}
        ).status_code
        == 422
    )
    with app.app_context():
        assessment = db.session.get(Assessment, aid)
        workflow.validate(db.session.get(User, world["pmo"].id), assessment)
        db.session.commit()
        snapshot = assessment.respondent_snapshot
    assert snapshot == {
        "respondents": [
            {
                "id": person.id,
                "name": "孙工",
                "assignments": ["REQM"],
                "ratings": dict.fromkeys(REQM_SPECIFIC, "LI"),
            }
        ]
    }


def test_the_api_lists_respondents_and_the_director_when_they_rate(app, world, make_user):
    aid = world["assessment_id"]
    token = token_for(app, world["pmo"])
    client = app.test_client()
    url = f"/api/v1/assessments/{aid}"
    assert client.get(url, headers=bearer(token)).json["respondents"] == []
    rate(app, aid, world["director"].id, dict.fromkeys(REQM_ALL, "LI"))
    body = client.get(url, headers=bearer(token)).json
    assert body["respondents"] == [
        {"id": world["director"].id, "name": "王总监", "completed": True}
    ]
    person = make_user(Role.RESPONDENT, business_lines=(world["line"].id,), name="周工")
    invite(app, world, person, ["REQM.SP1.1", "REQM.SP1.2"])
    invite(app, world, world["director"], ["REQM"])
    respond(signed_in(app, person), aid, "REQM", {"REQM.SP1.1": "FI", "REQM.SP1.2": "LI"})
    body = client.get(url, headers=bearer(token)).json
    assert body["respondents"] == [
        {"id": person.id, "name": "周工", "completed": True},
        {"id": world["director"].id, "name": "王总监", "completed": False},
    ]


def test_consolidation_page_queries_do_not_grow_with_respondents(
    app,
    world,
    make_user,
    count_queries: Callable[[], list[str]],  # noqa: F811
):
    aid = world["assessment_id"]
    director = signed_in(app, world["director"])
    counts = {}
    people = 0
    for size in (2, 6):
        while people < size:
            people += 1
            person = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
            invite(app, world, person, ["REQM"])
            respond(signed_in(app, person), aid, "REQM", dict.fromkeys(REQM_ALL, "LI"))
        director.post(f"/cycles/assessments/{aid}/consolidation/open")
        director.get(consolidation_url(world))  # warm up
        count_queries()
        assert director.get(consolidation_url(world)).status_code == 200
        counts[size] = len(count_queries())
    assert counts[2] == counts[6]


def test_a_returned_assessment_summarises_the_comments_per_area_and_links_the_next_unrated(
    app, world
):
    aid = world["assessment_id"]
    director = signed_in(app, world["director"])
    overview = director.get(f"/cycles/assessments/{aid}").text
    assert f'/cycles/assessments/{aid}/areas/REQM#p-REQM.SP1.1" id="next-unrated"' in overview
    rate(app, aid, world["director"].id, {"REQM.SP1.1": "FI", "REQM.SP1.2": "LI"})
    area_page = director.get(f"/cycles/assessments/{aid}/areas/REQM").text
    assert "#p-REQM.SP1.3" in area_page
    rate(app, aid, world["director"].id, dict.fromkeys(REQM_ALL, "LI"))
    assert director.post(f"/cycles/assessments/{aid}/submit").status_code == 302
    with app.app_context():
        workflow.return_for_changes(
            db.session.get(User, world["pmo"].id),
            db.session.get(Assessment, aid),
            "请补充证据",
            {"REQM.SP1.2": "缺少评审记录", "REQM.GP2.1": "方针未发布"},
        )
        db.session.commit()
    returned = director.get(f"/cycles/assessments/{aid}").text
    summary = re.search(r'<ul id="returned-by-area">.*?</ul>', returned, re.S)
    assert summary is not None
    assert 'data-area="REQM"' in summary.group(0)
    assert "2 条意见" in summary.group(0)
    assert f"/cycles/assessments/{aid}/areas/REQM#p-REQM.SP1.2" in summary.group(0)
    assert f"/cycles/assessments/{aid}/areas/REQM#p-REQM.GP2.1" in summary.group(0)


def _own_upload(client: FlaskClient, assessment_id: int, data: bytes):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "mine.xlsx")})
    return client.post(
        f"/cycles/assessments/{assessment_id}/respond/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_respondent_workbook_holds_only_their_assignments_and_imports_all_or_nothing(
    app, world, make_user
):
    aid = world["assessment_id"]
    person = make_user(Role.RESPONDENT, business_lines=(world["line"].id,))
    invite(app, world, person, ["REQM.SP1.1", "REQM.SP1.2"])
    client = signed_in(app, person)
    exported = client.get(f"/cycles/assessments/{aid}/respond.xlsx")
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.data))
    sheet = workbook["REQM"]
    ids = [sheet[f"A{r}"].value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    assert ids == ["REQM.SP1.1", "REQM.SP1.2"]

    sheet[f"D{FIRST_DATA_ROW}"] = "FI"
    sheet[f"D{FIRST_DATA_ROW + 1}"] = "XX"
    broken = io.BytesIO()
    workbook.save(broken)
    refused = _own_upload(client, aid, broken.getvalue())
    assert refused.status_code == 422
    assert 'id="import-problems"' in refused.text

    def own_ratings() -> dict[str, str | None]:
        with app.app_context():
            row = db.session.scalar(select(Respondent).where(Respondent.user_id == person.id))
            return {r.practice_id: r.rating for r in row.ratings}

    assert own_ratings() == {}
    sheet[f"D{FIRST_DATA_ROW + 1}"] = "PI"
    fixed = io.BytesIO()
    workbook.save(fixed)
    assert _own_upload(client, aid, fixed.getvalue()).status_code == 302
    assert own_ratings() == {"REQM.SP1.1": "FI", "REQM.SP1.2": "PI"}
    with app.app_context():  # the consensus is not touched by a respondent's workbook
        assert workflow.ratings_by_practice(db.session.get(Assessment, aid)) == {}
