"""Large imports run as background jobs (a thread of the app here): the page follows the job,
then shows the count or every row's problem in the user's language; all rows or none."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services import jobs
from models import Finding, JobFile, JobState, Role
from tests.outcome_support import build_org, stored

ROWS = 3000


@pytest.fixture
def small_job_threshold(app, monkeypatch):
    """Any upload over 1 kB runs as a job."""
    monkeypatch.setitem(app.config, "IMPORT_JOB_BYTES", 1024)


def findings_csv(bad_row: int | None = None) -> bytes:
    lines = ["text,business_line,severity,category"]
    for n in range(ROWS):
        line = "NOPE" if bad_row is not None and n + 2 == bad_row else "RDC"
        lines.append(f"需求变更频繁 {n},{line},{1 + n % 5},流程")
    return "\n".join(lines).encode()


def job_of(response) -> int:
    assert response.status_code == 302, response.text
    found = re.fullmatch(r"/jobs/(\d+)/import", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def finish(client, job_id: int) -> str:
    jobs.join(job_id, timeout=120)
    status = client.get(f"/jobs/{job_id}/status").json
    assert status["state"] == JobState.DONE.value, status
    return client.get(f"/jobs/{job_id}/import").text


def kpi_rows(count: int) -> str:
    """``count`` monthly values of SCM's on-time rate, from January 2000 on."""
    return "".join(
        f"on_time_rate,SCM,{2000 + n // 12}-{1 + n % 12:02d},{n % 100}\n" for n in range(count)
    )


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def post_findings(client, data: bytes):
    return client.post(
        "/findings/import",
        data={"file": (io.BytesIO(data), "pain.csv"), "cycle": "0"},
        content_type="multipart/form-data",
    )


def test_a_large_findings_import_runs_as_a_job_and_imports_every_row(
    app, client, login_as, make_business_line, small_job_threshold
):
    make_business_line("RDC")
    login_as(Role.PMO)
    job_id = job_of(post_findings(client, findings_csv()))
    running = client.get(f"/jobs/{job_id}/import").text
    assert f"/jobs/{job_id}/status" in running or 'data-import="done"' in running
    page = finish(client, job_id)
    assert 'data-import="done"' in page
    assert "3,000" in page or "3000" in page
    assert count_rows(app, Finding) == ROWS
    assert count_rows(app, JobFile) == 0  # the upload goes with the import


def test_a_large_import_with_a_bad_row_imports_nothing_and_names_row_and_column(
    app, client, login_as, make_business_line, small_job_threshold
):
    make_business_line("RDC")
    login_as(Role.PMO)  # Chinese by default
    page = finish(client, job_of(post_findings(client, findings_csv(bad_row=2500))))
    assert 'data-import="refused"' in page
    assert "未导入任何数据" in page
    assert "<td>2500</td><td>business_line</td><td>未知的业务线编码“NOPE”。</td>" in page
    assert count_rows(app, Finding) == 0


def test_the_job_reports_problems_in_the_submitters_language(
    app, client, login_as, make_business_line, small_job_threshold
):
    make_business_line("RDC")
    login_as(Role.PMO, locale="en")
    page = finish(client, job_of(post_findings(client, findings_csv(bad_row=7))))
    assert "<td>7</td><td>business_line</td><td>Unknown business line code “NOPE”.</td>" in page


def test_a_small_import_still_runs_while_the_page_waits(app, client, login_as, make_business_line):
    make_business_line("RDC")
    login_as(Role.PMO)
    response = post_findings(client, b"text,business_line\nSlow builds,RDC\n")
    assert response.headers["Location"].startswith("/findings/")
    assert count_rows(app, Finding) == 1


def test_a_directors_large_kpi_import_is_theirs_to_follow_and_nobody_elses(
    app, client, make_user, make_business_line, auth, small_job_threshold
):
    org = build_org(make_user, make_business_line)
    auth.login(org["director"])
    rows = kpi_rows(300)
    response = client.post(
        "/kpis/import",
        data={"file": (io.BytesIO(("KPI,Business line,Period,Value\n" + rows).encode()), "k.csv")},
    )
    job_id = job_of(response)
    page = finish(client, job_id)
    assert 'data-import="done"' in page
    assert len(stored(app)) == 300
    auth.logout()
    auth.login(org["other"])
    assert client.get(f"/jobs/{job_id}/import").status_code == 404
    assert client.get(f"/jobs/{job_id}/status").status_code == 404


def test_a_large_kpi_import_refused_writes_nothing(
    app, client, make_user, make_business_line, auth, small_job_threshold
):
    org = build_org(make_user, make_business_line)
    auth.login(org["director"])
    rows = kpi_rows(300)
    rows += "on_time_rate,RND,2026-01,50\n"  # another director's line: row 302
    response = client.post(
        "/kpis/import",
        data={"file": (io.BytesIO(("KPI,Business line,Period,Value\n" + rows).encode()), "k.csv")},
    )
    page = finish(client, job_of(response))
    assert 'data-import="refused"' in page
    assert "<td>302</td><td>Business line</td>" in page
    assert stored(app) == {}
