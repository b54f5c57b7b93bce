"""Seed a demo organisation. Later areas add their own data through ``DEMO_STEPS``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.services.org import save_business_line, save_user
from models import Role, User

DEMO_PASSWORD = "ladder-demo"
DEMO_DOMAIN = "demo.ladder"

SMALL_LINES = (
    ("SCM", "供应链"),
    ("LEAN", "工厂精益运营"),
    ("DF", "数字化工厂"),
    ("RDC", "研发中心"),
    ("SALES", "销售与服务"),
)
LARGE_EXTRA_NAMES = (
    "华东制造",
    "华南制造",
    "华北制造",
    "海外工程",
    "质量中心",
    "采购中心",
    "物流中心",
    "客户服务",
    "电商平台",
    "数据平台",
    "云服务",
    "智能硬件",
    "新能源",
    "汽车电子",
    "医疗设备",
    "工业软件",
    "安全产品",
    "财务共享",
    "人力资源",
    "法务合规",
    "市场营销",
    "渠道销售",
    "大客户部",
    "售后工程",
    "测试中心",
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ("伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    name: str
    business_lines: tuple[str, ...]


def demo_business_lines(size: str) -> list[tuple[str, str]]:
    lines = list(SMALL_LINES)
    if size == "large":
        lines += [(f"BL{n + 6:02d}", name) for n, name in enumerate(LARGE_EXTRA_NAMES)]
    return lines


def _person(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]


def is_seeded() -> bool:
    return (
        db.session.scalar(select(User.id).where(User.email == f"admin@{DEMO_DOMAIN}")) is not None
    )


def seed_organisation(size: str, progress: Callable[[int], None] = lambda _n: None) -> None:
    """Accounts for every role and one director per business line."""
    for email, name, role in (
        (f"admin@{DEMO_DOMAIN}", "系统管理员", Role.ADMIN),
        (f"pmo@{DEMO_DOMAIN}", "PMO 孙经理", Role.PMO),
        (f"leader@{DEMO_DOMAIN}", "高总", Role.LEADERSHIP),
    ):
        save_user(None, None, email=email, display_name=name, role=role, password=DEMO_PASSWORD)
    for n, (code, name) in enumerate(demo_business_lines(size), start=1):
        director = save_user(
            None,
            None,
            email=f"director{n}@{DEMO_DOMAIN}",
            display_name=f"{_person(n)}（{name}总监）",
            role=Role.DIRECTOR,
            password=DEMO_PASSWORD,
        )
        save_business_line(
            None,
            None,
            code=code,
            name=name,
            description=f"{name}业务线",
            director_ids=[director.id],
        )
        progress(1)


#: Each area seeds its own demo data after the organisation, in this order. A step takes the
#: size ("small" or "large") and a progress callback (called with a count of work done).
DemoStep = Callable[[str, Callable[[int], None]], None]
DEMO_STEPS: list[tuple[str, str]] = [
    # ("label shown in the progress bar", "module:function"),
    ("Seeding assessments", "app.demo.assessments:seed"),  # before surveys: cycles
    ("Seeding pain points", "app.demo.surveys:seed"),
    ("Seeding backlog", "app.demo.backlog:seed"),
    ("Seeding outcome KPIs", "app.demo.outcomes:seed"),
    ("Seeding satisfaction surveys", "app.demo.satisfaction:seed"),
    ("Seeding benefits and lessons", "app.demo.lessons:seed"),
]


def demo_steps() -> list[tuple[str, DemoStep]]:
    """Import each step lazily, so an area's seeding code loads only for the demo."""
    import importlib

    steps = []
    for label, target in DEMO_STEPS:
        module_name, _, function = target.partition(":")
        steps.append((label, getattr(importlib.import_module(module_name), function)))
    return steps


def demo_accounts() -> Iterator[DemoAccount]:
    users = db.session.scalars(
        select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.id)
    )
    for user in users:
        lines = tuple(bl.name for bl in user.business_lines)
        yield DemoAccount(user.email, user.role.value, user.display_name, lines)
