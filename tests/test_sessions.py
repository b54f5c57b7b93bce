"""Server-side sessions (issue 17, items 1, 2 and 5): sign-out, password changes and resets,
revocation and timeouts end a session for good, even when its cookie is replayed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from models import ApiToken, AuditEvent, Role, UserSession
from models.base import utcnow
from tests.api_support import bearer, token_for
from tests.conftest import PASSWORD


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A fresh browser presenting a copied session cookie."""
    stranger = app.test_client()
    stranger.set_cookie("session", cookie)
    return stranger


def _signed_in_as(app, person, user_agent: str = "Mozilla/5.0 TestBrowser"):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    response = browser.post("/login", data={"email": person.email, "password": person.password})
    assert response.status_code == 302
    return browser


def test_a_cookie_replayed_after_sign_out_is_signed_out(app, client, login_as):
    login_as(Role.PMO)
    stolen = _cookie(client)
    assert _replay(app, stolen).get("/findings/").status_code == 200
    client.post("/logout")
    replayed = _replay(app, stolen).get("/findings/")
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/login")


def test_a_cookie_from_before_a_password_change_is_signed_out(app, client, login_as):
    person = login_as(Role.DIRECTOR)
    before = _cookie(client)
    changed = client.post(
        "/password",
        data={
            "current_password": person.password,
            "new_password": "brand-new-pass",
            "confirm": "brand-new-pass",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # this browser goes on, in a new session
    assert _replay(app, before).get("/").status_code == 302


def test_an_admin_reset_ends_sessions_and_revokes_api_tokens(app, make_user, auth):
    director = make_user(Role.DIRECTOR)
    browser = _signed_in_as(app, director)
    token = token_for(app, director)
    assert app.test_client().get("/api/v1/business-lines", headers=bearer(token)).status_code == 200

    admin = make_user(Role.ADMIN)
    auth.login(admin)
    reset = auth.client.post(
        f"/users/{director.id}/edit",
        data={
            "email": director.email,
            "display_name": "改密的主任",
            "role": "director",
            "locale": "zh_CN",
            "active": "y",
            "password": "reset-by-admin-42",
        },
    )
    assert reset.status_code == 302
    assert browser.get("/").status_code == 302
    answer = app.test_client().get("/api/v1/business-lines", headers=bearer(token))
    assert answer.status_code == 401
    with app.app_context():
        assert db.session.query(ApiToken).one().revoked_at is not None
        assert db.session.query(AuditEvent).filter_by(action="revoke").count() == 1


def test_a_role_change_revokes_api_tokens_but_keeps_the_browser_session(app, make_user, auth):
    person = make_user(Role.PMO)
    browser = _signed_in_as(app, person)
    token = token_for(app, person)
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    changed = auth.client.post(
        f"/users/{person.id}/edit",
        data={
            "email": person.email,
            "display_name": "换角色",
            "role": "leadership",
            "locale": "zh_CN",
            "active": "y",
        },
    )
    assert changed.status_code == 302
    assert app.test_client().get("/api/v1/cycles", headers=bearer(token)).status_code == 401
    assert browser.get("/profile/sessions").status_code == 200  # still signed in
    assert browser.get("/users").status_code == 403


def test_disabling_an_account_ends_its_sessions_and_tokens(app, make_user, auth):
    person = make_user(Role.PMO)
    browser = _signed_in_as(app, person)
    token = token_for(app, person)
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    data = {"email": person.email, "display_name": "停用", "role": "pmo", "locale": "zh_CN"}
    assert auth.client.post(f"/users/{person.id}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.query(UserSession).filter_by(user_id=person.id).count() == 0
        assert db.session.query(ApiToken).one().revoked_at is not None
    assert browser.get("/").status_code == 302
    assert app.test_client().get("/api/v1/cycles", headers=bearer(token)).status_code == 401


def test_the_sessions_page_lists_and_ends_sessions(app, make_user):
    person = make_user(Role.DIRECTOR)
    laptop = _signed_in_as(app, person, "Laptop Firefox/130")
    phone = _signed_in_as(app, person, "Phone Safari/18")
    tablet = _signed_in_as(app, person, "Tablet Chrome/129")

    page = laptop.get("/profile/sessions")
    assert page.status_code == 200
    for agent in ("Laptop Firefox/130", "Phone Safari/18", "Tablet Chrome/129"):
        assert agent in page.text
    assert "127.0.0.1" in page.text
    assert page.text.count("data-session=") == 3
    with app.app_context():
        rows = {r.user_agent: r.id for r in db.session.query(UserSession)}

    ended = laptop.post(f"/profile/sessions/{rows['Phone Safari/18']}/revoke")
    assert ended.status_code == 302
    assert phone.get("/").status_code == 302
    assert tablet.get("/").status_code == 200

    laptop.post("/profile/sessions/revoke-others")
    assert tablet.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert laptop.get("/profile/sessions").text.count("data-session=") == 1


def test_a_session_of_someone_else_cannot_be_ended(app, make_user):
    mine = _signed_in_as(app, make_user(Role.PMO))
    theirs = _signed_in_as(app, make_user(Role.PMO))
    with app.app_context():
        their_id = db.session.query(UserSession).order_by(UserSession.id.desc()).first().id
    assert mine.post(f"/profile/sessions/{their_id}/revoke").status_code == 404
    assert theirs.get("/").status_code == 200


@pytest.mark.parametrize(
    ("column", "age", "live"),
    [
        ("last_seen_at", timedelta(minutes=59), True),
        ("last_seen_at", timedelta(minutes=61), False),  # idle timeout, 60 minutes
        ("created_at", timedelta(hours=11, minutes=59), True),
        ("created_at", timedelta(hours=12, minutes=1), False),  # absolute timeout, 12 hours
    ],
)
def test_sessions_end_after_the_idle_and_absolute_timeouts(app, make_user, column, age, live):
    assert app.config["SESSION_IDLE_MINUTES"] == 60
    assert app.config["SESSION_MAX_HOURS"] == 12
    browser = _signed_in_as(app, make_user(Role.PMO))
    with app.app_context():  # time passes
        db.session.execute(update(UserSession).values({column: utcnow() - age}))
        db.session.commit()
    assert browser.get("/").status_code == (200 if live else 302)
    with app.app_context():
        assert db.session.query(UserSession).count() == (1 if live else 0)


def test_the_timeouts_are_settings(monkeypatch, make_app, make_user):
    monkeypatch.setenv("LADDER_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("LADDER_SESSION_MAX_HOURS", "1")
    short = make_app()
    assert (short.config["SESSION_IDLE_MINUTES"], short.config["SESSION_MAX_HOURS"]) == (5, 1)
    browser = _signed_in_as(short, make_user(Role.PMO))
    with short.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
    assert browser.get("/").status_code == 302


def test_session_keys_are_stored_only_as_digests(app, client, login_as):
    login_as(Role.PMO)
    with client.session_transaction() as cookie_session:
        key = cookie_session["sid"]
    with app.app_context():
        stored = db.session.query(UserSession).one().key_hash
    assert key not in stored
    assert len(stored) == 64


# ------------------------------------------------------------------ cookies and CSRF (item 5)


def test_secure_cookies_use_the_host_prefix(monkeypatch, make_app, make_user):
    monkeypatch.setenv("LADDER_SECURE_COOKIES", "1")
    secure = make_app()
    person = make_user(Role.PMO)
    browser = secure.test_client()
    response = browser.post(
        "/login",
        data={"email": person.email, "password": PASSWORD},
        base_url="https://ladder.example",
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    assert browser.get("/", base_url="https://ladder.example").status_code == 200


def test_plain_http_keeps_the_plain_cookie_name(client, login_as):
    login_as(Role.PMO)
    assert client.get_cookie("session") is not None


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_a_csrf_token_from_before_sign_in_is_refused_after(make_app, make_user):
    checked = make_app(WTF_CSRF_ENABLED=True)
    person = make_user(Role.PMO)
    browser = checked.test_client()
    before = _csrf_token(browser.get("/login").text)
    signed_in = browser.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": before}
    )
    assert signed_in.status_code == 302
    stale = browser.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    assert browser.get("/").status_code == 200  # the stale token changed nothing
    fresh = _csrf_token(browser.get("/").text)
    assert fresh != before
    assert browser.post("/logout", data={"csrf_token": fresh}).status_code == 302
