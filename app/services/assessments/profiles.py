"""Target profiles and roadmaps of business lines: reading, saving, and showing them next to
an assessment's results.

A profile is kept per business line and process-area code; it applies to every assessment of
the line, for the areas the assessment covers. Saving replaces the line's whole profile at
once and is audited (old and new levels)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.extensions import db
from app.services.assessments.model_store import parsed
from app.services.audit import record_change
from app.services.errors import ServiceError
from assessments.maturity_model.model import MaturityModel
from assessments.profiles import MAX_CAPABILITY_LEVEL, PlanStep, ProfileRow, profile_rows
from models import (
    Assessment,
    BusinessLine,
    CapabilityPlan,
    CapabilityTarget,
    Cycle,
    CycleTarget,
    StoredModel,
    User,
)


@dataclass(frozen=True)
class Profile:
    #: Process-area code → target capability level.
    targets: Mapping[str, int]
    plans: tuple[PlanStep, ...]

    @property
    def empty(self) -> bool:
        return not self.targets and not self.plans

    @property
    def dues(self) -> tuple[date, ...]:
        return tuple(sorted({step.due for step in self.plans}))

    def planned(self, code: str, due: date) -> int | None:
        return next((s.level for s in self.plans if s.process_area == code and s.due == due), None)


def profiles_of(business_line_ids: Iterable[int]) -> dict[int, Profile]:
    """The profiles of the given lines in two queries (lines without one are left out)."""
    ids = list(business_line_ids)
    targets: dict[int, dict[str, int]] = {}
    plans: dict[int, list[PlanStep]] = {}
    if not ids:
        return {}
    for line_id, code, level in db.session.execute(
        select(
            CapabilityTarget.business_line_id, CapabilityTarget.process_area, CapabilityTarget.level
        ).where(CapabilityTarget.business_line_id.in_(ids))
    ):
        targets.setdefault(line_id, {})[code] = level
    for line_id, code, due, level in db.session.execute(
        select(
            CapabilityPlan.business_line_id,
            CapabilityPlan.process_area,
            CapabilityPlan.due,
            CapabilityPlan.level,
        )
        .where(CapabilityPlan.business_line_id.in_(ids))
        .order_by(CapabilityPlan.due, CapabilityPlan.process_area)
    ):
        plans.setdefault(line_id, []).append(PlanStep(code, due, level))
    return {
        line_id: Profile(targets.get(line_id, {}), tuple(plans.get(line_id, ())))
        for line_id in set(targets) | set(plans)
    }


def profile_of(business_line_id: int) -> Profile:
    return profiles_of([business_line_id]).get(business_line_id, Profile({}, ()))


def profile_model(business_line: BusinessLine) -> StoredModel | None:
    """The model whose process areas the profile page lists: that of the latest cycle the
    line takes part in, else the first stored model."""
    latest = db.session.scalar(
        select(StoredModel)
        .join(Cycle, Cycle.model_id == StoredModel.id)
        .join(CycleTarget, CycleTarget.cycle_id == Cycle.id)
        .where(CycleTarget.business_line_id == business_line.id)
        .order_by(Cycle.start.desc(), Cycle.id.desc())
        .limit(1)
    )
    return latest or db.session.scalar(select(StoredModel).order_by(StoredModel.id).limit(1))


def _level(value: object, code: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_CAPABILITY_LEVEL
    ):
        raise ServiceError(_("%(code)s: capability levels are 0 to 3.", code=code), code)
    return value


def _plain(profile: Profile) -> dict[str, object]:
    return {
        "targets": dict(sorted(profile.targets.items())),
        "plans": [[s.process_area, s.due.isoformat(), s.level] for s in profile.plans],
    }


def save_profile(
    actor: User,
    business_line: BusinessLine,
    model: MaturityModel,
    targets: Mapping[str, int],
    plans: Iterable[PlanStep],
) -> Profile:
    """Replace the line's profile and roadmap by ``targets`` and ``plans``; every code must
    be a process area of ``model`` and every level 0–3."""
    codes = {area.code for area in model.process_areas}
    plans = list(plans)
    for code in [*targets, *(s.process_area for s in plans)]:
        if code not in codes:
            raise ServiceError(_("Unknown process area: %(codes)s", codes=code))
    for code, level in targets.items():
        _level(level, code)
    for step in plans:
        _level(step.level, step.process_area)
    old = profile_of(business_line.id)
    line_id = business_line.id
    db.session.execute(delete(CapabilityTarget).where(CapabilityTarget.business_line_id == line_id))
    db.session.execute(delete(CapabilityPlan).where(CapabilityPlan.business_line_id == line_id))
    db.session.add_all(
        CapabilityTarget(
            business_line_id=line_id, process_area=code, level=level, updated_by_id=actor.id
        )
        for code, level in sorted(targets.items())
    )
    db.session.add_all(
        CapabilityPlan(
            business_line_id=line_id,
            process_area=s.process_area,
            due=s.due,
            level=s.level,
            updated_by_id=actor.id,
        )
        for s in plans
    )
    db.session.flush()
    new = profile_of(line_id)
    record_change(
        actor,
        "set_profile",
        business_line,
        old={"profile": _plain(old)},
        new={"profile": _plain(new)},
    )
    return new


def assessment_profile_rows(
    assessment: Assessment, model: MaturityModel, result: Mapping[str, object], language: str
) -> tuple[ProfileRow, ...]:
    """Actual, target and planned levels of the assessment's areas; empty without a profile."""
    profile = profile_of(assessment.business_line_id)
    if profile.empty:
        return ()
    return profile_rows(
        model, result, profile.targets, profile.plans, assessment.cycle.end, language
    )


def stored_model_of(assessment: Assessment) -> MaturityModel:
    return parsed(assessment.cycle.model)
