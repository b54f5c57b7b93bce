"""Backups made from the admin page as a background job (a thread of the app here), their
admin-only download, and evidence files kept in every backup and restored with it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services import jobs
from app.services.assessments.evidence import Upload, attach
from app.services.assessments.workflow import load_assessment
from models import Job, JobState, Role, User
from tests.assessment_helpers import open_assessment
from tests.test_backup import empty_target  # noqa: F401  (a fixture)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def with_evidence(app, make_user, make_business_line, tmp_path, monkeypatch):
    """One assessment with one evidence file in a store of this test; backups in tmp too."""
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "backups"))
    director = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    line = make_business_line("RD", "研发中心", directors=(director.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    with app.app_context():
        attach(
            db.session.get(User, director.id),
            load_assessment(assessment_id),
            Upload("REQM.SP1.1", "需求基线.pdf", PDF),
        )
        db.session.commit()
    return tmp_path


def latest_backup_job(app) -> Job:
    with app.app_context():
        return db.session.scalars(
            select(Job).where(Job.kind == "backup").order_by(Job.id.desc())
        ).first()


def test_an_admin_makes_a_backup_as_a_job_and_downloads_it(app, client, login_as, with_evidence):
    login_as(Role.ADMIN, locale="en")
    assert "No backups yet." in client.get("/backups/").text
    response = client.post("/backups/")
    assert response.status_code == 302
    job = latest_backup_job(app)
    jobs.join(job.id, timeout=120)
    job = latest_backup_job(app)
    assert job.state is JobState.DONE, job.error
    assert job.result["evidence_files"] == 1
    name = job.result["filename"]
    page = client.get("/backups/").text
    assert f'data-backup="{name}"' in page
    download = client.get(f"/backups/{name}")
    assert download.status_code == 200
    data = download.data
    download.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["evidence"]["files"] == 1
        assert archive.read(f"evidence/{DIGEST[:2]}/{DIGEST}") == PDF
        assert manifest["tables"]["evidence_files"]["rows"] == 1
    # nothing half-written is ever listed, and no other file of the folder can be fetched
    assert [p.name for p in (with_evidence / "backups").iterdir()] == [name]
    assert client.get("/backups/..%2Fevidence").status_code == 404
    assert client.get("/backups/ladder-backup-20260101-000000-999.zip").status_code == 404


@pytest.mark.parametrize("role", [Role.PMO, Role.LEADERSHIP, Role.DIRECTOR])
def test_nobody_but_an_admin_makes_lists_or_downloads_backups(
    app, client, login_as, make_user, with_evidence, role
):
    admin = app.test_client()
    person = make_user(Role.ADMIN)
    admin.post("/login", data={"email": person.email, "password": person.password})
    admin.post("/backups/")
    job = latest_backup_job(app)
    jobs.join(job.id, timeout=120)
    name = latest_backup_job(app).result["filename"]
    login_as(role)
    assert client.get("/backups/").status_code == 403
    assert client.post("/backups/").status_code == 403
    assert client.get(f"/backups/{name}").status_code == 403
    assert client.get(f"/jobs/{job.id}/status").status_code == 404 if role is not Role.PMO else 200


def test_evidence_files_are_restored_with_the_backup(app, empty_target, with_evidence):  # noqa: F811
    archive = with_evidence / "cli.zip"
    made = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "and 1 evidence file(s)" in made.output
    target_store = with_evidence / "restored-evidence"
    empty_target.config["EVIDENCE_DIR"] = str(target_store)
    restored = empty_target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert (target_store / DIGEST[:2] / DIGEST).read_bytes() == PDF


def test_a_damaged_evidence_file_restores_nothing(app, empty_target, with_evidence):  # noqa: F811
    archive = with_evidence / "cli.zip"
    app.test_cli_runner().invoke(args=["backup", str(archive)])
    damaged = with_evidence / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as copy:
        for member in source.namelist():
            data = source.read(member)
            copy.writestr(member, b"forged" if member.startswith("evidence/") else data)
    empty_target.config["EVIDENCE_DIR"] = str(with_evidence / "restored-evidence")
    restored = empty_target.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert restored.exit_code == 1
    assert "damaged" in restored.stderr
    with empty_target.app_context():
        assert db.session.scalar(select(User.id).limit(1)) is None
