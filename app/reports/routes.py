"""Leadership dashboard, company and business-line reports, their charts and exports."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from typing import Any

from flask import Response, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.errors import refusal
from app.extensions import db
from app.i18n import current_locale_code
from app.params import query_int
from app.reports import bp
from app.security import is_safe_redirect, roles, signed_in
from app.services.jobs import fail_stale_jobs, followable_job_or_404
from app.services.reports.build import ReportFilters
from app.services.reports.charts import CHART_NAMES, FORMATS, chart_names_with_data
from app.services.reports.documents import (
    chart_bytes,
    current_page,
    current_report,
    describe,
    pdf_file,
    xlsx_file,
)
from app.services.reports.exports import TABLE_KEYS, table_csv
from app.services.reports.prepared import (
    EXPORT_FORMATS,
    EXPORT_JOB,
    export_key,
    line_of,
    prepared_file,
    prepared_formats,
    submit_export,
)
from app.services.reports.profiles import profile_columns, report_profiles
from app.services.visibility import READERS, get_visible_business_line_or_404
from models import JobFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(**fixed: Any) -> ReportFilters:
    """Filters from the query string; a business line the user may not see is a 404."""
    filters = ReportFilters(
        cycle_id=query_int("cycle"),
        business_line_id=query_int("business_line"),
        model_key=(request.args.get("model") or "").strip()[:64] or None,
    )
    filters = replace(filters, **fixed)
    if filters.business_line_id is not None:
        get_visible_business_line_or_404(current_user, filters.business_line_id)
    return filters


def _page(
    template: str, filters: ReportFilters, *, document: bool = False, line_id: int | None = None
) -> str:
    """A report page; ``document`` adds the title and summary of the report (of ``line_id``,
    else of the company) and the target profiles of its business lines."""
    report, tables = current_page(current_user, filters, current_locale_code())
    context: dict[str, Any] = {}
    if document:
        doc = describe(report, line_of(report, line_id))
        context = {
            "doc": doc,
            "line": line_of(report, line_id),
            "profiles": report_profiles(report, current_locale_code()),
            "prepared": prepared_formats(current_user, filters, doc, current_locale_code()),
        }
    return render_template(
        template,
        report=report,
        tables={t.key: t for t in tables},
        charts=chart_names_with_data(report),
        args=report.filters.as_args(),
        profile_columns=profile_columns,
        **context,
    )


@bp.route("/")
@roles(*READERS)
def dashboard() -> str:
    return _page("reports/dashboard.html", _filters())


@bp.route("/company")
@roles(*READERS)
def company() -> str:
    return _page("reports/report.html", _filters(business_line_id=None), document=True)


@bp.route("/business-lines/<int:business_line_id>")
@signed_in
def business_line(business_line_id: int) -> str:
    filters = _filters(business_line_id=business_line_id)
    return _page("reports/report.html", filters, document=True, line_id=business_line_id)


@bp.route("/charts/<name>.<fmt>")
@signed_in
def chart(name: str, fmt: str) -> Response:
    """A chart as SVG or PNG; the filters come from the query string, like the page's."""
    if name not in CHART_NAMES or fmt not in FORMATS:
        abort(404)
    data = chart_bytes(current_user, _filters(), name, fmt, current_locale_code())
    response = Response(data, mimetype=FORMATS[fmt])
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie"
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.make_conditional(request)
    return response


@bp.route("/tables/<key>.csv")
@signed_in
def table(key: str) -> Response:
    if key not in TABLE_KEYS:
        abort(404)
    _report, tables = current_page(current_user, _filters(), current_locale_code())
    found = next(t for t in tables if t.key == key)
    return send_file(
        io.BytesIO(table_csv(found)),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"ladder-{key}.csv",
    )


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def _export(fmt: str, business_line_id: int | None) -> Response:
    """The file at once: prepared by a job for the same data, else built while the client
    waits (the API and scripts use these URLs; the pages offer a job instead)."""
    filters = _filters(business_line_id=business_line_id)
    report = current_report(current_user, filters)
    doc = describe(report, line_of(report, business_line_id))
    locale = current_locale_code()
    kept = prepared_file(export_key(current_user, filters, doc, locale, fmt))
    if kept is not None:
        return _download(kept.data, kept.mimetype, kept.filename)
    if fmt == "pdf":
        data = pdf_file(current_user, filters, report, doc, locale)
        return _download(data, "application/pdf", f"{doc.filename}.pdf")
    return _download(
        xlsx_file(current_user, filters, report, doc, locale), XLSX, f"{doc.filename}.xlsx"
    )


@bp.route("/company.pdf", defaults={"fmt": "pdf"}, endpoint="company_pdf")
@bp.route("/company.xlsx", defaults={"fmt": "xlsx"}, endpoint="company_xlsx")
@roles(*READERS)
def company_export(fmt: str) -> Response:
    return _export(fmt, None)


@bp.route(
    "/business-lines/<int:business_line_id>.pdf", defaults={"fmt": "pdf"}, endpoint="line_pdf"
)
@bp.route(
    "/business-lines/<int:business_line_id>.xlsx", defaults={"fmt": "xlsx"}, endpoint="line_xlsx"
)
@signed_in
def line_export(business_line_id: int, fmt: str) -> Response:
    return _export(fmt, business_line_id)


@bp.route("/exports/<fmt>", methods=["POST"])
@signed_in
def prepare_export(fmt: str) -> WerkzeugResponse:
    """Queue a job preparing the company report's file, or a business line's (``?line=``)."""
    line_id = query_int("line")
    if fmt not in EXPORT_FORMATS or (line_id is None and current_user.role not in READERS):
        abort(404)
    filters = _filters(business_line_id=line_id)
    with refusal():
        job = submit_export(current_user, filters, fmt, locale=current_locale_code())
        return redirect(url_for("reports.export_job", job_id=job.id))
    return redirect(
        request.referrer if is_safe_redirect(request.referrer) else url_for("main.home")
    )


@bp.route("/exports/<int:job_id>")
@signed_in
def export_job(job_id: int) -> str:
    fail_stale_jobs()
    job = followable_job_or_404(current_user, job_id, EXPORT_JOB)
    return render_template("reports/export_job.html", job=job)


@bp.route("/exports/<int:job_id>/file")
@signed_in
def export_file(job_id: int) -> Response:
    job = followable_job_or_404(current_user, job_id, EXPORT_JOB)
    kept = db.session.get(JobFile, job.result.get("file_id", 0)) if job.result else None
    if kept is None:
        abort(404)
    return _download(kept.data, kept.mimetype, kept.filename)
