"""Jobs on the real queue: a real ``ladder worker`` process against the real Redis.

Each test uses Redis database 11 and a queue name of its own, a heartbeat timeout of two
seconds, and the test database (SQLite file or PostgreSQL) shared by the worker process and
the in-test web app. Faults: the worker killed mid-job (the job is failed after the timeout,
nothing half-written, and a retry completes it); the web process killed while its job runs
(the worker finishes it).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis

from app.extensions import db
from app.services.findings.records import FindingFilter
from app.services.findings.themes import create_run, queue_run
from models import (
    ClusteringRun,
    Finding,
    FindingSource,
    Job,
    JobState,
    Role,
    RunStatus,
    Theme,
    ThemeFinding,
    ThemeModelState,
    User,
)
from tests.redis_support import reachable_redis
from tests.test_themes import labelled_rows
from tests.test_worker_kill import free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/11"
HEARTBEAT_TIMEOUT = 2


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue name of this test's own; its keys are removed afterwards."""
    reachable_redis(REDIS_URL)
    name = f"ladder-test-{uuid.uuid4().hex[:10]}"
    yield name
    redis = Redis.from_url(REDIS_URL)
    for key in redis.scan_iter(f"rq:*{name}*"):
        redis.delete(key)


def process_env(database_url: str, queue: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LADDER_DATABASE_URL": database_url,
        "LADDER_SECRET_KEY": "k" * 40,
        "LADDER_REDIS_URL": REDIS_URL,
        "LADDER_JOB_QUEUE": queue,
        "LADDER_JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
        "LADDER_INSTANCE_PATH": str(instance),
    }


