"""The lessons library: Chinese and English search (pages and API), visibility, related
lessons on a backlog item and a new quick-win project, PMO edits, Excel export."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services.backlog.quickwins import close_project, promote
from models import ImprovementItem, Lesson, LessonKind, Role, User
from tests.api_support import bearer, token_for
from tests.backlog_helpers import make_item
from tests.lesson_helpers import make_lesson

REVIEW_TEXT = "试点项目把需求变更评审会放在迭代计划会之前召开，插入需求的次数下降了一半。"


@pytest.fixture
def library(app, make_user, make_business_line):
    """Two directors' lines, a lesson on each, a company-wide one, and an English one."""
    d1 = make_user(Role.DIRECTOR, email="d1@example.com")
    d2 = make_user(Role.DIRECTOR, email="d2@example.com")
    scm = make_business_line("SCM", "供应链", directors=(d1.id,))
    rnd = make_business_line("RND", "研发中心", directors=(d2.id,))
    ids = {
        "review": make_lesson(
            app,
            "需求变更评审会前置",
            REVIEW_TEXT,
            business_line_id=scm.id,
            process_area="REQM",
            tags=("需求变更", "评审"),
        ),
        "risk": make_lesson(
            app,
            "风险只登记不跟踪",
            "风险登记册启动后再也没有更新，核心人员离职时没有预案。",
            kind=LessonKind.FAILURE,
            business_line_id=rnd.id,
            process_area="RSKM",
            tags=("风险管理",),
        ),
        "company": make_lesson(
            app,
            "统一度量口径",
            "先统一缺陷和工时的定义，再开发自动采集。",
            process_area="MA",
            tags=("度量",),
        ),
        "english": make_lesson(
            app,
            "Code Review before merge",
            "Every merge request on a critical module gets a senior reviewer.",
            business_line_id=rnd.id,
            process_area="VER",
            tags=("quality",),
        ),
    }
    return {"d1": d1, "d2": d2, "scm": scm, "rnd": rnd, **ids}


def api_ids(client, token: str, query: str = "", **params: str) -> list[int]:
    response = client.get(
        "/api/v1/lessons", query_string={"q": query, **params}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json["items"]]


def test_any_two_consecutive_characters_of_the_text_find_the_lesson(
    app, client, make_user, library
):
    token = token_for(app, make_user(Role.LEADERSHIP))
    bigrams = {REVIEW_TEXT[i : i + 2] for i in range(len(REVIEW_TEXT) - 1)}
    for bigram in sorted(bigrams):
        if bigram.strip() and not any(c in "，。" for c in bigram):
            assert library["review"] in api_ids(client, token, bigram), bigram
    # the title and tags are searched too; other lessons are not found by these words
    assert api_ids(client, token, "前置") == [library["review"]]
    assert api_ids(client, token, "风险管理") == [library["risk"]]
    assert api_ids(client, token, "没有找到的词") == []


def test_terms_are_anded_and_split_at_any_space(app, client, make_user, library):
    token = token_for(app, make_user(Role.PMO))
    assert api_ids(client, token, "需求 评审") == [library["review"]]
    assert api_ids(client, token, "需求\u3000评审") == [library["review"]]  # ideographic space
    assert api_ids(client, token, "需求 风险") == []
    assert set(api_ids(client, token, "统一")) == {library["company"]}
    assert set(api_ids(client, token, "")) == {
        library["review"], library["risk"], library["company"], library["english"],
    }  # fmt: skip


def test_english_words_match_whatever_their_case_and_width(app, client, make_user, library):
    token = token_for(app, make_user(Role.PMO))
    assert api_ids(client, token, "review") == [library["english"]]
    assert api_ids(client, token, "SENIOR merge") == [library["english"]]
    assert api_ids(client, token, "ＱＵＡＬＩＴＹ") == [library["english"]]  # full-width tag
    assert api_ids(client, token, "senior fishing") == []


