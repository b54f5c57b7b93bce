"""Demo step: two satisfaction surveys of the last two months with answers from every
business line; the later one was also sent by e-mail invitation, for a response rate."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.demo.organisation import DEMO_DOMAIN
from app.extensions import db
from app.services.findings.satisfaction import (
    add_question,
    answer_satisfaction,
    invite,
    questions_of,
)
from app.services.findings.surveys import save_survey, set_status
from models import (
    BusinessLine,
    QuestionKind,
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
    db.session.commit()
    progress(100)
