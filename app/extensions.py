"""Flask extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from models import Base

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while one writer commits; the busy timeout waits for a lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # SQLAlchemy, not the driver, starts transactions (see _begin_immediately).
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _begin_immediately(connection: Any) -> None:
    """SQLite has one writer at a time. A transaction that reads and then writes while
    another has committed fails at once with "database is locked", whatever the busy
    timeout; taking the write lock at BEGIN makes it wait its turn instead.

    A connection with the execution option ``ladder_read_only`` only reads (a backup): its
    deferred BEGIN reads one snapshot (WAL) without holding the write lock meanwhile."""
    if connection.dialect.name == "sqlite":
        read_only = connection.get_execution_options().get("ladder_read_only")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
