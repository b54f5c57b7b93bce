"""Pain-point surveys: the PMO sets them up, anyone with the link answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.services.findings.surveys import save_survey
from models import Finding, FindingSource, Role, Survey, SurveyResponse, User


@pytest.fixture
def make_survey(app, make_user, make_business_line):
    def make(*, lines=("RDC",), anonymous=True, closes_on=None, title="研发痛点调研"):
        pmo = make_user(Role.PMO)
        ids = [make_business_line(code, f"业务线{code}").id for code in lines]
        with app.app_context():
            survey = save_survey(
                db.session.get(User, pmo.id),
                None,
                title=title,
                introduction="请写下影响工作的问题",
                cycle_id=None,
                business_line_ids=ids,
                closes_on=closes_on,
                anonymous=anonymous,
                categories=[],
            )
            db.session.commit()
            return survey.token, ids

    return make


def answer(client, token, **overrides):
    data = {
        "text": "需求变更太频繁，开发一直返工",
        "category": "process",
        "severity": "4",
        "frequency": "weekly",
        "process_area": "",
        "suggestion": "",
        **overrides,
    }
    return client.post(f"/s/{token}", data=data)


def test_pmo_creates_a_survey_and_gets_a_public_link(app, client, login_as, make_business_line):
    line = make_business_line("SCM", "供应链")
    login_as(Role.PMO)
    response = client.post(
        "/surveys/new",
        data={
            "title": "供应链痛点",
            "introduction": "匿名填写",
            "cycle": "0",
            "business_lines": [str(line.id)],
            "closes_on": "2099-01-31",
            "anonymous": "y",
            "categories": "流程\n工具\n流程",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    with app.app_context():
        survey = db.session.query(Survey).one()
        assert survey.categories == ["流程", "工具"]
        assert len(survey.token) >= 32
    assert f"/s/{survey.token}" in page
    assert "供应链" in page


def test_anyone_answers_without_an_account_and_the_answer_becomes_a_finding(
    app, client, make_survey
):
    token, (line_id,) = make_survey()
    form = client.get(f"/s/{token}")
    assert form.status_code == 200
    assert "研发痛点调研" in form.text
    response = answer(client, token, process_area="REQM", suggestion="建立变更评审")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/s/{token}/thanks"
    assert "谢谢" in client.get(response.headers["Location"]).text
    with app.app_context():
        finding = db.session.query(Finding).one()
        assert finding.source is FindingSource.SURVEY
        assert (finding.business_line_id, finding.severity) == (line_id, 4)
        assert (finding.process_area, finding.suggestion) == ("REQM", "建立变更评审")
        assert finding.frequency.value == "weekly"
        assert db.session.query(SurveyResponse).one().respondent_id is None


def test_unknown_link_is_404_and_a_closed_survey_says_so(app, client, make_survey, login_as):
    assert client.get("/s/not-a-real-token").status_code == 404
    token, _ = make_survey(closes_on=date.today() - timedelta(days=1))
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert "已关闭" in page.text
    assert answer(client, token).status_code == 200
    with app.app_context():
        assert db.session.query(Finding).count() == 0


def test_pmo_closes_a_survey_and_the_link_stops_taking_answers(app, client, make_survey):
    token, _ = make_survey()
    with app.app_context():
        survey_id = db.session.query(Survey).one().id
        pmo = db.session.query(User).filter_by(role=Role.PMO).one()
    client.post("/login", data={"email": pmo.email, "password": "correct-horse-7"})
    assert client.post(f"/surveys/{survey_id}/status", data={"status": "closed"}).status_code == 302
    client.post("/logout")
    assert "已关闭" in client.get(f"/s/{token}").text


def test_text_over_the_limit_is_refused_with_the_field_message(app, client, make_survey):
    token, _ = make_survey()
    response = answer(client, token, text="长" * 2001)
    assert response.status_code == 422
    assert "最多 2000 个字符" in response.text
    missing = answer(client, token, text="", severity="")
    assert missing.status_code == 422
    assert missing.text.count('class="error"') >= 2
    with app.app_context():
        assert db.session.query(Finding).count() == 0


def test_a_flood_from_one_address_is_refused_while_another_address_still_works(client, make_survey):
    token, _ = make_survey()
    statuses = [answer(client, token).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    other = client.post(
        f"/s/{token}",
        data={"text": "测试环境不够用", "category": "tools", "severity": "3", "frequency": "daily"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert other.status_code == 302


def test_several_business_lines_ask_which_one(app, client, make_survey):
    token, (_first, second) = make_survey(lines=("RDC", "SCM"))
    assert "业务线SCM" in client.get(f"/s/{token}").text
    assert answer(client, token).status_code == 422
    assert answer(client, token, business_line=str(second)).status_code == 302
    with app.app_context():
        assert db.session.query(Finding).one().business_line_id == second


def test_a_signed_in_survey_needs_an_account_and_records_it(app, client, make_survey, login_as):
    token, _ = make_survey(anonymous=False)
    response = client.get(f"/s/{token}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    person = login_as(Role.DIRECTOR)
    assert answer(client, token).status_code == 302
    with app.app_context():
        assert db.session.query(SurveyResponse).one().respondent_id == person.id


def test_nobody_can_list_responses_without_being_pmo(client, make_survey, login_as):
    make_survey()
    login_as(Role.DIRECTOR)
    assert client.get("/surveys/").status_code == 403


def test_pmo_reads_and_searches_the_answers_of_one_survey(client, make_survey, login_as):
    token, _ = make_survey()
    answer(client, token, text="测试环境经常不可用")
    answer(client, token, text="需求评审走过场")
    login_as(Role.PMO)
    with client.application.app_context():
        survey_id = db.session.query(Survey).one().id
    page = client.get(f"/findings/?survey={survey_id}&q=测试").text
    assert "测试环境经常不可用" in page
    assert "需求评审走过场" not in page
