"""A server's workers start warm: what every worker would otherwise do on its first requests
is done once in the gunicorn master, before they fork, without touching the database."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from app.services.assessments.model_store import parsed, parsed_definition
from app.warmup import warm_up
from assessments.maturity_model.index import builtin_model_paths
from models import StoredModel
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"  # no connection is made


def run_gunicorn_when_ready(app: Flask) -> None:
    """Gunicorn's ``when_ready`` hook of gunicorn.conf.py, given the preloaded app."""
    settings: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"), settings)  # noqa: S102
    hook = settings["when_ready"]
    assert callable(hook)
    hook(SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))


def test_the_master_leaves_the_built_in_models_parsed_for_the_workers(tmp_path):
    app = make_test_app(UNREACHABLE, tmp_path)
    parsed_definition.cache_clear()

    run_gunicorn_when_ready(app)

    misses = parsed_definition.cache_info().misses
    for path in builtin_model_paths():  # what a worker does with a built-in model's stored row
        stored = StoredModel(definition=path.read_text(encoding="utf-8"))
        assert parsed(stored).key
    assert parsed_definition.cache_info().misses == misses  # parsed in the master, not again


def test_the_master_leaves_every_template_compiled_for_the_workers(tmp_path):
    app = make_test_app(UNREACHABLE, tmp_path)
    names = app.jinja_env.list_templates(extensions=("html", "txt"))

    run_gunicorn_when_ready(app)

    assert set(names) <= {name for _loader, name in app.jinja_env.cache}


def test_warming_up_says_what_it_did(tmp_path):
    app = make_test_app(UNREACHABLE, tmp_path)

    done = warm_up(app)

    assert done[0] == f"{len(builtin_model_paths())} built-in models"
    assert done[2] == "2 languages"
