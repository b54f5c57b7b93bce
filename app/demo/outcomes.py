"""Demo step: outcomes beyond levels. Two satisfaction surveys with answers (one with
e-mail invitations, for a response rate), the benefits of the quick-win projects in
numbers, and a lessons library of 24 lessons from closing reviews, PMO reviews and the PMO.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.demo.lesson_texts import LESSONS
from app.demo.organisation import DEMO_DOMAIN
from app.extensions import db
from app.services.backlog.quickwins import set_benefit
from app.services.findings.satisfaction import (
    add_question,
    answer_satisfaction,
    invite,
    questions_of,
)
from app.services.findings.surveys import save_survey, set_status
from app.services.lessons import LessonInput, save_lesson
from assessments.benefits import BenefitUnit
from models import (
    BusinessLine,
    LessonKind,
    LessonSource,
    QuestionKind,
    QuickWinProject,
    Review,
    Survey,
    SurveyKind,
    SurveyStatus,
    User,
)

QUESTIONS = (
    (QuestionKind.LIKERT, "您对本月项目管理流程的整体满意度如何？", ()),
    (QuestionKind.LIKERT, "PMO 提供的模板和工具对您的工作有帮助吗？", ()),
    (QuestionKind.LIKERT, "项目例会和评审的效率如何？", ()),
    (
        QuestionKind.CHOICE,
        "您最希望 PMO 优先改进哪一方面？",
        ("需求管理", "计划与估算", "跨部门协作", "度量与报表", "培训与辅导"),
    ),
    (QuestionKind.TEXT, "还有什么意见或建议？", ()),
)
COMMENTS = (
    "评审会材料能不能提前两天发出来，会上效率会高很多。",
    "模板太多，希望按项目规模给一个精简版。",
    "跨部门协调还是很难，需要 PMO 出面推动。",
    "周报填写和系统录入重复，希望打通。",
    "最近的需求变更流程清楚多了，点赞。",
    "希望多组织一些估算方法的培训。",
)
#: A typical satisfaction (mean of the 1–5 ratings) per business line, by position.
LINE_LEVELS = (4.3, 3.6, 4.0, 4.6, 3.3)


def _month(day: date, back: int) -> str:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _rating(rng: random.Random, level: float) -> str:
    return str(min(5, max(1, round(rng.gauss(level, 0.7)))))


def _satisfaction_survey(
    rng: random.Random, pmo: User, lines: list[BusinessLine], period: str, invited: int
) -> Survey:
    survey = save_survey(
        pmo,
        None,
        title=f"{period} 项目组满意度调研",
        introduction="匿名填写，约 2 分钟。结果用于计算各业务线的“项目组满意度”指标。",
        cycle_id=None,
        business_line_ids=[bl.id for bl in lines],
        closes_on=None,
        anonymous=True,
        categories=[],
        kind=SurveyKind.SATISFACTION,
        period=period,
    )
    for kind, text, options in QUESTIONS:
        add_question(
            pmo,
            survey,
            kind=kind,
            text=text,
            options=options,
            required=kind is not QuestionKind.TEXT,
        )
    tokens = (
        [
            token
            for _email, token in invite(
                pmo, survey, [f"member{n}@{DEMO_DOMAIN}" for n in range(1, invited + 1)]
            )
        ]
        if invited
        else []
    )
    questions = questions_of(survey)
    today = date.today()
    for position, line in enumerate(lines):
        level = LINE_LEVELS[position % len(LINE_LEVELS)] + rng.uniform(-0.2, 0.2)
        for _n in range(rng.randint(8, 14)):
            answers: dict[int, str] = {}
            for question in questions:
                if question.kind is QuestionKind.LIKERT:
                    answers[question.id] = _rating(rng, level)
                elif question.kind is QuestionKind.CHOICE:
                    answers[question.id] = rng.choice(question.options)
                elif rng.random() < 0.3:
                    answers[question.id] = rng.choice(COMMENTS)
            token = tokens.pop() if tokens and rng.random() < 0.7 else None
            answer_satisfaction(
                survey,
                business_line_id=line.id,
                answers=answers,
                today=today,
                invitation_token=token,
            )
    return survey


# ------------------------------------------------------------------------ benefits

#: (unit, saved per month, hourly cost, one-off cost) per quick-win project, in order.
BENEFITS = (
    (BenefitUnit.HOURS, 120.0, 150.0, 36_000.0),
    (BenefitUnit.MONEY, 18_000.0, None, 60_000.0),
    (BenefitUnit.HOURS, 260.0, 150.0, 45_000.0),
    (BenefitUnit.MONEY, 42_000.0, None, 120_000.0),
    (BenefitUnit.HOURS, 40.0, 150.0, 30_000.0),
)


def _benefits(pmo: User) -> list[QuickWinProject]:
    projects = list(db.session.scalars(select(QuickWinProject).order_by(QuickWinProject.id)))
    for project, (unit, saved, rate, cost) in zip(projects, BENEFITS, strict=False):
        set_benefit(
            pmo, project, unit=unit, saved_per_month=saved, one_off_cost=cost, hourly_cost=rate
        )
    return projects


# ------------------------------------------------------------------------- lessons


def _lessons(pmo: User, lines: list[BusinessLine], projects: list[QuickWinProject]) -> None:
    closed = [p for p in projects if p.closed_on is not None]
    reviews = list(db.session.scalars(select(Review).order_by(Review.id)))
    for n, (title, text, kind, area, tags) in enumerate(LESSONS):
        source, project_id, review_id = LessonSource.MANUAL, None, None
        if n < len(closed):
            source, project_id = LessonSource.QUICK_WIN, closed[n].id
        elif reviews and n % 5 == 0:
            source, review_id = LessonSource.REVIEW, reviews[n % len(reviews)].id
        line = None if n % 3 == 2 else lines[n % len(lines)].id
        save_lesson(
            pmo,
            None,
            LessonInput(
                title=title,
                text=text,
                kind=LessonKind(kind),
                business_line_id=line,
                process_area=area,
                tags=tags,
                source=source,
                project_id=project_id,
                review_id=review_id,
            ),
        )


def seed(size: str, progress: Callable[[int], None]) -> None:
    rng = random.Random(20261130)  # noqa: S311  (demo data, not security)
    pmo = db.session.scalar(select(User).where(User.email == f"pmo@{DEMO_DOMAIN}"))
    if pmo is None:
        return
    lines = list(db.session.scalars(select(BusinessLine).order_by(BusinessLine.id)))[:5]
    today = date.today()
    earlier = _satisfaction_survey(rng, pmo, lines, _month(today, 2), invited=0)
    set_status(pmo, earlier, SurveyStatus.CLOSED)
    _satisfaction_survey(rng, pmo, lines, _month(today, 1), invited=60)
    progress(50)
    projects = _benefits(pmo)
    _lessons(pmo, lines, projects)
    db.session.commit()
    progress(50)
