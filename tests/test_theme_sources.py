"""What a theme run clusters: pain points, notes and imports; assessment gaps only on request.

Gaps ("… 未满足") are already grouped by process area and share one wording: clustered with
the pain points they made one big theme that took over the leadership's top themes.
"""

from __future__ import annotations

from app.extensions import db
from app.services.findings.records import FindingFilter
from app.services.findings.themes import (
    create_run,
    execute_run,
    merge_themes,
    move_findings,
    rename_theme,
    theme_findings,
)
from assessments.text import has_cjk
from models import (
    ClusteringRun,
    Finding,
    FindingSource,
    ImprovementItem,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)

PAIN_POINTS = [
    "需求老是变，开发做到一半客户又改主意了",
    "需求文档太粗，细节只能靠猜",
    "客户口头提的需求没人记录，后面扯皮",
    "测试时间被压缩，上线后bug很多",
    "回归测试没做完就发布了，线上出问题",
    "供应商交货总是延期，没人跟进",
    "外包团队质量差，验收标准不清楚",
]
GAPS = [f"{code} 过程域目标未满足" for code in ("PP", "PMC", "REQM", "CM", "VER", "RSKM")]


def _findings(business_line_id: int) -> None:
    for text in PAIN_POINTS:
        db.session.add(
            Finding(source=FindingSource.SURVEY, text=text, business_line_id=business_line_id)
        )
    for text in GAPS:
        db.session.add(
            Finding(source=FindingSource.GAP, text=text, business_line_id=business_line_id)
        )
    db.session.commit()


def _clustered_sources(pmo_id: int, **options: bool) -> set[FindingSource]:
    actor = db.session.get(User, pmo_id)
    run = create_run(actor, FindingFilter(), k=2, **options)
    db.session.commit()
    execute_run(run.id)
    run = db.session.get(ClusteringRun, run.id)
    assert run.status is RunStatus.DONE, run.error
    rows = db.session.scalars(
        db.select(Finding.source)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .where(ThemeFinding.run_id == run.id)
    )
    for theme in run.themes:
        assert has_cjk(theme.label)  # names in the user's language (Chinese by default)
    return set(rows)


def test_gaps_are_not_clustered_unless_the_pmo_asks(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心")
    with app.app_context():
        _findings(line.id)
        assert _clustered_sources(pmo.id) == {FindingSource.SURVEY}
        asked = _clustered_sources(pmo.id, include_gaps=True)
        assert asked == {FindingSource.SURVEY, FindingSource.GAP}


def test_the_run_form_offers_to_include_gaps(client, login_as):
    login_as(Role.PMO)
    page = client.get("/themes/").get_data(as_text=True)
    assert 'name="include_gaps"' in page


def _finished_run(actor: User, k: int | None) -> ClusteringRun:
    run = create_run(actor, FindingFilter(), k=k)
    db.session.commit()
    execute_run(run.id)
    return db.session.get(ClusteringRun, run.id)


def _theme_of(run_id: int, finding_id: int) -> tuple[str, float | None]:
    row = db.session.execute(
        db.select(Theme.label, ThemeFinding.confidence)
        .join(ThemeFinding, ThemeFinding.theme_id == Theme.id)
        .where(ThemeFinding.run_id == run_id, ThemeFinding.finding_id == finding_id)
    ).one()
    return row[0], row[1]


def test_moved_findings_are_examples_the_next_run_follows(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心")
    with app.app_context():
        _findings(line.id)
        actor = db.session.get(User, pmo.id)
        run = _finished_run(actor, k=3)
        assert all(0 <= row.confidence <= 1 for row in db.session.scalars(
            db.select(ThemeFinding).where(ThemeFinding.run_id == run.id)
        ))  # fmt: skip
        odd = db.session.scalar(db.select(Finding.id).where(Finding.text == PAIN_POINTS[3]))
        own, _ = _theme_of(run.id, odd)
        target = next(t for t in run.themes if t.label != own)
        rename_theme(actor, target, "供应与外包")
        move_findings(actor, target, [odd])
        db.session.commit()

        second = _finished_run(actor, k=None)
        label, confidence = _theme_of(second.id, odd)
        assert label == "供应与外包"  # the PMO's example went with its theme's name
        assert confidence == 1.0
        assert second.k == 3


def test_the_theme_page_lists_the_least_confident_findings_first(
    app, make_user, make_business_line
):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心")
    with app.app_context():
        _findings(line.id)
        run = _finished_run(db.session.get(User, pmo.id), k=2)
        for theme in run.themes:
            listed = db.session.scalars(theme_findings(theme)).all()
            sure = [_theme_of(run.id, f.id)[1] for f in listed]
            assert sure == sorted(sure)


def test_merging_a_theme_keeps_its_backlog_items_linked(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心")
    with app.app_context():
        _findings(line.id)
        actor = db.session.get(User, pmo.id)
        keep, absorbed = _finished_run(actor, k=2).themes[:2]
        item = ImprovementItem(
            title="需求评审", impact=3, urgency=3, effort=2, priority=4.5, theme_id=absorbed.id
        )
        db.session.add(item)
        db.session.flush()
        merge_themes(actor, keep, absorbed)
        db.session.commit()
        assert db.session.get(ImprovementItem, item.id).theme_id == keep.id
