"""``ladder worker``: the process that runs background jobs and scheduled work."""

from __future__ import annotations

import logging
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.commands.models import fail


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit (for scripts).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued jobs (RQ on LADDER_REDIS_URL) and the periodic tasks, until stopped.

    Jobs run one at a time in this process, inside the app. Start as many workers as there
    are cores to spare; SIGTERM lets the running job finish first."""
    from rq import SimpleWorker

    from app.extensions import db
    from app.services.jobs import fail_stale_jobs, heartbeat_timeout, queue_name, redis_connection
    from app.services.jobs import redis_url as configured_redis
    from app.services.periodic import start_scheduler
    from app.services.scheduled import register_builtin_tasks

    if not configured_redis():
        fail("LADDER_REDIS_URL is not set: without Redis, jobs run inside the web process")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy typed as Flask
    connection = redis_connection(for_worker=True)
    stop = threading.Event()

    interval = max(0.5, heartbeat_timeout().total_seconds() / 2)

    def reap() -> None:
        while not stop.wait(interval):
            with app.app_context():
                try:
                    fail_stale_jobs()
                except Exception:  # the database away for a moment: next round
                    logging.getLogger(__name__).warning("stale jobs not checked", exc_info=True)
                finally:
                    db.session.remove()

    if not burst:
        register_builtin_tasks(app)
        start_scheduler(app, connection, stop)
        threading.Thread(target=reap, name="ladder-reaper", daemon=True).start()
    try:
        worker = SimpleWorker([queue_name()], connection=connection)
        worker.work(burst=burst, logging_level="INFO")
    finally:
        stop.set()
