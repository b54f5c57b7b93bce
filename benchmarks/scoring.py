"""Score 1,000 full CMMI assessments with random ratings and report the median time each.

    .venv/bin/python benchmarks/scoring.py [--count 1000] [--seed 7]

Ratings are drawn with a fixed seed over the whole CMMI-DEV v1.3 model (22 process areas,
431 practices): FI, LI, PI, NI with equal weight, NA 5 % and unrated 5 %, so every rule runs
(NA goals, incomplete assessments). Only ``score_assessment`` is timed, not the drawing.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.maturity_model.index import load_builtin_model
from assessments.scoring import score_assessment

CHOICES = ("FI", "LI", "PI", "NI")


def random_ratings(practice_ids: list[str], rng: random.Random) -> dict[str, str]:
    ratings = {}
    for practice_id in practice_ids:
        draw = rng.random()
        if draw < 0.05:
            continue  # unrated
        ratings[practice_id] = "NA" if draw < 0.10 else rng.choice(CHOICES)
    return ratings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    model = load_builtin_model("cmmi-dev-1.3")
    practice_ids = sorted(model.practice_ids())
    rng = random.Random(args.seed)
    inputs = [(random_ratings(practice_ids, rng), rng.randint(2, 5)) for _ in range(args.count)]

    timings = []
    levels = [0] * 6
    started = time.perf_counter()
    for ratings, target in inputs:
        t0 = time.perf_counter()
        result = score_assessment(model, ratings, target)
        timings.append(time.perf_counter() - t0)
        levels[result.maturity_level] += 1
    total = time.perf_counter() - started

    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"model: {model.key} v{model.version}, {len(model.process_areas)} areas, "
        f"{len(practice_ids)} practices; seed {args.seed}"
    )
    print()
    print(f"| {'assessments':>11} | {'median per assessment':>21} | {'p95':>8} | {'total':>8} |")
    print(f"|{'-' * 13}|{'-' * 23}|{'-' * 10}|{'-' * 10}|")
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"| {args.count:>11} | {statistics.median(timings) * 1000:>18.3f} ms "
        f"| {p95 * 1000:>5.3f} ms | {total:>6.3f} s |"
    )
    print()
    print("maturity levels reached:", {f"ML{n}": c for n, c in enumerate(levels) if c})


if __name__ == "__main__":
    main()
