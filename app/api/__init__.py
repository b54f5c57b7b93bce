"""The JSON API at ``/api/v1`` (described in ``docs/api.md``).

Requests authenticate with ``Authorization: Bearer TOKEN`` only (see ``app.api.auth``); no
cookie is read, so a browser cannot be tricked into sending a write (``POST /kpi-values``)
and CSRF protection does not apply.
"""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from app.api import clustering, routes  # noqa: E402,F401
