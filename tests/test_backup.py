"""`ladder backup` and `ladder restore`: what is restored is exactly what was saved."""

from __future__ import annotations

import json
import zipfile

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
    assert manifest["tables"]["users"]["rows"] == 8

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
        assert len(table_rows(db.engine)["users"]) == 8


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
