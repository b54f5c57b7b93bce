"""The Excel round trip: export, fill offline, import back — all rows or none."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from assessments.excel_format import FIRST_DATA_ROW, INSTRUCTIONS_SHEET, META_SHEET
from models import Assessment, AuditEvent, PracticeRating, Role
from tests.assessment_helpers import REQM_ALL, open_assessment, rate

SCOPE = ("PP", "REQM")


@pytest.fixture
def scene(app, make_user, make_business_line, login_as):
    """A director (English) signed in, with one open assessment of their line (PP + REQM)."""
    pmo = make_user(Role.PMO)
    director = login_as(Role.DIRECTOR, locale="en")
    line = make_business_line("SCM", "供应链", directors=(director.id,))
    assessment_id = open_assessment(app, pmo_id=pmo.id, line_id=line.id, scope=SCOPE)
    return {"pmo": pmo, "director": director, "line": line, "id": assessment_id}


def export(client, assessment_id):
    response = client.get(f"/cycles/assessments/{assessment_id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def as_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, assessment_id, data, *, overwrite=False, filename="filled.xlsx"):
    """Post the file as a browser does (encoded in memory: the test client's own encoder
    leaves a temporary file open for bodies over 500 kB)."""
    form = {"file": FileStorage(io.BytesIO(data), filename)}
    if overwrite:
        form["overwrite"] = "y"
    boundary, body = encode_multipart(form)
    return client.post(
        f"/cycles/assessments/{assessment_id}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def row_of(sheet, practice_id):
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet[f"A{row}"].value == practice_id:
            return row
    raise AssertionError(practice_id)


def saved_state(app, assessment_id):
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        ratings = db.session.scalar(
            select(func.count())
            .select_from(PracticeRating)
            .where(PracticeRating.assessment_id == assessment_id)
        )
        return assessment.version, ratings


def test_export_has_one_protected_sheet_per_area_with_a_rating_drop_down(client, scene):
    workbook = export(client, scene["id"])
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET, "PP", "REQM", META_SHEET]
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    sheet = workbook["REQM"]
    assert sheet["B2"].value == "2026 H1"
    assert sheet["B3"].value == "SCM 供应链"
    ids = [sheet[f"A{r}"].value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    assert ids == REQM_ALL
    assert sheet["C6"].value == "Understand Requirements"  # the user's language: English
    assert sheet.protection.sheet
    assert sheet["A6"].protection.locked
    assert not sheet["D6"].protection.locked
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"FI,LI,PI,NI,NA"'
    assert "D6" in str(validation.sqref)
    instructions = workbook[INSTRUCTIONS_SHEET]
    assert "如何填写" in instructions["A1"].value
    assert "How to fill" in instructions["B1"].value


def test_export_is_in_chinese_for_a_chinese_user(app, client, auth, make_user, scene):
    reader = make_user(Role.LEADERSHIP)
    auth.logout()
    auth.login(reader)
    sheet = export(client, scene["id"])["REQM"]
    assert sheet["C6"].value == "理解需求"
    assert sheet["A5"].value == "实践编号"


def test_round_trip_saves_every_row_and_records_the_change(app, client, scene):
    workbook = export(client, scene["id"])
    sheet = workbook["REQM"]
    for practice_id in REQM_ALL:
        sheet[f"D{row_of(sheet, practice_id)}"] = "LI"
    row = row_of(sheet, "REQM.SP1.1")
    sheet[f"D{row}"] = "fi"
    sheet[f"E{row}"] = "需求评审记录 v2"
    sheet[f"F{row}"] = "https://wiki.example.com/req\nhttp://jira.example.com/REQ-1"
    sheet[f"G{row}"] = "备注：按季度复核"
    na_row = row_of(sheet, "REQM.GP3.2")
    sheet[f"D{na_row}"] = "NA"
    sheet[f"H{na_row}"] = "尚未建立组织级过程资产"

    response = upload(client, scene["id"], as_bytes(workbook))

    assert response.status_code == 302, response.text
    follow = client.get(response.headers["Location"])
    assert "rows; 17 practices changed." in follow.text
    with app.app_context():
        assessment = db.session.get(Assessment, scene["id"])
        rows = {r.practice_id: r for r in assessment.ratings}
        assert len(rows) == 17
        assert rows["REQM.SP1.1"].rating == "FI"
        assert rows["REQM.SP1.1"].evidence == "需求评审记录 v2"
        assert rows["REQM.SP1.1"].links.splitlines() == [
            "https://wiki.example.com/req",
            "http://jira.example.com/REQ-1",
        ]
        assert rows["REQM.SP1.1"].comment == "备注：按季度复核"
        assert rows["REQM.GP3.2"].rating == "NA"
        assert rows["REQM.GP3.2"].na_reason == "尚未建立组织级过程资产"
        assert rows["REQM.SP1.2"].rating == "LI"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rate")).all()
        assert len(events) == 1

    again = export(client, scene["id"])["REQM"]
    assert again[f"E{row_of(again, 'REQM.SP1.1')}"].value == "需求评审记录 v2"
    assert again[f"G{row_of(again, 'REQM.SP1.1')}"].value == "备注：按季度复核"


def test_a_sheet_left_out_keeps_its_ratings(app, client, scene):
    rate(app, scene["id"], scene["director"].id, {"PP.SP1.1": "PI"})
    workbook = export(client, scene["id"])
    del workbook["PP"]
    workbook["REQM"]["D6"] = "FI"
    assert upload(client, scene["id"], as_bytes(workbook)).status_code == 302
    with app.app_context():
        rows = {r.practice_id: r.rating for r in db.session.get(Assessment, scene["id"]).ratings}
    assert rows == {"PP.SP1.1": "PI", "REQM.SP1.1": "FI"}


def _rename_sheet(workbook):
    workbook["REQM"].title = "REQX"


def _bad_rating(workbook):
    workbook["REQM"]["D7"] = "XX"


def _na_without_reason(workbook):
    workbook["REQM"]["D8"] = "NA"


def _unknown_practice(workbook):
    workbook["REQM"]["A9"] = "REQM.SP9.9"


def _practice_twice(workbook):
    workbook["REQM"]["A7"] = "REQM.SP1.1"


def _bad_link(workbook):
    workbook["PP"]["F6"] = "wiki/page"


def _too_long(workbook):
    workbook["PP"]["E7"] = "证" * 5001


def _control_character(workbook):
    workbook["PP"]["E7"] = "证据\x7f已上传"  # DEL: legal in XML, so a workbook can carry it


def _practice_on_wrong_sheet(workbook):
    workbook["PP"]["A6"] = "REQM.SP1.1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rename_sheet, "Sheet REQX: no process area in scope has this code"),
        (_bad_rating, "Sheet REQM, row 7, column D: “XX” is not a rating"),
        (_na_without_reason, "Sheet REQM, row 8, column H: NA needs a reason."),
        (_unknown_practice, "Sheet REQM, row 9, column A: REQM.SP9.9 is not a practice"),
        (_practice_twice, "Sheet REQM, row 7, column A: REQM.SP1.1 appears twice (first in row 6)"),
        (_bad_link, "Sheet PP, row 6, column F: “wiki/page” is not a link"),
        (_too_long, "Sheet PP, row 7, column E: the text has 5001 characters"),
        (_practice_on_wrong_sheet, "Sheet PP, row 6, column A: REQM.SP1.1 belongs on sheet REQM"),
        (_control_character, "Sheet PP, row 7, column E: the text contains a control character"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_broken_row_is_reported_where_it_is_and_nothing_changes(
    app, client, scene, change, message
):
    workbook = export(client, scene["id"])
    for sheet_name in ("PP", "REQM"):
        workbook[sheet_name]["D6"] = "FI"  # good rows next to the bad one are not saved either
    change(workbook)
    before = saved_state(app, scene["id"])

    response = upload(client, scene["id"], as_bytes(workbook))

    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert message in response.text
    assert saved_state(app, scene["id"]) == before


def test_every_problem_of_a_file_is_listed_at_once(app, client, scene):
    workbook = export(client, scene["id"])
    _bad_rating(workbook)
    _na_without_reason(workbook)
    _bad_link(workbook)
    response = upload(client, scene["id"], as_bytes(workbook))
    assert response.status_code == 422
    for where in ("Sheet REQM, row 7, column D", "Sheet REQM, row 8, column H", "Sheet PP, row 6"):
        assert where in response.text


def test_problems_are_in_chinese_for_a_chinese_director(
    app, client, auth, make_user, make_business_line, scene
):
    director = make_user(Role.DIRECTOR, locale="zh_CN")
    line = make_business_line("RDC", "研发中心", directors=(director.id,))
    assessment_id = open_assessment(
        app, pmo_id=scene["pmo"].id, line_id=line.id, scope=SCOPE, name="2026 H1 研发"
    )
    auth.logout()
    auth.login(director)
    workbook = export(client, assessment_id)
    _bad_rating(workbook)
    response = upload(client, assessment_id, as_bytes(workbook))
    assert response.status_code == 422
    assert "工作表 REQM，第 7 行，D 列" in response.text


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"practice_id,rating\nREQM.SP1.1,FI\n", "This is not an Excel workbook (.xlsx)"),
        (b"PK\x03\x04 truncated", "This is not an Excel workbook (.xlsx)"),
        (_zip({"word/document.xml": "<w/>"}), "This is not an Excel workbook (.xlsx)"),
        (
            _zip({"xl/workbook.xml": "<workbook/>", "xl/bomb.xml": b"\0" * (51 * 1024 * 1024)}),
            "The file unpacks to more than 50 MB",
        ),
    ],
    ids=["csv", "truncated-zip", "word-document", "zip-bomb"],
)
def test_files_that_are_not_an_export_are_refused(app, client, scene, data, message):
    before = saved_state(app, scene["id"])
    response = upload(client, scene["id"], data)
    assert response.status_code == 422
    assert message in response.text
    assert saved_state(app, scene["id"]) == before


def test_a_workbook_not_made_by_ladder_is_refused(app, client, scene):
    workbook = export(client, scene["id"])
    del workbook[META_SHEET]
    response = upload(client, scene["id"], as_bytes(workbook))
    assert response.status_code == 422
    assert "was not exported from Ladder" in response.text


def test_an_oversized_file_is_refused(app, client, scene):
    big = b"PK\x03\x04" + bytes(5 * 1024 * 1024)
    response = upload(client, scene["id"], big)
    assert response.status_code == 422
    assert "The file is larger than 5 MB." in response.text
    assert saved_state(app, scene["id"])[1] == 0


def test_a_file_of_another_assessment_is_refused(app, client, scene):
    other = open_assessment(
        app,
        pmo_id=scene["pmo"].id,
        line_id=scene["line"].id,
        scope=SCOPE,
        name="2026 H2",
    )
    workbook = export(client, other)
    response = upload(client, scene["id"], as_bytes(workbook))
    assert response.status_code == 422
    assert "exported from another assessment" in response.text


def test_a_file_exported_before_someone_else_saved_needs_confirmation(app, client, scene):
    workbook = export(client, scene["id"])
    workbook["REQM"]["D6"] = "NI"
    data = as_bytes(workbook)
    rate(app, scene["id"], scene["director"].id, {"REQM.SP1.1": "FI"}, {"REQM.SP1.1": "评审纪要"})
    before = saved_state(app, scene["id"])

    refused = upload(client, scene["id"], data)

    assert refused.status_code == 409
    assert "Someone saved this assessment after your file was exported" in refused.text
    assert "REQM.SP1.1" in refused.text
    assert "Overwrite what was saved after my export" in refused.text
    assert saved_state(app, scene["id"]) == before

    confirmed = upload(client, scene["id"], data, overwrite=True)

    assert confirmed.status_code == 302
    with app.app_context():
        rows = {r.practice_id: r for r in db.session.get(Assessment, scene["id"]).ratings}
    assert rows["REQM.SP1.1"].rating == "NI"
    assert rows["REQM.SP1.1"].evidence == ""


def test_import_is_refused_once_submitted(app, client, scene):
    workbook = export(client, scene["id"])
    pp_ids = [
        workbook["PP"][f"A{r}"].value for r in range(FIRST_DATA_ROW, workbook["PP"].max_row + 1)
    ]
    rate(app, scene["id"], scene["director"].id, dict.fromkeys(REQM_ALL + pp_ids, "FI"))
    workbook = export(client, scene["id"])
    workbook["PP"]["D6"] = "NI"
    data = as_bytes(workbook)
    submitted = client.post(f"/cycles/assessments/{scene['id']}/submit")
    assert "submitted" in client.get(submitted.headers["Location"]).text
    before = saved_state(app, scene["id"])
    response = upload(client, scene["id"], data)
    assert response.status_code == 302
    assert "no file can be imported" in client.get(response.headers["Location"]).text
    assert saved_state(app, scene["id"]) == before


def test_directors_of_other_lines_get_404_and_only_directors_import(
    app, client, auth, make_user, scene
):
    stranger = make_user(Role.DIRECTOR)
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/cycles/assessments/{scene['id']}/export.xlsx").status_code == 404
    assert client.get(f"/cycles/assessments/{scene['id']}/import").status_code == 404
    assert upload(client, scene["id"], b"x").status_code == 404

    auth.logout()
    auth.login(scene["pmo"])
    assert client.get(f"/cycles/assessments/{scene['id']}/export.xlsx").status_code == 200
    assert client.get(f"/cycles/assessments/{scene['id']}/import").status_code == 403

    auth.logout()
    auth.login(scene["director"])
    page = client.get(f"/cycles/assessments/{scene['id']}/import")
    assert page.status_code == 200
    assert "Import from Excel" in page.text
    assert client.get("/cycles/assessments/999999/export.xlsx").status_code == 404
