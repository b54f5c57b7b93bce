"""Fixtures: an app per database backend, factories, and signed-in clients of each role.

Every test that asks for ``app`` runs twice, on SQLite and on PostgreSQL. The schema comes
from the real migrations; after each test every table is emptied, so tests share nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.services.org import save_business_line, save_user
from models import Base, Role
from tests.databases import BACKENDS, temporary_database
from tests.openapi_check import OpenApiCheckingClient

PASSWORD = "correct-horse-7"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with temporary_database(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url


def make_test_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashes; the scheme is the same
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,  # jobs run in a thread unless a test asks for the queue
        "SEND_AFTER_COMMIT": False,  # tests send the outbox themselves (send_due)
        **overrides,
    }
    application = create_app(config)
    application.test_client_class = OpenApiCheckingClient
    return application


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app that needs no database, for tests that only read its commands and routes."""
    application = make_test_app("sqlite://", tmp_path_factory.mktemp("plain"))
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _session_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


def empty_all_tables(application: Flask) -> None:
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608  (table names)


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    yield _session_app
    _session_app.config["WTF_CSRF_ENABLED"] = False
    empty_all_tables(_session_app)


@pytest.fixture
def make_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Another app on the same database with other settings; its engine is closed after."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        made.append(make_test_app(database_url, tmp_path, **overrides))
        return made[-1]

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: Role
    password: str = PASSWORD


@dataclass(frozen=True)
class Line:
    id: int
    code: str
    name: str


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Person]:
    counter = iter(range(1, 10_000))

    def make(
        role: Role = Role.PMO,
        *,
        email: str | None = None,
        active: bool = True,
        business_lines: tuple[int, ...] = (),
        locale: str = "zh_CN",
        name: str | None = None,
    ) -> Person:
        email = email or f"{role.value}{next(counter)}@example.com"
        with app.app_context():
            user = save_user(
                None,
                None,
                email=email,
                display_name=name or f"{role.value} 测试",
                role=role,
                password=PASSWORD,
                active=active,
                locale=locale,
                business_line_ids=business_lines,
            )
            db.session.commit()
            return Person(user.id, user.email, user.role)

    return make


@pytest.fixture
def make_business_line(app: Flask) -> Callable[..., Line]:
    def make(code: str, name: str | None = None, directors: tuple[int, ...] = ()) -> Line:
        with app.app_context():
            line = save_business_line(
                None, None, code=code, name=name or f"业务线 {code}", director_ids=directors
            )
            db.session.commit()
            return Line(line.id, line.code, line.name)

    return make


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, person: Person, password: str | None = None, next_url: str = "") -> Any:
        return self.client.post(
            "/login",
            data={"email": person.email, "password": password or person.password, "next": next_url},
        )

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(make_user: Callable[..., Person], auth: AuthActions) -> Callable[..., Person]:
    """Create a user of ``role`` and sign the test client in as them."""

    def login(role: Role, **kwargs: Any) -> Person:
        person = make_user(role, **kwargs)
        response = auth.login(person)
        assert response.status_code == 302, response.text
        return person

    return login


# The OpenAPI coverage test (``runs_last``) counts the API calls made in its own process, so
# every file that calls the API carries the ``api_coverage`` mark: a file that names the API
# prefix, or the support module that calls the API for its tests. ``make test`` runs those in
# one process and everything else on every core (pytest-xdist).
API_CALLER_MARKS = ("/api/v1", "outcome_support")


@functools.cache
def calls_the_api(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(mark in text for mark in API_CALLER_MARKS)


class ApiCoverageMark:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Mark the API callers before ``-m`` selects tests by their marks."""
        for item in items:
            if calls_the_api(item.path):
                item.add_marker(pytest.mark.api_coverage)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ApiCoverageMark(), "ladder-api-coverage-mark")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``runs_last`` check what the others did, so they run after all of them."""
    last = [item for item in items if item.get_closest_marker("runs_last")]
    items[:] = [item for item in items if item not in last] + last
