"""The one list of findings: filters and search, what each user may see, manual entries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from app.extensions import db
from app.params import MAX_ID, query_int
from app.services.assessments.model_store import ensure_builtin_models, latest_stored, parsed
from app.services.audit import record_change
from app.services.errors import ServiceError
from app.services.visibility import restrict_to_visible
from assessments.maturity_model.model import MaturityModel
from models import (
    BusinessLine,
    Cycle,
    Finding,
    FindingSource,
    Frequency,
    SatisfactionAnswer,
    SatisfactionResponse,
    SurveyResponse,
    User,
)

MAX_TEXT = 2000
MAX_QUERY = 100
DEFAULT_MODEL_KEY = "cmmi-dev-1.3"


def check_severity(severity: int) -> None:
    if not 1 <= severity <= 5:
        raise ServiceError(_("Severity is 1 to 5."), "severity")


@dataclass(frozen=True)
class FindingFilter:
    """The list's filters, parsed from the query string; ``None``/empty means all."""

    business_line_id: int | None = None
    process_area: str | None = None
    source: str | None = None
    severity: int | None = None
    cycle_id: int | None = None
    survey_id: int | None = None
    q: str = ""
    business_line_ids: tuple[int, ...] = field(default=())

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> FindingFilter:
        def number(name: str, maximum: int = MAX_ID) -> int | None:
            return query_int(name, args=args, maximum=maximum)

        source = args.get("source") or None
        return cls(
            business_line_id=number("business_line"),
            process_area=(args.get("process_area") or "").strip().upper()[:16] or None,
            source=source if source in {s.value for s in FindingSource} else None,
            severity=number("severity", 5),
            cycle_id=number("cycle"),
            survey_id=number("survey"),
            q=(args.get("q") or "").strip()[:MAX_QUERY],
        )

    def as_args(self) -> dict[str, str]:
        """The query-string form, for links that keep the filters (export, clustering)."""
        values = {
            "business_line": self.business_line_id,
            "process_area": self.process_area,
            "source": self.source,
            "severity": self.severity,
            "cycle": self.cycle_id,
            "survey": self.survey_id,
            "q": self.q,
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def visible_findings(user: User) -> Select[Finding]:
    """Findings ``user`` may see: directors only those of their own business lines."""
    return restrict_to_visible(select(Finding), user, Finding.business_line_id)


def filtered_findings(user: User, filters: FindingFilter) -> Select[Finding]:
    stmt = visible_findings(user)
    if filters.business_line_id is not None:
        stmt = stmt.where(Finding.business_line_id == filters.business_line_id)
    if filters.business_line_ids:
        stmt = stmt.where(Finding.business_line_id.in_(filters.business_line_ids))
    if filters.process_area:
        stmt = stmt.where(Finding.process_area == filters.process_area)
    if filters.source:
        stmt = stmt.where(Finding.source == FindingSource(filters.source))
    if filters.severity is not None:
        stmt = stmt.where(Finding.severity == filters.severity)
    if filters.cycle_id is not None:
        stmt = stmt.where(Finding.cycle_id == filters.cycle_id)
    if filters.survey_id is not None:
        answers = select(SurveyResponse.finding_id).where(
            SurveyResponse.survey_id == filters.survey_id
        )
        free_text = (
            select(SatisfactionAnswer.finding_id)
            .join(SatisfactionAnswer.response)
            .where(SatisfactionResponse.survey_id == filters.survey_id)
        )
        stmt = stmt.where(or_(Finding.id.in_(answers), Finding.id.in_(free_text)))
    if filters.q:
        stmt = stmt.where(Finding.text.icontains(filters.q, autoescape=True))
    return stmt


def reference_model(cycle: Cycle | None = None) -> MaturityModel | None:
    """The model that names process areas: the cycle's, else the latest built-in CMMI."""
    if cycle is not None:
        return parsed(cycle.model)
    stored = latest_stored(DEFAULT_MODEL_KEY)
    if stored is None:
        ensure_builtin_models()
        stored = latest_stored(DEFAULT_MODEL_KEY)
    return parsed(stored) if stored is not None else None


def area_names(model: MaturityModel | None, language: str) -> dict[str, str]:
    """``{code: "CODE name"}`` in ``language``, for choices and labels."""
    if model is None:
        return {}
    return {a.code: f"{a.code} {a.name.get(language)}" for a in model.process_areas}


def add_manual_finding(
    actor: User,
    *,
    text: str,
    business_line_id: int,
    severity: int,
    cycle_id: int | None = None,
    process_area: str | None = None,
    category: str | None = None,
    frequency: str | None = None,
    known_areas: frozenset[str] = frozenset(),
) -> Finding:
    """An interview note or other finding typed in by the PMO."""
    text = text.strip()
    if not text:
        raise ServiceError(_("Describe the finding."), "text")
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("At most %(max)s characters, please shorten it.", max=MAX_TEXT), "text"
        )
    check_severity(severity)
    if db.session.get(BusinessLine, business_line_id) is None:
        raise ServiceError(_("Choose a business line."), "business_line")
    if process_area and known_areas and process_area not in known_areas:
        raise ServiceError(_("Unknown process area %(code)s.", code=process_area), "process_area")
    finding = Finding(
        source=FindingSource.MANUAL,
        text=text,
        business_line_id=business_line_id,
        severity=severity,
        cycle_id=cycle_id,
        process_area=process_area or None,
        category=(category or "").strip()[:40] or None,
        frequency=Frequency(frequency) if frequency else None,
        created_by_id=actor.id,
    )
    db.session.add(finding)
    db.session.flush()
    record_change(
        actor, "create", finding, new={"text": text, "severity": severity}, label=text[:80]
    )
    return finding
