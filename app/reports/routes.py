"""Leadership dashboard, company and business-line reports, their charts and exports."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from typing import Any

from flask import Response, abort, render_template, request, send_file
from flask_login import current_user

from app.i18n import current_locale_code
from app.params import query_int
from app.reports import bp
from app.security import roles, signed_in
from app.services.reports.build import LineOption, Report, ReportFilters
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
from app.services.reports.profiles import profile_columns, report_profiles
from app.services.visibility import READERS, get_visible_business_line_or_404

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
        line = _line(report, line_id) if line_id is not None else None
        context = {
            "doc": describe(report, line),
            "line": line,
            "profiles": report_profiles(report, current_locale_code()),
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


def _line(report: Report, business_line_id: int) -> LineOption:
    return next(line for line in report.business_lines if line.id == business_line_id)


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
    filters = _filters(business_line_id=business_line_id)
    report = current_report(current_user, filters)
    line = _line(report, business_line_id) if business_line_id is not None else None
    doc = describe(report, line)
    locale = current_locale_code()
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
