"""Complete, versioned backups of Ladder's data, independent of the database engine.

An archive is a zip with ``manifest.json`` (format version, schema revision, row counts,
checksums) and one JSON Lines file per table. It restores into an empty database at the same
schema revision, of either kind, so a SQLite pilot can move to PostgreSQL.

The archive holds password hashes and every finding: it is created readable by its owner
only (0600), whatever the umask. Values that one database keeps and the other refuses (a NUL
character in text, an infinite or NaN number — the app refuses both on the way in, but older
data or hand-made SQL may hold them) are listed in the manifest as ``problems`` when the
backup is made, and a restore into PostgreSQL refuses such an archive up front, naming them,
instead of failing halfway through.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Date, DateTime, Enum, Table, func, select, text
from sqlalchemy.engine import Engine

from models import Base

FORMAT = "ladder-backup"
FORMAT_VERSION = 1
BATCH = 2000
#: How many unportable values the manifest lists (the count is always complete).
MAX_PROBLEMS = 20


class BackupError(Exception):
    """The archive cannot be made or restored; nothing was changed."""


#: Live sign-in sessions are not data: a restored database starts with everybody signed out,
#: and an archive never holds anything that would let its reader resume someone's session.
#: Background jobs and their files are work in flight, not data; a run's fitted clustering
#: state is derived from its findings and rebuilt when first needed.
NOT_BACKED_UP = frozenset({"user_sessions", "jobs", "job_files", "theme_model_states"})


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        # Ladder stores UTC; SQLite hands datetimes back without a zone.
        aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
        return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    converters: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, DateTime):
            converters[column.name] = dt.datetime.fromisoformat
        elif isinstance(kind, Date):
            converters[column.name] = dt.date.fromisoformat
        elif isinstance(kind, Enum) and kind.enum_class is not None:
            converters[column.name] = kind.enum_class

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        return {
            key: (converters[key](value) if value is not None and key in converters else value)
            for key, value in row.items()
        }

    return decode


def schema_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execute(select(table).order_by(*order)).mappings()
    for row in result:
        yield {key: _encode(value) for key, value in row.items()}


def _unportable(value: Any) -> str | None:
    """Why PostgreSQL would refuse ``value`` (also inside JSON columns), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {value} is not finite"
    if isinstance(value, str) and "\x00" in value:
        return "the text holds a NUL character"
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return next((reason for item in value if (reason := _unportable(item))), None)
    return None


def _check_row(table: Table, row: dict[str, Any], problems: list[str], count: list[int]) -> None:
    for column, value in row.items():
        reason = _unportable(value)
        if reason:
            count[0] += 1
            if len(problems) < MAX_PROBLEMS:
                key = ", ".join(f"{c.name}={row.get(c.name)}" for c in table.primary_key.columns)
                problems.append(f"{table.name} ({key}) column {column}: {reason}")


