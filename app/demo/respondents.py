"""Demo step: respondents rating the open cycle's drafts of two business lines.

Small: 工厂精益运营 has four respondents and 数字化工厂 three (``respondent1@demo.ladder`` …,
password ``ladder-demo``), each assigned some ML2 process areas with a due date; they rate
around their director's view, some of them far enough apart to disagree. Consolidation is
open for the first line, so its director sees the disagreements at once. Large: the same for
the open cycle's first two drafts, with the full model's ML2 areas.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sqlalchemy import select

from app.demo.organisation import DEMO_DOMAIN, DEMO_PASSWORD, person_name
from app.extensions import db
from app.services.assessments import respondents as service
from app.services.assessments import workflow
from models import Assessment, AssessmentStatus, BusinessLine, Cycle, CycleStatus, User

SEED = 20260301
_RATINGS = ("NI", "PI", "LI", "FI")
#: Respondents per demo line, in order: the first line gets four, the second three.
PER_LINE = (4, 3)
_ROLES = ("项目经理", "QA 工程师", "项目经理", "配置管理员")


def _drafts() -> list[Assessment]:
    open_cycle = select(Cycle.id).where(Cycle.status == CycleStatus.OPEN)
    return list(
        db.session.scalars(
            select(Assessment)
            .join(BusinessLine, BusinessLine.id == Assessment.business_line_id)
            .where(
                Assessment.cycle_id.in_(open_cycle),
                Assessment.status == AssessmentStatus.DRAFT,
            )
            .order_by(Assessment.id)
        )
    )[: len(PER_LINE)]


def _own_rating(rng: random.Random, consensus: str | None) -> str:
    """Near the director's rating; now and then two steps away (a disagreement)."""
    if consensus is None or consensus == "NA":
        return rng.choice(_RATINGS[1:])
    base = _RATINGS.index(consensus)
    step = rng.choices((0, 1, -1, 2, -2), weights=(55, 18, 17, 5, 5))[0]
    return _RATINGS[max(0, min(3, base + step))]


def seed(size: str, progress: Callable[[int], None]) -> None:
    """The demo step (see the module doc)."""
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    rng = random.Random(SEED)  # noqa: S311  (demo data, reproducible on purpose)
    number = 0
    for index, (assessment, count) in enumerate(zip(_drafts(), PER_LINE, strict=False)):
        director = assessment.business_line.directors[0]
        ml2 = [a.code for a in workflow.areas_in_scope(assessment) if a.maturity_level == 2]
        consensus = {r.practice_id: r.rating for r in assessment.ratings}
        for position in range(count):
            number += 1
            areas = [ml2[(position + k) % len(ml2)] for k in range(3)]
            respondent = service.invite(
                director,
                assessment,
                assignments=areas,
                due=assessment.cycle.end,
                email=f"respondent{number}@{DEMO_DOMAIN}",
                display_name=f"{person_name(40 + number)}（{_ROLES[position % len(_ROLES)]}）",
                password=DEMO_PASSWORD,
            )
            practices = service.assigned_practices(
                workflow.areas_in_scope(assessment), respondent.assignments
            )
            share = 1.0 if position != count - 1 else 0.6  # the last one is not finished
            items = [
                workflow.RatingInput(
                    practice_id=p.id,
                    rating=_own_rating(rng, consensus.get(p.id)),
                    evidence="" if rng.random() < 0.5 else "见项目周报与评审记录。",
                )
                for ps in practices.values()
                for p in ps
                if rng.random() < share
            ]
            service.save_own_ratings(respondent.user, respondent, items)
        if index == 0:
            service.open_consolidation(director, assessment)
        db.session.flush()
    progress(100 if size else 0)
