"""CPU time the server spends on each kind of request of the load test, measured from outside.

    .venv/bin/python benchmarks/request_cpu.py [--database NAME | --size large] [--repeat 100]
        [--keep]

The load test saturates two cores: what decides its throughput is the CPU time each request
costs the server, not the time one request takes alone. This serves the app like production
(``server.py``: ``gunicorn.conf.py``, two workers, PostgreSQL with the demo, Redis) and sends
``--repeat`` requests of each kind one at a time, as the load test's users send them: the
overview of an assessment and one of its process-area pages (a director, round the
assessments of ``/cycles/mine``), the survey's page and an answer to it (anonymous), the
leadership dashboard, ``/cycles/mine``, the sign-in form and a sign-in (``POST /login``, a
new session each time), and ``/healthz`` (the floor: routing and the request hooks). The CPU
seconds of the gunicorn processes (master and workers, from ``/proc``) before and after each
kind give the CPU milliseconds per request, which the machine's load changes far less than
wall time; PostgreSQL's own work is not included. The machine's load average is printed with
the figures.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from itertools import cycle
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import CSRF, PASSWORD, signed_in
from server import cpu_seconds, gunicorn, seeded_database, survey_token

DIRECTOR = "director1@demo.ladder"
ASSESSMENT_LINK = re.compile(r'href="(/cycles/assessments/\d+)"')
AREA_LINK = re.compile(r'href="(/cycles/assessments/\d+/areas/[A-Z0-9]+)"')
SELECT = re.compile(r'<select[^>]*name="([\w-]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="([^"]+)"')
RADIO = re.compile(r'type="radio"[^>]*name="([\w-]+)"[^>]*value="([^"]+)"')


def survey_answer(page: str) -> dict[str, str]:
    """A valid answer to the survey page: the first choice of each select and radio group."""
    data: dict[str, str] = {}
    for name, body in SELECT.findall(page):
        options = OPTION.findall(body)
        if options:
            data[name] = options[0]
    for name, value in RADIO.findall(page):
        data.setdefault(name, value)
    data.pop("process_area", None)
    token = CSRF.search(page)
    data["csrf_token"] = token.group(1) if token else ""
    data["text"] = "测试时间不够，上线后问题多"
    return data


def requests_to_time(host: str, token: str) -> dict[str, Callable[[], requests.Response]]:
    director = signed_in(host, DIRECTOR)
    leader = signed_in(host, "leader@demo.ladder")
    anonymous = requests.Session()
    mine = director.get(f"{host}/cycles/mine", timeout=30).text
    overviews = ASSESSMENT_LINK.findall(mine)
    areas = [
        area
        for overview in overviews
        for area in AREA_LINK.findall(director.get(f"{host}{overview}", timeout=30).text)[:3]
    ]
    next_overview, next_area = cycle(overviews), cycle(areas)
    answer = survey_answer(anonymous.get(f"{host}/s/{token}", timeout=30).text)

    def sign_in() -> requests.Response:
        session = requests.Session()
        page = session.get(f"{host}/login", timeout=30).text
        token = CSRF.search(page)
        data = {
            "email": DIRECTOR,
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        }
        return session.post(f"{host}/login", data=data, allow_redirects=False, timeout=30)

    return {
        "`GET /healthz`": lambda: anonymous.get(f"{host}/healthz", timeout=30),
        "`GET /cycles/assessments/[id]`": lambda: director.get(
            f"{host}{next(next_overview)}", timeout=30
        ),
        "`GET` area page": lambda: director.get(f"{host}{next(next_area)}", timeout=30),
        "`GET /s/[token]`": lambda: anonymous.get(f"{host}/s/{token}", timeout=30),
        "`POST /s/[token]`": lambda: anonymous.post(
            f"{host}/s/{token}", data=answer, allow_redirects=False, timeout=30
        ),
        "`GET /cycles/mine`": lambda: director.get(f"{host}/cycles/mine", timeout=30),
        "`GET /reports/`": lambda: leader.get(f"{host}/reports/", timeout=30),
        "`GET /login`": lambda: requests.get(f"{host}/login", timeout=30),
        "`POST /login` (form + sign-in)": sign_in,
    }


def measure(host: str, pid: int, token: str, repeat: int) -> list[tuple[str, float, int]]:
    """(kind, server CPU ms per request, status of the last answer) for each kind."""
    rows = []
    for name, request in requests_to_time(host, token).items():
        request()  # warm-up: templates compiled, caches filled
        time.sleep(0.2)  # let the warm-up's CPU be counted before the start
        before = cpu_seconds(pid)
        for _ in range(repeat):
            status = request().status_code
        time.sleep(0.2)
        rows.append((name, (cpu_seconds(pid) - before) * 1000 / repeat, status))
    return rows


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an already seeded PostgreSQL database to serve")
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep a database seeded here")
    args = parser.parse_args()
    with seeded_database(args.size, args.database, args.keep) as name, gunicorn(name) as server:
        print(f"load average before: {load_average()}")
        rows = measure(server.url, server.pid, survey_token(name), args.repeat)
        print(f"load average after: {load_average()}")
    floor = rows[0][1]
    print("| request | server CPU ms | × `/healthz` | status |")
    print("|---|---:|---:|---:|")
    for name, ms, status in rows:
        print(f"| {name} | {ms:.1f} | {ms / floor:.1f} | {status} |")


if __name__ == "__main__":
    main()
