"""Gunicorn settings for Ladder: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be set from the environment, so the same file serves each host behind the
load balancer. The app processes are stateless: sessions live in PostgreSQL (the signed
cookie holds only a key), rate-limit counters in Redis (``LADDER_REDIS_URL``), data in
PostgreSQL.
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
max_requests = 2000  # recycle workers now and then, with jitter so they don't restart together
max_requests_jitter = 200
accesslog = None  # the app writes one JSON line per request (LADDER_JSON_LOGS=1)
errorlog = "-"
forwarded_allow_ips = os.environ.get("LADDER_FORWARDED_ALLOW_IPS", "127.0.0.1")
raw_env = ["LADDER_JSON_LOGS=1"]