def _private_file(path: Path) -> Any:
    """``path`` opened for writing, readable and writable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file existed with wider permissions
    return os.fdopen(descriptor, "wb")


def create_backup(
    engine: Engine,
    path: Path,
    progress: Callable[[int], None] = lambda _: None,
    evidence_dir: Path | None = None,
) -> dict[str, Any]:
    """Write every table to ``path`` in one consistent read, and every evidence file the
    database names (from ``evidence_dir``); return the manifest."""
    tables: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    problem_count = [0]
    with (
        engine.connect().execution_options(ladder_read_only=True) as connection,
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        revision = schema_revision(connection)
        if revision is None:
            raise BackupError("the database has no schema yet: run `ladder db upgrade` first")
        with (
            _private_file(path) as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for table in _tables():
                digest = hashlib.sha256()
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as member:
                    for row in _rows(connection, table):
                        _check_row(table, row, problems, problem_count)
                        line = json.dumps(row, ensure_ascii=False, sort_keys=True).encode()
                        member.write(line + b"\n")
                        digest.update(line)
                        count += 1
                tables[table.name] = {"rows": count, "sha256": digest.hexdigest()}
                progress(1)
            evidence = _archive_evidence(connection, archive, evidence_dir)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": revision,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "source_dialect": connection.dialect.name,
                "tables": tables,
                "problems": problems,
                "problem_count": problem_count[0],
                "evidence": evidence,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def _evidence_path(directory: Path, sha256: str) -> Path:
    """Where the evidence store keeps a file (``app.services.assessments.evidence_store``)."""
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise BackupError(f"not an evidence file name: {sha256[:80]!r}")
    return directory / sha256[:2] / sha256


def _archive_evidence(
    connection: Connection, archive: zipfile.ZipFile, directory: Path | None
) -> dict[str, Any]:
    """Every evidence file the rows name, as ``evidence/ab/abcdef…``; files missing from the
    store are counted and named in the manifest."""
    if directory is None:
        return {"included": False, "files": 0, "bytes": 0, "missing": [], "missing_count": 0}
    files, size, missing_count = 0, 0, 0
    missing: list[str] = []
    table = Base.metadata.tables["evidence_files"]
    for sha256 in connection.execute(select(table.c.sha256).distinct().order_by(table.c.sha256)):
        source = _evidence_path(directory, sha256[0])
        if not source.is_file():
            missing_count += 1
            if len(missing) < MAX_PROBLEMS:
                missing.append(sha256[0])
            continue
        archive.write(source, f"evidence/{sha256[0][:2]}/{sha256[0]}", zipfile.ZIP_STORED)
        files += 1
        size += source.stat().st_size
    return {
        "included": True,
        "files": files,
        "bytes": size,
        "missing": missing,
        "missing_count": missing_count,
    }


def _restore_evidence(archive: zipfile.ZipFile, directory: Path) -> int:
    """Put the archive's evidence files back into the store, each checked against its
    name (its SHA-256); a file already there is kept. Returns how many the archive holds."""
    count = 0
    for member in archive.namelist():
        if not member.startswith("evidence/") or member.endswith("/"):
            continue
        target = _evidence_path(directory, member.rsplit("/", 1)[-1])
        count += 1
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".restore-{target.name}")
        digest = hashlib.sha256()
        with archive.open(member) as source, _private_file(temporary) as sink:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                sink.write(chunk)
        if digest.hexdigest() != target.name:
            temporary.unlink()
            raise BackupError(f"evidence file {member} in the archive is damaged")
        os.replace(temporary, target)
    return count


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, json.JSONDecodeError) as error:
        raise BackupError("not a Ladder backup: manifest.json is missing or broken") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("not a Ladder backup archive")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError("the backup was made by a newer Ladder; upgrade Ladder first")
    return manifest


def _read_rows(
    archive: zipfile.ZipFile, table: Table, expected: dict[str, Any]
) -> list[dict[str, Any]]:
    digest = hashlib.sha256()
    rows = []
    with archive.open(f"tables/{table.name}.jsonl") as handle:
        for line in handle:
            line = line.rstrip(b"\n")
            digest.update(line)
            rows.append(json.loads(line))
    if len(rows) != expected["rows"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(f"table {table.name} in the archive is damaged (checksum mismatch)")
    return rows


def restore_backup(
    engine: Engine,
    path: Path,
    progress: Callable[[int], None] = lambda _: None,
    evidence_dir: Path | None = None,
) -> dict[str, Any]:
    """Load an archive into an empty database at the same schema revision, all or nothing,
    and its evidence files into ``evidence_dir`` (before the rows commit: a damaged file
    restores no row; files are named by their content, so one left behind is harmless)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"cannot open {path}: not a backup archive") from error
    with archive, engine.begin() as connection:  # one transaction: all rows or none
        manifest = read_manifest(archive)
        revision = schema_revision(connection)
        if revision != manifest["schema_revision"]:
            raise BackupError(
                f"schema revision differs: the database is at {revision or 'none'}, the backup "
                f"at {manifest['schema_revision']}; run `ladder db upgrade` on an empty "
                "database of the same release"
            )
        if connection.dialect.name == "postgresql" and manifest.get("problem_count"):
            raise BackupError(
                f"the backup holds {manifest['problem_count']} value(s) PostgreSQL cannot store "
                "(restore it into SQLite, correct them in Ladder, back up again): "
                + "; ".join(manifest.get("problems", []))
            )
        for table in _tables():
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise BackupError(
                    f"the database is not empty (table {table.name} has rows); "
                    "restore into a new, empty database"
                )
        for table in _tables():
            expected = manifest["tables"].get(table.name, {"rows": 0, "sha256": ""})
            if expected["rows"]:
                rows = [_decoder(table)(row) for row in _read_rows(archive, table, expected)]
                for start in range(0, len(rows), BATCH):
                    connection.execute(table.insert(), rows[start : start + BATCH])
            progress(1)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
        if evidence_dir is not None:
            _restore_evidence(archive, evidence_dir)
    return manifest


def _reset_sequences(connection: Connection) -> None:
    """Serial ids continue after the restored rows."""
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and str(pk[0].type) == "INTEGER":
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "  # noqa: S608
                    f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )


def table_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, encoded as in an archive (for comparing databases)."""
    with engine.connect() as connection:
        return {table.name: list(_rows(connection, table)) for table in _tables()}