def test_like_wildcards_in_a_query_match_only_themselves(app, client, make_user, library):
    make_lesson(app, "准时率 100% 的秘诀", "按周跟踪里程碑。")
    token = token_for(app, make_user(Role.PMO))
    assert len(api_ids(client, token, "%")) == 1
    assert api_ids(client, token, "_") == []


def test_the_api_answers_the_documented_envelope_and_fields(app, client, make_user, library):
    token = token_for(app, make_user(Role.PMO))
    response = client.get("/api/v1/lessons?q=评审&per_page=5", headers=bearer(token))
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 5, 1)
    assert body["items"] == [
        {
            "id": library["review"],
            "title": "需求变更评审会前置",
            "text": REVIEW_TEXT,
            "kind": "best_practice",
            "business_line_id": library["scm"].id,
            "process_area": "REQM",
            "tags": ["需求变更", "评审"],
        }
    ]
    failures = client.get("/api/v1/lessons?kind=failure", headers=bearer(token)).json["items"]
    assert [i["id"] for i in failures] == [library["risk"]]
    assert client.get("/api/v1/lessons?kind=bad", headers=bearer(token)).status_code == 400
    too_long = client.get("/api/v1/lessons", query_string={"q": "字" * 201}, headers=bearer(token))
    assert too_long.status_code == 400
    assert client.get("/api/v1/lessons").status_code == 401


def test_a_director_sees_their_lines_and_company_wide_lessons_only(app, client, auth, library):
    token = token_for(app, library["d1"])
    assert set(api_ids(client, token)) == {library["review"], library["company"]}
    assert api_ids(client, token, "风险") == []
    auth.login(library["d1"])
    assert client.get(f"/lessons/{library['risk']}").status_code == 404
    assert client.get(f"/lessons/{library['review']}").status_code == 200
    page = client.get("/lessons/?q=统一").text
    assert "统一度量口径" in page
    assert "风险只登记不跟踪" not in client.get("/lessons/").text


def test_the_list_page_searches_and_filters(client, login_as, library):
    login_as(Role.LEADERSHIP)
    page = client.get("/lessons/?q=需求 评审").text
    assert "需求变更评审会前置" in page
    assert "统一度量口径" not in page
    page = client.get("/lessons/?kind=failure").text
    assert "风险只登记不跟踪" in page
    assert "需求变更评审会前置" not in page
    page = client.get("/lessons/?process_area=MA").text
    assert "统一度量口径" in page
    assert "风险只登记不跟踪" not in page


