"""Target profiles and roadmaps: the capability level aimed at for each process area.

A **target profile** gives a business line a target capability level (CL0–CL3) per process
area; a **roadmap** gives planned levels by coming dates. With a profile, the gap
(shared/DOMAIN.md, "Several respondents and consensus") lists every process area whose
capability level is below its target, with the same details as the maturity-level gap: its
code, capability level, score and unsatisfied goals.

Decisions the reference leaves open:

- a process area not applicable as a whole (capability level None) is left out of the
  gap, as it is of the maturity-level rule; so is an area the assessment does not cover
  (out of the cycle's scope), and an area without a target;
- the unsatisfied goals listed are those the target needs: the specific goals, and the
  generic goals up to the target level (GG2 for CL2, GG2 and GG3 for CL3);
- the **planned** levels shown next to an assessment are the roadmap steps due after the
  assessment's cycle ends, earliest first.

Pure: no Flask, no database. The input is a result in the ``ladder score`` JSON shape, so a
validated assessment's snapshot works as well as fresh scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assessments.maturity_model.model import MaturityModel

__all__ = [
    "MAX_CAPABILITY_LEVEL",
    "PlanStep",
    "ProfileGapArea",
    "ProfileRow",
    "check_level",
    "profile_gap",
    "profile_rows",
]

MAX_CAPABILITY_LEVEL = 3


@dataclass(frozen=True)
class PlanStep:
    process_area: str
    due: date
    level: int


@dataclass(frozen=True)
class ProfileGapArea:
    code: str
    capability_level: int
    target_level: int
    score: float | None
    #: Applicable unsatisfied goals that the target needs, in model order.
    unsatisfied_goals: tuple[str, ...]


@dataclass(frozen=True)
class ProfileRow:
    """One process area side by side: actual, target and planned levels."""

    code: str
    name: str
    #: None when the area is not applicable as a whole.
    capability_level: int | None
    score: float | None
    target_level: int | None
    #: (due date, level) of the roadmap steps after the cycle, earliest first.
    planned: tuple[tuple[date, int], ...]
    gap: ProfileGapArea | None


def check_level(level: object) -> int:
    """``level`` as a capability level 0–3; ValueError otherwise."""
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 3:
        raise ValueError(f"capability level must be 0 to {MAX_CAPABILITY_LEVEL}, not {level!r}")
    return level


def _needed_goals(model: MaturityModel, code: str, target: int) -> frozenset[str]:
    area = next((a for a in model.process_areas if a.code == code), None)
    if area is None:
        return frozenset()
    return frozenset(
        goal.id
        for goal in area.goals
        if goal.kind == "specific" or (goal.level is not None and goal.level <= target)
    )


def profile_gap(
    model: MaturityModel, result: Mapping[str, Any], targets: Mapping[str, int]
) -> tuple[ProfileGapArea, ...]:
    """Every assessed, applicable process area whose capability level is below its target
    in ``targets`` (code → CL0–CL3), in the order of ``result``."""
    for wanted in targets.values():
        check_level(wanted)
    gaps = []
    areas: Mapping[str, Mapping[str, Any]] = result.get("process_areas", {})
    for code, data in areas.items():
        target = targets.get(code)
        level = data.get("capability_level")
        if target is None or level is None or level >= target:
            continue
        needed = _needed_goals(model, code, target)
        gaps.append(
            ProfileGapArea(
                code=code,
                capability_level=level,
                target_level=target,
                score=data.get("score"),
                unsatisfied_goals=tuple(
                    goal for goal in data.get("unsatisfied_goals", ()) if goal in needed
                ),
            )
        )
    return tuple(gaps)


def profile_rows(
    model: MaturityModel,
    result: Mapping[str, Any],
    targets: Mapping[str, int],
    plans: Iterable[PlanStep],
    after: date,
    language: str = "zh_CN",
) -> tuple[ProfileRow, ...]:
    """The assessed areas, in model order, with their actual, target and planned levels."""
    gaps = {gap.code: gap for gap in profile_gap(model, result, targets)}
    planned: dict[str, list[tuple[date, int]]] = {}
    for step in sorted(plans, key=lambda s: s.due):
        if step.due > after:
            planned.setdefault(step.process_area, []).append((step.due, check_level(step.level)))
    areas: Mapping[str, Mapping[str, Any]] = result.get("process_areas", {})
    return tuple(
        ProfileRow(
            code=area.code,
            name=area.name.get(language),
            capability_level=areas[area.code].get("capability_level"),
            score=areas[area.code].get("score"),
            target_level=targets.get(area.code),
            planned=tuple(planned.get(area.code, ())),
            gap=gaps.get(area.code),
        )
        for area in model.process_areas
        if area.code in areas
    )
