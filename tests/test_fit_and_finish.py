"""Fit and finish (issue 15): feedback on refused forms, confirmations, consistent statuses,
work queues, board-ready minutes and reports, one language per text, small things like the
favicon. The browser side (focus, scrolling, phone layout) is in tests/browser/test_fit.py."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from matplotlib.text import Text
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.services.reports import charts
from app.services.reports.build import ReportFilters, build_report
from app.services.reports.exports import report_tables
from assessments.charts import chart_style
from assessments.prioritisation import ItemStatus
from models import BusinessLine, Finding, FindingSource, QuickWinProject, Role, Survey, User
from tests.assessment_helpers import REQM_ALL, open_assessment, rate, submit_and_validate
from tests.backlog_helpers import load_item, make_item
from tests.pdf_text import pdf_text
from tests.report_support import build_all

TODAY = date.today()


def _promoted(app, client, pmo, start=None) -> tuple[int, int]:
    item_id = make_item(
        app, "统一评审模板", impact=5, urgency=4, effort=1, owner_id=pmo.id, actor_id=pmo.id,
        actions=("approve",),
    )  # fmt: skip
    start = start or TODAY - timedelta(days=20)
    response = client.post(
        f"/quick-wins/promote/{item_id}",
        data={
            "goal": "评审一次通过率提升",
            "owner_id": "0",
            "start": start.isoformat(),
            "end": (TODAY + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302, response.text
    return item_id, int(re.search(r"/quick-wins/(\d+)", response.headers["Location"]).group(1))


def _kpi_id(app, client, project_id) -> int:
    client.post(
        f"/quick-wins/{project_id}/kpis",
        data={"name": "一次通过率", "unit": "%", "direction": "higher", "baseline": "60",
              "target": "90", "source": ""},
    )  # fmt: skip
    with app.app_context():
        return db.session.get_one(QuickWinProject, project_id).kpis[0].id


def _rated(app, make_user, make_business_line, rating: str) -> tuple[object, object, int]:
    """A PMO, a director and the director's assessment (REQM), every practice ``rating``."""
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR)
    line = make_business_line("RDC", "研发中心", directors=(director.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    rate(app, assessment_id, director.id, dict.fromkeys(REQM_ALL, rating))
    return pmo, director, assessment_id


# --------------------------------------------------------------- feedback and safe actions


def test_every_page_has_the_problem_summary_confirm_dialog_and_shared_script(client, login_as):
    login_as(Role.PMO)
    page = client.get("/").text
    assert 'id="form-problems"' in page
    assert "未保存：请修改下方标出的内容。" in page
    assert '<dialog id="confirm-dialog"' in page
    assert "请确认" in page
    assert "/static/ladder.js" in page
    assert 'data-menu-toggle aria-expanded="false"' in page


def test_a_measurement_before_the_project_start_is_refused(app, client, login_as):
    pmo = login_as(Role.PMO)
    _item, project_id = _promoted(app, client, pmo)
    kpi_id = _kpi_id(app, client, project_id)
    early = (TODAY - timedelta(days=40)).isoformat()
    response = client.post(
        f"/quick-wins/{project_id}/measurements",
        data={"kpi_id": str(kpi_id), "measured_on": early, "value": "70"},
    )
    assert response.status_code == 422
    assert "测量日期不能早于项目开始日期" in response.text
    assert 'class="field has-error"' in response.text
    csv = f"KPI,Date,Value,Note\n一次通过率,{early},70,\n".encode()
    imported = client.post(
        f"/quick-wins/{project_id}/import", data={"file": (io.BytesIO(csv), "m.csv")}
    )
    assert imported.status_code == 422
    assert "测量日期不能早于项目开始日期" in imported.text
    with app.app_context():
        assert not db.session.get_one(QuickWinProject, project_id).kpis[0].measurements


def test_irreversible_actions_ask_for_confirmation(app, client, login_as):
    pmo = login_as(Role.PMO)
    _item, project_id = _promoted(app, client, pmo)
    _kpi_id(app, client, project_id)
    page = client.get(f"/quick-wins/{project_id}").text
    close = re.search(r'<button[^>]*data-action="close-project"[^>]*>', page, re.S).group(0)
    assert "data-confirm=" in close
    assert "关闭本项目？" in close
    assert 'class="primary"' not in close  # not the page's primary action


def test_submit_and_validate_ask_for_confirmation(app, client, auth, make_user, make_business_line):
    pmo, director, assessment_id = _rated(app, make_user, make_business_line, "FI")
    auth.login(director)
    page = client.get(f"/cycles/assessments/{assessment_id}").text
    assert re.search(r'data-action="submit"\s+data-confirm="将本评估提交给 PMO', page)
    assert client.post(f"/cycles/assessments/{assessment_id}/submit").status_code == 302
    auth.logout()
    auth.login(pmo)
    review = client.get(f"/cycles/assessments/{assessment_id}/review").text
    assert re.search(r'data-action="validate"\s+data-confirm="确认通过本评估？', review)


# ------------------------------------------------------------------------- consistency


def test_a_running_quick_win_is_in_progress_and_not_asked_to_start(app, client, login_as):
    pmo = login_as(Role.PMO)
    waiting = make_item(
        app, "另一个已批准条目", impact=3, effort=3, owner_id=pmo.id, actor_id=pmo.id,
        actions=("approve",),
    )  # fmt: skip
    item_id, project_id = _promoted(app, client, pmo)
    assert load_item(app, item_id).status is ItemStatus.IN_PROGRESS
    home = client.get("/").text
    starts = re.findall(r'data-work="start"><a href="/backlog/(\d+)"', home)
    assert starts == [str(waiting)]
    project = client.get(f"/quick-wins/{project_id}").text
    assert "进展正常" not in project  # nothing measured yet
    _kpi_id(app, client, project_id)
    project = client.get(f"/quick-wins/{project_id}").text
    assert 'data-overall="unmeasured"' in project
    assert "尚无测量" in project
    assert "进展正常" not in project
    assert "偏离目标" not in project


def test_the_default_backlog_and_the_matrix_put_set_aside_items_last(app, client, login_as):
    pmo = login_as(Role.PMO)
    rejected = make_item(app, "被拒绝的快赢", impact=5, urgency=5, effort=1, actor_id=pmo.id,
                         actions=("reject",))  # fmt: skip
    deferred = make_item(app, "推迟的快赢", impact=5, urgency=5, effort=1, actor_id=pmo.id,
                         actions=("defer",))  # fmt: skip
    proposed = make_item(app, "普通条目", impact=3, urgency=2, effort=3)
    listing = client.get("/backlog/").text
    order = [int(i) for i in re.findall(r'<tr data-item="(\d+)"', listing)]
    assert order[0] == proposed
    assert set(order[1:]) == {rejected, deferred}
    matrix = client.get("/backlog/matrix").text
    assert f'data-item="{rejected}"' not in matrix
    assert f'data-item="{deferred}"' not in matrix
    assert f'data-item="{proposed}"' in matrix
    assert 'data-status="proposed"' in matrix
    chosen = client.get("/backlog/matrix?status=rejected").text
    assert f'data-item="{rejected}"' in chosen
    assert 'data-status="rejected"' in chosen


def test_trend_shows_validated_results_and_quick_wins_follow_the_cycle(
    app, client, make_user, make_business_line, login_as
):
    pmo = make_user(Role.PMO)
    a = make_business_line("A", "研发中心")
    b = make_business_line("B", "供应链")
    fixture = build_all(app, pmo.id, a.id, b.id)
    with app.app_context():
        user = db.session.get_one(User, pmo.id)
        latest = build_report(user, ReportFilters())
        trend = {line.code: [p.cycle_id for p in points] for line, points in latest.trend}
        assert trend == {"A": [fixture.cycle_1, fixture.cycle_2], "B": [fixture.cycle_1]}
        assert latest.quick_wins.achieved_share == 0.5
        first = build_report(user, ReportFilters(cycle_id=fixture.cycle_1))
        assert first.quick_wins.achieved_share is None  # the quick win ran in 2026 H1
        tables = {t.key: t for t in report_tables(latest)}
    levels = tables["levels"]
    assert levels.headers[-1] == "较 2025 H2 的得分变化"
    rows = {row[0]: row for row in levels.rows}
    assert rows["A"][3:8] == ("ML1", "ML2", 1, 50.0, -50.0)
    assert rows["B"][2] == "已提交"
    assert rows["B"][6] == 66.7
    assert tables["trend"].rows[1] == ("供应链", 33.3, None)

    login_as(Role.PMO)
    token_items = client.get(f"/reports/?cycle={fixture.cycle_2}").text
    assert "ML1" in token_items
    assert "66.7" in token_items
    assert "66.67" not in token_items


def test_api_trend_lists_validated_assessments_only(app, client, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    a = make_business_line("A", "研发中心")
    b = make_business_line("B", "供应链")
    fixture = build_all(app, pmo.id, a.id, b.id)
    from app.services.tokens import create_token

    with app.app_context():
        user = db.session.get_one(User, pmo.id)
        _row, token = create_token(user, user, "bi")
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/reports/trend?business_line={b.id}", headers=headers).json
    assert [i["cycle_id"] for i in body["items"]] == [fixture.cycle_1]
    assert body["items"][0]["score"] != round(body["items"][0]["score"], 1)  # full value


# ------------------------------------------------------------------------- work queues


def test_the_pmo_review_queue_lists_assessments_awaiting_review(
    app, client, auth, make_user, make_business_line
):
    pmo, director, assessment_id = _rated(app, make_user, make_business_line, "FI")
    auth.login(director)
    client.post(f"/cycles/assessments/{assessment_id}/submit")
    assert client.get("/cycles/review-queue").status_code == 403
    auth.logout()
    auth.login(pmo)
    home = client.get("/").text
    assert re.search(r'<a href="/cycles/review-queue">1 份评估等待您审核</a>', home)
    queue = client.get("/cycles/review-queue").text
    assert f'data-assessment="{assessment_id}"' in queue
    assert f"/cycles/assessments/{assessment_id}/review" in queue


def test_a_gap_finding_links_to_its_assessment_and_makes_an_item(
    app, client, auth, make_user, make_business_line
):
    pmo, director, assessment_id = _rated(app, make_user, make_business_line, "PI")
    submit_and_validate(app, assessment_id, director.id, pmo.id)
    with app.app_context():
        finding = db.session.scalars(
            select(Finding).where(Finding.source == FindingSource.GAP).order_by(Finding.id)
        ).first()
        finding_id, text = finding.id, finding.text
    assert " / " not in text
    assert "not satisfied" not in text
    assert text.startswith("REQM 需求管理：REQM.SG1")
    auth.login(pmo)
    page = client.get(f"/findings/{finding_id}").text
    assert f'href="/cycles/assessments/{assessment_id}"' in page
    assert f'href="/cycles/assessments/{assessment_id}/areas/REQM#REQM.SG1"' in page
    assert 'data-action="create-item"' in page
    created = client.post(f"/backlog/from-finding/{finding_id}")
    assert created.status_code == 302
    again = client.get(f"/findings/{finding_id}").text
    assert 'data-link="item"' in again
    assert 'data-action="create-item"' not in again
    auth.logout()
    auth.login(director)
    mine = client.get(f"/findings/{finding_id}").text
    assert 'data-action="create-item"' not in mine
    assert 'data-link="assessment"' in mine


# ----------------------------------------------------------------------------- exports


def test_minutes_carry_the_agenda_translated_statuses_and_new_priorities(app, client, login_as):
    pmo = login_as(Role.PMO)
    late = make_item(
        app, "逾期的条目", impact=3, effort=3, actor_id=pmo.id, actions=("approve",),
        planned_end=TODAY - timedelta(days=10),
    )  # fmt: skip
    moved = make_item(app, "重新排序的条目", impact=2, urgency=2, effort=4)
    response = client.post(
        "/reviews/",
        data={"kind": "monthly", "held_on": TODAY.isoformat(), "attendees": "PMO", "notes": ""},
    )
    review_id = int(re.search(r"/reviews/(\d+)", response.headers["Location"]).group(1))
    decided = client.post(
        f"/reviews/{review_id}/decisions",
        data={
            f"decision-{moved}": "reprioritise",
            f"rationale-{moved}": "客户投诉增多",
            f"impact-{moved}": "5",
            f"urgency-{moved}": "4",
            f"effort-{moved}": "2",
        },
    )
    assert decided.status_code == 302, decided.text
    book = load_workbook(io.BytesIO(client.get(f"/reviews/{review_id}/minutes.xlsx").data))
    assert book.sheetnames[0] == "会议信息"
    assert book["逾期条目"]["A2"].value == "逾期的条目"
    assert book["逾期条目"]["D2"].value == "已批准"
    decision = [c.value for c in book["决策"][2]]
    assert decision[3] == "已提议"
    assert decision[4] == "已提议 · 影响 5，紧迫度 4，工作量 2"
    widths = book["决策"].column_dimensions
    assert widths["A"].width >= 14
    assert widths["E"].width >= 30
    _pages, text = pdf_text(client.get(f"/reviews/{review_id}/minutes.pdf").data)
    for heading in ("逾期条目", "偏离目标的 KPI", "新主题", "决策", "行动项"):
        assert heading in text
    assert "逾期的条目" in text
    assert "proposed" not in text
    assert "字段" not in text
    assert late


def test_every_report_chart_text_is_at_least_9_points(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    a = make_business_line("A", "研发中心运营与交付管理部（华东区域事业群）")
    b = make_business_line("B", "供应链")
    build_all(app, pmo.id, a.id, b.id)
    with app.app_context():
        report = build_report(db.session.get_one(User, pmo.id), ReportFilters())
        for name, builder in charts._BUILDERS.items():
            with chart_style({"font.size": charts.MIN_POINTS}):
                figure = builder(report)
                sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_text()]
            assert sizes, name
            assert min(sizes) >= 9, (name, min(sizes))
    assert charts.wrap_label("研发中心运营与交付管理部（华东区域事业群）").count("\n") == 1


# ---------------------------------------------------------------------------- language


def test_a_survey_shows_its_english_title_to_english_readers(app, client, login_as):
    login_as(Role.PMO)
    with app.app_context():
        line = BusinessLine(code="RDC", name="研发中心")
        db.session.add(line)
        db.session.commit()
        lines = [str(line.id)]
    response = client.post(
        "/surveys/new",
        data={
            "title": "研发痛点调研", "introduction": "请匿名填写。", "title_en": "R&D pain points",
            "introduction_en": "Answer anonymously.", "cycle": "0", "business_lines": lines,
            "anonymous": "y", "categories": "",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.text
    with app.app_context():
        token = db.session.scalars(select(Survey.token)).one()
    assert "研发痛点调研" in client.get(f"/s/{token}").text
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/s/{token}").text
    assert "<h1>R&amp;D pain points</h1>" in english
    assert "Answer anonymously." in english


def test_untranslated_words_are_gone(app, client, login_as):
    pmo = login_as(Role.PMO)
    make_item(app, "条目", impact=3, effort=3)
    response = client.post(
        "/reviews/",
        data={"kind": "weekly", "held_on": TODAY.isoformat(), "attendees": "", "notes": ""},
    )
    review = client.get(response.headers["Location"]).text
    assert 'aria-label="impact"' not in review
    assert 'aria-label="影响"' in review
    assert pmo


def test_english_counts_use_the_singular(app, client, auth, make_user, make_business_line):
    pmo, director, assessment_id = _rated(app, make_user, make_business_line, "FI")
    auth.login(director)
    client.post(f"/cycles/assessments/{assessment_id}/submit")
    auth.logout()
    auth.login(pmo)
    client.post("/language", data={"locale": "en"})
    assert "1 assessment waits for your review" in client.get("/").text


def test_the_chinese_catalog_addresses_the_reader_as_nin():
    with open("app/translations/zh_Hans_CN/LC_MESSAGES/messages.po", encoding="utf-8") as po:
        strings = [line for line in po if line.startswith(("msgstr", '"'))]
    assert not [line for line in strings if "你" in line]


# ------------------------------------------------------------------------------ favicon


def test_the_favicon_is_served_and_linked(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data
    assert 'rel="icon"' in client.get("/login").text


def _pages_of(data: bytes) -> list[str]:
    """The text of each page, split at the footers."""
    _count, text = pdf_text(data)
    return re.split(r"第\s*\d+\s*页，共\s*\d+\s*页", text.replace("\n", ""))


def test_pdf_headings_stay_with_their_table_and_short_tables_are_not_split(app):
    from app.services.reports.exports import ReportTable
    from app.services.reports.pdf import _new_document, _section

    short = ReportTable("short", "短表标题", ("甲", "乙"), tuple((f"行{n}", n) for n in range(8)))
    long = ReportTable("long", "长表标题", ("甲", "乙"), tuple((f"长{n}", n) for n in range(120)))
    with app.test_request_context():
        pdf = _new_document("测试报告", "副标题")
        pdf.set_y(pdf.h - 40)  # near the foot: the heading and 8 rows do not fit
        _section(pdf, short)
        pdf.set_y(120)  # a long table starts where it is, heading and first rows together
        _section(pdf, long)
        pages = _pages_of(bytes(pdf.output()))
    assert "短表标题" not in pages[0]
    assert "短表标题" in pages[1]
    assert "行0" in pages[1]
    assert "行7" in pages[1]
    assert "长表标题" in pages[1]
    assert "长0" in pages[1]
    assert "长119" in pages[-2]  # went on over the next pages
