"""Satisfaction surveys: the PMO's questions, answers through the public link, Likert range,
free text as findings, invitations and their response rate with no link to the answers, the
satisfaction mean per business line, and forms that preselect nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect, select

from app.extensions import db
from app.services.findings import satisfaction
from app.services.findings.surveys import save_survey
from models import (
    Finding,
    FindingSource,
    OutcomeKpiValue,
    QuestionKind,
    SatisfactionAnswer,
    SatisfactionResponse,
    Survey,
    SurveyInvitation,
    SurveyKind,
    User,
)
from models.base import Base


@pytest.fixture
def world(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    scm = make_business_line("SCM", "供应链")
    rnd = make_business_line("RND", "研发中心")
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        survey = save_survey(
            actor,
            None,
            title="2026-05 项目组满意度调研",
            introduction="",
            cycle_id=None,
            business_line_ids=[scm.id, rnd.id],
            closes_on=None,
            anonymous=True,
            categories=[],
            kind=SurveyKind.SATISFACTION,
            period="2026-05",
        )
        q = {
            "overall": satisfaction.add_question(
                actor, survey, kind=QuestionKind.LIKERT, text="整体满意度？"
            ),
            "tools": satisfaction.add_question(
                actor, survey, kind=QuestionKind.LIKERT, text="模板有用吗？"
            ),
            "focus": satisfaction.add_question(
                actor, survey, kind=QuestionKind.CHOICE, text="优先改进？", options=["需求", "计划"]
            ),
            "comment": satisfaction.add_question(
                actor, survey, kind=QuestionKind.TEXT, text="建议？", required=False
            ),
        }
        db.session.commit()
        return {
            "pmo": pmo,
            "scm": scm,
            "rnd": rnd,
            "survey": survey.id,
            "token": survey.token,
            "q": {k: v.id for k, v in q.items()},
        }


def post_answer(client, world, line, overall, tools, focus="需求", comment="", url=None):
    q = world["q"]
    return client.post(
        url or f"/s/{world['token']}",
        data={
            "business_line": str(line.id) if line else "",
            f"q{q['overall']}": str(overall),
            f"q{q['tools']}": str(tools),
            f"q{q['focus']}": focus,
            f"q{q['comment']}": comment,
        },
    )


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_the_answer_page_preselects_no_business_line_and_shows_touch_targets(client, world):
    page = client.get(f"/s/{world['token']}").text
    select_html = page.split('name="business_line"')[1].split("</select>")[0]
    assert re.findall(r"<option selected[^>]*>", select_html) == ['<option selected value="">']
    assert page.count('class="choice"') == 5 + 5 + 2  # two Likert questions, one choice
    response = post_answer(client, world, None, 4, 4)
    assert response.status_code == 422
    assert count(client.application, SatisfactionResponse) == 0


def test_pain_point_form_starts_with_empty_business_line_and_category(app, client, world):
    with app.app_context():
        survey = save_survey(
            db.session.get(User, world["pmo"].id), None, title="痛点", introduction="",
            cycle_id=None, business_line_ids=[world["scm"].id, world["rnd"].id],
            closes_on=None, anonymous=True, categories=[],
        )  # fmt: skip
        db.session.commit()
        token = survey.token
    page = client.get(f"/s/{token}").text
    for name in ("business_line", "category"):
        options = page.split(f'name="{name}"')[1].split("</select>")[0]
        assert re.findall(r"<option selected[^>]*>", options) == ['<option selected value="">']
    response = client.post(
        f"/s/{token}",
        data={"text": "评审太多", "severity": "3", "frequency": "weekly", "category": "",
              "business_line": str(world["scm"].id), "process_area": ""},
    )  # fmt: skip
    assert response.status_code == 422
    assert count(app, Finding) == 0


@pytest.mark.parametrize("rating", ["0", "6", "-1", "3.5", "abc", "١"])
def test_likert_answers_outside_1_to_5_are_refused(app, client, world, rating):
    response = post_answer(client, world, world["scm"], rating, 4)
    assert response.status_code == 422
    assert "1 到 5" in response.text or "1 to 5" in response.text
    assert count(app, SatisfactionResponse) == 0
    assert count(app, SatisfactionAnswer) == 0


def test_the_database_refuses_a_rating_outside_1_to_5_too(app, world):
    with app.app_context():
        response = SatisfactionResponse(survey_id=world["survey"], business_line_id=world["scm"].id)
        response.answers.append(SatisfactionAnswer(question_id=world["q"]["overall"], rating=6))
        db.session.add(response)
        with pytest.raises(Exception, match=r"(?i)check|constraint"):
            db.session.flush()
        db.session.rollback()


def test_answers_give_the_mean_per_business_line_and_free_text_becomes_a_finding(
    app, client, world
):
    assert (
        post_answer(client, world, world["scm"], 5, 4, comment="评审材料请提前发").status_code
        == 302
    )
    assert post_answer(client, world, world["scm"], 3, 4).status_code == 302
    assert post_answer(client, world, world["rnd"], 2, 1, focus="计划").status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        means = {m.business_line_id: (m.period, m.mean, m.ratings)
                 for m in satisfaction.survey_satisfaction_means(survey)}  # fmt: skip
        assert means == {
            world["scm"].id: ("2026-05", 4.0, 4),
            world["rnd"].id: ("2026-05", 1.5, 2),
        }
        fed = satisfaction.feed_satisfaction_kpi(survey, world["rnd"].id)
        assert (fed.period, fed.mean) == ("2026-05", 1.5)
        # each answer fed the business line's satisfaction KPI for the survey's month
        kpi = {
            (row.business_line_id, row.period): row.value
            for row in db.session.scalars(
                select(OutcomeKpiValue).where(OutcomeKpiValue.kpi_key == "satisfaction")
            )
        }
        assert kpi == {(world["scm"].id, "2026-05"): 4.0, (world["rnd"].id, "2026-05"): 1.5}
        finding = db.session.scalar(select(Finding))
        assert (finding.text, finding.source, finding.business_line_id) == (
            "评审材料请提前发", FindingSource.SURVEY, world["scm"].id,
        )  # fmt: skip
    # the PMO reads the results: the mean per line and per question
    client.post("/login", data={"email": world["pmo"].email, "password": world["pmo"].password})
    page = client.get(f"/surveys/{world['survey']}").text
    assert "data-satisfaction-means" in page
    assert "1.5" in page
    findings = client.get(f"/findings/?survey={world['survey']}").text
    assert "评审材料请提前发" in findings


def test_an_unknown_choice_is_refused(app, client, world):
    assert post_answer(client, world, world["scm"], 4, 4, focus="别的").status_code == 422
    assert count(app, SatisfactionResponse) == 0


def test_invitations_give_a_response_rate_and_are_used_once(app, client, world):
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        pmo = db.session.get(User, world["pmo"].id)
        sent = satisfaction.invite(pmo, survey, ["a@example.com", "b@example.com", "c@example.com"])
        again = satisfaction.invite(pmo, survey, ["a@example.com"])
        db.session.commit()
    assert again == []
    tokens = [token for _email, token in sent]
    url = f"/s/{world['token']}/i/{tokens[0]}"
    assert client.get(url).status_code == 200
    assert post_answer(client, world, world["scm"], 4, 5, url=url).status_code == 302
    assert client.get(url).status_code == 410  # a used invitation takes no second answer
    assert post_answer(client, world, world["scm"], 1, 1, url=url).status_code == 410
    assert client.get(f"/s/{world['token']}/i/not-a-token").status_code == 410
    # the public link still works beside the invitations
    assert post_answer(client, world, world["rnd"], 3, 3).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        seen = satisfaction.participation(survey)
        assert (seen.invited, seen.answered, seen.responses) == (3, 1, 2)
        assert seen.rate == pytest.approx(1 / 3)
    client.post("/login", data={"email": world["pmo"].email, "password": world["pmo"].password})
    assert "33%" in client.get(f"/surveys/{world['survey']}").text


def test_nothing_links_an_answer_to_an_invitation(app, client, world):
    """The tables cannot say who answered what: no column of an answer refers to an
    invitation, a user or a time, and no invitation column refers to an answer."""
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        sent = satisfaction.invite(
            db.session.get(User, world["pmo"].id), survey, ["x@example.com", "y@example.com"]
        )
        db.session.commit()
    post_answer(client, world, world["scm"], 5, 5, url=f"/s/{world['token']}/i/{sent[1][1]}")
    post_answer(client, world, world["rnd"], 1, 1, url=f"/s/{world['token']}/i/{sent[0][1]}")
    tables = Base.metadata.tables
    for name in ("satisfaction_responses", "satisfaction_answers"):
        columns = set(tables[name].columns.keys())
        referred = {fk.column.table.name for fk in tables[name].foreign_keys}
        assert not referred & {"survey_invitations", "users"}, name
        assert not {c for c in columns if "invit" in c or "user" in c or c.endswith("_at")}, name
    referred = {fk.column.table.name for fk in tables["survey_invitations"].foreign_keys}
    assert referred == {"surveys"}
    assert set(tables["survey_invitations"].columns.keys()) == {
        "id", "survey_id", "email", "token_hash", "answered",
    }  # fmt: skip
    with app.app_context():
        live = {c["name"] for c in inspect(db.engine).get_columns("satisfaction_responses")}
        assert live == {"id", "survey_id", "business_line_id"}
        invitations = db.session.scalars(select(SurveyInvitation)).all()
        responses = db.session.scalars(select(SatisfactionResponse)).all()
        assert all(i.answered for i in invitations)
        assert len(responses) == 2
        for invitation in invitations:
            values = {str(v) for v in (invitation.email, invitation.token_hash)}
            for response in responses:
                stored = {str(a.text) for a in response.answers} | {
                    str(a.choice) for a in response.answers
                }
                assert not values & stored
    # the page lists no address beside an answer
    client.post("/login", data={"email": world["pmo"].email, "password": world["pmo"].password})
    page = client.get(f"/surveys/{world['survey']}").text
    assert "x@example.com" not in page
    assert "y@example.com" not in page


def test_the_pmo_builds_a_satisfaction_survey_in_the_pages(
    app, client, login_as, make_business_line
):
    line = make_business_line("SCM", "供应链")
    login_as(Role.PMO)
    form = client.get("/surveys/new").text
    submission = re.search(r'name="submission" type="hidden" value="([^"]+)"', form).group(1)
    data = {
        "submission": submission, "title": "满意度", "kind": "satisfaction",
        "period": "2026-13", "cycle": "0", "business_lines": str(line.id), "anonymous": "y",
    }  # fmt: skip
    refused = client.post("/surveys/new", data=data)
    assert refused.status_code == 422
    assert "YYYY-MM" in refused.text
    response = client.post("/surveys/new", data={**data, "period": "2026-06"})
    assert response.status_code == 302, response.text
    survey_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    likert = {"kind": "likert", "text": "满意吗？", "required": "y"}
    assert client.post(f"/surveys/{survey_id}/questions", data=likert).status_code == 302
    bad = client.post(
        f"/surveys/{survey_id}/questions",
        data={"kind": "choice", "text": "哪个？", "options": "只有一个"},
    )
    assert bad.status_code == 422
    invited = client.post(
        f"/surveys/{survey_id}/invitations", data={"emails": "a@example.com, b@example.com"}
    )
    assert invited.status_code == 200
    links = re.findall(r"/s/[\w-]+/i/[\w-]+", invited.text)
    assert len(links) == 2
    assert (
        client.post(
            f"/surveys/{survey_id}/invitations", data={"emails": "not-an-address"}
        ).status_code
        == 422
    )
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert (survey.kind, survey.period) == (SurveyKind.SATISFACTION, "2026-06")
        assert satisfaction.participation(survey).invited == 2


def test_questions_are_fixed_once_answers_arrive(app, client, world):
    assert post_answer(client, world, world["scm"], 4, 4).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        with pytest.raises(satisfaction.ServiceError):
            satisfaction.add_question(
                db.session.get(User, world["pmo"].id), survey, kind=QuestionKind.TEXT, text="新问题"
            )


from models import Role  # noqa: E402  (kept beside the fixtures that use it)
