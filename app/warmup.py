"""One-off work done before a server's workers start, so their first requests are not slow.

Each worker process otherwise pays on its first requests for what every later request
reuses: parsing the built-in maturity model (about 1.3 s of pure-Python YAML with line
tracking), configuring the ORM's mappers (0.2 s), compiling the templates (about 40 ms
each), loading the translations and the chart font. Under load that first second blocks the
worker's other threads too. Gunicorn runs :func:`warm_up` in its master (``gunicorn.conf.py``,
with ``preload_app``) before the workers fork, so they inherit it all. Nothing here opens
a database connection, which the workers would otherwise share across the fork.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.orm import configure_mappers

from app.i18n import LANGUAGE_NAMES

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> list[str]:
    """Fill the per-process caches of ``app``; returns what was warmed, for the log."""
    configure_mappers()  # the ORM's relationships, set up on the first query otherwise
    done = [
        f"{_parse_builtin_models()} built-in models",
        f"{_compile_templates(app)} templates",
        f"{_load_translations(app)} languages",
    ]
    if _load_chart_font():
        done.append("the chart font")
    log.info("warmed up: %s", ", ".join(done))
    return done


def _parse_builtin_models() -> int:
    from app.services.assessments.model_store import parsed_definition
    from assessments.maturity_model.index import builtin_model_paths

    paths = builtin_model_paths()
    for path in paths:  # the text stored for a built-in model is its file's text
        parsed_definition(path.read_text(encoding="utf-8"))
    return len(paths)


def _compile_templates(app: Flask) -> int:
    names = app.jinja_env.list_templates(extensions=("html", "txt"))
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def _load_translations(app: Flask) -> int:
    from flask_babel import force_locale, get_translations

    with app.app_context():  # Flask-Babel keeps the loaded catalogues for the app's life
        for code in LANGUAGE_NAMES:
            with force_locale(code):
                get_translations()
    return len(LANGUAGE_NAMES)


def _load_chart_font() -> bool:
    from app.services.reports.charts import cjk_font

    return cjk_font() is not None
