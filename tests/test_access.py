"""Every route declares who may use it, and the declarations hold."""

from __future__ import annotations

import pytest

from app import create_app
from app.security import PUBLIC, SIGNED_IN
from models import Role


def test_every_route_declares_its_audience():
    application = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    undeclared = [
        rule.rule
        for rule in application.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(application.view_functions[rule.endpoint], "access", None) is None
    ]
    assert undeclared == []
    for rule in application.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = application.view_functions[rule.endpoint].access
        assert access in (PUBLIC, SIGNED_IN) or (access and set(access) <= set(Role))


def test_an_undeclared_route_is_refused_at_run_time():
    application = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    application.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert application.test_client().get("/forgotten").status_code == 403


ALL = [Role.ADMIN, Role.PMO, Role.LEADERSHIP, Role.DIRECTOR]
# (method, url, roles allowed); everyone else signed in gets 403.
ACCESS_TABLE = [
    ("GET", "/", ALL),
    ("GET", "/business-lines", ALL),
    ("GET", "/business-lines/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/users", [Role.ADMIN, Role.PMO]),
    ("GET", "/users/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/audit/", [Role.ADMIN]),
    ("GET", "/password", ALL),
    ("GET", "/cycles/", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/cycles/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/cycles/mine", [Role.DIRECTOR]),
    ("GET", "/cycles/models", [Role.ADMIN]),
    ("GET", "/profile/tokens", ALL),
    ("GET", "/backlog/", ALL),
    ("GET", "/backlog/matrix", ALL),
    ("GET", "/backlog/board", ALL),
    ("GET", "/backlog/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/backlog/gaps", [Role.ADMIN, Role.PMO]),
    ("GET", "/backlog/rule", [Role.ADMIN, Role.PMO]),
    ("GET", "/quick-wins/", ALL),
    ("GET", "/quick-wins/showcase", ALL),
    ("GET", "/reviews/", [Role.ADMIN, Role.PMO]),
    ("GET", "/lessons/", ALL),
    ("GET", "/lessons/export", ALL),
    ("GET", "/lessons/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/surveys/", [Role.ADMIN, Role.PMO]),
    ("GET", "/surveys/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/findings/", ALL),
    ("GET", "/findings/export.xlsx", ALL),
    ("GET", "/findings/new", [Role.ADMIN, Role.PMO]),
    ("GET", "/findings/import", [Role.ADMIN, Role.PMO]),
    ("GET", "/themes/", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/reports/", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/reports/company", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/reports/company.xlsx", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/reports/charts/levels.svg", ALL),
    ("GET", "/reports/tables/levels.csv", ALL),
    ("GET", "/business-lines/export?format=csv", ALL),
    ("GET", "/users/export", [Role.ADMIN, Role.PMO]),
    ("GET", "/audit/export?format=csv", [Role.ADMIN]),
    ("GET", "/cycles/export", [Role.ADMIN, Role.PMO, Role.LEADERSHIP]),
    ("GET", "/backlog/export", ALL),
    ("GET", "/quick-wins/export?format=csv", ALL),
    ("GET", "/surveys/export", [Role.ADMIN, Role.PMO]),
]


@pytest.mark.parametrize("role", ALL, ids=lambda r: r.value)
@pytest.mark.parametrize(
    ("method", "url", "allowed"), ACCESS_TABLE, ids=[f"{m} {u}" for m, u, _ in ACCESS_TABLE]
)
def test_role_access_table(client, login_as, role, method, url, allowed):
    login_as(role)
    response = client.open(url, method=method)
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize(
    ("method", "url", "allowed"), ACCESS_TABLE, ids=[f"{m} {u}" for m, u, _ in ACCESS_TABLE]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url, allowed):
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_health_endpoints_are_public(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready"}
