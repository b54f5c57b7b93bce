"""A gunicorn worker killed in the middle of a request leaves nothing half-written, and the
service goes on with a fresh worker."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade

from app.extensions import db
from app.services.org import save_business_line, save_user
from models import Role
from tests.conftest import make_test_app
from tests.databases import temporary_database

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture
def served(tmp_path):
    """gunicorn with one worker on a PostgreSQL database with a PMO and a business line."""
    with temporary_database("postgresql", tmp_path) as url:
        application = make_test_app(url, tmp_path)
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
            save_business_line(None, None, code="RDC", name="研发中心")
            db.session.commit()
            db.engine.dispose()
        port = free_port()
        env = {
            **os.environ,
            "LADDER_DATABASE_URL": url,
            "LADDER_SECRET_KEY": "k" * 40,
            "LADDER_WORKERS": "1",
            "LADDER_THREADS": "2",
            "LADDER_BIND": f"127.0.0.1:{port}",
            "LADDER_INSTANCE_PATH": str(tmp_path / "instance"),
            "LADDER_MAX_UPLOAD_BYTES": str(50 * 1024 * 1024),
            # the import in the request, as the web process does it below the job threshold
            # (a killed worker's import job is tests/test_jobs_worker.py's concern)
            "LADDER_IMPORT_JOB_BYTES": str(50 * 1024 * 1024),
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        master = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base)
            yield base, master, url.replace("postgresql+psycopg://", "postgresql://")
        finally:
            master.send_signal(signal.SIGTERM)
            master.wait(timeout=30)


def big_import() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "business_line", "severity", "category", "process_area"])
    for n in range(ROWS):
        writer.writerow([f"导入的痛点 {n}：需求变更频繁", "RDC", 3, "process", ""])
    return out.getvalue().encode()


def signed_in_session(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"email": "pmo@example.com", "password": "correct-horse-7", "csrf_token": token}
    ).encode()
    opener.open(f"{base}/login", data=body)
    page = opener.open(f"{base}/findings/import").read().decode()
    return opener, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def multipart(token: str, data: bytes) -> tuple[bytes, str]:
    boundary = "ladderboundary7"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n",
    ]
    body = "".join(parts).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def finding_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM findings").fetchone()[0]


def wait_for_insert_in_flight(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 60
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid() AND query ILIKE '%%INSERT INTO findings%%'",
                (name,),
            ).fetchone()[0]
            if busy:
                return
            time.sleep(0.01)
    pytest.fail("the import never started writing")


def test_killing_the_worker_mid_import_writes_nothing_and_service_recovers(served):
    base, master, url = served
    opener, token = signed_in_session(base)
    body, content_type = multipart(token, big_import())
    request = urllib.request.Request(  # noqa: S310  (a local http URL built above)
        f"{base}/findings/import", data=body, headers={"Content-Type": content_type}
    )
    outcome: dict[str, object] = {}

    def send() -> None:
        try:
            outcome["status"] = opener.open(request, timeout=120).status
        except Exception as error:
            outcome["error"] = error

    before = worker_pids(master.pid)
    thread = threading.Thread(target=send)
    thread.start()
    wait_for_insert_in_flight(url)  # the worker is writing the rows, not yet committed
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    thread.join(timeout=120)

    assert "error" in outcome, outcome  # the request died with its worker
    assert finding_count(url) == 0  # and none of its rows were kept
    wait_ready(base)  # the master started a fresh worker
    assert worker_pids(master.pid) != before
    opener, token = signed_in_session(base)  # and the service works again
    assert "findings" in opener.open(f"{base}/findings").geturl()
