"""Published runs: a run is a draft until the PMO publishes it; leadership, the dashboard and
the reports see the published run only; publishing carries the PMO's work over."""

from __future__ import annotations

from app.extensions import db
from app.services.backlog.items import ItemInput, save_item
from app.services.findings.publication import current_run, publish_run
from app.services.findings.themes import (
    create_run,
    merge_themes,
    move_findings,
    queue_run,
    refresh_stats,
    rename_theme,
    run_filters,
)
from app.services.tokens import create_token
from models import (
    AuditEvent,
    ClusteringRun,
    Finding,
    FindingSource,
    ImprovementItem,
    Placement,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    User,
)
from tests.api_support import bearer
from tests.test_themes import finish_jobs, pain_points, run_to_completion  # noqa: F401


def findings(app, count, line_id=None, prefix="痛点"):
    with app.app_context():
        rows = [
            Finding(
                source=FindingSource.SURVEY,
                text=f"{prefix} {n}",
                business_line_id=line_id,
                severity=3,
            )
            for n in range(count)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def make_run(app, themes: dict[str, list[int]], *, created_by=None) -> tuple[int, list[int]]:
    """A finished run (a draft) whose themes hold the given findings; (run id, theme ids)."""
    with app.app_context():
        run = ClusteringRun(
            status=RunStatus.DONE, k=len(themes), parameters={}, created_by_id=created_by
        )
        db.session.add(run)
        db.session.flush()
        made = []
        for position, (label, members) in enumerate(themes.items()):
            theme = Theme(run_id=run.id, position=position, label=label, cluster_ids=[position])
            db.session.add(theme)
            db.session.flush()
            db.session.add_all(
                ThemeFinding(run_id=run.id, theme_id=theme.id, finding_id=f) for f in members
            )
            made.append(theme)
        db.session.flush()
        refresh_stats(made)
        db.session.commit()
        return run.id, [t.id for t in made]


def publish(app, person, run_id):
    with app.app_context():
        changes = publish_run(
            db.session.get(User, person.id), db.session.get(ClusteringRun, run_id)
        )
        db.session.commit()
        return changes


def item_for(app, person, theme_id, title="统一需求变更流程"):
    with app.app_context():
        item = save_item(
            db.session.get(User, person.id), None, ItemInput(title=title), theme_id=theme_id
        )
        db.session.commit()
        return item.id


def theme_of_item(app, item_id):
    with app.app_context():
        return db.session.get(ImprovementItem, item_id).theme_id


def test_leadership_never_sees_a_draft_run(
    app, client, auth, login_as, make_user, make_business_line
):
    pmo = make_user(Role.PMO)
    line = make_business_line("RDC", "研发中心").id
    ids = findings(app, 6, line)
    run_id, (theme_id, _other) = make_run(
        app, {"需求变更频繁": ids[:4], "测试资源不足": ids[4:]}, created_by=pmo.id
    )
    item_id = item_for(app, pmo, theme_id, "需求评审前置")

    login_as(Role.LEADERSHIP)
    item_page = client.get(f"/backlog/{item_id}").text
    assert "需求评审前置" in item_page
    assert "data-theme-link" not in item_page  # the draft's theme is not named
    assert "需求变更频繁" not in item_page
    index = client.get("/themes/")
    assert index.status_code == 200
    assert "PMO 尚未发布主题" in index.text
    for url in (
        f"/themes/runs/{run_id}",
        f"/themes/runs/{run_id}/status",
        f"/themes/runs/{run_id}/export?format=csv",
        f"/themes/{theme_id}",
    ):
        assert client.get(url).status_code == 404, url
    dashboard = client.get("/reports/").text
    assert "需求变更频繁" not in dashboard
    assert "尚未发布主题" in dashboard
    assert "需求变更频繁".encode() not in client.get("/reports/charts/themes.svg").data
    assert "需求变更频繁" not in client.get("/reports/company").text

    auth.logout()
    login_as(Role.PMO)
    draft = client.get(f"/themes/runs/{run_id}").text
    assert 'data-run-state="draft"' in draft
    assert "草稿" in draft
    assert 'data-action="publish"' in draft
    assert "发布后将带来的变化" in draft  # the preview
    assert client.post(f"/themes/runs/{run_id}/publish").status_code == 302
    published = client.get(f"/themes/runs/{run_id}").text
    assert 'data-run-state="published"' in published
    assert 'data-action="publish"' not in published
    again = client.post(f"/themes/runs/{run_id}/publish", follow_redirects=True)
    assert "已是发布的运行" in again.text

    auth.logout()
    login_as(Role.LEADERSHIP)
    assert client.get("/themes/").headers["Location"].endswith(f"/themes/runs/{run_id}")
    assert "需求变更频繁" in client.get(f"/themes/runs/{run_id}").text
    assert client.get(f"/themes/{theme_id}").status_code == 200
    assert "data-theme-link" in client.get(f"/backlog/{item_id}").text
    assert "需求变更频繁" in client.get("/reports/").text
    assert "需求变更频繁".encode() in client.get("/reports/charts/themes.svg").data

    # a newer draft changes nothing leadership sees
    newer, _themes = make_run(app, {"会议太多": ids}, created_by=pmo.id)
    assert client.get("/themes/").headers["Location"].endswith(f"/themes/runs/{run_id}")
    assert client.get(f"/themes/runs/{newer}").status_code == 404
    dashboard = client.get("/reports/").text
    assert "会议太多" not in dashboard
    assert "需求变更频繁" in dashboard
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="publish").one()
        assert event.object_type == "ClusteringRun"
        assert event.object_id == str(run_id)


