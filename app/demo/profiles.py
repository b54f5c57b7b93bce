"""Demo step: target profiles with a roadmap, and evidence files on the open drafts.

The first two business lines get a target capability level per process area of their
latest cycle's model (CL2 for the maturity-level-2 areas, CL1 for the rest) and a roadmap
that plans CL3 for the level-2 areas a year on. The director of each of the first two open
drafts attaches two evidence files (a text file and a small PDF) to its first practice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from app.demo.organisation import DEMO_DOMAIN
from app.extensions import db
from app.services.assessments import workflow
from app.services.assessments.evidence import Upload, attach
from app.services.assessments.model_store import parsed
from app.services.assessments.profiles import profile_model, save_profile
from app.services.backlog.quickwins import today
from assessments.profiles import PlanStep
from models import Assessment, AssessmentStatus, BusinessLine, Cycle, CycleStatus, User

MINUTES = (
    "项目周例会纪要（节选）\n"
    "1. 本周完成需求评审，变更 2 项已登记。\n"
    "2. 风险：关键供应商交期延后一周。\n"
)
#: The smallest well-formed PDF: one empty page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(size: str, progress: Callable[[int], None]) -> None:
    """The demo step (see the module doc)."""
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    lines = db.session.scalars(select(BusinessLine).order_by(BusinessLine.id).limit(2)).all()
    for line in lines:
        stored = profile_model(line)
        if stored is None:
            continue
        model = parsed(stored)
        targets = {a.code: 2 if a.maturity_level == 2 else 1 for a in model.process_areas}
        plans = [
            PlanStep(a.code, today() + timedelta(days=365), 3)
            for a in model.process_areas
            if a.maturity_level == 2
        ]
        save_profile(pmo, line, model, targets, plans)
        progress(1)
    drafts = db.session.scalars(
        select(Assessment)
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .where(Cycle.status == CycleStatus.OPEN, Assessment.status == AssessmentStatus.DRAFT)
        .order_by(Assessment.id)
        .limit(2)
    ).all()
    for assessment in drafts:
        if not assessment.business_line.directors:
            continue
        director = assessment.business_line.directors[0]
        first = next(
            practice.id
            for area in workflow.areas_in_scope(assessment)
            for _goal, practice in area.practices()
        )
        attach(director, assessment, Upload(first, "周例会纪要.txt", MINUTES.encode(), owner="PMO"))
        attach(
            director, assessment, Upload(first, "项目计划.pdf", PDF, owner=director.display_name)
        )
        progress(1)
