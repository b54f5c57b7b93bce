"""`ladder backup` and `ladder restore`: what is restored is exactly what was saved."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from datetime import date

import pytest
from flask_migrate import upgrade

from app.extensions import db
from app.services.backup import table_rows
from tests.conftest import make_test_app
from tests.databases import BACKENDS, temporary_database


@pytest.fixture(params=BACKENDS)
def empty_target(request, tmp_path):
    """A migrated, empty database of either kind to restore into."""
    with temporary_database(request.param, tmp_path) as url:
        application = make_test_app(url, tmp_path)
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.engine.dispose()


def test_backup_restores_exactly_into_an_empty_database_of_either_kind(app, empty_target, tmp_path):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    archive = tmp_path / "ladder-backup.zip"
    made = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(archive) as handle:
        manifest = json.loads(handle.read("manifest.json"))
    assert manifest["tables"]["users"]["rows"] == 15  # 8 and 7 respondents
    assert manifest["tables"]["respondent_ratings"]["rows"] > 0

    restored = empty_target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        source = table_rows(db.engine)
    with empty_target.app_context():
        target = table_rows(db.engine)
    assert target == source
    # serial ids go on after the restored rows
    client = empty_target.test_client()
    client.post("/login", data={"email": "admin@demo.ladder", "password": "ladder-demo"})
    created = client.post("/business-lines/new", data={"code": "NEW", "name": "新业务线"})
    assert created.status_code == 302


def test_restore_refuses_a_non_empty_database_and_changes_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    archive = tmp_path / "b.zip"
    runner.invoke(args=["backup", str(archive)])
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    with app.app_context():
        assert len(table_rows(db.engine)["users"]) == 15


def test_restore_refuses_damaged_or_foreign_archives(empty_target, tmp_path):
    runner = empty_target.test_cli_runner()
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    assert "not a backup archive" in runner.invoke(args=["restore", str(not_zip)]).stderr
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as handle:
        handle.writestr("manifest.json", json.dumps({"format": "something-else"}))
    assert "not a Ladder backup" in runner.invoke(args=["restore", str(foreign)]).stderr
    with empty_target.app_context():
        assert all(not rows for rows in table_rows(db.engine).values())


# ------------------------------------------------- hostile content, across databases

LONG = ("长文本🚀 " * 500)[:1999] + "尾"  # the longest finding text the app accepts
HOSTILE_TEXTS = [
    "需求变更频繁，评审“走过场”",
    "emoji 🚀🔥👍🏽 and ZWJ 👩‍💻",
    "quotes ' \" ` ; -- /* */ DROP TABLE findings;",
    r"On-time $\x$ rate $\frac{",
    "tab\there\nnew line\r\nCRLF",
    "<script>alert(1)</script> & &amp;",
    '=HYPERLINK("http://x")',
    LONG,
]


def _fill_with_hostile_content(app) -> None:
    """Everything through the pages, as users would: so only what the app accepts."""
    from models import Role
    from tests.conftest import PASSWORD
    from tests.test_quickwins import _kpi, _project

    with app.app_context():
        from app.services.org import save_user

        save_user(
            None,
            None,
            email="pmo@hostile.test",
            display_name="PMO 😀 $x$",
            role=Role.PMO,
            password=PASSWORD,
            active=True,
            locale="zh_CN",
            business_line_ids=(),
        )
        db.session.commit()
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "pmo@hostile.test", "password": PASSWORD}).status_code
        == 302
    )
    for number, text in enumerate(HOSTILE_TEXTS):
        short = text[:100].strip() or "x"
        made = client.post(
            "/business-lines/new",
            data={"code": f"H{number}", "name": short, "description": text[:500]},
        )
        assert made.status_code == 302, made.text
    with app.app_context():
        from models import BusinessLine

        line_id = db.session.scalar(db.select(db.func.min(BusinessLine.id)))
    for text in HOSTILE_TEXTS:
        data = {"text": text, "business_line": line_id, "severity": "5", "cycle": "0"}
        assert client.post("/findings/new", data=data).status_code == 302
    pmo = type("P", (), {"id": None})()
    with app.app_context():
        from models import User

        pmo.id = db.session.scalar(db.select(User.id).where(User.email == "pmo@hostile.test"))
    project_id = _project(app, client, pmo, business_line_id=line_id)
    for number, (baseline, target) in enumerate([(-1e9, 1e9), (1e9, -1e9), (0.1, 0.3)]):
        name = f"{HOSTILE_TEXTS[number % 4][:80]} {number}"
        direction = "higher" if target > baseline else "lower"
        made = _kpi(
            client,
            project_id,
            name=name,
            direction=direction,
            baseline=repr(baseline),
            target=repr(target),
        )
        assert made.status_code == 302, made.text
    page = client.get(f"/quick-wins/{project_id}").text
    kpi_id = page.split('name="kpi_id"')[1].split('<option value="')[1].split('"')[0]
    for value in ("1e9", "-1e9", "1e-9", "0.1", "123456789.123456"):
        on = date.today().isoformat()  # within the project (it started 30 days ago)
        data = {"kpi_id": kpi_id, "measured_on": on, "value": value, "note": "备注\t✓"}
        assert client.post(f"/quick-wins/{project_id}/measurements", data=data).status_code == 302


def test_a_backup_of_hostile_content_restores_exactly_across_databases(app, empty_target, tmp_path):
    """SQLite → SQLite, SQLite → PostgreSQL, PostgreSQL → SQLite, PostgreSQL → PostgreSQL."""
    _fill_with_hostile_content(app)
    archive = tmp_path / "hostile.zip"
    made = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "Warning" not in made.stderr
    restored = empty_target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        source = table_rows(db.engine)
    with empty_target.app_context():
        target = table_rows(db.engine)
    assert target == source
    assert LONG in [row["text"] for row in target["findings"]]
    client = empty_target.test_client()
    client.post("/login", data={"email": "pmo@hostile.test", "password": "correct-horse-7"})
    assert client.get("/findings/").status_code == 200
    assert client.get("/quick-wins/1").status_code == 200


def test_the_archive_is_readable_by_its_owner_only(app, tmp_path):
    archive = tmp_path / "b.zip"
    archive.write_bytes(b"old")
    archive.chmod(0o644)
    old_mask = os.umask(0o022)
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    finally:
        os.umask(old_mask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.zip"
    app.test_cli_runner().invoke(args=["backup", str(fresh)])
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_values_postgresql_cannot_store_are_named_not_a_crash_halfway(tmp_path, empty_target):
    """Data from before the input rules (or from SQL by hand): an infinite number in the audit
    trail and a NUL in a finding. SQLite keeps them; the backup warns; a restore into
    PostgreSQL refuses up front naming them, into SQLite it succeeds."""
    from models import AuditEvent, BusinessLine, Finding, FindingSource

    with temporary_database("sqlite", tmp_path) as url:
        source = make_test_app(url, tmp_path)
        with source.app_context():
            upgrade()
            line = BusinessLine(code="L", name="L")
            db.session.add(line)
            db.session.flush()
            db.session.add(
                Finding(id=7, source=FindingSource.MANUAL, business_line_id=line.id, text="a\x00b")
            )
            db.session.add(
                AuditEvent(
                    id=9,
                    action="measure",
                    object_type="Kpi",
                    object_id="1",
                    changes={"value": {"old": None, "new": float("inf")}},
                )
            )
            db.session.commit()
        archive = tmp_path / "legacy.zip"
        made = source.test_cli_runner().invoke(args=["backup", str(archive)])
        with source.app_context():
            db.engine.dispose()
    assert made.exit_code == 0, made.output
    assert "2 value(s) cannot be restored into PostgreSQL" in made.stderr
    assert "findings (id=7) column text: the text holds a NUL character" in made.stderr
    assert "audit_events (id=9) column changes: the number inf is not finite" in made.stderr
    restored = empty_target.test_cli_runner().invoke(args=["restore", str(archive)])
    with empty_target.app_context():
        is_postgres = db.engine.dialect.name == "postgresql"
        rows = table_rows(db.engine)
    if is_postgres:
        assert restored.exit_code == 1
        assert "PostgreSQL cannot store" in restored.stderr
        assert "findings (id=7)" in restored.stderr
        assert all(not table for table in rows.values())
    else:
        assert restored.exit_code == 0, restored.output
        assert rows["findings"][0]["text"] == "a\x00b"
