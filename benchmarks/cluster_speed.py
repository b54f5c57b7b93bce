"""Time ``cluster_texts`` (k auto) on synthetic pain points and report peak memory.

    .venv/bin/python benchmarks/cluster_speed.py [--sizes 5000,10000,20000] [--repeat 3]

Texts are generated deterministically by recombining phrases (a topic, a complaint about it,
a consequence; one in seven in English), so the vocabulary grows with the size like a real
survey's. The process-area profiles of the built-in CMMI model are used when the file
exists, as the CLI would. Peak RSS is the process's high-water mark (``ru_maxrss``) after
each size, so it includes the interpreter and the libraries.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.clustering import AreaProfile, assign_with_confidence, cluster_texts
from benchmarks.cluster_quality import load_profiles

_ZH_TOPICS = [
    ("需求", ["老是变", "写得太粗", "没人确认", "口头说了就改", "评审走过场", "和原型对不上"]),
    ("排期", ["拍脑袋定的", "太紧", "没问开发", "一直往前压", "不考虑请假"]),
    ("估算", ["偏乐观", "没有依据", "全凭经验", "每次都不准"]),
    ("跨部门沟通", ["效率低", "要拉好几个群", "没人拍板", "互相甩锅"]),
    ("会议", ["太多", "没有结论", "拖得太长", "没有纪要"]),
    ("发布", ["全靠手工", "经常漏配置", "没有回滚方案", "窗口太少"]),
    ("版本", ["混乱", "对不上", "分支太多", "合并冲突多"]),
    ("测试", ["时间被压缩", "全靠人工回归", "用例覆盖不全", "环境不稳定"]),
    ("线上bug", ["太多", "反复出现", "客户一直投诉"]),
    ("外包", ["质量差", "进度不透明", "人员流动大", "文档缺失"]),
    ("供应商", ["响应慢", "交付延期", "验收标准不清"]),
    ("人手", ["严重不足", "被多个项目抢", "招不到"]),
    ("加班", ["太多", "成了常态", "团队很疲惫"]),
    ("风险", ["没人跟踪", "登记表不更新", "发现太晚", "没有应对措施"]),
    ("周报", ["重复填写", "没人看", "格式每次都变"]),
    ("度量数据", ["口径不统一", "靠手工汇总", "不准确"]),
    ("项目管理工具", ["太难用", "数据不打通", "经常卡顿"]),
    ("权限申请", ["太慢", "流程太长"]),
]
_ZH_OPENERS = ["", "", "感觉", "我们组", "最近", "一直以来", "说实话", "这个季度"]
_ZH_CONSEQUENCES = [
    "",
    "",
    "，返工很多",
    "，大家都很累",
    "，影响交付",
    "，客户不满意",
    "，领导也不管",
    "，希望PMO推动解决",
    "，已经好几次了",
]
_EN_TOPICS = [
    ("requirements", ["keep changing", "are vague", "are never signed off"]),
    ("estimates", ["are always optimistic", "are set top-down"]),
    ("meetings", ["have no decisions", "take the whole day"]),
    ("releases", ["are manual", "break production"]),
    ("testing", ["gets squeezed", "is all manual"]),
    ("vendors", ["deliver late", "ignore our standards"]),
    ("the team", ["is overloaded", "lost key people"]),
    ("risks", ["are never reviewed", "surface too late"]),
    ("status reports", ["take hours", "nobody reads them"]),
    ("our tools", ["don't integrate", "are slow"]),
]
_EN_ENDINGS = ["", ".", " and nobody owns it.", ", again.", " every single sprint."]


def synthetic_pain_points(n: int, seed: int = 7) -> list[str]:
    """``n`` varied, deterministic pain points."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        if rng.random() < 1 / 7:
            topic, complaints = rng.choice(_EN_TOPICS)
            texts.append(f"{topic.capitalize()} {rng.choice(complaints)}{rng.choice(_EN_ENDINGS)}")
            continue
        topic, complaints = rng.choice(_ZH_TOPICS)
        text = f"{rng.choice(_ZH_OPENERS)}{topic}{rng.choice(complaints)}"
        if rng.random() < 0.3:
            other, more = rng.choice(_ZH_TOPICS)
            text += f"，{other}也{rng.choice(more)}"
        texts.append(text + rng.choice(_ZH_CONSEQUENCES))
    return texts


def peak_rss_mb() -> float:
    """High-water resident set size of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_one(texts: list[str], areas: tuple[AreaProfile, ...], repeat: int) -> tuple[float, int]:
    seconds = []
    k = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = cluster_texts(texts, areas=areas)
        seconds.append(time.perf_counter() - start)
        k = result.k
    return statistics.median(seconds), k


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000", help="comma-separated row counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median reported)")
    parser.add_argument(
        "--assign", type=int, default=100, help="new texts to place in the last run's themes"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    areas = load_profiles()
    print(f"area profiles: {len(areas)}; repeat: {args.repeat}")
    print(f"{'rows':>8} {'median s':>9} {'k':>4} {'peak RSS MiB':>13}")
    state = None
    for n in sizes:
        texts = synthetic_pain_points(n)
        median, k = time_one(texts, areas, args.repeat)
        print(f"{n:>8} {median:>9.2f} {k:>4} {peak_rss_mb():>13.0f}", flush=True)
        if args.assign and n == sizes[-1]:
            state = cluster_texts(texts, areas=areas).state
    if state is not None:
        new = synthetic_pain_points(args.assign, seed=99)
        start = time.perf_counter()
        assign_with_confidence(state, new)
        seconds = time.perf_counter() - start
        print(f"{args.assign} new texts assigned to the last run's themes in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
