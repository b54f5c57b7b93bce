"""Background jobs: long work off the request, on RQ (Redis) or in a thread of the app.

``submit(kind, payload)`` writes a :class:`~models.Job` row and hands it to a runner:

- with ``LADDER_REDIS_URL`` set, the job is enqueued on RQ at once (before the request
  commits): when Redis cannot be reached, :class:`QueueUnavailable` refuses the request and
  nothing is written. ``ladder worker`` runs it (:func:`perform`), waiting a moment for the
  submitting request to commit the row;
- without it (the demo, a pilot), a thread of this process runs it once the submitting
  transaction commits; a rolled-back submission never runs.

The row is the truth: state, progress, error, attempts. The running process refreshes
``heartbeat_at`` every quarter of ``LADDER_JOB_HEARTBEAT_TIMEOUT``; a running job whose
heartbeat is older than the timeout belonged to a process that died (a killed worker, a
restarted web process): :func:`fail_stale_jobs` marks it failed, and the PMO can retry it.

A job kind is a handler registered with :func:`job_kind`. The handler does its reading,
computing and writing in ``db.session`` without committing; :func:`perform` commits its writes
together with the job's ``done`` state, in one transaction, and only while the job is still
the running one, so a job that was given up on never writes half a result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, abort, current_app
from flask_babel import gettext as _
from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.services.errors import ServiceError
from app.services.visibility import MANAGERS
from models import Job, JobFile, JobState, User
from models.base import as_utc, utcnow

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "ladder"
#: RQ's own limit on one job; the heartbeat, not this, is how a dead job is noticed.
RQ_JOB_TIMEOUT = 6 * 3600
#: How long the worker waits for the submitting request to commit a job's row.
ROW_WAIT_SECONDS = 30.0
_PENDING = "ladder_jobs_to_start"


class QueueUnavailable(ServiceError):
    """The job could not be queued (Redis is unreachable); nothing was saved."""

    status = 503


class JobGivenUp(Exception):
    """The job stopped being the running one (timed out and failed, or retried) while its
    handler worked: its result is dropped."""


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job's id and payload, and a way to report progress."""

    job_id: int
    payload: dict[str, Any]
    report: Callable[[float, str], None] = field(repr=False)

    def progress(self, fraction: float, message: str = "") -> None:
        """Record progress (0..1) and a short message, in a transaction of its own."""
        self.report(fraction, message)


