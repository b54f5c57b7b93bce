"""Time a process start: ``ladder --help`` and creating the app, beside ``import flask``.

    .venv/bin/python benchmarks/startup.py [--repeat 7] [--write-doc]

Each command runs ``--repeat`` times in a fresh interpreter, in turn; the median wall time of
each is reported, and as a multiple of ``python -c "import flask"`` measured in the same run
(the floor of any Flask process, which holds better than seconds on a machine whose load
changes), with the median CPU time in user mode (which the load distorts less) and the load
average at the start. With ``gunicorn.conf.py``'s ``preload_app`` a worker is a fork of the
master, which has already created the app: the master's start is the "create the app" line,
a worker's start is the fork. ``--write-doc`` writes the table to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_doc import write_section
from server import BIN, ROOT

COMMANDS = {
    '`python -c "import flask"`': [sys.executable, "-c", "import flask"],
    "`ladder --help`": [str(BIN / "ladder"), "--help"],
    "create the app (`create_app()`)": [
        sys.executable,
        "-c",
        "from app import create_app; create_app()",
    ],
}


def _user_seconds() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def measure(repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, user CPU) seconds of each command."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LADDER_SECRET_KEY": "s" * 32, "LADDER_INSTANCE_PATH": folder}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with the compiled modules
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
        for _ in range(repeat):
            for name, command in COMMANDS.items():
                started, user = time.perf_counter(), _user_seconds()
                subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
                times[name].append((time.perf_counter() - started, _user_seconds() - user))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(u for _, u in values))
        for name, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    medians = measure(args.repeat)
    floor = medians['`python -c "import flask"`'][0]
    lines = [
        f"`benchmarks/startup.py --repeat {args.repeat}`: each command in a fresh interpreter, "
        "in turn; the median wall time, as a multiple of `import flask` in the same run, and "
        f"the median user CPU time; load average {load:.1f} at the start.",
        "",
        "| process | median s | × `import flask` | user CPU s |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {wall:.2f} | {wall / floor:.1f} | {user:.2f} |"
        for name, (wall, user) in medians.items()
    ]
    table = "\n".join(lines)
    print(table)
    if args.write_doc:
        write_section("Process start", table)


if __name__ == "__main__":
    main()
