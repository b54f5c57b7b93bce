"""``ladder user create`` and ``ladder user set-password``: the first administrator of a new
installation, and a new password for a locked-out one, with the admin pages' rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from models import ApiToken, AuditEvent, Role, User
from tests.api_support import bearer, token_for

NEW_PASSWORD = "violet-lantern-harbour"


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        return users or 0, events or 0


def _sign_in(app, email: str, password: str):
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": password})
    return browser, response


def _create(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=["user", "create", *args], input=stdin)


def test_the_first_admin_is_created_with_a_hidden_prompt_and_signs_in(app):
    assert _counts(app) == (0, 0)  # a new installation: nobody could use the admin pages
    result = _create(
        app,
        " Root@Example.COM ",
        "--role",
        "admin",
        "--name",
        "系统管理员",
        stdin=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # the prompt does not echo it
    assert "Repeat for confirmation" in result.stderr
    assert result.stdout == "Created the admin account root@example.com.\n"

    browser, response = _sign_in(app, "root@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert browser.get("/users").status_code == 200  # the admin pages are open to them
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.email, user.display_name, user.role, user.locale) == (
            "root@example.com",
            "系统管理员",
            Role.ADMIN,
            "zh_CN",
        )
        assert NEW_PASSWORD not in user.password_hash
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.object_type, event.actor_id) == ("create", "User", None)
        assert event.changes["role"] == {"old": None, "new": "admin"}


def test_a_script_gives_the_password_on_stdin(app):
    result = _create(
        app,
        "pmo@example.com",
        "--role",
        "pmo",
        "--name",
        "PMO Sun",
        "--locale",
        "en",
        "--password-stdin",
        stdin=f"{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    _browser, response = _sign_in(app, "pmo@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(User.locale)).one() == "en"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-1", "Error: Use at least 8 characters for the password.\n"),
        ("Football", "Error: This password is one of the most common ones"),
        ("wangfang-2024", "Error: The password must not contain your email name"),
        ("", "Error: no password on stdin"),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_written(app, password, reason):
    result = _create(
        app,
        "wangfang@example.com",
        "--role",
        "admin",
        "--name",
        "Wang Fang",
        "--password-stdin",
        stdin=f"{password}\n",
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(reason)
    assert result.stderr.count("\n") == 1  # one line
    assert _counts(app) == (0, 0)


def test_an_existing_email_is_refused(app, make_user):
    make_user(Role.DIRECTOR, email="li@example.com")
    before = _counts(app)
    result = _create(
        app,
        "LI@example.com",
        "--role",
        "admin",
        "--name",
        "Li",
        "--password-stdin",
        stdin=f"{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: An account with email li@example.com already exists.\n"
    assert _counts(app) == before
    _browser, response = _sign_in(app, "li@example.com", NEW_PASSWORD)
    assert response.status_code == 200  # the form again: the old account kept its password


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "--role", "admin", "--name", "X"], "'nobody' is not an email address"),
        (["x@example.com", "--role", "admin", "--name", "  "], "display name must not be empty"),
    ],
)
def test_a_bad_email_or_name_is_refused(app, args, message):
    result = _create(app, *args, "--password-stdin", stdin=f"{NEW_PASSWORD}\n")
    assert result.exit_code == 1
    assert message in result.stderr
    assert _counts(app) == (0, 0)


def test_an_unknown_role_is_a_usage_error(app):
    result = _create(
        app,
        "x@example.com",
        "--role",
        "guest",
        "--name",
        "X",
        "--password-stdin",
        stdin=f"{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 2
    assert (
        "'guest' is not one of 'admin', 'pmo', 'leadership', 'director', 'respondent'"
        in result.stderr
    )
    assert _counts(app) == (0, 0)


def test_set_password_ends_sessions_and_revokes_tokens(app, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.com")
    browser, response = _sign_in(app, admin.email, admin.password)
    assert response.status_code == 302
    token = token_for(app, admin)
    assert browser.get("/users").status_code == 200

    result = app.test_cli_runner().invoke(
        args=["user", "set-password", "ADMIN@example.com"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert "Set a new password for admin@example.com" in result.stdout

    ended = browser.get("/users")
    assert ended.status_code == 302
    assert ended.headers["Location"].startswith("/login")
    api = app.test_client().get("/api/v1/business-lines", headers=bearer(token))
    assert api.status_code == 401
    assert _sign_in(app, admin.email, admin.password)[1].status_code == 200  # old one refused
    assert _sign_in(app, admin.email, NEW_PASSWORD)[1].status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).one().revoked_at is not None
        reset = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert (reset.actor_id, reset.changes["password"]["new"]) == (None, "changed")


def test_set_password_refuses_a_weak_password_and_an_unknown_account(app, make_user):
    admin = make_user(Role.ADMIN, email="admin@example.com")
    browser, _response = _sign_in(app, admin.email, admin.password)
    before = _counts(app)
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["user", "set-password", admin.email, "--password-stdin"], input="12345678\n"
    )
    assert weak.exit_code == 1
    assert weak.stderr.startswith("Error: This password is one of the most common ones")
    assert _counts(app) == before
    assert browser.get("/users").status_code == 200  # nothing ended
    assert _sign_in(app, admin.email, admin.password)[1].status_code == 302

    unknown = runner.invoke(
        args=["user", "set-password", "nobody@example.com", "--password-stdin"],
        input=f"{NEW_PASSWORD}\n",
    )
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no account with the email 'nobody@example.com'\n"