Handler = Callable[[JobContext], dict[str, Any] | None]
Hook = Callable[[dict[str, Any], str], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    #: What the pages call it (a lazy translation).
    label: Any
    #: Called (in the failing transaction) when the job fails, with its payload and error.
    on_failure: Hook | None = None
    #: Called before a failed job is queued again, to reset what it is about.
    on_retry: Callable[[dict[str, Any]], None] | None = None


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    label: Any,
    *,
    on_failure: Hook | None = None,
    on_retry: Callable[[dict[str, Any]], None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler as the job kind ``name``, shown as ``label`` (lazy_gettext)."""

    def register(handler: Handler) -> Handler:
        KINDS[name] = JobKind(name, handler, label, on_failure, on_retry)
        return handler

    return register


def job_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found is not None else kind


def job_state_label(state: str) -> str:
    labels = {
        JobState.QUEUED: _("queued"),
        JobState.RUNNING: _("running"),
        JobState.DONE: _("done"),
        JobState.FAILED: _("failed"),
    }
    return labels.get(JobState(state), state)


# ----------------------------------------------------------------------------- settings


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=float(current_app.config["JOB_HEARTBEAT_TIMEOUT"]))


def queue_name() -> str:
    return str(current_app.config.get("JOB_QUEUE") or DEFAULT_QUEUE)


def redis_url() -> str | None:
    return current_app.config.get("REDIS_URL") or None


def redis_connection(*, for_worker: bool = False) -> Any:
    """A Redis client for the queue. The web's fails fast (a page never hangs on Redis);
    the worker's has no read timeout, since it blocks waiting for jobs."""
    from redis import Redis

    if for_worker:
        return Redis.from_url(redis_url() or "", socket_connect_timeout=5)
    cache = current_app.extensions.setdefault("ladder_redis", {})
    url = redis_url() or ""
    if url not in cache:
        cache[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return cache[url]


# ------------------------------------------------------------------------------ submitting


def submit(
    kind: str, payload: dict[str, Any], *, subject: str = "", actor: User | None = None
) -> Job:
    """Queue a job of ``kind``. Call it inside the transaction that creates what the job
    works on; the job runs after that transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        subject=subject,
        payload=payload,
        created_by_id=actor.id if actor is not None else None,
        runner="rq" if redis_url() else "thread",
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    _dispatch(job)
    return job


def _dispatch(job: Job) -> None:
    if job.runner == "rq":
        _enqueue(job.id)
    else:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy typed as Flask
        db.session().info.setdefault(_PENDING, []).append((app, job.id))


def _enqueue(job_id: int) -> None:
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        queue = Queue(queue_name(), connection=redis_connection())
        queue.enqueue(
            "app.services.jobs.perform_queued",
            job_id,
            job_timeout=RQ_JOB_TIMEOUT,
            result_ttl=3600,
            failure_ttl=7 * 86400,
        )
    except (RedisError, OSError) as error:
        log.warning("job %s could not be queued: %s", job_id, error)
        raise QueueUnavailable(
            _(
                "The job could not be queued: the job queue (Redis) is not reachable. "
                "Nothing was saved; try again in a few minutes or tell your administrator."
            )
        ) from error


@event.listens_for(Session, "after_commit")
def _start_committed(session: Session) -> None:
    for app, job_id in session.info.pop(_PENDING, []):
        start_thread(app, job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


_THREADS: dict[int, threading.Thread] = {}


def start_thread(app: Flask, job_id: int) -> threading.Thread:
    """Run the job in a thread of this process (the embedded runner)."""

    def work() -> None:
        with app.app_context():
            try:
                perform(job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"ladder-job-{job_id}", daemon=True)
    _THREADS[job_id] = thread
    thread.start()
    return thread


def join(job_id: int, timeout: float | None = None) -> None:
    """Wait for a job run by a thread of this process (tests, the demo)."""
    thread = _THREADS.get(job_id)
    if thread is not None:
        thread.join(timeout)


# ------------------------------------------------------------------------------- running


def perform_queued(job_id: int) -> None:
    """The function RQ calls in ``ladder worker`` (which holds the app context)."""
    try:
        perform(job_id, wait_for_row=ROW_WAIT_SECONDS)
    finally:
        db.session.remove()


def _claim(job_id: int, wait_for_row: float) -> Job | None:
    """Mark the queued job running; None when it is not there (never committed) or not queued."""
    deadline = time.monotonic() + wait_for_row
    while True:
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED)
            .values(
                state=JobState.RUNNING,
                attempts=Job.attempts + 1,
                started_at=utcnow(),
                heartbeat_at=utcnow(),
                progress=0.0,
                message="",
                error="",
            )
        ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        db.session.commit()
        if claimed:
            return db.session.get(Job, job_id)
        if time.monotonic() >= deadline or db.session.get(Job, job_id) is not None:
            return None
        time.sleep(0.5)


def perform(job_id: int, *, wait_for_row: float = 0.0) -> None:
    """Run a queued job to done or failed. Needs an app context."""
    job = _claim(job_id, wait_for_row)
    if job is None:
        log.info("job %s is not queued (gone, done or taken): skipped", job_id)
        return
    kind, payload = KINDS.get(job.kind), dict(job.payload)
    db.session.commit()  # ends the read: the heartbeat and progress write apart (SQLite)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy typed as Flask
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(app, job_id, stop), name=f"ladder-heartbeat-{job_id}", daemon=True
    )
    beat.start()
    try:
        if kind is None:
            raise LookupError(f"unknown job kind {job.kind!r}")
        result = kind.handler(JobContext(job_id, payload, _reporter(job_id)))
        finished = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING)
            .values(state=JobState.DONE, progress=1.0, result=result or {}, finished_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        if not finished:
            raise JobGivenUp
        db.session.commit()
    except JobGivenUp:
        db.session.rollback()
        log.warning("job %s was given up while it ran: its result is dropped", job_id)
    except Exception as error:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, kind, payload, str(error) or type(error).__name__)
    finally:
        stop.set()
        beat.join()


def _fail(job_id: int, kind: JobKind | None, payload: dict[str, Any], error: str) -> None:
    failed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_((JobState.RUNNING, JobState.QUEUED)))
        .values(state=JobState.FAILED, error=error[:2000], finished_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult
    if failed and kind is not None and kind.on_failure is not None:
        kind.on_failure(payload, error)
    db.session.commit()


def _reporter(job_id: int) -> Callable[[float, str], None]:
    def report(fraction: float, message: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.RUNNING)
                .values(
                    progress=max(0.0, min(1.0, fraction)),
                    message=message[:200],
                    heartbeat_at=utcnow(),
                )
            )

    return report


def _heartbeat(app: Flask, job_id: int, stop: threading.Event) -> None:
    with app.app_context():
        interval = max(0.2, heartbeat_timeout().total_seconds() / 4)
        while not stop.wait(interval):
            try:
                with db.engine.begin() as conn:
                    conn.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.state == JobState.RUNNING)
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:  # a busy database delays one beat; the next one tries again
                log.warning("heartbeat of job %s not written", job_id, exc_info=True)


# ------------------------------------------------------------------- dead jobs and retries


def fail_stale_jobs() -> int:
    """Mark failed every running job whose process stopped beating (and every queued
    in-process job whose process died before it started); commits; returns how many."""
    limit = utcnow() - heartbeat_timeout()
    stale = list(
        db.session.scalars(
            select(Job).where(
                Job.heartbeat_at < limit,
                (Job.state == JobState.RUNNING)
                | ((Job.state == JobState.QUEUED) & (Job.runner == "thread")),
            )
        )
    )
    message = _("The process running this job stopped responding; retry it.")
    for job in stale:
        _fail(job.id, KINDS.get(job.kind), dict(job.payload), message)
    return len(stale)


def retry(job: Job) -> Job:
    """Queue a failed job again (same id, one more attempt when it runs)."""
    if job.state is not JobState.FAILED:
        raise ServiceError(_("Only a failed job can be retried."))
    kind = KINDS.get(job.kind)
    if kind is not None and kind.on_retry is not None:
        kind.on_retry(dict(job.payload))
    job.state, job.error, job.progress, job.message = JobState.QUEUED, "", 0.0, ""
    job.runner = "rq" if redis_url() else "thread"
    job.heartbeat_at, job.started_at, job.finished_at = utcnow(), None, None
    db.session.flush()
    _dispatch(job)
    return job


def followable_job_or_404(user: User, job_id: int, kind: str | None = None) -> Job:
    """A job ``user`` may follow: their own, or any for the PMO and admins; else a 404 (of
    ``kind`` only, when given)."""
    job = db.session.get(Job, job_id)
    if job is None or (kind is not None and job.kind != kind):
        abort(404)
    if job.created_by_id != user.id and user.role not in MANAGERS:
        abort(404)
    return job


def jobs_about(subject: str, limit: int = 5) -> list[Job]:
    """The latest jobs about ``subject``, newest first."""
    return list(
        db.session.scalars(
            select(Job).where(Job.subject == subject).order_by(Job.id.desc()).limit(limit)
        )
    )


def job_status(job: Job) -> dict[str, Any]:
    """What the page polls."""
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "progress": round(job.progress, 3),
        "message": job.message,
        "error": job.error,
        "attempts": job.attempts,
        "result": job.result,
        "heartbeat_at": as_utc(job.heartbeat_at).isoformat() if job.heartbeat_at else None,
    }


def keep_job_file(purpose: str, *, kept_for: timedelta, **fields: Any) -> JobFile:
    """Store a file a job reads or writes (an upload, a prepared report), first dropping the
    files of the same purpose older than ``kept_for``; the caller commits."""
    db.session.execute(
        delete(JobFile).where(JobFile.purpose == purpose, JobFile.created_at < utcnow() - kept_for)
    )
    kept = JobFile(purpose=purpose, **fields)
    db.session.add(kept)
    db.session.flush()
    return kept
