"""Report files (PDF, Excel) prepared by a background job and kept in the database.

Building a report's PDF takes a while when its data changed; the page does not wait for it.
"Prepare PDF" queues a job that builds the file for the reader's scope, filters and language
and keeps it in ``job_files`` under a key of the data fingerprint, language, format and
document (its date is on every page). While the data stay the same, every reader with the
same scope downloads that file at once, from any process; a change of the data gives a new
key, and the file is prepared again. Prepared files older than :data:`KEEP` are deleted when
a new one is kept.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.services.jobs import JobContext, job_kind, keep_job_file, submit
from app.services.reports.build import Report, ReportFilters, data_fingerprint
from app.services.reports.documents import (
    Document,
    current_report,
    describe,
    pdf_file,
    xlsx_file,
)
from models import Job, JobFile, User

EXPORT_JOB = "report_export"
EXPORT_FORMATS = ("pdf", "xlsx")
MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KEEP = timedelta(days=1)


def export_key(user: User, filters: ReportFilters, doc: Document, locale: str, fmt: str) -> str:
    """What a prepared file is: the data it shows (fingerprint: also scope and filters), its
    language, format and document (title and dated subtitle)."""
    stamp = data_fingerprint(user, filters)
    text = repr((stamp, locale, fmt, doc.title, doc.subtitle, doc.filename))
    return f"report:{hashlib.sha256(text.encode()).hexdigest()}"


def prepared_file(key: str) -> JobFile | None:
    """The file kept for ``key``, if a job prepared it."""
    return db.session.scalar(
        select(JobFile)
        .where(JobFile.purpose == "report", JobFile.key == key)
        .order_by(JobFile.id.desc())
        .limit(1)
    )


def prepared_formats(user: User, filters: ReportFilters, doc: Document, locale: str) -> set[str]:
    """The formats of this report that can be downloaded at once."""
    keys = {export_key(user, filters, doc, locale, fmt): fmt for fmt in EXPORT_FORMATS}
    found = db.session.scalars(
        select(JobFile.key).where(JobFile.purpose == "report", JobFile.key.in_(keys))
    )
    return {keys[key] for key in found}


def line_of(report: Report, business_line_id: int | None) -> Any:
    if business_line_id is None:
        return None
    return next(line for line in report.business_lines if line.id == business_line_id)


def submit_export(user: User, filters: ReportFilters, fmt: str, *, locale: str) -> Job:
    """Queue the preparation of this report's file (runs once the request commits)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    payload = {
        "user_id": user.id,
        "fmt": fmt,
        "locale": locale,
        "cycle_id": filters.cycle_id,
        "business_line_id": filters.business_line_id,
        "model_key": filters.model_key,
    }
    line = filters.business_line_id
    subject = f"report:{fmt}:" + (f"line:{line}" if line is not None else "company")
    return submit(EXPORT_JOB, payload, subject=subject, actor=user)


@job_kind(EXPORT_JOB, _l("Preparing a report file"))
def _prepare(context: JobContext) -> dict[str, Any]:
    payload = context.payload
    context.progress(0.05, "")
    # Build from one read-only snapshot: on SQLite, without holding its one write lock (every
    # page would wait for the PDF); the file is written in a short transaction at the end.
    db.session.connection(execution_options={"ladder_read_only": True})
    user = db.session.get(User, payload["user_id"])
    if user is None:
        raise LookupError("the account that asked for the report is gone")
    filters = ReportFilters(
        cycle_id=payload.get("cycle_id"),
        business_line_id=payload.get("business_line_id"),
        model_key=payload.get("model_key"),
    )
    fmt, locale = payload["fmt"], payload["locale"]
    with force_locale(locale):
        report = current_report(user, filters)
        doc = describe(report, line_of(report, filters.business_line_id))
        key = export_key(user, filters, doc, locale, fmt)
        kept = prepared_file(key)
        if kept is None:
            make = pdf_file if fmt == "pdf" else xlsx_file
            data = make(user, filters, report, doc, locale)
            user_id, filename = user.id, f"{doc.filename}.{fmt}"
            db.session.commit()  # ends the read-only snapshot; nothing was written
            kept = keep_job_file(
                "report",
                kept_for=KEEP,
                key=key,
                filename=filename,
                mimetype=MIMETYPES[fmt],
                data=data,
                created_by_id=user_id,
            )
    return {"file_id": kept.id, "filename": kept.filename}
