"""Evidence files: accepted kinds, refused uploads that store nothing, downloads per role and
business line, removals kept in the audit trail, and the snapshot at validation."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.services.assessments.evidence import Upload, attach
from app.services.assessments.workflow import load_assessment
from models import Assessment, AuditEvent, EvidenceFile, Role, User
from tests.assessment_helpers import (
    REQM_ALL,
    open_assessment,
    rate,
    signed_in_client,
    submit_and_validate,
)
from tests.conftest import Person

PRACTICE = "REQM.SP1.1"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def office(
    main: str = "word/document.xml", content_type: str = DOCX_MAIN, extra: dict | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main, "<document>需求基线评审记录</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A .docx of a few hundred KB that unpacks to over 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w") as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(101):
                entry.write(chunk)
    return buffer.getvalue()


def many_parts(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
        for number in range(count):
            archive.writestr(f"word/p{number}.xml", "")
    return buffer.getvalue()


@dataclass
class Setting:
    app: Flask
    assessment_id: int
    people: dict[str, Person]
    store: Path

    def client(self, who: str) -> FlaskClient:
        return signed_in_client(self.app, self.people[who])

    def upload(self, c: FlaskClient, name: str, data: bytes, **fields: str):
        return c.post(
            f"/cycles/assessments/{self.assessment_id}/areas/REQM/evidence",
            data={"practice_id": PRACTICE, "file": (io.BytesIO(data), name), **fields},
            content_type="multipart/form-data",
        )

    def rows(self) -> list[EvidenceFile]:
        with self.app.app_context():
            return list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))

    def stored_files(self) -> list[Path]:
        return [p for p in self.store.rglob("*") if p.is_file()]


@pytest.fixture
def setting(app, make_user, make_business_line, tmp_path) -> Iterator[Setting]:
    director = make_user(Role.DIRECTOR, name="王总监")
    other = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    lead = make_user(Role.LEADERSHIP)
    line = make_business_line("RD", "研发中心", directors=(director.id,))
    make_business_line("SC", "供应链", directors=(other.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    store = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(store)
    people = {"director": director, "other": other, "pmo": pmo, "leadership": lead}
    yield Setting(app, assessment_id, people, store)
    app.config["EVIDENCE_DIR"] = ""
    app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024 * 1024


def test_a_pdf_is_attached_with_its_digest_uploader_date_and_owner(setting):
    c = setting.client("director")
    response = setting.upload(c, "需求基线.pdf", PDF, evidence_date="2026-03-01", owner="张工")
    assert response.status_code == 302
    (row,) = setting.rows()
    assert (row.name, row.media_type, row.size) == ("需求基线.pdf", "application/pdf", len(PDF))
    assert row.evidence_date.isoformat() == "2026-03-01"
    assert row.owner == "张工"
    assert row.uploaded_by_id == setting.people["director"].id
    digest = hashlib.sha256(PDF).hexdigest()
    assert row.sha256 == digest
    assert setting.stored_files() == [setting.store / digest[:2] / digest]
    page = c.get(f"/cycles/assessments/{setting.assessment_id}/areas/REQM/evidence").text
    assert "需求基线.pdf" in page
    assert "张工" in page
    area = c.get(f"/cycles/assessments/{setting.assessment_id}/areas/REQM").text
    assert 'data-evidence-count="1"' in area


def test_office_images_and_text_are_accepted(setting):
    c = setting.client("director")
    for name, data in (
        ("计划.docx", office()),
        ("截图.png", PNG),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("纪要.txt", "评审纪要：需求已确认".encode("gb18030")),
    ):
        assert setting.upload(c, name, data).status_code == 302, name
    media = [row.media_type for row in setting.rows()]
    assert media[0].endswith("wordprocessingml.document")
    assert media[1:] == ["image/png", "image/jpeg", "text/plain; charset=gb18030"]


def _refused(setting: Setting, response, *phrases: str) -> None:
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    for phrase in phrases:
        assert phrase in text, phrase
    assert setting.rows() == []
    assert setting.stored_files() == []
    with setting.app.app_context():
        assert not db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "attach_evidence")
        )


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "程序"),
        ("diagram.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页"),
        ("notes.txt", b"<html><body onload=alert(1)>", "网页"),
        ("plan.docx", office("xl/workbook.xml", "x"), "Excel"),
        ("scan.jpg", PNG, "PNG"),
    ],
)
def test_a_disguised_type_is_refused_and_nothing_is_stored(setting, name, data, phrase):
    response = setting.upload(setting.client("director"), name, data)
    _refused(setting, response, "文件内容与文件名", phrase)


def test_unsupported_types_and_macros_are_refused(setting):
    c = setting.client("director")
    _refused(setting, setting.upload(c, "tool.exe", b"MZ"), ".exe")
    _refused(
        setting, setting.upload(c, "宏.docx", office(extra={"word/vbaProject.bin": b"x"})), "宏"
    )
    _refused(setting, setting.upload(c, "空.pdf", b""), "为空")


def test_a_file_over_the_limit_is_refused(setting):
    setting.app.config["EVIDENCE_MAX_BYTES"] = 1024
    response = setting.upload(setting.client("director"), "大.pdf", PDF + b"0" * 2000)
    _refused(setting, response, "文件过大", "最多 1 KB")


def test_zip_bombs_and_packages_of_too_many_parts_are_refused(setting):
    c = setting.client("director")
    _refused(setting, setting.upload(c, "bomb.docx", zip_bomb()), "解压", "100 MB")
    _refused(setting, setting.upload(c, "parts.docx", many_parts(2001)), "2000")


def test_path_like_names_are_reduced_to_a_base_name(setting):
    c = setting.client("director")
    _refused(setting, setting.upload(c, "../../etc/passwd", b"root:x:0:0"), "-")
    assert setting.upload(c, "C:\\x\\y.pdf", PDF).status_code == 302
    assert setting.upload(c, "..\\..\\evil.pdf", PDF + b"%").status_code == 302
    for row in setting.rows():  # Werkzeug already drops the backslashes of a quoted name
        assert row.name.endswith(".pdf")
        assert not any(ch in row.name for ch in "/\\:")
        assert not row.name.startswith(".")
    for path in setting.stored_files():  # named by digest, inside the store only
        assert path.parent.parent == setting.store
        assert len(path.name) == 64


def _attach(setting: Setting) -> int:
    assert setting.upload(setting.client("director"), "基线.pdf", PDF).status_code == 302
    return setting.rows()[0].id


@pytest.mark.parametrize(
    ("who", "status"),
    [("director", 200), ("pmo", 200), ("leadership", 200), ("other", 404)],
)
def test_downloads_follow_who_may_read_the_assessment(setting, who, status):
    evidence_id = _attach(setting)
    url = f"/cycles/assessments/{setting.assessment_id}/evidence/{evidence_id}"
    response = setting.client(who).get(url)
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    anonymous = setting.app.test_client().get(url)
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


def test_only_those_who_fill_in_may_attach_or_remove(setting):
    evidence_id = _attach(setting)
    remove = f"/cycles/assessments/{setting.assessment_id}/evidence/{evidence_id}/remove"
    for who in ("pmo", "leadership"):
        c = setting.client(who)
        assert setting.upload(c, "x.pdf", PDF + b"1").status_code == 403
        assert c.post(remove).status_code == 403
    other = setting.client("other")
    assert setting.upload(other, "x.pdf", PDF + b"1").status_code == 404
    assert other.post(remove).status_code == 404
    assert len(setting.rows()) == 1
    assert setting.rows()[0].removed_at is None


def test_a_removed_file_stays_in_the_audit_trail(setting):
    evidence_id = _attach(setting)
    (row,) = setting.rows()
    c = setting.client("director")
    url = f"/cycles/assessments/{setting.assessment_id}/evidence/{evidence_id}"
    assert c.post(url + "/remove", data={"area": "REQM"}).status_code == 302
    (removed,) = setting.rows()
    assert removed.removed_at is not None
    assert removed.removed_by_id == setting.people["director"].id
    assert setting.stored_files() == []  # the bytes go with the last attached copy
    assert c.get(url).status_code == 404
    with setting.app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "remove_evidence")
        ).one()
    before = event.changes["evidence_file"]["old"]
    assert (before["name"], before["sha256"], before["size"]) == (row.name, row.sha256, row.size)


def test_no_upload_once_submitted_and_the_snapshot_lists_the_files(setting):
    _attach(setting)
    director, pmo = setting.people["director"], setting.people["pmo"]
    rate(setting.app, setting.assessment_id, director.id, dict.fromkeys(REQM_ALL, "LI"))
    submit_and_validate(setting.app, setting.assessment_id, director.id, pmo.id)
    response = setting.upload(setting.client("director"), "晚了.pdf", PDF + b"2")
    assert response.status_code == 403
    assert len(setting.rows()) == 1
    with setting.app.app_context():
        snapshot = db.session.get(Assessment, setting.assessment_id).result_snapshot
    (listed,) = snapshot["evidence_files"]
    assert (listed["name"], listed["practice_id"]) == ("基线.pdf", PRACTICE)


def test_an_attached_file_counts_as_evidence_on_the_results(setting):
    director = setting.people["director"]
    rate(setting.app, setting.assessment_id, director.id, {PRACTICE: "LI"})  # no evidence text
    c = setting.client("director")
    url = f"/cycles/assessments/{setting.assessment_id}/results"

    def coverage() -> str:
        html = c.get(url).text
        row = html[html.index('id="areas-results"') :]
        row = row[row.index('data-area="REQM"') :]
        cell = row[row.index('data-col="coverage">') :].split("</td>")[0]
        return cell.split(">", 1)[1].strip()

    assert coverage() == "0%"
    _attach(setting)
    assert coverage() == "100%"


def test_bytes_follow_the_transaction(setting):
    """Written by a transaction that rolls back: deleted again. Removed while another
    attached file has the same content: kept."""
    with setting.app.app_context():
        director = db.session.get(User, setting.people["director"].id)
        attach(director, load_assessment(setting.assessment_id), Upload(PRACTICE, "a.pdf", PDF))
        assert len(setting.stored_files()) == 1
        db.session.rollback()
    assert setting.stored_files() == []
    assert setting.rows() == []
    c = setting.client("director")
    assert setting.upload(c, "一.pdf", PDF).status_code == 302
    assert setting.upload(c, "二.pdf", PDF).status_code == 302
    first = setting.rows()[0].id
    remove = f"/cycles/assessments/{setting.assessment_id}/evidence/{first}/remove"
    assert c.post(remove).status_code == 302
    assert len(setting.stored_files()) == 1  # still used by 二.pdf
