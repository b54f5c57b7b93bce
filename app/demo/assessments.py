"""Demo step: assessment cycles with realistic, improving ratings and evidence in Chinese.

Small: three cycles (2025 H1, 2025 H2, 2026 H1) of the CMMI ML2 and ML3 process areas for the
five business lines. The first two are validated (with their gap findings) and closed; in the
open one some assessments are submitted, some complete drafts and some half-filled drafts.
Everything goes through the assessment services, as a director and the PMO would.

Large: 30 business lines × 8 half-year cycles of the full CMMI model (about 100,000 practice
ratings), inserted in bulk; the validated cycles are then submitted and validated through
the services, so their snapshots and gap findings follow the same rules.

Ratings are drawn with a fixed seed: each business line has its own starting capability and
pace, generic goals (GG3 above all) lag behind specific ones, and every cycle improves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.demo.organisation import DEMO_DOMAIN
from app.extensions import db
from app.services.assessments import workflow as service
from app.services.assessments.model_store import ensure_builtin_models, latest_stored, parsed
from assessments.maturity_model.model import Goal, MaturityModel, Practice, ProcessArea
from models import Assessment, BusinessLine, PracticeRating, User

SEED = 20250101
MODEL_KEY = "cmmi-dev-1.3"
SMALL_CYCLES = ("2025 H1", "2025 H2", "2026 H1")
LARGE_CYCLE_COUNT = 8
_BATCH = 5_000

_NA_REASONS = (
    "本业务线不对外采购开发服务，无供应商协议。",
    "该实践由集团统一负责，本业务线不单独执行。",
    "本周期内没有涉及该活动的项目。",
)
_FI = (
    "已按《{wp}》执行，{n} 个项目全部覆盖，最近一次评审记录见 {month} 月会议纪要。",
    "{wp}已纳入标准流程，{n} 个项目均有记录，QA 抽查无问题。",
    "建立了{wp}，每月更新并在周例会上通报，{n} 个项目均已执行。",
)
_LI = (
    "{wp}已建立，{n} 个项目中大部分按要求执行，个别项目更新不及时。",
    "多数项目已有{wp}，但格式尚未统一，计划下季度纳入模板。",
)
_PI = (
    "仅在试点项目中有{wp}，尚未推广到其他项目。",
    "{wp}零散存在于个人文档中，没有统一管理。",
)
_NI = ("暂无{wp}，依靠口头沟通。", "")
_COMMENTS = ("下个周期重点改进。", "已列入改进待办。", "需要 PMO 提供模板支持。", "")


@dataclass(frozen=True)
class LineProfile:
    """How capable a business line starts and how fast it improves (0–1 scale)."""

    start: float
    #: Gain per cycle over three cycles; longer histories spread the same gain.
    pace: float

    def at(self, cycle_index: int, cycles: int) -> float:
        return min(0.95, self.start + self.pace * cycle_index * 2 / max(cycles - 1, 1))


def _profiles(lines: Sequence[BusinessLine], rng: random.Random) -> dict[int, LineProfile]:
    return {
        line.id: LineProfile(start=rng.uniform(0.3, 0.7), pace=rng.uniform(0.08, 0.2))
        for line in lines
    }


def _difficulty(area: ProcessArea, goal: Goal) -> float:
    """Higher-level areas and generic goals are harder; GG3 hardest."""
    penalty = 0.06 * (area.maturity_level - 2)
    if goal.kind == "generic":
        penalty += 0.08 if goal.level == 2 else 0.2
    return penalty


def draw_rating(
    rng: random.Random, capability: float, area: ProcessArea, goal: Goal, practice: Practice
) -> tuple[str, str, str, str, str]:
    """(rating, evidence, links, comment, na_reason) of one practice, in Chinese."""
    if area.code == "SAM" and rng.random() < 0.5:
        return "NA", "", "", "", rng.choice(_NA_REASONS)
    level = capability - _difficulty(area, goal) + rng.gauss(0, 0.1)
    work_products = (practice.work_products or {}).get("zh") or (practice.text.zh,)
    values = {
        "wp": rng.choice(work_products),
        "n": rng.randint(3, 12),
        "month": rng.randint(1, 12),
    }
    texts: tuple[str, ...]
    if level > 0.62:
        rating, texts = "FI", _FI
    elif level > 0.45:
        rating, texts = "LI", _LI
    elif level > 0.28:
        rating, texts = "PI", _PI
    else:
        rating, texts = "NI", _NI
    evidence = rng.choice(texts).format(**values)
    if rating in ("LI", "PI") and rng.random() < 0.2:
        evidence = ""  # not every rating is justified yet: evidence coverage below 100 %
    links = ""
    if rating in ("FI", "LI") and rng.random() < 0.4:
        links = f"https://wiki.{DEMO_DOMAIN}/{practice.id.lower().replace('.', '-')}"
    comment = rng.choice(_COMMENTS) if rating in ("PI", "NI") else ""
    return rating, evidence, links, comment, ""


def _cycle_plan(size: str) -> list[tuple[str, date, date]]:
    if size == "large":
        names = [f"{2022 + n // 2} H{n % 2 + 1}" for n in range(1, LARGE_CYCLE_COUNT + 1)]
    else:
        names = list(SMALL_CYCLES)
    plan = []
    for name in names:
        year, half = int(name[:4]), name[-1]
        start = date(year, 1, 1) if half == "1" else date(year, 7, 1)
        end = date(year, 6, 30) if half == "1" else date(year, 12, 31)
        plan.append((name, start, end))
    return plan


def _ratings_for(
    model: MaturityModel,
    scope: Sequence[str] | None,
    capability: float,
    rng: random.Random,
    share: float = 1.0,
) -> list[tuple[str, tuple[str, str, str, str, str]]]:
    rows = []
    for area, goal, practice in model.practices():
        if scope is not None and area.code not in scope:
            continue
        drawn = draw_rating(rng, capability, area, goal, practice)
        if share < 1.0 and rng.random() > share:
            continue
        rows.append((practice.id, drawn))
    return rows


def _at(day: date, days: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=days), time(10, 0))


def seed(size: str, progress: Callable[[int], None]) -> None:
    """The demo step (see the module doc); ``progress`` receives 100 in all, cycle by cycle."""
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    ensure_builtin_models()
    stored = latest_stored(MODEL_KEY)
    if stored is None:
        return
    model = parsed(stored)
    lines = list(db.session.scalars(select(BusinessLine).order_by(BusinessLine.id)))
    rng = random.Random(SEED)  # noqa: S311  (demo data, reproducible on purpose)
    profiles = _profiles(lines, rng)
    large = size == "large"
    scope = None if large else [a.code for a in model.process_areas if a.maturity_level <= 3]
    targets = {
        line.id: 3 if line.code in ("RDC", "DF") or n % 3 == 2 else 2
        for n, line in enumerate(lines)
    }
    plan = _cycle_plan(size)
    reported = 0
    for index, (name, start, end) in enumerate(plan):
        cycle = service.create_cycle(
            pmo, name=name, model=stored, start=start, end=end, targets=targets, scope=scope
        )
        assessments = service.open_cycle(pmo, cycle)
        latest = index == len(plan) - 1
        if large:
            _bulk_ratings(model, assessments, profiles, index, len(plan), rng)
        for position, assessment in enumerate(assessments):
            director = assessment.business_line.directors[0]
            profile = profiles[assessment.business_line_id]
            if not large:
                share = 1.0 if not latest or position % 5 in (0, 1, 3) else 0.55
                _rate(director, assessment, model, scope, profile, index, len(plan), rng, share)
            if not latest:
                _validate(director, pmo, assessment, end)
            elif position % 5 in (0, 3):
                service.submit(director, assessment)
                assessment.submitted_at = _at(start, 150)
        if not latest:
            service.close_cycle(pmo, cycle)
        db.session.flush()
        done = (index + 1) * 100 // len(plan)
        progress(done - reported)
        reported = done


def _rate(
    director: User,
    assessment: Assessment,
    model: MaturityModel,
    scope: Sequence[str] | None,
    profile: LineProfile,
    cycle_index: int,
    cycles: int,
    rng: random.Random,
    share: float,
) -> None:
    capability = profile.at(cycle_index, cycles)
    items = [
        service.RatingInput(pid, rating, evidence, links, comment, reason)
        for pid, (rating, evidence, links, comment, reason) in _ratings_for(
            model, scope, capability, rng, share
        )
    ]
    service.save_ratings(director, assessment, items, expected_version=None)


def _validate(director: User, pmo: User, assessment: Assessment, end: date) -> None:
    service.submit(director, assessment)
    service.validate(pmo, assessment)
    assessment.submitted_at = _at(end, -10)
    assessment.validated_at = _at(end, 12)


def _bulk_ratings(
    model: MaturityModel,
    assessments: Sequence[Assessment],
    profiles: dict[int, LineProfile],
    cycle_index: int,
    cycles: int,
    rng: random.Random,
) -> None:
    """Insert every rating of the cycle at once (large demo), then refresh the scores."""
    batch: list[dict[str, object]] = []
    for assessment in assessments:
        profile = profiles[assessment.business_line_id]
        capability = profile.at(cycle_index, cycles)
        director_id = assessment.business_line.directors[0].id
        for pid, (rating, evidence, links, comment, reason) in _ratings_for(
            model, None, capability, rng
        ):
            batch.append(
                {
                    "assessment_id": assessment.id,
                    "practice_id": pid,
                    "rating": rating,
                    "evidence": evidence,
                    "links": links,
                    "comment": comment,
                    "na_reason": reason,
                    "review_comment": "",
                    "updated_by_id": director_id,
                }
            )
            if len(batch) >= _BATCH:
                db.session.execute(insert(PracticeRating), batch)
                batch = []
    if batch:
        db.session.execute(insert(PracticeRating), batch)
    for assessment in assessments:
        db.session.expire(assessment, ["ratings"])
        service.recompute(assessment)
