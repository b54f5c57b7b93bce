"""Realistic demo pain points, generated deterministically from templates.

Each theme has a few sentence templates with slots; the slots are filled from the theme's
own word lists and the business line's vocabulary, so the same complaint appears in many
wordings, mostly Chinese with some English — as a real survey reads.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

#: Vocabulary of each demo business line (by code); other lines use the generic one.
LINE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "SCM": {
        "thing": ("采购订单", "物料计划", "库存数据", "到货计划"),
        "who": ("供应商", "仓库", "物流商"),
    },
    "LEAN": {
        "thing": ("产线改善", "设备点检", "5S 检查", "换型方案"),
        "who": ("车间", "班组", "设备科"),
    },
    "DF": {
        "thing": ("MES 上线", "数据采集", "看板系统", "接口开发"),
        "who": ("IT", "实施方", "车间"),
    },
    "RDC": {
        "thing": ("新产品开发", "软件版本", "样机", "接口设计"),
        "who": ("产品经理", "测试组", "架构组"),
    },
    "SALES": {
        "thing": ("客户订单", "报价", "售后工单", "交付计划"),
        "who": ("客户", "大区", "服务站"),
    },
}
GENERIC = {"thing": ("项目", "交付件", "计划", "系统"), "who": ("其他部门", "领导", "客户")}


@dataclass(frozen=True)
class PainTheme:
    key: str
    category: str
    process_area: str
    severity: tuple[int, ...]
    templates: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]
    suggestions: tuple[str, ...]


THEMES: tuple[PainTheme, ...] = (
    PainTheme(
        "requirements",
        "process",
        "REQM",
        (3, 4, 4, 5),
        (
            "{thing}的需求{often}变，{who}说改就改，{effect}",
            "需求变更没有评审，{thing}做到一半又要返工",
            "{who}口头提的需求没有记录，后面{effect}",
            "需求文档太粗，{thing}的很多细节只能靠猜",
            "需求基线不清楚，改了也没人通知开发和测试",
            "Requirements for {thing_en} keep changing and nobody tracks the changes",
        ),
        {
            "often": ("经常", "三天两头", "总是", "动不动就"),
            "effect": ("大家一直返工", "扯皮说不清", "进度全乱了", "测试用例白写了"),
        },
        ("建立需求变更评审流程", "需求冻结后走变更单", "需求文档要有验收标准"),
    ),
    PainTheme(
        "schedule",
        "process",
        "PP",
        (3, 4, 5),
        (
            "{thing}的计划是拍脑袋定的，工期{squeeze}",
            "进度{often}延期，计划从来没按实际更新过",
            "工作量估算不准，{thing}总是比计划晚{weeks}周",
            "交付日期先定了再倒排计划，团队只能加班赶",
            "The schedule for {thing_en} is set before anyone estimates the work",
        ),
        {
            "squeeze": ("一压再压", "根本不合理", "被领导直接砍半"),
            "often": ("经常", "每次都", "一再"),
            "weeks": ("两", "三", "四", "好几"),
        },
        ("按工作量估算排计划", "计划要定期按实际更新"),
    ),
    PainTheme(
        "roles",
        "people",
        "IPM",
        (2, 3, 4),
        (
            "{thing}到底谁负责说不清，出了问题互相推",
            "职责分工不明确，{who}和我们之间的事没人管",
            "一个人同时挂在{n}个项目上，优先级谁也说不清",
            "审批要找好几个人签字，没人知道最终谁拍板",
            "Nobody owns {thing_en}; every issue bounces between teams",
        ),
        {"n": ("三", "四", "五")},
        ("明确 RACI 责任矩阵", "每个项目指定唯一负责人"),
    ),
    PainTheme(
        "configuration",
        "tools",
        "CM",
        (3, 4, 5),
        (
            "{thing}的版本管理混乱，不知道哪个是最新版",
            "配置文件改了没人记录，上线后{effect}",
            "文档版本到处都是，共享盘、邮件、微信里各有一份",
            "发版没有基线，出了问题回退不了",
            "Config changes to {thing_en} are made by hand and nobody knows which version is live",
        ),
        {"effect": ("环境对不上", "找了一天原因", "客户现场出错")},
        ("统一用配置库管理版本", "发版前建立基线"),
    ),
    PainTheme(
        "testing",
        "quality",
        "VER",
        (4, 5, 5),
        (
            "测试时间{squeeze}，{thing}的缺陷都是{where}才发现",
            "没有测试环境，只能在生产上验证",
            "缺陷修了又出现，回归测试没人做",
            "评审走过场，{thing}的问题到{where}才暴露",
            "Bugs in {thing_en} escape to production because testing is squeezed at the end",
        ),
        {
            "squeeze": ("总被压缩", "几乎没有", "永远不够"),
            "where": ("客户现场", "上线后", "验收时"),
        },
        ("保证测试时间不被压缩", "建立自动化回归测试"),
    ),
    PainTheme(
        "supplier",
        "process",
        "SAM",
        (3, 4, 5),
        (
            "{supplier}交期{often}延误，我们的计划跟着一起拖",
            "外包团队交付质量差，{thing}验收时问题一大堆",
            "{supplier}的进度我们看不到，出事了才知道",
            "供应商合同里没写清验收标准，扯皮很多",
            "The {supplier_en} delivers late and we have no visibility until it is too late",
        ),
        {
            "supplier": ("供应商", "外包方", "外协厂", "代理商"),
            "often": ("经常", "总是", "一再"),
            "supplier_en": ("supplier", "vendor", "subcontractor"),
        },
        ("定期检查供应商进度", "合同写清验收标准"),
    ),
    PainTheme(
        "meetings",
        "communication",
        "PMC",
        (2, 3, 3),
        (
            "会议太多，{day}都在开会，真正干活只能加班",
            "周例会{length}，大部分内容和我无关",
            "开会没有结论，{thing}的问题下次接着讨论",
            "同一件事要给{who}分别开会讲一遍",
            "Too many status meetings about {thing_en}, no time left to do the work",
        ),
        {"day": ("一天", "上午", "每天下午"), "length": ("开两三个小时", "拖得很长", "没有议程")},
        ("会议要有议程和结论", "减少重复的汇报会"),
    ),
    PainTheme(
        "reporting",
        "process",
        "MA",
        (2, 3, 4),
        (
            "每周要填{n}份报表，数据还要手工从系统里导",
            "同样的数据要给{who}各报一遍，格式还都不一样",
            "报表数据口径不一致，{thing}的指标谁也说不准",
            "度量数据收了没人看，填报纯粹是形式",
            "We fill in {n_en} weekly reports on {thing_en} by hand and nobody reads them",
        ),
        {"n": ("三", "四", "五", "好几"), "n_en": ("three", "four", "five")},
        ("统一指标口径", "报表从系统自动生成"),
    ),
    PainTheme(
        "tooling",
        "tools",
        "OPD",
        (2, 3, 4),
        (
            "{tool}太慢，{thing}的工作{effect}",
            "各部门用的工具不一样，{thing}的数据对不上",
            "系统之间没打通，同一份数据要录{n}遍",
            "{tool}没人维护，坏了只能自己想办法",
            "The {tool_en} is so slow that updating {thing_en} takes forever",
        ),
        {
            "tool": ("OA 系统", "项目管理工具", "ERP", "共享盘"),
            "effect": ("效率很低", "一半时间在等", "经常卡死"),
            "n": ("两", "三"),
            "tool_en": ("project tool", "ERP", "ticket system"),
        },
        ("打通系统接口", "统一工具平台"),
    ),
    PainTheme(
        "risk",
        "process",
        "RSKM",
        (3, 4, 5),
        (
            "风险没人提前识别，{thing}出事了才去救火",
            "问题升级没有渠道，{who}知道时已经晚了",
            "同样的问题在{thing}上反复出现，没人做复盘",
            "Risks on {thing_en} are only raised when it is already a crisis",
        ),
        {},
        ("项目启动时做风险识别", "出问题后做根因分析"),
    ),
)

THING_EN = {
    "SCM": ("purchase orders", "material plans"),
    "LEAN": ("line improvements", "equipment checks"),
    "DF": ("the MES rollout", "data collection"),
    "RDC": ("the new product", "software releases"),
    "SALES": ("customer orders", "service tickets"),
}
FREQUENCIES = ("rarely", "monthly", "weekly", "daily")


@dataclass(frozen=True)
class PainPoint:
    text: str
    theme: str
    category: str
    process_area: str | None
    severity: int
    frequency: str
    suggestion: str


def _fill(theme: PainTheme, template: str, line: str, rng: random.Random) -> str:
    words = LINE_WORDS.get(line, GENERIC)
    values = {
        "thing": rng.choice(words["thing"]),
        "who": rng.choice(words["who"]),
        "thing_en": rng.choice(THING_EN.get(line, ("the project",))),
    }
    for slot, choices in theme.slots.items():
        values[slot] = rng.choice(choices)
    return template.format(**values)


def pain_points(
    count: int, line_codes: list[str], seed: int = 2026
) -> Iterator[tuple[str, PainPoint]]:
    """``count`` (business line code, pain point) pairs, the same for the same arguments."""
    rng = random.Random(seed)  # noqa: S311  (demo data: reproducible, not secret)
    for n in range(count):
        theme = THEMES[rng.randrange(len(THEMES))]
        line = line_codes[n % len(line_codes)]
        template = rng.choice(theme.templates)
        text = _fill(theme, template, line, rng)
        if rng.random() < 0.15:
            text += rng.choice(
                ("。", "！", "，希望能改进。", "，已经好几个月了。", " 很影响士气。")
            )
        yield (
            line,
            PainPoint(
                text=text,
                theme=theme.key,
                category=theme.category,
                process_area=theme.process_area if rng.random() < 0.35 else None,
                severity=rng.choice(theme.severity),
                frequency=rng.choice(FREQUENCIES),
                suggestion=rng.choice(theme.suggestions) if rng.random() < 0.3 else "",
            ),
        )
