"""The .xlsx layout and the reading rules of an exported assessment (no app)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from assessments.excel_format import (
    FIRST_DATA_ROW,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    AreaSheet,
    ImportLimits,
    SheetRow,
    WorkbookExport,
    build_workbook,
    read_workbook,
)

AREAS = {"REQM": ["REQM.SP1.1", "REQM.SP1.2"], "PP": ["PP.SP1.1"]}


def export(**overrides):
    rows = {
        "REQM": (
            SheetRow("REQM.SP1.1", "REQM.SG1 管理需求", "理解需求", "FI", "评审记录"),
            SheetRow("REQM.SP1.2", "REQM.SG1 管理需求", "获得承诺"),
        ),
        "PP": (SheetRow("PP.SP1.1", "PP.SG1 建立估计", "估计项目范围"),),
    }
    values = {
        "language": "zh",
        "assessment_id": 42,
        "version": 7,
        "model": "CMMI",
        "cycle": "2026 H1",
        "business_line": "SCM 供应链",
        "areas": tuple(AreaSheet(code, code, rows[code]) for code in ("PP", "REQM")),
        **overrides,
    }
    return build_workbook(WorkbookExport(**values))


def edit(data, change):
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codes(parsed):
    return [(p.code, p.sheet, p.row, p.column) for p in parsed.problems]


def test_an_untouched_export_reads_back_as_it_was_written():
    parsed = read_workbook(export(), AREAS)
    assert parsed.problems == ()
    assert (parsed.assessment_id, parsed.version) == (42, 7)
    first = parsed.rows[1]
    assert (first.sheet, first.row, first.practice_id) == ("REQM", FIRST_DATA_ROW, "REQM.SP1.1")
    assert (first.rating, first.evidence) == ("FI", "评审记录")
    assert parsed.rows[2].rating is None


def test_texts_that_look_like_formulas_stay_text_and_control_characters_go():
    row = SheetRow("PP.SP1.1", "g", "p", "LI", '=HYPERLINK("x")\x07', comment="+1")
    data = export(areas=(AreaSheet("PP", "PP", (row,)),))
    sheet = load_workbook(io.BytesIO(data))["PP"]
    assert sheet["E6"].data_type == "s"
    parsed = read_workbook(data, AREAS)
    assert parsed.rows[0].evidence == '=HYPERLINK("x")'
    assert parsed.rows[0].comment == "+1"


def test_layout_has_instructions_first_and_a_very_hidden_meta_sheet():
    workbook = load_workbook(io.BytesIO(export()))
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET, "PP", "REQM", META_SHEET]
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    assert workbook["REQM"]["A5"].value == "实践编号"
    english = load_workbook(io.BytesIO(export(language="en")))
    assert english["REQM"]["A5"].value == "Practice id"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda wb: setattr(wb["PP"], "title", "PX"), ("unknown_sheet", "PX", None, None)),
        (lambda wb: wb["REQM"].__setitem__("D7", "ok"), ("bad_rating", "REQM", 7, "D")),
        (lambda wb: wb["REQM"].__setitem__("D7", "NA"), ("na_without_reason", "REQM", 7, "H")),
        (lambda wb: wb["REQM"].__setitem__("A7", "X.1"), ("unknown_practice", "REQM", 7, "A")),
        (lambda wb: wb["REQM"].__setitem__("A7", ""), ("missing_practice_id", "REQM", 7, "A")),
        (
            lambda wb: wb["REQM"].__setitem__("A7", "REQM.SP1.1"),
            ("duplicate_practice", "REQM", 7, "A"),
        ),
        (
            lambda wb: wb["PP"].__setitem__("A6", "REQM.SP1.2"),
            ("practice_in_other_sheet", "PP", 6, "A"),
        ),
        (lambda wb: wb["REQM"].__setitem__("F6", "ftp://x"), ("bad_link", "REQM", 6, "F")),
        (lambda wb: wb["REQM"].__setitem__("G6", "长" * 5001), ("too_long", "REQM", 6, "G")),
    ],
    ids=[
        "sheet",
        "rating",
        "na-reason",
        "unknown-id",
        "missing-id",
        "duplicate",
        "other-sheet",
        "link",
        "long",
    ],
)
def test_each_rule_names_sheet_row_and_column(change, expected):
    parsed = read_workbook(edit(export(), change), AREAS)
    assert expected in codes(parsed)
    assert all(row.row != expected[2] or row.sheet != expected[1] for row in parsed.rows)


def test_a_missing_sheet_is_fine_and_blank_rows_are_skipped():
    def change(workbook):
        del workbook["PP"]
        workbook["REQM"]["A20"] = None

    parsed = read_workbook(edit(export(), change), AREAS)
    assert parsed.problems == ()
    assert [r.practice_id for r in parsed.rows] == ["REQM.SP1.1", "REQM.SP1.2"]


def test_lower_case_ratings_are_accepted():
    parsed = read_workbook(edit(export(), lambda wb: wb["REQM"].__setitem__("D7", " li ")), AREAS)
    assert parsed.rows[-1].rating == "LI"


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"hello", "not_excel"),
        (b"PK\x03\x04broken", "not_excel"),
        (_zip({"xl/workbook.xml": "<workbook/>"}), "not_excel"),
        (
            _zip({"xl/workbook.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook/>'}),
            "not_excel",
        ),
        (_zip({"xl/workbook.xml": "x", "big.xml": b"\0" * 3000}), "too_large_uncompressed"),
        (_zip({f"p{n}.xml": "x" for n in range(12)} | {"xl/workbook.xml": "x"}), "too_many_parts"),
        (b"PK\x03\x04" + b"\0" * 2000, "too_large"),
    ],
    ids=["text", "broken-zip", "not-a-workbook", "dtd", "bomb", "parts", "size"],
)
def test_unreadable_or_dangerous_files_give_one_problem(data, code):
    limits = ImportLimits(max_bytes=1500, max_uncompressed_bytes=2000, max_parts=10)
    parsed = read_workbook(data, AREAS, limits)
    assert [p.code for p in parsed.problems] == [code]
    assert parsed.rows == ()


def test_a_workbook_without_the_meta_sheet_is_not_an_export():
    parsed = read_workbook(edit(export(), lambda wb: wb.remove(wb[META_SHEET])), AREAS)
    assert "not_ladder_export" in [p.code for p in parsed.problems]


def test_too_many_rows_stops_reading():
    def change(workbook):
        for row in range(8, 30):
            workbook["REQM"][f"A{row}"] = "REQM.SP1.2"

    parsed = read_workbook(edit(export(), change), AREAS, ImportLimits(max_rows_per_sheet=5))
    assert ("too_many_rows", "REQM", 11, None) in codes(parsed)
