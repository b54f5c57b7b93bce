"""Themes: a clustering run over findings, in the background, and the PMO's edits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.extensions import db
from app.services import jobs
from app.services.findings.records import FindingFilter
from app.services.findings.themes import (
    assign_new_findings,
    create_run,
    merge_themes,
    move_findings,
    queue_run,
    refresh_stats,
    rename_theme,
    split_theme,
)
from models import (
    AuditEvent,
    ClusteringRun,
    Finding,
    FindingSource,
    Job,
    Placement,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)

LABELLED = Path(__file__).parent / "data" / "pain_points_labelled.csv"


def labelled_rows(per_theme=12):
    """The first ``per_theme`` labelled pain points of each theme (kept small for speed)."""
    with LABELLED.open(encoding="utf-8") as handle:
        rows = [(row["text"], row["theme"]) for row in csv.DictReader(handle)]
    seen: dict[str, int] = {}
    kept = []
    for text, theme in rows:
        seen[theme] = seen.get(theme, 0) + 1
        if seen[theme] <= per_theme:
            kept.append((text, theme))
    return kept


@pytest.fixture
def pain_points(app, make_business_line):
    """The labelled pain points as survey findings over two business lines."""
    lines = [make_business_line("RDC", "研发中心").id, make_business_line("SCM", "供应链").id]
    rows = labelled_rows()
    with app.app_context():
        for n, (text, _theme) in enumerate(rows):
            db.session.add(
                Finding(
                    source=FindingSource.SURVEY,
                    text=text,
                    business_line_id=lines[n % 2],
                    severity=1 + n % 5,
                )
            )
        db.session.commit()
    return rows


def run_to_completion(app, pmo_id, filters=None, k=None):
    with app.app_context():
        actor = db.session.get(User, pmo_id)
        run = create_run(actor, filters or FindingFilter(), k=k)
        queue_run(actor, run)
        db.session.commit()
        run_id = run.id
    finish_jobs(app, run_id)
    return run_id


def finish_jobs(app, run_id):
    """Wait for the jobs about the run (run in threads of this process: no Redis here)."""
    with app.app_context():
        ids = db.session.scalars(
            db.select(Job.id).where(Job.subject == f"clustering_run:{run_id}")
        ).all()
    for job_id in ids:
        jobs.join(job_id, timeout=120)


def test_a_run_completes_in_the_background_and_stores_themes(app, make_user, pain_points):
    pmo = make_user(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=8)
    with app.app_context():
        run = db.session.get(ClusteringRun, run_id)
        assert run.status is RunStatus.DONE, run.error
        assert run.progress == 100
        assert run.k == 8
        assert run.finding_count == len(pain_points)
        assert "silhouette" in run.quality
        assert run.model_label.startswith("cmmi-dev-1.3")
        themes = run.themes
        assert len(themes) == 8
        assert sum(t.size for t in themes) == len(pain_points)
        assert db.session.query(ThemeFinding).filter_by(run_id=run_id).count() == len(pain_points)
        for theme in themes:
            assert theme.label
            assert 1 <= theme.mean_severity <= 5
            assert theme.representative_ids
            assert theme.business_line_ids
        areas = {code for t in themes for code in t.process_areas}
        assert {"REQM", "PP"} & areas


def test_the_run_page_polls_then_shows_the_themes(app, client, login_as, pain_points):
    pmo = login_as(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=6)
    assert client.get(f"/themes/runs/{run_id}/status").json["status"] == "done"
    page = client.get("/themes/", follow_redirects=True).text
    assert "data-theme=" in page
    assert "clustering-progress.js" not in page
    with app.app_context():
        theme = db.session.query(Theme).filter_by(run_id=run_id).order_by(Theme.position).first()
        quote = db.session.get(Finding, theme.representative_ids[0]).text
    detail = client.get(f"/themes/{theme.id}").text
    assert quote in detail
    assert "代表性原话" in detail


def test_a_queued_run_shows_progress_with_a_script_file(app, client, login_as, pain_points):
    pmo = login_as(Role.PMO)
    with app.app_context():
        run = create_run(db.session.get(User, pmo.id), FindingFilter(), k=None)
        db.session.commit()
        run_id = run.id
    page = client.get(f"/themes/runs/{run_id}").text
    assert "<progress" in page
    assert 'src="/static/clustering-progress.js"' in page
    assert client.get(f"/themes/runs/{run_id}/status").json == {
        "status": "queued",
        "progress": 0,
        "k": None,
    }


def test_starting_a_run_from_the_page_returns_at_once(app, client, login_as, pain_points):
    login_as(Role.PMO)
    response = client.post("/themes/runs", data={"cycle": "0", "source": "", "k": "5"})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish_jobs(app, run_id)
    assert client.get(f"/themes/runs/{run_id}/status").json["status"] == "done"


def test_rename_move_merge_are_kept_and_audited(app, make_user, pain_points):
    pmo = make_user(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=6)
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        first, second, third = db.session.get(ClusteringRun, run_id).themes[:3]
        rename_theme(actor, first, "需求频繁变更", version=first.version)
        moved = db.session.scalars(
            db.select(ThemeFinding.finding_id).where(ThemeFinding.theme_id == second.id).limit(2)
        ).all()
        sizes = (first.size, second.size, third.size)
        assert move_findings(actor, first, moved) == 2
        merge_themes(actor, first, third)
        db.session.commit()
        first_id, second_id, third_id = first.id, second.id, third.id
    with app.app_context():
        first = db.session.get(Theme, first_id)
        assert first.label == "需求频繁变更"
        assert first.size == sizes[0] + 2 + sizes[2]
        assert db.session.get(Theme, second_id).size == sizes[1] - 2
        assert db.session.get(Theme, third_id) is None
        placed = db.session.query(ThemeFinding).filter(ThemeFinding.finding_id.in_(moved)).all()
        assert {(p.theme_id, p.placed_by) for p in placed} == {(first_id, Placement.MOVED)}
        actions = {e.action for e in db.session.query(AuditEvent).filter_by(object_type="Theme")}
        assert {"update", "move", "merge"} <= actions
    rerun_id = run_to_completion(app, pmo.id, k=6)
    with app.app_context():
        assert db.session.get(Theme, first_id).label == "需求频繁变更"
        assert db.session.get(ClusteringRun, rerun_id).status is RunStatus.DONE
        assert len(db.session.get(ClusteringRun, rerun_id).themes) == 6


def test_pmo_edits_themes_through_the_pages(app, client, login_as, pain_points):
    pmo = login_as(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=5)
    with app.app_context():
        first, second = db.session.get(ClusteringRun, run_id).themes[:2]
        ids = (first.id, second.id, first.version)
        member = db.session.scalar(
            db.select(ThemeFinding.finding_id).where(ThemeFinding.theme_id == second.id)
        )
    assert (
        client.post(
            f"/themes/{ids[0]}/rename", data={"label": "进度", "version": ids[2]}
        ).status_code
        == 302
    )
    stale = client.post(f"/themes/{ids[0]}/rename", data={"label": "旧", "version": ids[2]})
    assert "其他人修改了此主题" in client.get(stale.headers["Location"]).text
    client.post(f"/themes/{ids[1]}/move", data={"findings": [str(member)], "target": ids[0]})
    client.post(f"/themes/{ids[1]}/merge", data={"other": ids[0]})
    page = client.get(f"/themes/{ids[0]}").text
    assert "进度" in page
    with app.app_context():
        assert db.session.get(Theme, ids[1]) is None
        assert db.session.get(Theme, ids[0]).label == "进度"


def test_new_findings_go_to_the_nearest_theme_without_rerunning(app, make_user, pain_points):
    pmo = make_user(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=8)
    with app.app_context():
        requirement = db.session.scalar(
            db.select(Finding.id).where(Finding.text == pain_points[0][0])
        )
        home = db.session.scalar(
            db.select(ThemeFinding.theme_id).where(
                ThemeFinding.run_id == run_id, ThemeFinding.finding_id == requirement
            )
        )
        line = db.session.scalar(db.select(Finding.business_line_id).limit(1))
        new = Finding(
            source=FindingSource.SURVEY,
            text="需求又变了，客户开发到一半改主意",
            business_line_id=line,
            severity=4,
        )
        db.session.add(new)
        db.session.commit()
        run = db.session.get(ClusteringRun, run_id)
        assert assign_new_findings(db.session.get(User, pmo.id), run) == 1
        db.session.commit()
        placed = db.session.query(ThemeFinding).filter_by(finding_id=new.id).one()
        assert placed.theme_id == home
        assert placed.placed_by is Placement.ASSIGNED
        assert assign_new_findings(db.session.get(User, pmo.id), run) == 0
        assert db.session.query(ClusteringRun).count() == 1


def test_runs_are_for_the_pmo_and_leadership_reads(client, login_as):
    login_as(Role.DIRECTOR)
    assert client.get("/themes/").status_code == 403
    assert client.post("/themes/runs", data={}).status_code == 403


def test_nothing_to_cluster_says_so(client, login_as):
    login_as(Role.PMO)
    response = client.post("/themes/runs", data={"cycle": "0", "source": ""}, follow_redirects=True)
    assert "无法聚类" in response.text


def test_rerun_and_assign_buttons(app, client, login_as, pain_points):
    pmo = login_as(Role.PMO)
    run_id = run_to_completion(app, pmo.id, k=5)
    with app.app_context():
        line = db.session.scalar(db.select(Finding.business_line_id).limit(1))
        db.session.add(
            Finding(source=FindingSource.MANUAL, text="供应商交期又延误了", business_line_id=line)
        )
        db.session.commit()
    page = client.get(f"/themes/runs/{run_id}").text
    assert 'data-action="assign"' in page
    assert client.post(f"/themes/runs/{run_id}/assign").status_code == 302
    finish_jobs(app, run_id)
    placed = client.get(f"/themes/runs/{run_id}").text
    assert "已把 1 条新发现项归入最接近的主题" in placed
    assert 'data-action="assign"' not in placed
    nothing = client.post(f"/themes/runs/{run_id}/assign", follow_redirects=True)
    assert "没有新的发现项" in nothing.text
    response = client.post(f"/themes/runs/{run_id}/rerun")
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish_jobs(app, new_id)
    with app.app_context():
        rerun = db.session.get(ClusteringRun, new_id)
        assert rerun.status is RunStatus.DONE
        assert rerun.k_requested == 5
        assert rerun.finding_count == len(pain_points) + 1


def make_theme(app, texts, line_ids, *, label="混合主题", areas=("REQM",)):
    """A finished run holding one theme with ``texts`` as findings (no clustering needed)."""
    with app.app_context():
        run = ClusteringRun(status=RunStatus.DONE, k=1, parameters={})
        theme = Theme(run=run, label=label, process_areas=list(areas), cluster_ids=[0])
        db.session.add(theme)
        db.session.flush()
        for n, text in enumerate(texts):
            finding = Finding(
                source=FindingSource.SURVEY,
                text=text,
                business_line_id=line_ids[n % len(line_ids)],
                severity=4,
            )
            db.session.add(finding)
            db.session.flush()
            db.session.add(ThemeFinding(run_id=run.id, theme_id=theme.id, finding_id=finding.id))
        db.session.flush()
        refresh_stats([theme])
        db.session.commit()
        return theme.id


def two_topics():
    rows = labelled_rows(per_theme=10)
    return [t for t, theme in rows if theme in ("requirements", "supplier")]


def test_splitting_a_theme_reclusters_its_findings_into_new_themes(
    app, make_user, make_business_line
):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心").id
    texts = two_topics()
    theme_id = make_theme(app, texts, [line])
    with app.app_context():
        theme = db.session.get(Theme, theme_id)
        parts = split_theme(db.session.get(User, pmo.id), theme, 2)
        db.session.commit()
        assert parts[0].id == theme_id
        assert len(parts) == 2
        assert parts[1].run_id == theme.run_id
        assert sum(p.size for p in parts) == len(texts)
        assert all(p.size for p in parts)
        members = {
            p.id: set(
                db.session.scalars(
                    db.select(Finding.text)
                    .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
                    .where(ThemeFinding.theme_id == p.id)
                )
            )
            for p in parts
        }
        requirement = set(two_topics()[:10])
        best = max(len(m & requirement) for m in members.values())
        assert best >= 8  # the requirement complaints mostly end up together
        event_ = db.session.query(AuditEvent).filter_by(object_type="Theme", action="split").one()
        assert event_.object_id == str(theme_id)


def test_the_pmo_splits_from_the_theme_page_and_a_uniform_theme_is_refused(
    app, client, login_as, make_business_line
):
    login_as(Role.PMO)
    line = make_business_line("RDC", "研发中心").id
    theme_id = make_theme(app, two_topics(), [line])
    page = client.get(f"/themes/{theme_id}").text
    assert 'data-action="split"' in page
    response = client.post(f"/themes/{theme_id}/split", data={"parts": "2"})
    assert response.status_code == 302
    run_page = client.get(response.headers["Location"]).text
    assert "已把主题拆分为 2 个主题" in run_page
    with app.app_context():
        run_id = db.session.get(Theme, theme_id).run_id
        assert db.session.query(Theme).filter_by(run_id=run_id).count() == 2
    same = make_theme(app, ["需求变更太频繁"] * 4, [line])
    refused = client.post(f"/themes/{same}/split", data={"parts": "2"}, follow_redirects=True)
    assert "不足 2 条不同的文本" in refused.text
    with app.app_context():
        run_id = db.session.get(Theme, same).run_id
        assert db.session.query(Theme).filter_by(run_id=run_id).count() == 1
    assert client.post(f"/themes/{same}/split", data={}).status_code == 302


def test_directors_cannot_split_or_turn_themes_into_items(
    app, client, login_as, make_business_line
):
    login_as(Role.DIRECTOR)
    line = make_business_line("RDC", "研发中心").id
    theme_id = make_theme(app, two_topics(), [line])
    assert client.post(f"/themes/{theme_id}/split", data={"parts": "2"}).status_code == 403
    assert client.post(f"/backlog/from-theme/{theme_id}").status_code == 403
