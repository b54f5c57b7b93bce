"""The read-only JSON API: shapes and values, permissions per role, errors, pagination,
the OpenAPI description, and a constant number of queries per list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import event

from app.extensions import db
from app.services.assessments.model_store import parsed
from app.services.assessments.workflow import score_of
from assessments.scoring import result_to_dict, score_assessment
from models import Assessment, Role
from tests.api_support import SCOPE, bearer, build_cycle, token_for

ALL_ROLES = [Role.ADMIN, Role.PMO, Role.LEADERSHIP, Role.DIRECTOR]


@pytest.fixture
def org(app, make_user, make_business_line):
    """Two lines with a director each, a PMO, and their tokens by name."""
    d1 = make_user(Role.DIRECTOR, email="d1@example.com")
    d2 = make_user(Role.DIRECTOR, email="d2@example.com")
    pmo = make_user(Role.PMO, email="pmo@example.com")
    leader = make_user(Role.LEADERSHIP, email="leader@example.com")
    scm = make_business_line("SCM", "供应链", directors=(d1.id,))
    rnd = make_business_line("RND", "研发中心", directors=(d2.id,))
    tokens = {
        "d1": token_for(app, d1),
        "d2": token_for(app, d2),
        "pmo": token_for(app, pmo),
        "leader": token_for(app, leader),
    }
    return {"lines": {"SCM": scm, "RND": rnd}, "tokens": tokens}


def get(client, url, token):
    return client.get(url, headers=bearer(token))


# ------------------------------------------------------------------------ business lines


def test_business_lines_list_shape_and_director_scope(client, org):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    everyone = get(client, "/api/v1/business-lines", org["tokens"]["leader"])
    assert everyone.status_code == 200
    assert everyone.content_type == "application/json"
    assert everyone.json == {
        "items": [
            {"id": rnd.id, "code": "RND", "name": "研发中心"},
            {"id": scm.id, "code": "SCM", "name": "供应链"},
        ],
        "page": 1,
        "per_page": 20,
        "total": 2,
    }
    own = get(client, "/api/v1/business-lines", org["tokens"]["d1"]).json
    assert own["items"] == [{"id": scm.id, "code": "SCM", "name": "供应链"}]
    assert own["total"] == 1


# ------------------------------------------------------------------------------ cycles


def test_cycles_list_model_status_and_dates(app, client, org, make_business_line):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    other = make_business_line("OPS", "工厂精益运营")
    h1 = build_cycle(app, name="2026 H1", start=date(2026, 1, 1), targets={scm.id: 2, rnd.id: 3})
    h2 = build_cycle(app, name="2026 H2", start=date(2026, 7, 1), targets={other.id: 2})
    body = get(client, "/api/v1/cycles", org["tokens"]["pmo"]).json
    assert body["total"] == 2
    assert body["items"] == [
        {
            "id": h2.id,
            "name": "2026 H2",
            "model": "cmmi-dev-1.3",
            "status": "open",
            "start": "2026-07-01",
            "end": "2026-12-28",
        },
        {
            "id": h1.id,
            "name": "2026 H1",
            "model": "cmmi-dev-1.3",
            "status": "open",
            "start": "2026-01-01",
            "end": "2026-06-30",
        },
    ]
    director = get(client, "/api/v1/cycles", org["tokens"]["d1"]).json
    assert [c["name"] for c in director["items"]] == ["2026 H1"]


# ------------------------------------------------------------------------- assessments


def test_assessments_of_a_cycle_report_their_results(app, client, org):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    cycle = build_cycle(
        app,
        name="2026 H1",
        start=date(2026, 1, 1),
        targets={scm.id: 2, rnd.id: 3},
        ratings={scm.id: "LI", rnd.id: "PI"},
        validated=(scm.id,),
    )
    body = get(client, f"/api/v1/assessments?cycle={cycle.id}", org["tokens"]["leader"]).json
    assert body["total"] == 2
    assert body["items"] == [
        {
            "id": cycle.assessments[rnd.id],
            "cycle_id": cycle.id,
            "business_line_id": rnd.id,
            "status": "draft",
            "maturity_level": 1,
            "target_level": 3,
            "score": 33.33,
        },
        {
            "id": cycle.assessments[scm.id],
            "cycle_id": cycle.id,
            "business_line_id": scm.id,
            "status": "validated",
            "maturity_level": 2,
            "target_level": 2,
            "score": 66.67,
        },
    ]
    own = get(client, f"/api/v1/assessments?cycle={cycle.id}", org["tokens"]["d2"]).json
    assert [a["business_line_id"] for a in own["items"]] == [rnd.id]


def test_assessments_without_a_cycle_list_every_visible_one(app, client, org):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    h1 = build_cycle(app, name="H1", start=date(2026, 1, 1), targets={scm.id: 2, rnd.id: 2})
    h2 = build_cycle(app, name="H2", start=date(2026, 7, 1), targets={scm.id: 2})
    body = get(client, "/api/v1/assessments", org["tokens"]["d1"]).json
    assert [(a["cycle_id"], a["business_line_id"]) for a in body["items"]] == [
        (h1.id, scm.id),
        (h2.id, scm.id),
    ]


def test_a_validated_assessment_reports_its_snapshot(app, client, org):
    scm = org["lines"]["SCM"]
    cycle = build_cycle(
        app,
        name="2026 H1",
        start=date(2026, 1, 1),
        targets={scm.id: 2},
        ratings={scm.id: "FI"},
        validated=(scm.id,),
    )
    assessment_id = cycle.assessments[scm.id]
    with app.app_context():  # the live columns drift; the frozen snapshot is the result
        row = db.session.get(Assessment, assessment_id)
        row.score, row.maturity_level = 12.5, 1
        db.session.commit()
    item = get(client, f"/api/v1/assessments?cycle={cycle.id}", org["tokens"]["pmo"]).json
    assert (item["items"][0]["score"], item["items"][0]["maturity_level"]) == (100.0, 2)
    detail = get(client, f"/api/v1/assessments/{assessment_id}", org["tokens"]["pmo"]).json
    assert detail["score"] == 100.0
    assert detail["process_areas"]["PP"] == {
        "score": 100.0,
        "capability_level": 3,
        "satisfied_goals": ["PP.SG1", "PP.SG2", "PP.SG3", "PP.GG2", "PP.GG3"],
        "unsatisfied_goals": [],
    }


def test_assessment_detail_has_process_areas_as_ladder_score_prints_them(app, client, org):
    scm = org["lines"]["SCM"]
    cycle = build_cycle(
        app,
        name="2026 H1",
        start=date(2026, 1, 1),
        targets={scm.id: 3},
        ratings={scm.id: "PI"},
    )
    assessment_id = cycle.assessments[scm.id]
    response = get(client, f"/api/v1/assessments/{assessment_id}", org["tokens"]["d1"])
    assert response.status_code == 200
    body = response.json
    assert set(body) == {
        "id",
        "cycle_id",
        "business_line_id",
        "status",
        "maturity_level",
        "target_level",
        "score",
        "process_areas",
        "respondents",
    }
    assert (body["status"], body["maturity_level"], body["target_level"], body["score"]) == (
        "draft",
        1,
        3,
        33.33,
    )
    assert sorted(body["process_areas"]) == sorted(SCOPE)
    assert body["process_areas"]["REQM"] == {
        "score": 33.33,
        "capability_level": 0,
        "satisfied_goals": [],
        "unsatisfied_goals": ["REQM.SG1", "REQM.GG2", "REQM.GG3"],
    }
    with app.app_context():  # the same numbers as the scoring of `ladder score`
        row = db.session.get(Assessment, assessment_id)
        ratings = {r.practice_id: r.rating for r in row.ratings}
        expected = score_assessment(parsed(row.cycle.model), ratings, 3, list(SCOPE))
        assert body["process_areas"] == result_to_dict(expected)["process_areas"]
        assert result_to_dict(score_of(row))["process_areas"] == body["process_areas"]


def test_a_directors_token_gets_404_for_another_lines_objects(app, client, org):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    only_rnd = build_cycle(app, name="RND only", start=date(2026, 1, 1), targets={rnd.id: 2})
    both = build_cycle(app, name="Both", start=date(2026, 7, 1), targets={scm.id: 2, rnd.id: 2})
    d1 = org["tokens"]["d1"]
    for url in (
        f"/api/v1/assessments/{both.assessments[rnd.id]}",
        f"/api/v1/assessments/{only_rnd.assessments[rnd.id]}",
        f"/api/v1/assessments?cycle={only_rnd.id}",
        f"/api/v1/reports/trend?business_line={rnd.id}",
    ):
        response = get(client, url, d1)
        assert response.status_code == 404, url
        assert response.json["error"]["status"] == 404
        assert response.json["error"]["message"]
    assert get(client, f"/api/v1/assessments/{both.assessments[scm.id]}", d1).status_code == 200
    leader = org["tokens"]["leader"]
    for assessment_id in (*both.assessments.values(), *only_rnd.assessments.values()):
        assert get(client, f"/api/v1/assessments/{assessment_id}", leader).status_code == 200


# ------------------------------------------------------------------------------- trend


def test_trend_lists_validated_assessments_in_cycle_date_order(app, client, org):
    scm, rnd = org["lines"]["SCM"], org["lines"]["RND"]
    # created out of date order, so the order must come from the dates
    later = build_cycle(
        app,
        name="2026 H1",
        start=date(2026, 1, 1),
        targets={scm.id: 2, rnd.id: 2},
        ratings={scm.id: "FI", rnd.id: "LI"},
        validated=(scm.id, rnd.id),
    )
    earlier = build_cycle(
        app,
        name="2025 H2",
        start=date(2025, 7, 1),
        targets={scm.id: 2},
        ratings={scm.id: "PI"},
        validated=(scm.id,),
    )
    build_cycle(  # not validated: not part of the trend
        app, name="2026 H2", start=date(2026, 7, 1), targets={scm.id: 2}, ratings={scm.id: "NI"}
    )
    body = get(client, f"/api/v1/reports/trend?business_line={scm.id}", org["tokens"]["d1"]).json
    assert body["items"] == [
        {"cycle_id": earlier.id, "cycle": "2025 H2", "maturity_level": 1, "score": 33.33},
        {"cycle_id": later.id, "cycle": "2026 H1", "maturity_level": 2, "score": 100.0},
    ]
    assert body["total"] == 2


@pytest.mark.parametrize("query", ["", "?business_line=", "?business_line=abc", "?business_line=0"])
def test_trend_needs_a_valid_business_line(client, org, query):
    response = get(client, f"/api/v1/reports/trend{query}", org["tokens"]["pmo"])
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400
    assert "business_line" in response.json["error"]["message"]


def test_trend_of_an_unknown_business_line_is_404(client, org):
    response = get(client, "/api/v1/reports/trend?business_line=999999", org["tokens"]["pmo"])
    assert response.status_code == 404


# ------------------------------------------------------------------------ permissions

ENDPOINTS = [
    "/api/v1/business-lines",
    "/api/v1/cycles",
    "/api/v1/assessments",
    "/api/v1/assessments?cycle={cycle}",
    "/api/v1/assessments/{scm_assessment}",
    "/api/v1/assessments/{rnd_assessment}",
    "/api/v1/reports/trend?business_line={scm}",
    "/api/v1/reports/trend?business_line={rnd}",
]
# What a director of SCM gets; every other role sees everything.
DIRECTOR_OF_SCM = {
    "/api/v1/assessments/{rnd_assessment}": 404,
    "/api/v1/reports/trend?business_line={rnd}": 404,
}


@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: r.value)
def test_permission_matrix(app, client, make_user, make_business_line, role):
    director = make_user(Role.DIRECTOR)
    scm = make_business_line("SCM", directors=(director.id,))
    rnd = make_business_line("RND")
    cycle = build_cycle(app, name="H1", start=date(2026, 1, 1), targets={scm.id: 2, rnd.id: 2})
    person = director if role is Role.DIRECTOR else make_user(role)
    token = token_for(app, person)
    values = {
        "cycle": cycle.id,
        "scm": scm.id,
        "rnd": rnd.id,
        "scm_assessment": cycle.assessments[scm.id],
        "rnd_assessment": cycle.assessments[rnd.id],
    }
    for pattern in ENDPOINTS:
        url = pattern.format(**values)
        expected = DIRECTOR_OF_SCM.get(pattern, 200) if role is Role.DIRECTOR else 200
        assert get(client, url, token).status_code == expected, (role, url)
    lines = get(client, "/api/v1/business-lines", token).json["items"]
    assessments = get(client, f"/api/v1/assessments?cycle={cycle.id}", token).json["items"]
    if role is Role.DIRECTOR:
        assert [line["code"] for line in lines] == ["SCM"]
        assert [a["business_line_id"] for a in assessments] == [scm.id]
    else:
        assert [line["code"] for line in lines] == ["RND", "SCM"]
        assert len(assessments) == 2


# --------------------------------------------------------------------------- sign-in


@pytest.mark.parametrize("url", ["/api/v1/business-lines", "/api/v1/assessments/1"])
@pytest.mark.parametrize(
    "header",
    [None, "Bearer ldr_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "ldr_no-scheme"],
)
def test_missing_or_invalid_tokens_get_a_json_401(client, org, url, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/json"
    assert response.json["error"]["status"] == 401
    assert "令牌" in response.json["error"]["message"]  # says what is wrong, in Chinese
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response.headers


def test_an_inactive_users_token_gets_401(app, client, make_user):
    person = make_user(Role.PMO)
    token = token_for(app, person)
    assert get(client, "/api/v1/business-lines", token).status_code == 200
    with app.app_context():
        from models import User

        db.session.get(User, person.id).active = False
        db.session.commit()
    assert get(client, "/api/v1/business-lines", token).status_code == 401


def test_the_api_ignores_the_session_cookie(client, login_as):
    login_as(Role.PMO)
    assert client.get("/").status_code == 200
    response = client.get("/api/v1/business-lines")
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401


def test_pages_still_redirect_to_sign_in(client):
    response = client.get("/business-lines")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# ---------------------------------------------------------------------- pagination


def test_pagination_pages_through_the_list(client, org, make_business_line):
    for n in range(5):
        make_business_line(f"L{n}")
    token = org["tokens"]["pmo"]
    first = get(client, "/api/v1/business-lines?per_page=3", token).json
    assert [line["code"] for line in first["items"]] == ["L0", "L1", "L2"]
    assert (first["page"], first["per_page"], first["total"]) == (1, 3, 7)
    third = get(client, "/api/v1/business-lines?per_page=3&page=3", token).json
    assert [line["code"] for line in third["items"]] == ["SCM"]
    beyond = get(client, "/api/v1/business-lines?per_page=3&page=9", token).json
    assert beyond["items"] == []
    assert beyond["total"] == 7
    hundred = get(client, "/api/v1/business-lines?per_page=100", token)
    assert hundred.status_code == 200


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=abc", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("page=99999999999999999999", "page"),
    ],
)
def test_bad_pagination_values_are_a_json_400_naming_the_parameter(client, org, query, name):
    response = get(client, f"/api/v1/business-lines?{query}", org["tokens"]["pmo"])
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400
    assert name in response.json["error"]["message"]


def test_bad_cycle_parameter_is_400_and_unknown_cycle_404(client, org):
    token = org["tokens"]["pmo"]
    bad = get(client, "/api/v1/assessments?cycle=x", token)
    assert bad.status_code == 400
    assert "cycle" in bad.json["error"]["message"]
    assert get(client, "/api/v1/assessments?cycle=4242", token).status_code == 404


def test_other_errors_are_json_too(client, org):
    token = org["tokens"]["pmo"]
    missing = get(client, "/api/v1/nothing-here", token)
    assert missing.status_code == 404
    assert missing.json["error"]["status"] == 404
    post = client.post("/api/v1/business-lines", headers=bearer(token))
    assert post.status_code == 405
    assert post.json["error"]["status"] == 405
    assert post.json["error"]["message"]


def test_answers_are_not_cached(client, org):
    response = get(client, "/api/v1/business-lines", org["tokens"]["pmo"])
    assert response.headers["Cache-Control"] == "no-store"


def test_messages_follow_the_users_language(client, make_user, app):
    person = make_user(Role.PMO, locale="en")
    token = token_for(app, person)
    message = get(client, "/api/v1/business-lines?per_page=500", token).json["error"]["message"]
    assert message == (
        "The query parameter per_page must be a whole number from 1 to 100, not 500."
    )


# ----------------------------------------------------------------------- query counts


@pytest.fixture
def count_queries(app) -> Iterator[Callable[[], list[str]]]:
    """Call ``count_queries()`` for the SQL statements run since the last call."""
    statements: list[str] = []

    def before_cursor_execute(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)

    def take() -> list[str]:
        taken = list(statements)
        statements.clear()
        return taken

    yield take
    event.remove(engine, "before_cursor_execute", before_cursor_execute)


def test_assessment_list_queries_do_not_grow_with_business_lines(
    app, client, make_user, make_business_line, count_queries
):
    director = make_user(Role.DIRECTOR)
    token = token_for(app, make_user(Role.LEADERSHIP))
    director_token = token_for(app, director)
    counts = {}
    for size in (2, 10):
        lines = [make_business_line(f"S{size}L{n}", directors=(director.id,)) for n in range(size)]
        cycle = build_cycle(
            app,
            name=f"cycle of {size}",
            start=date(2026, 1, 1),
            targets={line.id: 2 for line in lines},
            ratings={line.id: "LI" for line in lines[:2]},
            validated=(lines[0].id,),
        )
        for who in (token, director_token):
            get(client, "/api/v1/business-lines", who)  # warm up: notes the token's use
            count_queries()
            body = get(client, f"/api/v1/assessments?cycle={cycle.id}", who).json
            assert body["total"] == size
            counts[size, who] = len(count_queries())
    assert counts[2, token] == counts[10, token]
    assert counts[2, director_token] == counts[10, director_token]
    assert counts[2, token] < 10  # token, cycle, its model, count, page: not one per item
