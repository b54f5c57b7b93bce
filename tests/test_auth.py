"""Signing in and out, password changes, throttling and safe redirects."""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from models import AuditEvent, Role, User


def test_sign_in_lands_on_the_home_page(client, make_user, auth):
    person = make_user(Role.PMO)
    response = auth.login(person)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "欢迎" in client.get("/").text


@pytest.mark.parametrize("email_case", ["upper", "padded"])
def test_email_is_matched_case_and_space_insensitively(client, make_user, email_case):
    person = make_user(Role.PMO, email="Pat@Example.com")
    typed = "PAT@EXAMPLE.COM" if email_case == "upper" else "  pat@example.com "
    response = client.post("/login", data={"email": typed, "password": person.password})
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user, auth):
    person = make_user(Role.PMO)
    wrong = auth.login(person, password="not-the-password")
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "邮箱或密码错误" in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_account_cannot_sign_in(client, make_user, auth):
    person = make_user(Role.DIRECTOR, active=False)
    response = auth.login(person)
    assert response.status_code == 200
    assert "该账号已停用" in response.text


def test_empty_and_over_long_fields_are_refused_with_a_message(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text or "必填" in response.text
    response = client.post("/login", data={"email": "a" * 300 + "@x.com", "password": "x"})
    assert response.status_code == 200
    assert 'class="error"' in response.text


def test_next_redirect_is_followed_only_inside_the_site(client, make_user, auth):
    person = make_user(Role.PMO)
    assert auth.login(person, next_url="/users").headers["Location"] == "/users"
    auth.logout()
    for foreign in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        assert auth.login(person, next_url=foreign).headers["Location"] == "/"
        auth.logout()


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_ends_the_session(client, login_as):
    login_as(Role.PMO)
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, make_user, auth):
    person = make_user(Role.DIRECTOR)
    other_device = app.test_client()
    other_device.post("/login", data={"email": person.email, "password": person.password})
    assert other_device.get("/").status_code == 200

    auth.login(person)
    response = auth.client.post(
        "/password",
        data={
            "current_password": person.password,
            "new_password": "brand-new-pass",
            "confirm": "brand-new-pass",
        },
    )
    assert response.status_code == 302
    assert auth.client.get("/").status_code == 200  # this session goes on
    assert other_device.get("/").status_code == 302  # the other one ended
    auth.logout()
    assert auth.login(person, password="brand-new-pass").status_code == 302
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="password_change").count() == 1


def test_password_change_refuses_a_wrong_current_password(client, login_as):
    login_as(Role.PMO)
    response = client.post(
        "/password",
        data={
            "current_password": "wrong",
            "new_password": "brand-new-pass",
            "confirm": "brand-new-pass",
        },
    )
    assert response.status_code == 200
    assert "当前密码不正确" in response.text


def test_password_change_refuses_short_or_mismatched_passwords(client, login_as):
    person = login_as(Role.PMO)
    short = client.post(
        "/password",
        data={"current_password": person.password, "new_password": "short", "confirm": "short"},
    )
    assert 'class="error"' in short.text
    mismatch = client.post(
        "/password",
        data={
            "current_password": person.password,
            "new_password": "long-enough-1",
            "confirm": "long-enough-2",
        },
    )
    assert "两次输入的密码不一致" in mismatch.text


def test_passwords_are_stored_hashed(app, make_user):
    person = make_user(Role.PMO)
    with app.app_context():
        stored = db.session.get(User, person.id).password_hash
    assert person.password not in stored
    assert stored.startswith("pbkdf2:sha256")


def test_login_is_rate_limited(make_app, make_user):
    throttled: Flask = make_app(LOGIN_RATE_LIMIT="3 per minute")
    person = make_user(Role.PMO)
    client = throttled.test_client()
    statuses = [
        client.post("/login", data={"email": person.email, "password": "bad"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/login", data={"email": person.email, "password": person.password})
    assert refused.status_code == 429
    assert "尝试次数过多" in refused.text


def test_missing_csrf_token_is_refused_and_changes_nothing(app, client, login_as):
    login_as(Role.PMO)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/business-lines/new", data={"code": "X1", "name": "无令牌"})
    assert response.status_code == 400
    assert "表单已过期" in response.text
    app.config["WTF_CSRF_ENABLED"] = False
    assert "X1" not in client.get("/business-lines").text
