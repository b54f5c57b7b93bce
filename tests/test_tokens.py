"""Personal API tokens: ``ladder token create``, the profile page, hashing and revoking."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from app.extensions import db
from models import ApiToken, AuditEvent, Role, User
from tests.api_support import bearer, token_for


def _tokens(app) -> list[ApiToken]:
    with app.app_context():
        rows = list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))
        db.session.expunge_all()
        return rows


# ------------------------------------------------------------------------------- CLI


def test_cli_prints_only_the_token_and_it_opens_the_api(app, client, make_user):
    person = make_user(Role.LEADERSHIP, email="bi@example.com")
    result = app.test_cli_runner().invoke(
        args=["token", "create", "BI@example.com", "--name", "Power BI"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert re.fullmatch(r"ldr_[A-Za-z0-9_-]{43}", token)
    response = client.get("/api/v1/business-lines", headers=bearer(token))
    assert response.status_code == 200
    (row,) = _tokens(app)
    assert (row.user_id, row.name) == (person.id, "Power BI")


def test_tokens_are_stored_only_as_a_sha256(app, make_user):
    person = make_user(Role.PMO)
    token = app.test_cli_runner().invoke(args=["token", "create", person.email]).stdout.strip()
    (row,) = _tokens(app)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:12]
    with app.app_context():  # the token itself is in no column of any row
        columns = list(ApiToken.__table__.columns)
        values = db.session.execute(select(*columns)).one()
        assert token not in [str(v) for v in values]


def test_cli_refuses_unknown_and_disabled_accounts(app, make_user):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["token", "create", "nobody@example.com"])
    assert unknown.exit_code != 0
    assert unknown.stdout == ""
    assert "nobody@example.com" in unknown.stderr
    disabled = make_user(Role.PMO, email="gone@example.com", active=False)
    refused = runner.invoke(args=["token", "create", disabled.email])
    assert refused.exit_code != 0
    assert refused.stdout == ""
    assert "disabled" in refused.stderr
    assert _tokens(app) == []


# --------------------------------------------------------------------- profile page


def test_the_top_bar_links_to_the_tokens_page(client, login_as):
    login_as(Role.DIRECTOR)
    assert 'href="/profile/tokens"' in client.get("/").text


def test_a_user_creates_a_token_that_is_shown_once(app, client, login_as):
    person = login_as(Role.DIRECTOR)
    empty = client.get("/profile/tokens").text
    assert "您还没有 API 令牌" in empty
    created = client.post("/profile/tokens", data={"name": "报表脚本"})
    assert created.status_code == 201
    (row,) = _tokens(app)
    assert row.user_id == person.id
    token = re.search(r'value="(ldr_[^"]+)"', created.text).group(1)
    assert hashlib.sha256(token.encode()).hexdigest() == row.token_hash
    assert "请立即复制" in created.text
    later = client.get("/profile/tokens").text
    assert token not in later
    assert row.prefix in later
    assert "报表脚本" in later
    assert client.get("/api/v1/business-lines", headers=bearer(token)).status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "ApiToken"))
        assert event.action == "create"
        assert event.actor_id == person.id


def test_a_token_needs_a_name(app, client, login_as):
    login_as(Role.PMO)
    response = client.post("/profile/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert _tokens(app) == []


def test_the_page_shows_when_a_token_was_last_used(app, client, login_as):
    person = login_as(Role.PMO)
    token = token_for(app, person, "nightly export")
    assert "从未" in client.get("/profile/tokens").text
    client.get("/api/v1/cycles", headers=bearer(token))
    (row,) = _tokens(app)
    assert row.last_used_at is not None
    assert "从未" not in client.get("/profile/tokens").text


def test_revoking_from_the_profile_page_closes_the_api(app, client, login_as):
    person = login_as(Role.LEADERSHIP)
    token = token_for(app, person, "old script")
    (row,) = _tokens(app)
    response = client.post(f"/profile/tokens/{row.id}/revoke")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "已吊销" in page
    assert 'data-action="revoke"' not in page
    denied = client.get("/api/v1/business-lines", headers=bearer(token))
    assert denied.status_code == 401
    assert denied.json["error"]["status"] == 401
    (row,) = _tokens(app)
    assert row.revoked_at is not None
    again = client.post(f"/profile/tokens/{row.id}/revoke", follow_redirects=True)
    assert "早已吊销" in again.text


def test_revoking_needs_the_forms_csrf_token(app, client, login_as):
    person = login_as(Role.PMO)
    token = token_for(app, person)
    (row,) = _tokens(app)
    app.config["WTF_CSRF_ENABLED"] = True  # the fixture turns it off again after the test
    forged = client.post(f"/profile/tokens/{row.id}/revoke")
    assert forged.status_code == 400
    assert client.get("/api/v1/business-lines", headers=bearer(token)).status_code == 200
    page = client.get("/profile/tokens").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    real = client.post(f"/profile/tokens/{row.id}/revoke", data={"csrf_token": csrf})
    assert real.status_code == 302
    assert client.get("/api/v1/business-lines", headers=bearer(token)).status_code == 401


def test_nobody_revokes_or_sees_someone_elses_token(app, client, login_as, make_user):
    owner = make_user(Role.PMO, email="owner@example.com")
    token = token_for(app, owner, "owner's secret script")
    (row,) = _tokens(app)
    login_as(Role.ADMIN)
    assert "owner's secret script" not in client.get("/profile/tokens").text
    assert client.post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    assert client.get("/api/v1/business-lines", headers=bearer(token)).status_code == 200


def test_disabling_an_account_stops_its_tokens(app, client, make_user):
    person = make_user(Role.DIRECTOR)
    token = token_for(app, person)
    with app.app_context():
        db.session.get(User, person.id).active = False
        db.session.commit()
    assert client.get("/api/v1/cycles", headers=bearer(token)).status_code == 401


# ------------------------------------------------------------------------------ scopes


def test_cli_gives_write_scopes_to_pmo_tokens_only(app, make_user):
    pmo = make_user(Role.PMO, email="pmo-sync@example.com")
    director = make_user(Role.DIRECTOR, email="dir-sync@example.com")
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["token", "create", pmo.email, "--scope", "kpi:write", "--scope", "themes:run"]
    )
    assert created.exit_code == 0, created.output
    plain = runner.invoke(args=["token", "create", pmo.email])
    assert plain.exit_code == 0
    refused = runner.invoke(args=["token", "create", director.email, "--scope", "kpi:write"])
    assert refused.exit_code != 0
    assert "PMO" in refused.stderr
    unknown = runner.invoke(args=["token", "create", pmo.email, "--scope", "everything"])
    assert unknown.exit_code != 0
    assert "everything" in unknown.stderr
    assert [row.scope_list for row in _tokens(app)] == [
        ["read", "kpi:write", "themes:run"],
        ["read"],
    ]


def test_the_pmo_picks_write_scopes_on_the_tokens_page(app, client, login_as):
    login_as(Role.PMO)
    page = client.get("/profile/tokens").text
    assert 'value="kpi:write"' in page
    created = client.post("/profile/tokens", data={"name": "Jira", "write_scopes": ["kpi:write"]})
    assert created.status_code == 201
    (row,) = _tokens(app)
    assert row.scope_list == ["read", "kpi:write"]
    assert "read, kpi:write" in client.get("/profile/tokens").text


def test_a_director_is_not_offered_write_scopes_and_cannot_forge_them(app, client, login_as):
    login_as(Role.DIRECTOR)
    assert 'value="kpi:write"' not in client.get("/profile/tokens").text
    forged = client.post("/profile/tokens", data={"name": "x", "write_scopes": ["themes:run"]})
    assert forged.status_code == 422
    assert "PMO" in forged.text
    assert _tokens(app) == []
