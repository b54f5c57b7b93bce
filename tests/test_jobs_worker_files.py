# ruff: noqa: F811  (the fixtures imported from tests/test_jobs_worker.py are parameters)
"""Large imports and report files on the real queue: a real ``ladder worker`` process
against the real Redis (fixtures of tests/test_jobs_worker.py)."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.extensions import db
from models import Finding, JobFile, JobState, Role
from tests.report_support import build_all
from tests.test_jobs_worker import (  # noqa: F401  (fixtures)
    HEARTBEAT_TIMEOUT,
    job_state,
    queue,
    start_worker,
    wait_for,
    web,
)


def findings_csv(rows: int) -> bytes:
    lines = ["text,business_line,severity,category"]
    lines += [f"需求变更频繁，评审滞后 {n},RDC,{1 + n % 5},流程" for n in range(rows)]
    return "\n".join(lines).encode()


def count(app, model) -> int:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model)) or 0
        db.session.remove()
        return found


def queue_import(web, pmo, rows: int):
    web.config["IMPORT_JOB_BYTES"] = 1024
    client = web.test_client()
    client.post("/login", data={"email": pmo.email, "password": pmo.password})
    response = client.post(
        "/findings/import",
        data={"file": (io.BytesIO(findings_csv(rows)), "pain.csv"), "cycle": "0"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    return client, int(re.fullmatch(r"/jobs/(\d+)/import", response.headers["Location"])[1])


def test_the_worker_imports_a_large_file(app, web, make_user, make_business_line, start_worker):
    make_business_line("RDC", "研发中心")
    pmo = make_user(Role.PMO)
    client, job_id = queue_import(web, pmo, 3000)
    assert job_state(web, job_id) is JobState.QUEUED
    start_worker()
    wait_for(lambda: job_state(web, job_id) is JobState.DONE, 120, "the import job")
    assert count(app, Finding) == 3000
    assert count(app, JobFile) == 0
    assert 'data-import="done"' in client.get(f"/jobs/{job_id}/import").text


def test_the_worker_prepares_the_company_pdf(app, web, make_user, make_business_line, start_worker):
    pmo = make_user(Role.PMO, locale="en")
    line_a = make_business_line("A", "研发中心")
    line_b = make_business_line("B", "供应链")
    build_all(app, pmo.id, line_a.id, line_b.id)
    client = web.test_client()
    client.post("/login", data={"email": pmo.email, "password": pmo.password})
    response = client.post("/reports/exports/pdf")
    job_id = int(re.fullmatch(r"/reports/exports/(\d+)", response.headers["Location"])[1])
    start_worker()
    wait_for(lambda: job_state(web, job_id) is JobState.DONE, 180, "the PDF job")
    download = client.get(f"/reports/exports/{job_id}/file")
    assert download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")
    assert 'data-prepare="pdf"' not in client.get("/reports/company").text
