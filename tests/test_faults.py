"""Faults: the database goes away under requests and comes back."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.services.org import save_user
from models import AuditEvent, Role, User
from tests.conftest import make_test_app
from tests.databases import temporary_database
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def app_behind_proxy(tmp_path):
    """An app on PostgreSQL reached through a proxy the test can cut."""
    with temporary_database("postgresql", tmp_path) as url:
        proxy = TcpProxy("127.0.0.1", 5432)
        proxy.start()
        host, _, rest = url.partition("@127.0.0.1:5432")
        proxied = f"{host}@127.0.0.1:{proxy.port}{rest}"
        application = make_test_app(
            proxied,
            tmp_path,
            SQLALCHEMY_ENGINE_OPTIONS={
                "pool_pre_ping": True,
                "connect_args": {"connect_timeout": 2},
            },
        )
        with application.app_context():
            upgrade()
            save_user(
                None,
                None,
                email="pmo@example.com",
                display_name="PMO",
                role=Role.PMO,
                password="correct-horse-7",
            )
            db.session.commit()
        yield application, proxy
        proxy.stop()
        with application.app_context():
            db.engine.dispose()


def test_database_restart_gives_clean_503s_and_recovers_by_itself(app_behind_proxy):
    application, proxy = app_behind_proxy
    client = application.test_client()
    client.post("/login", data={"email": "pmo@example.com", "password": "correct-horse-7"})
    assert client.get("/business-lines").status_code == 200

    proxy.stop()  # the database "restarts": connections drop, new ones are refused
    down = client.get("/business-lines")
    assert down.status_code == 503
    assert "服务暂时不可用" in down.text
    assert "Traceback" not in down.text
    saving = client.post("/business-lines/new", data={"code": "X", "name": "停机时"})
    assert saving.status_code == 503
    assert client.get("/readyz").status_code == 503

    proxy.start()  # back on the same port
    assert client.get("/readyz").status_code == 200
    assert client.get("/business-lines").status_code == 200
    created = client.post("/business-lines/new", data={"code": "AFTER", "name": "恢复后"})
    assert created.status_code == 302
    listing = client.get("/business-lines").text
    assert "恢复后" in listing
    assert "停机时" not in listing


def test_nothing_is_half_written_when_the_connection_drops_mid_transaction(app_behind_proxy):
    application, proxy = app_behind_proxy
    with application.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
        save_user(
            None,
            None,
            email="half@example.com",
            display_name="半",
            role=Role.PMO,
            password="correct-horse-7",
        )  # flushed: user and audit rows are in flight
        proxy.stop()
        with pytest.raises(Exception):  # noqa: B017,PT011  (the driver's own error type)
            db.session.commit()
        db.session.rollback()
        proxy.start()
        db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(User)) == before
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.object_label == "half@example.com")
            )
            == 0
        )
