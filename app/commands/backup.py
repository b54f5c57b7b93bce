"""``ladder backup PATH`` and ``ladder restore PATH``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a complete, versioned archive of all data and evidence files to PATH (a .zip)."""
    from app.extensions import db
    from app.services.assessments.evidence_store import evidence_dir
    from app.services.backup import BackupError, create_backup
    from models import Base

    tables = len(Base.metadata.sorted_tables)
    try:
        with click.progressbar(length=tables, label="Backing up", file=sys.stderr) as bar:
            manifest = create_backup(db.engine, path, bar.update, evidence_dir())
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    if manifest["problem_count"]:
        click.echo(
            f"Warning: {manifest['problem_count']} value(s) cannot be restored into PostgreSQL "
            "(correct them in Ladder and back up again): " + "; ".join(manifest["problems"]),
            err=True,
        )
    evidence = manifest["evidence"]
    if evidence["missing_count"]:
        click.echo(
            f"Warning: {evidence['missing_count']} evidence file(s) named in the database are "
            "missing from the evidence folder: " + ", ".join(evidence["missing"]),
            err=True,
        )
    click.echo(
        f"Backed up {rows} rows of {tables} tables (schema {manifest['schema_revision']}) "
        f"and {evidence['files']} evidence file(s) to {path}"
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore an archive made by `ladder backup` into this (empty, migrated) database, and
    its evidence files into the evidence folder."""
    from app.extensions import db
    from app.services.assessments.evidence_store import evidence_dir
    from app.services.backup import BackupError, restore_backup
    from models import Base

    tables = len(Base.metadata.sorted_tables)
    try:
        with click.progressbar(length=tables, label="Restoring", file=sys.stderr) as bar:
            manifest = restore_backup(db.engine, path, bar.update, evidence_dir())
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Restored {rows} rows from {path} (made {manifest['created_at']}).")
