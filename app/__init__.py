"""The Ladder application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, request

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app. Does no I/O on the database: migrating is a deploy step."""
    # Imported here, not with the package: ``ladder --help`` imports ``app`` (for app.cli)
    # and must not pay for SQLAlchemy, Alembic and the app's modules.
    from app.config import load_config, use_host_cookie_prefix
    from app.database import init_request_transaction
    from app.errors import init_error_handlers
    from app.extensions import csrf, db, limiter, migrate
    from app.i18n import init_i18n
    from app.numbers import FiniteJSONProvider
    from app.params import IdConverter
    from app.request_log import init_request_logging
    from app.security import enforce_declared_access, refuse_unstorable_input

    app = Flask(
        __name__,
        instance_path=os.environ.get("LADDER_INSTANCE_PATH"),
        instance_relative_config=True,
    )
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    use_host_cookie_prefix(app.config)
    app.json = FiniteJSONProvider(app)

    if app.config.get("LADDER_PROXY_FIX"):
        # Behind a load balancer: trust one hop of X-Forwarded-For/-Proto/-Host, so rate limits
        # see the client's address and HTTPS is recognised.
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Replacing wsgi_app is Flask's documented way to add middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    init_request_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    init_i18n(app)
    init_request_transaction(app)
    init_error_handlers(app)
    app.before_request(enforce_declared_access)
    app.before_request(refuse_unstorable_input)
    app.after_request(_security_headers)
    # Before any route is added: every <int:…> refuses ids beyond the database's range (404).
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)
    _register_cli(app)
    _register_template_helpers(app)
    _init_notifications(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from app.api.auth import is_api_request, load_user_from_bearer, unauthorized
    from app.extensions import login_manager
    from app.sessions import load_session_user
    from models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if is_api_request():  # the API is cookie-less: bearer only
            return None
        return load_session_user(user_id)

    login_manager.request_loader(load_user_from_bearer)
    login_manager.unauthorized_handler(unauthorized)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _register_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.audit import bp as audit_bp
    from app.auth import bp as auth_bp
    from app.backlog import bp as backlog_bp
    from app.cycles import bp as cycles_bp
    from app.findings import bp as findings_bp
    from app.jobs import bp as jobs_bp
    from app.lessons import bp as lessons_bp
    from app.main import bp as main_bp
    from app.notifications import bp as notifications_bp
    from app.org import bp as org_bp
    from app.outcomes import bp as outcomes_bp
    from app.profile import bp as profile_bp
    from app.profiles import bp as profiles_bp
    from app.quickwins import bp as quickwins_bp
    from app.reports import bp as reports_bp
    from app.reviews import bp as reviews_bp
    from app.surveys import bp as surveys_bp
    from app.themes import bp as themes_bp

    for blueprint in (main_bp, auth_bp, org_bp, audit_bp, cycles_bp, api_bp, profile_bp):
        app.register_blueprint(blueprint)
    for blueprint in (surveys_bp, findings_bp, themes_bp, jobs_bp):
        app.register_blueprint(blueprint)
    for blueprint in (backlog_bp, quickwins_bp, reviews_bp, lessons_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(reports_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(notifications_bp)


def _init_notifications(app: Flask) -> None:
    from app.services.notifications.sending import init_sending

    init_sending(app)


def _register_cli(app: Flask) -> None:
    from app.commands import register_commands

    register_commands(app)


def _register_template_helpers(app: Flask) -> None:
    from app.templating import init_templating

    init_templating(app)