def test_the_pmo_creates_and_edits_a_lesson_and_directors_may_not(
    app, client, auth, make_user, library
):
    auth.login(library["d1"])
    assert client.get("/lessons/new").status_code == 403
    pmo = make_user(Role.PMO)
    auth.logout()
    auth.login(pmo)
    form = client.get("/lessons/new").text
    submission = form.split('name="submission" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/lessons/new",
        data={
            "submission": submission,
            "title": "评审材料提前两天分发",
            "text": "评审人提前阅读并提交问题，会上只讨论问题。",
            "kind": "best_practice",
            "business_line": str(library["scm"].id),
            "process_area": "VER",
            "tags": "评审，会议、效率",
            "link": "https://wiki.example.com/review",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        lesson = db.session.scalar(db.select(Lesson).where(Lesson.title == "评审材料提前两天分发"))
        assert lesson.tags == ["评审", "会议", "效率"]
        assert lesson.created_by_id == pmo.id
        lesson_id, version = lesson.id, lesson.version
    token = token_for(app, pmo)
    assert lesson_id in api_ids(client, token, "会上 效率")
    response = client.post(
        f"/lessons/{lesson_id}/edit",
        data={
            "title": "评审材料提前分发",
            "text": "评审人提前阅读。",
            "kind": "failure",
            "business_line": "0",
            "process_area": "",
            "tags": "",
            "version": str(version),
        },
    )
    assert response.status_code == 302, response.text
    assert lesson_id in api_ids(client, token, "提前阅读")
    assert lesson_id not in api_ids(client, token, "效率")  # the old tags are gone
    # a save from the stale page is refused and changes nothing
    stale = client.post(
        f"/lessons/{lesson_id}/edit",
        data={"title": "旧页面", "text": "x", "kind": "failure", "business_line": "0",
              "process_area": "", "version": str(version)},
    )  # fmt: skip
    assert stale.status_code == 409
    assert api_ids(client, token, "旧页面") == []


def test_an_empty_title_or_text_is_refused(client, login_as):
    login_as(Role.PMO)
    form = client.get("/lessons/new").text
    submission = form.split('name="submission" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/lessons/new",
        data={"submission": submission, "title": " ", "text": "", "kind": "failure",
              "business_line": "0", "process_area": ""},
    )  # fmt: skip
    assert response.status_code == 422


def test_excel_export_round_trip_keeps_chinese_text_and_tags(app, client, make_user, auth, library):
    auth.login(make_user(Role.PMO, locale="zh_CN"))
    response = client.get("/lessons/export?format=xlsx&q=评审")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["编号", "标题", "经验内容"] or rows[0][1] == "标题"
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == library["review"]
    assert row[1:3] == ["需求变更评审会前置", REVIEW_TEXT]
    assert row[4] == "供应链"
    assert row[5] == "REQM"
    assert [t.strip() for t in row[6].split(",")] == ["需求变更", "评审"]
    # read back through the app's own reader, as an import would
    from app.services.tabular import read_upload

    with app.app_context():
        table = read_upload("lessons.xlsx", response.data, max_rows=100)
    assert table.rows[0][1] == "需求变更评审会前置"


def test_related_lessons_on_a_backlog_item_and_a_new_quick_win(
    app, client, auth, make_user, library
):
    pmo = make_user(Role.PMO)
    item_id = make_item(
        app,
        "需求变更走评审",
        actor_id=pmo.id,
        actions=("approve",),
        business_line_id=library["scm"].id,
        process_area="REQM",
        impact=5,
        urgency=4,
        effort=1,
    )
    auth.login(pmo)
    page = client.get(f"/backlog/{item_id}").text
    assert "data-related-lessons" in page
    assert "需求变更评审会前置" in page
    assert "风险只登记不跟踪" not in page  # another process area
    promote_page = client.get(f"/quick-wins/promote/{item_id}").text
    assert "需求变更评审会前置" in promote_page
    # a director of another line does not see the lesson of SCM as related
    other = make_item(app, "风险复核", business_line_id=None, process_area="REQM")
    auth.logout()
    auth.login(library["d2"])
    assert "需求变更评审会前置" not in client.get(f"/backlog/{other}").text


def test_a_closed_quick_win_starts_a_lesson_with_its_review(app, client, auth, make_user, library):
    pmo = make_user(Role.PMO)
    item_id = make_item(
        app, "评审清单", actor_id=pmo.id, actions=("approve",), process_area="VER",
        impact=5, urgency=4, effort=1, business_line_id=library["rnd"].id,
    )  # fmt: skip
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        project = promote(
            actor, db.session.get(ImprovementItem, item_id), goal="减少返工",
            start=date(2026, 1, 1), end=date(2026, 2, 1),
        )  # fmt: skip
        close_project(actor, project, achieved=False, benefit_text="返工略减",
                      lessons_learned="清单太长，没人用。")  # fmt: skip
        db.session.commit()
        project_id = project.id
    auth.login(pmo)
    page = client.get(f"/quick-wins/{project_id}").text
    assert f"/lessons/new?project={project_id}" in page
    form = client.get(f"/lessons/new?project={project_id}").text
    assert "清单太长，没人用。" in form, form[form.find("<form") :][:3000]
    assert re.search(r'<input checked[^>]*value="failure"', form)
