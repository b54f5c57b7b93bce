"""Production entry point: ``gunicorn wsgi:app``.

Outside demo and development, a secret key must come from ``LADDER_SECRET_KEY``: a key kept
in one host's instance folder would differ between the hosts behind a load balancer.
"""

import os

from app import create_app

app = create_app()

if not app.config["SECRET_KEY_FROM_ENV"] and os.environ.get("LADDER_ENV", "production") not in {
    "demo",
    "development",
}:
    raise RuntimeError("Set LADDER_SECRET_KEY (or LADDER_ENV=demo for a local trial).")
