"""The PMO reviews themes in bulk, starts runs from theme names, and reads quotes and gaps.

Confirmed and moved findings are labelled examples: the next run and the placing of new
findings follow them (issue #11, items 1, 5 and 6).
"""

from __future__ import annotations

import re

from app.extensions import db
from app.services.findings.records import FindingFilter
from app.services.findings.theme_corrections import confirm_findings
from app.services.findings.themes import (
    assign_new_findings,
    create_run,
    execute_run,
    move_findings,
    refresh_stats,
    rename_theme,
)
from models import (
    AuditEvent,
    ClusteringRun,
    Finding,
    FindingSource,
    Placement,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)
from tests.test_theme_sources import GAPS, PAIN_POINTS
from tests.test_themes import finish_jobs


def _two_themes(app, line_id, members, *, labels=("需求变更", "测试不足")):
    """A finished run of two themes; ``members`` is ``{theme index: [(text, confidence)]}``.
    Returns the theme ids."""
    with app.app_context():
        run = ClusteringRun(status=RunStatus.DONE, k=2, parameters={})
        themes = [
            Theme(run=run, label=label, position=n, cluster_ids=[n])
            for n, label in enumerate(labels)
        ]
        db.session.add_all(themes)
        db.session.flush()
        for index, rows in members.items():
            for text, sure in rows:
                finding = Finding(
                    source=FindingSource.SURVEY, text=text, business_line_id=line_id, severity=3
                )
                db.session.add(finding)
                db.session.flush()
                db.session.add(
                    ThemeFinding(
                        run_id=run.id,
                        theme_id=themes[index].id,
                        finding_id=finding.id,
                        confidence=sure,
                    )
                )
        db.session.flush()
        refresh_stats(themes)
        db.session.commit()
        return [t.id for t in themes]


def _finding_id(app, text):
    with app.app_context():
        return db.session.scalar(db.select(Finding.id).where(Finding.text == text))


def _placement(app, finding_id):
    with app.app_context():
        row = db.session.scalars(
            db.select(ThemeFinding).where(ThemeFinding.finding_id == finding_id)
        ).one()
        return row.theme_id, row.placed_by, row.confidence


def _version(app, theme_id):
    with app.app_context():
        return db.session.get(Theme, theme_id).version


REVIEWED = {
    0: [("需求老是变", 0.9), ("需求文档太粗", 0.2), ("回归测试没做完就发布了", 0.05)],
    1: [("测试时间被压缩", 0.7), ("测试环境经常挂", None)],
}


def test_the_theme_page_lists_the_least_certain_findings_first(
    app, client, login_as, make_business_line
):
    login_as(Role.PMO)
    first, _second = _two_themes(app, make_business_line("RDC").id, REVIEWED)
    page = client.get(f"/themes/{first}").text
    shown = re.findall(r'data-confidence="([0-9.]*)"', page)
    assert shown == ["0.05", "0.2", "0.9"]
    listed = page[page.index("data-review") :]
    order = [
        listed.index(text) for text in ("回归测试没做完就发布了", "需求文档太粗", "需求老是变")
    ]
    assert order == sorted(order)
    assert 'data-action="confirm-selected"' in page
    assert 'data-action="move-selected"' in page


def test_the_pmo_confirms_selected_findings_in_one_post(app, client, login_as, make_business_line):
    login_as(Role.PMO)
    first, second = _two_themes(app, make_business_line("RDC").id, REVIEWED)
    picked = [_finding_id(app, "需求文档太粗"), _finding_id(app, "需求老是变")]
    other_theme = _finding_id(app, "测试时间被压缩")
    response = client.post(
        f"/themes/{first}/confirm",
        data={"findings": [*map(str, picked), str(other_theme)], "version": _version(app, first)},
        follow_redirects=True,
    )
    assert "已确认 2 条发现项" in response.text
    for finding_id in picked:
        assert _placement(app, finding_id) == (first, Placement.CONFIRMED, 1.0)
    assert _placement(app, other_theme) == (second, Placement.CLUSTERING, 0.7)
    assert "已确认" in client.get(f"/themes/{first}").text
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(object_type="Theme", action="confirm").one()
        assert event.object_id == str(first)


def test_a_review_on_a_stale_page_is_refused(app, client, login_as, make_business_line):
    login_as(Role.PMO)
    first, second = _two_themes(app, make_business_line("RDC").id, REVIEWED)
    shown = _version(app, first)
    doubtful = _finding_id(app, "回归测试没做完就发布了")
    client.post(
        f"/themes/{first}/confirm",
        data={"findings": [str(_finding_id(app, "需求老是变"))], "version": shown},
    )
    for url, data in (
        (f"/themes/{first}/confirm", {}),
        (f"/themes/{first}/move", {"target": second}),
    ):
        stale = client.post(
            url, data={"findings": [str(doubtful)], "version": shown, **data}, follow_redirects=True
        )
        assert "其他人修改了此主题" in stale.text
        assert _placement(app, doubtful) == (first, Placement.CLUSTERING, 0.05)
    nothing = client.post(
        f"/themes/{first}/confirm", data={"version": _version(app, first)}, follow_redirects=True
    )
    assert "请至少选择一条发现项" in nothing.text


