"""Time a gunicorn start with ``gunicorn.conf.py``: the master, and a worker that replaces one.

    .venv/bin/python benchmarks/worker_start.py [--repeat 5] [--port 18765]

One worker (``LADDER_WORKERS=1``) on a throwaway SQLite database (``/healthz`` does not touch
it). First the master's start: from launching gunicorn to the first ``/healthz`` answer (with
``preload_app`` the master creates the app before it forks). Then ``--repeat`` times: the
worker is killed (SIGKILL) and the time until the master has forked a new one that answers
``/healthz`` is taken; with one worker only the new one can answer. Prints the median, and
the load average at the start (the cores may be shared).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import BIN, ROOT


def answers(port: int, deadline: float = 300) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("gunicorn did not answer /healthz")


def worker_pids(master: int) -> list[str]:
    """The master's child processes (Linux)."""
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "LADDER_WORKERS": "1",
            "LADDER_BIND": f"127.0.0.1:{args.port}",
            "LADDER_ENV": "demo",
            "LADDER_SECRET_KEY": "s" * 32,
            "LADDER_INSTANCE_PATH": folder,
            "LADDER_DATABASE_URL": f"sqlite:///{folder}/start.db",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        started = time.perf_counter()
        master = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            answers(args.port)
            master_start = time.perf_counter() - started
            restarts = []
            for _ in range(args.repeat):
                old = worker_pids(master.pid)[0]
                started = time.perf_counter()
                os.kill(int(old), signal.SIGKILL)
                while worker_pids(master.pid) in ([], [old]):
                    time.sleep(0.005)
                answers(args.port)
                restarts.append(time.perf_counter() - started)
        finally:
            master.terminate()
            master.wait()
    print(f"load average {load:.1f} at the start")
    print(f"master start (creates the app, preload_app) to the first answer: {master_start:.2f} s")
    shown = ", ".join(f"{value:.2f}" for value in restarts)
    print(f"worker killed to a new worker's first answer: {shown} s; median ", end="")
    print(f"{statistics.median(restarts):.2f} s")


if __name__ == "__main__":
    main()
