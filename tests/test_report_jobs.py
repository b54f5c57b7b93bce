"""Report files prepared by a background job (a thread of the app here): the page offers
"Prepare PDF" until a file for the current data exists, the job page follows the job and
then links the file, and the download URL serves the prepared file at once."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from app.services import jobs
from app.services.reports.documents import clear_caches
from models import Role
from tests.pdf_text import pdf_text
from tests.report_support import build_all


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def org(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR)
    other = make_user(Role.DIRECTOR)
    line_a = make_business_line("A", "研发中心", directors=(director.id,))
    line_b = make_business_line("B", "供应链", directors=(other.id,))
    fixture = build_all(app, pmo.id, line_a.id, line_b.id)
    return {"director": director, "other": other, "fixture": fixture}


def prepared(client, url: str) -> int:
    response = client.post(url)
    assert response.status_code == 302, response.text
    found = re.fullmatch(r"/reports/exports/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    job_id = int(found.group(1))
    jobs.join(job_id, timeout=120)
    assert client.get(f"/jobs/{job_id}/status").json["state"] == "done"
    return job_id


def test_the_company_pdf_is_prepared_by_a_job_then_downloaded_at_once(client, login_as, org):
    login_as(Role.LEADERSHIP, locale="en")
    page = client.get("/reports/company").text
    assert 'data-prepare="pdf"' in page
    assert 'data-prepare="xlsx"' in page
    job_id = prepared(client, "/reports/exports/pdf")
    job_page = client.get(f"/reports/exports/{job_id}").text
    assert "The file is ready." in job_page
    assert f'href="/reports/exports/{job_id}/file"' in job_page
    download = client.get(f"/reports/exports/{job_id}/file")
    assert download.mimetype == "application/pdf"
    _pages, text = pdf_text(download.data)
    assert "Company maturity report" in text
    # the report page now links the file, and the download URL serves the prepared one
    page = client.get("/reports/company").text
    assert 'data-prepare="pdf"' not in page
    assert 'href="/reports/company.pdf"' in page
    assert 'data-prepare="xlsx"' in page
    clear_caches()  # another process: nothing built in memory
    assert client.get("/reports/company.pdf").data == download.data


def test_a_change_of_the_data_asks_for_a_new_file(app, client, login_as, org):
    login_as(Role.PMO)
    prepared(client, "/reports/exports/pdf")
    assert 'data-prepare="pdf"' not in client.get("/reports/company").text
    client.post(
        "/kpis/values",
        data={"kpi": "satisfaction", "business_line": "A", "period": "2026-06", "value": "4.2"},
    )
    assert 'data-prepare="pdf"' in client.get("/reports/company").text


def test_a_directors_line_workbook_is_theirs_only(client, login_as, auth, org):
    auth.login(org["director"])
    line_a = org["fixture"].line_a
    job_id = prepared(client, f"/reports/exports/xlsx?line={line_a}")
    download = client.get(f"/reports/exports/{job_id}/file")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data)).sheetnames
    auth.logout()
    auth.login(org["other"])
    assert client.get(f"/reports/exports/{job_id}").status_code == 404
    assert client.get(f"/reports/exports/{job_id}/file").status_code == 404
    assert client.post(f"/reports/exports/pdf?line={line_a}").status_code == 404
    assert client.post("/reports/exports/pdf").status_code == 404  # the company: readers only