def test_the_pmo_moves_selected_findings_to_another_theme(
    app, client, login_as, make_business_line
):
    login_as(Role.PMO)
    first, second = _two_themes(app, make_business_line("RDC").id, REVIEWED)
    doubtful = _finding_id(app, "回归测试没做完就发布了")
    response = client.post(
        f"/themes/{first}/move",
        data={"findings": [str(doubtful)], "target": second, "version": _version(app, first)},
        follow_redirects=True,
    )
    assert "已把 1 条发现项移到“测试不足”" in response.text
    assert _placement(app, doubtful) == (second, Placement.MOVED, 1.0)
    with app.app_context():
        assert db.session.get(Theme, first).size == 2
        assert db.session.get(Theme, second).size == 3
        assert db.session.query(AuditEvent).filter_by(action="move").count() == 1
    other_run = _two_themes(app, make_business_line("SCM").id, {0: [("供应商延期", 0.5)]})
    refused = client.post(
        f"/themes/{second}/move",
        data={"findings": [str(doubtful)], "target": other_run[0], "version": ""},
        follow_redirects=True,
    )
    assert "请选择同一次聚类中的另一个主题" in refused.text
    assert _placement(app, doubtful) == (second, Placement.MOVED, 1.0)


def test_directors_and_leadership_cannot_review(app, client, login_as, make_business_line):
    first, second = _two_themes(app, make_business_line("RDC").id, REVIEWED)
    login_as(Role.LEADERSHIP)
    assert 'data-action="confirm-selected"' not in client.get(f"/themes/{first}").text
    assert client.post(f"/themes/{first}/confirm", data={"findings": ["1"]}).status_code == 403
    login_as(Role.DIRECTOR)
    moved = client.post(f"/themes/{first}/move", data={"target": second})
    assert moved.status_code == 403
    assert client.get("/themes/runs/from-names").status_code == 403


def _pain_points(app, line_id):
    with app.app_context():
        for text in PAIN_POINTS:
            db.session.add(
                Finding(source=FindingSource.SURVEY, text=text, business_line_id=line_id)
            )
        db.session.commit()


def _finished(pmo_id, k):
    actor = db.session.get(User, pmo_id)
    run = create_run(actor, FindingFilter(), k=k)
    db.session.commit()
    execute_run(run.id)
    run = db.session.get(ClusteringRun, run.id)
    assert run.status is RunStatus.DONE, run.error
    return run


def _label_of(run_id, finding_id):
    return db.session.scalar(
        db.select(Theme.label)
        .join(ThemeFinding, ThemeFinding.theme_id == Theme.id)
        .where(ThemeFinding.run_id == run_id, ThemeFinding.finding_id == finding_id)
    )