def test_the_api_reports_the_real_published_flag(app, client, make_user):
    pmo, leader = make_user(Role.PMO), make_user(Role.LEADERSHIP)
    ids = findings(app, 4)
    run_id, _themes = make_run(app, {"a": ids[:2], "b": ids[2:]}, created_by=pmo.id)
    with app.app_context():
        pmo_token = create_token(None, db.session.get(User, pmo.id), "t", ("themes:run",))[1]
        leader_token = create_token(None, db.session.get(User, leader.id), "t", ("read",))[1]
        db.session.commit()
    url = f"/api/v1/clustering-runs/{run_id}"
    assert client.get(url, headers=bearer(pmo_token)).json["published"] is False
    assert client.get(url, headers=bearer(leader_token)).status_code == 403  # needs themes:run
    publish(app, pmo, run_id)
    body = client.get(url, headers=bearer(pmo_token)).json
    assert body["published"] is True
    assert body["status"] == "done"
    assert sorted(t["name"] for t in body["themes"]) == ["a", "b"]


def test_publishing_keeps_renames_moved_findings_and_backlog_links(
    app,
    client,
    login_as,
    pain_points,  # noqa: F811
):
    pmo = login_as(Role.PMO)
    first = run_to_completion(app, pmo.id, k=6)
    publish(app, pmo, first)
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        themes = sorted(db.session.get(ClusteringRun, first).themes, key=lambda t: -t.size)
        big, other = themes[0], themes[1]
        rename_theme(actor, big, "需求反复变更")
        moved = db.session.scalars(
            db.select(ThemeFinding.finding_id).where(ThemeFinding.theme_id == other.id).limit(2)
        ).all()
        move_findings(actor, big, moved)
        db.session.commit()
        big_id = big.id
    item_id = item_for(app, pmo, big_id)

    with app.app_context():
        run = create_run(
            db.session.get(User, pmo.id), run_filters(db.session.get(ClusteringRun, first)), k=6
        )
        queue_run(db.session.get(User, pmo.id), run)
        db.session.commit()
        second = run.id
    finish_jobs(app, second)
    preview = client.get(f"/themes/runs/{second}").text
    assert "发布后将带来的变化" in preview
    assert "需求反复变更" in preview  # the PMO's name, shown as kept
    assert theme_of_item(app, item_id) == big_id  # a preview changes nothing

    changes = publish(app, pmo, second)
    with app.app_context():
        assert current_run().id == second
        # one theme has the PMO's name (the seeded run may have given it to another too)
        renamed = db.session.scalars(
            db.select(Theme).where(Theme.run_id == second, Theme.label == "需求反复变更")
        ).one()
        assert renamed.label_edited
        placed = db.session.execute(
            db.select(ThemeFinding.theme_id, ThemeFinding.placed_by).where(
                ThemeFinding.run_id == second, ThemeFinding.finding_id.in_(moved)
            )
        ).all()
        assert placed == [(renamed.id, Placement.MOVED)] * 2
        assert db.session.get(ImprovementItem, item_id).theme_id == renamed.id
        stored = db.session.get(ClusteringRun, second).changes
    assert changes == stored
    assert changes["previous_run_id"] == first
    assert {"id": renamed.id, "label": "需求反复变更"}.items() <= changes["renamed"][0].items()
    assert [row["id"] for row in changes["items_relinked"]] == [item_id]
    assert changes["findings_carried"] == 2
    page = client.get(f"/themes/runs/{second}").text
    assert "发布时的变化" in page
    assert 'data-change="renamed"' in page


def test_a_merge_is_kept_and_items_keep_their_theme(app, client, login_as, make_user):
    pmo = make_user(Role.PMO)
    ids = findings(app, 40)
    old_run, (a, b, c) = make_run(
        app, {"需求": ids[0:10], "变更": ids[10:20], "供应商": ids[20:30]}, created_by=pmo.id
    )
    publish(app, pmo, old_run)
    on_b, on_c = item_for(app, pmo, b, "变更评审"), item_for(app, pmo, c, "供应商考核")
    with app.app_context():
        actor = db.session.get(User, pmo.id)
        merge_themes(actor, db.session.get(Theme, a), db.session.get(Theme, b))
        rename_theme(actor, db.session.get(Theme, a), "需求变更失控")
        db.session.commit()
    assert theme_of_item(app, on_b) == a  # the merge kept the link

    # the new run finds the two halves again, and no longer the supplier theme
    new_run, (a2, b2, d2) = make_run(
        app, {"需求 / 评审": ids[0:10], "变更 / 频繁": ids[10:20], "会议": ids[30:40]}
    )
    changes = publish(app, pmo, new_run)
    with app.app_context():
        themes = db.session.get(ClusteringRun, new_run).themes
        assert [(t.id, t.label, t.size) for t in themes] == [
            (a2, "需求变更失控", 20),
            (d2, "会议", 10),
        ]
        assert db.session.get(Theme, b2) is None
    assert theme_of_item(app, on_b) == a2
    assert theme_of_item(app, on_c) == c  # nothing continues the supplier theme
    assert changes["merged"] == [{"id": a2, "label": "需求变更失控", "absorbed": "变更 / 频繁"}]
    assert changes["items_kept"] == [{"id": on_c, "theme": c, "label": "供应商"}]
    assert [row["label"] for row in changes["gone"]] == ["供应商"]
    assert [row["label"] for row in changes["new"]] == ["会议"]

    login_as(Role.PMO)
    page = client.get(f"/themes/runs/{new_run}").text
    assert 'data-change="items-kept"' in page
    assert f"#{on_c}" in page
