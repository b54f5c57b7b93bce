"""Gunicorn settings for Ladder: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be set from the environment, so the same file serves each host behind the
load balancer. The app processes are stateless: sessions live in PostgreSQL (the signed
cookie holds only a key), rate-limit counters in Redis (``LADDER_REDIS_URL``), data in
PostgreSQL.

The app is loaded once, in the master, before the workers fork (``preload_app``): a worker
starts in milliseconds and shares the imported code. ``create_app`` opens no connection, so
no socket is shared across the fork. Workers are recycled only as a guard against slow leaks
(``max_requests``), rarely enough that a busy day does not restart them mid-traffic.
"""

import multiprocessing
import os

bind = os.environ.get("LADDER_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("LADDER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("LADDER_THREADS", "4"))
timeout = int(os.environ.get("LADDER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
preload_app = True
max_requests = 200_000  # about two days of a busy pilot per worker; jitter staggers the restarts
max_requests_jitter = 20_000
accesslog = None  # the app writes one JSON line per request (LADDER_JSON_LOGS=1)
errorlog = "-"
forwarded_allow_ips = os.environ.get("LADDER_FORWARDED_ALLOW_IPS", "127.0.0.1")
raw_env = ["LADDER_JSON_LOGS=1"]


def when_ready(server):
    """Before the workers fork: warm the preloaded app's caches (the built-in model parsed,
    templates compiled, translations and the chart font loaded; ``app/warmup.py``), so no
    worker's first requests pay for them. No database connection is opened here."""
    from app.warmup import warm_up

    warm_up(server.app.wsgi())