def test_confirmed_findings_are_examples_the_next_run_follows(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    _pain_points(app, make_business_line("RDC").id)
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        run = _finished(pmo.id, k=3)
        supplier = db.session.scalar(db.select(Finding.id).where(Finding.text == PAIN_POINTS[5]))
        home = db.session.get(Theme, _theme_id(run.id, supplier))
        rename_theme(actor, home, "供应商管理")
        assert confirm_findings(actor, home, [supplier], version=home.version) == 1
        db.session.commit()
        following = _finished(pmo.id, k=None)
        assert following.k == 3
        assert _label_of(following.id, supplier) == "供应商管理"
        # certain: it was an example of that theme, not placed there by the clustering
        placed = db.session.scalars(
            db.select(ThemeFinding).where(
                ThemeFinding.run_id == following.id, ThemeFinding.finding_id == supplier
            )
        ).one()
        assert placed.confidence == 1.0
        assert placed.placed_by is Placement.CONFIRMED
        after = _finished(pmo.id, k=None)  # and the run after that still follows it
        assert _label_of(after.id, supplier) == "供应商管理"


def _theme_id(run_id, finding_id):
    return db.session.scalar(
        db.select(ThemeFinding.theme_id).where(
            ThemeFinding.run_id == run_id, ThemeFinding.finding_id == finding_id
        )
    )


def test_new_findings_follow_the_pmos_moved_examples(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC").id
    _pain_points(app, line)
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        run = _finished(pmo.id, k=2)
        supplier = db.session.scalar(db.select(Finding.id).where(Finding.text == PAIN_POINTS[5]))
        own = _theme_id(run.id, supplier)
        other = next(t.id for t in run.themes if t.id != own)

        def place_a_twin():
            twin = Finding(source=FindingSource.SURVEY, text=PAIN_POINTS[5], business_line_id=line)
            db.session.add(twin)
            db.session.commit()
            assert assign_new_findings(actor, run) == 1
            db.session.commit()
            return _theme_id(run.id, twin.id)

        assert place_a_twin() == own  # before the PMO's correction: its nearest theme
        move_findings(actor, db.session.get(Theme, other), [supplier])
        db.session.commit()
        assert place_a_twin() == other  # it follows the example the PMO moved


NAMES = """需求管理: 需求老是变，开发做到一半客户又改主意了 | 客户口头提的需求没人记录
测试质量：测试时间被压缩
供应商管理
"""


def test_a_run_started_from_theme_names_has_those_themes(app, client, login_as, make_business_line):
    login_as(Role.PMO)
    _pain_points(app, make_business_line("RDC").id)
    form = client.get("/themes/runs/from-names")
    assert form.status_code == 200
    assert 'name="themes"' in form.text
    response = client.post("/themes/runs/from-names", data={"themes": NAMES, "cycle": "0"})
    assert response.status_code == 302, response.text
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish_jobs(app, run_id)
    with app.app_context():
        run = db.session.get(ClusteringRun, run_id)
        assert run.status is RunStatus.DONE, run.error
        assert [t.label for t in run.themes][:3] == ["需求管理", "测试质量", "供应商管理"]
        assert run.k == 3
        assert sum(t.size for t in run.themes) == len(PAIN_POINTS)

        def label(text):
            found = db.session.scalar(db.select(Finding.id).where(Finding.text == text))
            return _label_of(run_id, found), db.session.scalars(
                db.select(ThemeFinding.placed_by).where(ThemeFinding.finding_id == found)
            ).one()

        assert label(PAIN_POINTS[0]) == ("需求管理", Placement.CONFIRMED)  # given as an example
        assert label("回归测试没做完就发布了，线上出问题")[0] == "测试质量"
        assert label("供应商交货总是延期，没人跟进")[0] == "供应商管理"
        assert db.session.query(AuditEvent).filter_by(action="seed").count() == 1
    page = client.get(f"/themes/runs/{run_id}").text
    assert "需求管理" in page
    assert "供应商管理" in page


def test_a_theme_list_that_cannot_be_read_names_the_line(client, login_as):
    login_as(Role.PMO)
    twice = client.post("/themes/runs/from-names", data={"themes": "进度\n: 例子\n"})
    assert twice.status_code == 422
    assert "第 2 行" in twice.text
    assert client.post("/themes/runs/from-names", data={"themes": ""}).status_code == 422
    with client.application.app_context():
        assert db.session.query(ClusteringRun).count() == 0


MIXED = [
    ("需求老是变，开发做到一半客户又改主意了", 0.9),
    ("需求文档太粗，细节只能靠猜", 0.8),
    ("Requirements keep changing halfway through development", 0.7),
    ("客户口头提的需求没人记录", 0.6),
    ("Nobody writes down what the customer asked for", 0.5),
]


def test_quotes_come_in_the_readers_language_first(app, client, login_as, make_business_line):
    first, _second = _two_themes(app, make_business_line("RDC").id, {0: MIXED})
    ids = [_finding_id(app, text) for text, _sure in MIXED[:4]]
    with app.app_context():
        theme = db.session.get(Theme, first)
        theme.representative_ids = ids  # three Chinese and one English central quote
        theme.version += 1
        db.session.commit()

    def quotes():
        page = client.get(f"/themes/{first}").text
        return re.findall(r'<blockquote class="quote">“(.*?)”</blockquote>', page)

    login_as(Role.PMO, locale="en")
    english = quotes()
    assert english[:2] == [MIXED[2][0], MIXED[4][0]]  # topped up from the members
    assert set(english[2:]) == {MIXED[0][0], MIXED[1][0], MIXED[3][0]}
    client.post("/logout")
    login_as(Role.PMO)
    chinese = quotes()
    assert chinese[:3] == [MIXED[0][0], MIXED[1][0], MIXED[3][0]]
    assert chinese[3] == MIXED[2][0]


def test_the_run_page_lists_assessment_gaps_by_process_area(
    app, client, login_as, make_business_line
):
    pmo = login_as(Role.PMO)
    line = make_business_line("RDC").id
    _pain_points(app, line)
    with app.app_context():
        for text in [*GAPS, "PP 估算目标未满足"]:
            db.session.add(
                Finding(
                    source=FindingSource.GAP,
                    text=text,
                    business_line_id=line,
                    process_area=text.split()[0],
                )
            )
        db.session.commit()
        run = _finished(pmo.id, k=2)
    page = client.get(f"/themes/runs/{run.id}").text
    assert "按过程域分组的评估差距" in page
    areas = re.findall(r'data-gap-area="(\w*)"', page)
    assert areas[0] == "PP"
    assert set(areas) == {"PP", "PMC", "REQM", "CM", "VER", "RSKM"}
    counts = dict(
        re.findall(r'data-gap-area="(\w+)">\s*<td><a href="[^"]*">[^<]*</a></td>\s*<td>(\d+)', page)
    )
    assert counts["PP"] == "2"
    assert counts["CM"] == "1"
    link = re.search(r'data-gap-area="PP">\s*<td><a href="([^"]*)"', page).group(1)
    listed = client.get(link.replace("&amp;", "&")).text
    assert "PP 估算目标未满足" in listed
    assert "CM 过程域目标未满足" not in listed
    assert "需求老是变" not in listed
