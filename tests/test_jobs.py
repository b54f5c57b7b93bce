"""Background jobs in a thread of the app (no Redis): state, progress, failure, dead jobs,
retries; and what a PMO sees when Redis is down."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.services import jobs
from app.services.findings.records import FindingFilter
from app.services.findings.themes import RUN_JOB, create_run, queue_run
from app.services.jobs import JobContext, fail_stale_jobs, job_kind, submit
from models import ClusteringRun, Job, JobState, Role, RunStatus, Theme, ThemeModelState, User
from models.base import utcnow
from tests.test_themes import pain_points  # noqa: F401  (a fixture)

ATTEMPTS: dict[str, int] = {}


@job_kind("test_count", "test job")
def _count_job(ctx: JobContext) -> dict[str, int]:
    for n in range(4):
        ctx.progress(n / 4, f"step {n}")
    ATTEMPTS[ctx.payload["key"]] = ATTEMPTS.get(ctx.payload["key"], 0) + 1
    if ctx.payload.get("fail_first") and ATTEMPTS[ctx.payload["key"]] == 1:
        raise RuntimeError("the first attempt breaks")
    return {"total": sum(ctx.payload["numbers"])}


def submitted(app, **payload) -> int:
    with app.app_context():
        job = submit("test_count", {"key": str(time.monotonic_ns()), **payload})
        db.session.commit()
        return job.id


def state_of(app, job_id):
    with app.app_context():
        return db.session.get(Job, job_id)


def test_a_job_runs_in_a_thread_after_its_transaction_commits(app):
    job_id = submitted(app, numbers=[1, 2, 3])
    jobs.join(job_id, timeout=30)
    job = state_of(app, job_id)
    assert job.state is JobState.DONE
    assert job.result == {"total": 6}
    assert job.progress == 1.0
    assert job.attempts == 1
    assert job.runner == "thread"
    assert job.started_at is not None
    assert job.finished_at is not None


def test_a_rolled_back_submission_never_runs(app):
    with app.app_context():
        job = submit("test_count", {"key": "rolled-back", "numbers": [1]})
        job_id = job.id
        db.session.rollback()
    time.sleep(0.3)
    assert "rolled-back" not in ATTEMPTS
    assert state_of(app, job_id) is None


def test_a_failing_job_is_failed_with_its_error_and_the_pmo_retries_it(app, client, login_as):
    login_as(Role.PMO)
    job_id = submitted(app, numbers=[2, 2], fail_first=True)
    jobs.join(job_id, timeout=30)
    job = state_of(app, job_id)
    assert job.state is JobState.FAILED
    assert "the first attempt breaks" in job.error
    page = client.get("/jobs/").text
    assert f'data-job="{job_id}"' in page
    assert 'data-action="retry"' in page
    assert client.get(f"/jobs/{job_id}/status").json["state"] == "failed"
    response = client.post(f"/jobs/{job_id}/retry", data={"next": "/jobs/"})
    assert response.headers["Location"] == "/jobs/"
    jobs.join(job_id, timeout=30)
    job = state_of(app, job_id)
    assert job.state is JobState.DONE, job.error
    assert job.attempts == 2
    assert job.error == ""
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302  # refused: not failed
    assert state_of(app, job_id).attempts == 2


def test_only_the_pmo_sees_and_retries_jobs(app, client, login_as):
    job_id = submitted(app, numbers=[1])
    jobs.join(job_id, timeout=30)
    login_as(Role.DIRECTOR)
    assert client.get("/jobs/").status_code == 403
    # a job is followed by whoever submitted it and the managers: another's is not found
    assert client.get(f"/jobs/{job_id}/status").status_code == 404
    assert client.post(f"/jobs/{job_id}/retry").status_code == 403


def test_a_job_without_heartbeat_is_failed_and_its_run_too_then_retried(
    app,
    client,
    login_as,
    pain_points,  # noqa: F811
):
    """A process that died mid-run leaves a running job whose heartbeat stops."""
    pmo = login_as(Role.PMO)
    with app.app_context():
        run = create_run(db.session.get(User, pmo.id), FindingFilter(), k=4)
        run.status = RunStatus.RUNNING
        dead = Job(
            kind=RUN_JOB,
            subject=f"clustering_run:{run.id}",
            payload={"run_id": run.id},
            state=JobState.RUNNING,
            attempts=1,
            heartbeat_at=utcnow() - timedelta(seconds=120),
        )
        db.session.add(dead)
        db.session.commit()
        run_id, job_id = run.id, dead.id
    assert client.get(f"/themes/runs/{run_id}/status").json["status"] == "failed"
    page = client.get(f"/themes/runs/{run_id}").text
    assert "停止响应" in page
    assert 'data-action="retry"' in page
    client.post(f"/jobs/{job_id}/retry", data={"next": f"/themes/runs/{run_id}"})
    jobs.join(job_id, timeout=120)
    with app.app_context():
        run = db.session.get(ClusteringRun, run_id)
        assert run.status is RunStatus.DONE, run.error
        assert len(run.themes) == 4
        assert db.session.get(Job, job_id).attempts == 2


def test_a_beating_job_is_left_alone(app):
    with app.app_context():
        job = Job(kind="test_count", state=JobState.RUNNING, heartbeat_at=utcnow())
        db.session.add(job)
        db.session.commit()
        assert fail_stale_jobs() == 0
        assert db.session.get(Job, job.id).state is JobState.RUNNING


def test_the_run_stores_its_fitted_state_in_the_database(app, make_user, pain_points):  # noqa: F811
    pmo = make_user(Role.PMO)
    with app.app_context():
        run = create_run(db.session.get(User, pmo.id), FindingFilter(), k=5)
        job = queue_run(db.session.get(User, pmo.id), run)
        db.session.commit()
        run_id, job_id = run.id, job.id
    jobs.join(job_id, timeout=120)
    with app.app_context():
        assert db.session.get(Job, job_id).state is JobState.DONE
        state = db.session.get(ThemeModelState, run_id)
        assert state is not None
        assert len(state.data) > 100


@pytest.fixture
def queue_down(make_app):
    """The app with the job queue and the rate-limit counters on a Redis that does not
    answer (a closed port)."""
    return make_app(
        REDIS_URL="redis://127.0.0.1:9/0",
        JOB_QUEUE="ladder-test-down",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0",
    )


def test_redis_down_pages_are_served_and_a_run_says_it_could_not_be_queued(
    queue_down,
    make_user,
    pain_points,  # noqa: F811
):
    pmo = make_user(Role.PMO)
    client = queue_down.test_client()
    signed_in = client.post("/login", data={"email": pmo.email, "password": pmo.password})
    assert signed_in.status_code == 302  # sign-in counts in this process meanwhile
    assert client.get("/themes/").status_code == 200
    assert client.get("/findings/").status_code == 200
    response = client.post(
        "/themes/runs", data={"cycle": "0", "source": "", "k": "5"}, follow_redirects=True
    )
    assert "任务队列（Redis）无法连接" in response.text
    assert "未保存任何内容" in response.text
    with queue_down.app_context():
        assert db.session.query(ClusteringRun).count() == 0
        assert db.session.query(Job).count() == 0
        assert db.session.query(Theme).count() == 0
