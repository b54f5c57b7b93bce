"""Large imports as background jobs: the upload is kept in the database (``job_files``) and a
job imports it, all rows or none, while the page shows its progress.

An upload up to ``LADDER_IMPORT_JOB_BYTES`` is imported while the page waits, as before; a
larger one is handed to :func:`submit_import`. The job runs the same import function as the
page would, in the submitter's language, inside a savepoint: a file with problems writes
nothing and its job ends ``done`` with every problem (row, column, message) in its result;
a worker that dies mid-import writes nothing either (the job's writes commit together with
its ``done`` state), and the upload stays for a retry. The upload is deleted with the import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.errors import ServiceError
from app.services.jobs import JobContext, job_kind, keep_job_file, submit
from app.services.tabular import MAX_IMPORT_ROWS, TableError, read_upload
from models import Job, JobFile, User

IMPORT_JOB = "import_file"
#: An upload whose job never ran to the end is kept this long for a retry.
KEEP_UPLOADS = timedelta(days=7)

#: ``(actor, filename, data, options) -> rows imported``; raises ServiceError (with
#: ``errors`` or ``problems``: objects with row, column and message) to import nothing.
Importer = Callable[[User, str, bytes, dict[str, Any]], int]
ImporterT = TypeVar("ImporterT", bound=Importer)

IMPORTERS: dict[str, Importer] = {}


def importer(name: str) -> Callable[[ImporterT], ImporterT]:
    """Register an import function that :func:`submit_import` can run as a job."""

    def register(function: ImporterT) -> ImporterT:
        IMPORTERS[name] = function
        return function

    return register


def runs_as_job(filename: str, data: bytes) -> bool:
    """Whether an upload is imported by a job rather than while the page waits: one larger
    than ``LADDER_IMPORT_JOB_BYTES`` whose table can be read within the row limit. A table
    that cannot be read (too many rows, a broken or hostile file) is refused at once by the
    import itself, with its message, instead of after a round trip through the queue."""
    if len(data) <= int(current_app.config["IMPORT_JOB_BYTES"]):
        return False
    try:
        read_upload(filename, data, max_rows=MAX_IMPORT_ROWS)
    except TableError:
        return False
    return True


def submit_import(
    actor: User, name: str, filename: str, data: bytes, *, locale: str, **options: Any
) -> Job:
    """Keep the upload and queue its import (runs once the request commits)."""
    if name not in IMPORTERS:
        raise ValueError(f"unknown importer {name!r}")
    upload = keep_job_file(
        "import",
        kept_for=KEEP_UPLOADS,
        key=name,
        filename=filename[:200],
        data=data,
        created_by_id=actor.id,
    )
    payload = {
        "importer": name,
        "file_id": upload.id,
        "user_id": actor.id,
        "locale": locale,
        "filename": filename[:200],
        "options": options,
    }
    return submit(IMPORT_JOB, payload, subject=f"import:{name}", actor=actor)


def problems_of(error: ServiceError) -> list[dict[str, Any]]:
    """Every row problem an import refusal carries, as plain values."""
    found = getattr(error, "errors", None) or getattr(error, "problems", None) or []
    return [
        {"row": p.row, "column": p.column, "message": str(p.message)}
        for p in found
        if hasattr(p, "row")
    ]


@job_kind(IMPORT_JOB, _l("Importing a file"))
def _run_import(context: JobContext) -> dict[str, Any]:
    payload = context.payload
    # Progress is written apart: before this transaction starts (SQLite has one writer).
    context.progress(0.05, "")
    upload = db.session.get(JobFile, payload["file_id"])
    actor = db.session.get(User, payload["user_id"])
    if upload is None or actor is None:
        raise LookupError("the uploaded file or its importer's account is gone")
    function = IMPORTERS[payload["importer"]]
    result: dict[str, Any]
    with force_locale(payload.get("locale") or "zh_CN"):
        try:
            with db.session.begin_nested():  # a refused file leaves nothing behind
                count = function(actor, upload.filename, upload.data, payload.get("options", {}))
            result = {"imported": count}
        except ServiceError as refused:
            result = {"imported": 0, "refused": str(refused), "problems": problems_of(refused)}
    db.session.delete(upload)
    db.session.flush()
    return result
