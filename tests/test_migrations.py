"""Migrations: one head, a full round trip on each database, and models that agree."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import MIGRATIONS_DIR
from app.extensions import db
from models import Base
from tests.conftest import make_test_app
from tests.databases import BACKENDS, temporary_database


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    with temporary_database(request.param, tmp_path) as url:
        application = make_test_app(url, tmp_path)
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


def test_there_is_one_head_and_revision_files_are_dated():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert revision.path.split("/")[-1][:4].isdigit(), revision.path


def test_upgrade_downgrade_upgrade_round_trip(empty_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {t.name for t in Base.metadata.sorted_tables} <= set(
        inspect(db.engine).get_table_names()
    )


def test_models_and_migrations_agree(empty_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, Base.metadata) == []
