"""Putting a report together for a page or a file: its title and summary, its charts (drawn
once per change of the data), and its PDF and Excel files.

Reports, charts and PDF files are cached per process under the data fingerprint
(``build.data_fingerprint``: one query of counts and latest change times, which covers the
reader's scope and the filters). Every process asks the database for the fingerprint, so
several stateless web processes never serve data another one has changed: a change anywhere
gives a new fingerprint, and the next request builds afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from flask_babel import format_date, format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from app.caching import RecentCache
from app.services.reports.build import (
    LineOption,
    Report,
    ReportFilters,
    build_report,
    data_fingerprint,
)
from app.services.reports.charts import cached_chart, chart_names_with_data, clear_cache, render
from app.services.reports.exports import ReportTable, report_tables, report_xlsx
from assessments.benefits import BenefitTotals
from models import User
from models.base import utcnow


@dataclass(frozen=True)
class Document:
    title: str
    #: Cycle and date: the header of every PDF page.
    subtitle: str
    summary: tuple[str, ...]
    filename: str


@dataclass
class _Built:
    report: Report
    #: The report's tables per language (their titles and headers are translated).
    tables: dict[str, list[ReportTable]] = field(default_factory=dict)


#: Reports differ by scope and filters: one per director, a few per reader of every line.
_reports: RecentCache[str, _Built] = RecentCache(64)
_pdfs: RecentCache[tuple[object, ...], bytes] = RecentCache(16)


def _report_for(user: User, filters: ReportFilters, stamp: str) -> _Built:
    """The report of ``stamp`` (the data fingerprint, which covers the user's scope and the
    filters), built once per change of the data."""
    return _reports.get(stamp, lambda: _Built(build_report(user, filters)))


def current_report(user: User, filters: ReportFilters) -> Report:
    """The report for a file: built only when the data changed since the last request with
    the same scope and filters (one query to know)."""
    return _report_for(user, filters, data_fingerprint(user, filters)).report


def current_page(
    user: User, filters: ReportFilters, locale: str
) -> tuple[Report, list[ReportTable]]:
    """The report and its tables in ``locale`` for a page, made once per change of the data."""
    built = _report_for(user, filters, data_fingerprint(user, filters))
    if locale not in built.tables:
        built.tables[locale] = report_tables(built.report)
    return built.report, built.tables[locale]


def chart_bytes(user: User, filters: ReportFilters, name: str, fmt: str, locale: str) -> bytes:
    """One chart; the report is built (and the chart drawn) only when the data changed."""
    stamp = data_fingerprint(user, filters)
    return cached_chart(
        (name, fmt, locale, stamp),
        lambda: render(name, _report_for(user, filters, stamp).report, fmt),
    )


def report_pngs(
    user: User, filters: ReportFilters, report: Report, locale: str
) -> dict[str, bytes]:
    """The PNG of every chart that has data, for the PDF and the workbook."""
    stamp = data_fingerprint(user, filters)
    return {
        name: cached_chart((name, "png", locale, stamp), partial(render, name, report, "png"))
        for name in chart_names_with_data(report)
    }


def summary_lines(report: Report) -> tuple[str, ...]:
    lines = []
    if report.cycle is None:
        lines.append(_("No assessment cycle yet."))
    else:
        measured = [line for line in report.lines if line.maturity_level is not None]
        met = sum(1 for line in measured if line.gap == 0)
        lines.append(
            ngettext(
                "%(num)s business line in cycle %(cycle)s.",
                "%(num)s business lines in cycle %(cycle)s.",
                len(report.lines),
                cycle=report.cycle.name,
            )
        )
        lines.append(
            ngettext(
                "%(num)s of %(measured)s with results meets its target level.",
                "%(num)s of %(measured)s with results meet their target level.",
                met,
                measured=len(measured),
            )
        )
        scores = [line.score for line in measured if line.score is not None]
        if scores:
            mean = f"{sum(scores) / len(scores):.1f}"
            lines.append(_("Mean score: %(score)s.", score=mean))
    share = report.quick_wins.achieved_share
    if share is not None:
        lines.append(
            _("Quick-win KPIs achieved: %(share)s.", share=format_percent(share, "#,##0%"))
        )
    lines.extend(benefit_lines(report.quick_wins.benefits))
    return tuple(lines)


def benefit_lines(totals: BenefitTotals | None) -> list[str]:
    """The quick wins' benefits summed: savings per month, one-off cost, payback, ROI."""
    if totals is None:
        return []
    lines = [
        ngettext(
            "Benefits of %(num)s quick win: %(money)s yuan and %(hours)s hours saved per month, "
            "for a one-off cost of %(cost)s yuan.",
            "Benefits of %(num)s quick wins: %(money)s yuan and %(hours)s hours saved per month, "
            "for a one-off cost of %(cost)s yuan.",
            totals.projects,
            money=format_decimal(round(totals.money_per_month)),
            hours=format_decimal(round(totals.hours_per_month)),
            cost=format_decimal(round(totals.one_off_cost)),
        )
    ]
    if totals.payback_months is not None:
        lines.append(
            _("Payback: %(months)s months.", months=format_decimal(round(totals.payback_months, 1)))
        )
    if totals.roi is not None:
        lines.append(_("ROI over 12 months: %(roi)s.", roi=format_percent(totals.roi, "#,##0%")))
    return lines


def describe(report: Report, line: LineOption | None) -> Document:
    today = format_date(utcnow().date())
    cycle = report.cycle.name if report.cycle else _("no cycle")
    if line is None:
        title = _("Company maturity report")
        stem = "company-report"
    else:
        title = _("Business-line report: %(name)s", name=line.name)
        stem = f"business-line-{line.code}-report"
    subtitle = _("Cycle %(cycle)s · %(date)s", cycle=cycle, date=today)
    suffix = f"-{report.cycle.name}" if report.cycle else ""
    filename = f"ladder-{stem}{suffix}".replace(" ", "-")
    return Document(title, subtitle, summary_lines(report), filename)


def pdf_file(
    user: User, filters: ReportFilters, report: Report, doc: Document, locale: str
) -> bytes:
    """The report as PDF, made once per change of the data, language and day (the date is in
    every page's header)."""
    from app.services.reports.pdf import report_pdf  # fpdf only in processes that export

    return _pdfs.get(
        (data_fingerprint(user, filters), locale, doc),
        lambda: report_pdf(
            report,
            title=doc.title,
            subtitle=doc.subtitle,
            summary=doc.summary,
            charts=report_pngs(user, filters, report, locale),
        ),
    )


def xlsx_file(
    user: User, filters: ReportFilters, report: Report, doc: Document, locale: str
) -> bytes:
    return report_xlsx(report, doc.title, doc.subtitle, report_pngs(user, filters, report, locale))


def clear_caches() -> None:
    """Forget every drawn chart, built report and PDF (tests and benchmarks)."""
    clear_cache()
    _reports.clear()
    _pdfs.clear()