@pytest.fixture
def start_worker(database_url, queue, tmp_path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start ``ladder worker`` processes; any still running are stopped after the test."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start() -> subprocess.Popen:
        ladder = Path(sys.executable).with_name("ladder")
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [str(ladder), "worker"],
                cwd=ROOT,
                env=process_env(database_url, queue, tmp_path / "instance"),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        print(f"--- {log.name} (exit {process.returncode})\n{log.read_text()[-3000:]}")


@pytest.fixture
def web(make_app, queue):
    """The web app (in this process) with its jobs queued on Redis."""
    return make_app(REDIS_URL=REDIS_URL, JOB_QUEUE=queue, JOB_HEARTBEAT_TIMEOUT=HEARTBEAT_TIMEOUT)


@pytest.fixture
def findings(app, make_business_line) -> Callable[[int], int]:
    """``findings(copies)``: the labelled pain points, each ``copies`` times with a number."""
    line = make_business_line("RDC", "研发中心").id

    def add(copies: int) -> int:
        rows = labelled_rows(per_theme=1000)
        with app.app_context():
            for copy in range(copies):
                for n, (text, _theme) in enumerate(rows):
                    suffix = f"（第{copy}批）" if copy else ""
                    db.session.add(
                        Finding(
                            source=FindingSource.SURVEY,
                            text=text + suffix,
                            business_line_id=line,
                            severity=1 + n % 5,
                        )
                    )
            db.session.commit()
        return len(rows) * copies

    return add


def queue_a_run(application, pmo_id: int, k: int | None) -> tuple[int, int]:
    with application.app_context():
        actor = db.session.get(User, pmo_id)
        run = create_run(actor, FindingFilter(), k=k)
        job = queue_run(actor, run)
        db.session.commit()
        return run.id, job.id


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def job_state(application, job_id: int) -> JobState:
    with application.app_context():
        state = db.session.get(Job, job_id).state
        db.session.remove()
        return state


def clustering_started(application, job_id: int) -> bool:
    """The job runs and has reported progress: the clustering itself is under way."""
    with application.app_context():
        job = db.session.get(Job, job_id)
        started = job.state is JobState.RUNNING and job.progress > 0
        db.session.remove()
        return started


def test_the_worker_runs_a_clustering_run_to_done(app, web, make_user, findings, start_worker):
    count = findings(1)
    pmo = make_user(Role.PMO)
    run_id, job_id = queue_a_run(web, pmo.id, k=6)
    assert job_state(web, job_id) is JobState.QUEUED
    start_worker()
    wait_for(lambda: job_state(web, job_id) is JobState.DONE, 120, "the job to finish")
    with app.app_context():
        run = db.session.get(ClusteringRun, run_id)
        assert run.status is RunStatus.DONE, run.error
        assert len(run.themes) == 6
        assert sum(t.size for t in run.themes) == count
        assert db.session.get(ThemeModelState, run_id) is not None
        job = db.session.get(Job, job_id)
        assert job.runner == "rq"
        assert job.attempts == 1
        assert job.progress == 1.0


def test_a_worker_killed_mid_job_fails_the_job_without_half_written_themes_and_retry_works(
    app, web, make_user, findings, start_worker
):
    findings(2)
    pmo = make_user(Role.PMO)
    run_id, job_id = queue_a_run(web, pmo.id, k=None)
    worker = start_worker()
    wait_for(lambda: clustering_started(web, job_id), 120, "the clustering to start")
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    client = web.test_client()
    client.post("/login", data={"email": pmo.email, "password": pmo.password})
    assert client.get(f"/themes/runs/{run_id}/status").json["status"] == "running"

    def failed() -> bool:
        return client.get(f"/themes/runs/{run_id}/status").json["status"] == "failed"

    wait_for(failed, HEARTBEAT_TIMEOUT * 10, "the dead job to be failed")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state is JobState.FAILED
        assert "停止响应" in job.error
        assert db.session.query(Theme).filter_by(run_id=run_id).count() == 0
        assert db.session.query(ThemeFinding).filter_by(run_id=run_id).count() == 0
        assert db.session.get(ThemeModelState, run_id) is None
    page = client.get(f"/themes/runs/{run_id}").text
    assert 'data-action="retry"' in page

    client.post(f"/jobs/{job_id}/retry", data={"next": f"/themes/runs/{run_id}"})
    assert job_state(web, job_id) is JobState.QUEUED
    start_worker()
    wait_for(lambda: job_state(web, job_id) is JobState.DONE, 240, "the retried job")
    with app.app_context():
        run = db.session.get(ClusteringRun, run_id)
        assert run.status is RunStatus.DONE, run.error
        assert run.themes
        assert db.session.get(Job, job_id).attempts == 2


def sign_in(base: str, email: str, password: str) -> tuple[urllib.request.OpenerDirector, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(f"{base}/login", data=body.encode())
    page = opener.open(f"{base}/themes/").read().decode()
    return opener, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_worker_finishes_a_run_whose_web_process_was_killed(
    app, database_url, queue, make_user, findings, start_worker, tmp_path
):
    findings(2)
    pmo = make_user(Role.PMO)
    port = free_port()
    env = {
        **process_env(database_url, queue, tmp_path / "instance"),
        "LADDER_WORKERS": "1",
        "LADDER_THREADS": "2",
        "LADDER_BIND": f"127.0.0.1:{port}",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    master = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        start_worker()
        opener, token = sign_in(base, pmo.email, pmo.password)
        body = urllib.parse.urlencode({"csrf_token": token, "cycle": "0", "source": ""})
        opener.open(f"{base}/themes/runs", data=body.encode())
        with app.app_context():
            job_id = db.session.query(Job.id).scalar()
        wait_for(lambda: clustering_started(app, job_id), 120, "the clustering to start")
    finally:
        os.killpg(master.pid, signal.SIGKILL)  # the whole web process group, at once
        master.wait()
    wait_for(lambda: job_state(app, job_id) is JobState.DONE, 240, "the worker to finish")
    with app.app_context():
        run = db.session.query(ClusteringRun).one()
        assert run.status is RunStatus.DONE
        assert run.themes
