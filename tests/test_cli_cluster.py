"""``ladder cluster`` on real files, as DOMAIN.md describes it."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import pytest
from openpyxl import Workbook

from assessments.maturity_model.index import builtin_model_path, load_builtin_model
from assessments.text import has_cjk
from tests.test_cli_models import ladder
from tests.test_hostile_input import million_rows, with_dtd

PAIN_POINTS = [
    "需求老是变，开发做到一半客户又改主意了",
    "需求文档太粗，细节只能靠猜",
    "客户口头提的需求没人记录，后面扯皮",
    "测试时间被压缩，上线后bug很多",
    "缺陷太多，测试环境经常不可用",
    "回归测试没做完就发布了，线上出问题",
    "供应商交货总是延期，没人跟进",
    "外包团队质量差，验收标准不清楚",
    "Supplier deliveries are always late and nobody follows up",
    "代码分支太乱，不知道哪个是发布版本",
    "版本管理混乱，配置文件经常被覆盖",
    "Nobody knows which build went to production",
]


def write_csv(path, rows, column="痛点", encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["编号", column])
        for n, text in enumerate(rows, start=1):
            writer.writerow([n, text])
    return path


def run_json(tmp_path, *args):
    result = ladder("cluster", *args, "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cluster_csv_prints_themes_and_an_assignment_per_row(tmp_path):
    path = write_csv(tmp_path / "p.csv", PAIN_POINTS)
    data = run_json(tmp_path, str(path), "--text-column", "痛点", "--k", "4")
    assert set(data) == {"k", "themes", "assignments", "confidence"}
    assert data["k"] == 4
    assert len(data["themes"]) == 4
    assert len(data["assignments"]) == len(data["confidence"]) == len(PAIN_POINTS)
    assert all(0 <= c <= 1 for c in data["confidence"])
    assert {t["id"] for t in data["themes"]} == set(data["assignments"])
    for theme in data["themes"]:
        assert set(theme) == {"id", "name", "label", "size", "terms", "process_areas"}
        assert theme["label"] == theme["name"]
        assert has_cjk(theme["name"])  # a mostly Chinese file gets Chinese names
        assert theme["size"] == data["assignments"].count(theme["id"])
    # the two supplier complaints, in Chinese and in English, share a theme mapped to SAM
    supplier = data["assignments"][6]
    assert data["assignments"][8] == supplier
    assert "SAM" in data["themes"][supplier]["process_areas"]


def test_label_column_seeds_themes_and_new_ones_when_k_asks(tmp_path):
    path = tmp_path / "p.csv"
    labels = {0: "需求", 3: "测试", 6: "供应商", 9: "版本"}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["痛点", "主题"])
        for n, text in enumerate(PAIN_POINTS):
            writer.writerow([text, labels.get(n, "")])
    data = run_json(tmp_path, str(path), "--text-column", "痛点", "--label-column", "主题")
    assert data["k"] == 4
    by_label = {t["label"]: t["id"] for t in data["themes"]}
    assert set(by_label) == set(labels.values())
    for row, label in labels.items():
        assert data["assignments"][row] == by_label[label]
        assert data["confidence"][row] == 1
    assert data["assignments"][8] == by_label["供应商"]  # English, with its Chinese example
    more = run_json(
        tmp_path, str(path), "--text-column", "痛点", "--label-column", "主题", "--k", "5"
    )
    assert more["k"] == 5
    assert len({t["label"] for t in more["themes"]} - set(labels.values())) == 1


def test_an_english_file_gets_english_names(tmp_path):
    texts = [
        "Requirements keep changing every sprint",
        "The requirements changed again after sign-off",
        "Too many meetings and no decisions",
        "Meetings run long and end without decisions",
    ]
    path = write_csv(tmp_path / "p.csv", texts)
    data = run_json(tmp_path, str(path), "--text-column", "痛点", "--k", "2")
    assert all(theme["name"] and not has_cjk(theme["name"]) for theme in data["themes"])


def test_same_file_gives_the_same_result(tmp_path):
    path = write_csv(tmp_path / "p.csv", PAIN_POINTS)
    first = run_json(tmp_path, str(path), "--text-column", "痛点")
    second = run_json(tmp_path, str(path), "--text-column", "痛点", "--k", "auto")
    assert first == second


@pytest.mark.parametrize("kind", ["tsv", "gb18030", "xlsx"])
def test_tsv_gb18030_and_excel_files_are_read(tmp_path, kind):
    if kind == "tsv":
        path = write_csv(tmp_path / "p.tsv", PAIN_POINTS, delimiter="\t")
    elif kind == "gb18030":
        path = write_csv(tmp_path / "p.csv", PAIN_POINTS, encoding="gb18030")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["编号", "痛点"])
        for n, text in enumerate(PAIN_POINTS, start=1):
            sheet.append([n, text])
        path = tmp_path / "p.xlsx"
        workbook.save(path)
    data = run_json(tmp_path, str(path), "--text-column", "痛点", "--k", "3")
    assert len(data["assignments"]) == len(PAIN_POINTS)


def test_single_row_gives_one_theme(tmp_path):
    path = write_csv(tmp_path / "p.csv", ["会议太多，没时间干活"])
    data = run_json(tmp_path, str(path), "--text-column", "痛点")
    assert data["k"] == 1
    assert data["assignments"] == [0]


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("missing-column", ["--text-column", "text"], "There is no column “text”"),
        ("not-excel", ["--text-column", "痛点"], "not a readable Excel file"),
        ("unknown-type", ["--text-column", "痛点"], "Unsupported file type"),
        ("empty", ["--text-column", "痛点"], "no header row"),
        ("nul", ["--text-column", "痛点"], "Row 3, column 痛点: The text contains a control"),
        ("latin-1", ["--text-column", "痛点"], "neither UTF-8 nor GB18030"),
        ("dtd", ["--text-column", "痛点"], "document type declaration (DTD)"),
        ("too-many-rows", ["--text-column", "痛点"], "more than 200,000 rows"),
    ],
)
def test_bad_files_fail_with_a_message(tmp_path, setup, args, message):
    if setup == "missing-column":
        path = write_csv(tmp_path / "p.csv", PAIN_POINTS)
    elif setup == "not-excel":
        path = tmp_path / "p.xlsx"
        path.write_text("this is not a workbook")
    elif setup == "unknown-type":
        path = tmp_path / "p.pdf"
        path.write_bytes(b"%PDF")
    elif setup == "nul":
        path = write_csv(tmp_path / "p.csv", ["正常的一行", "before\x00after"])
    elif setup == "latin-1":
        path = tmp_path / "p.csv"
        path.write_bytes("痛点\n".encode() + b"caf\xe9,ok\n")
    elif setup == "dtd":
        path = tmp_path / "p.xlsx"
        path.write_bytes(xlsx_with_dtd())
    elif setup == "too-many-rows":
        path = tmp_path / "p.xlsx"
        path.write_bytes(million_rows(("痛点",), dimension=False))
    else:
        path = tmp_path / "p.csv"
        path.write_text("")
    started = time.monotonic()
    result = ladder("cluster", str(path), *args, "--format", "json", tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    if setup == "too-many-rows":  # refused before the million rows are read
        assert time.monotonic() - started < 30


def xlsx_with_dtd() -> bytes:
    workbook = Workbook()
    workbook.active.append(["痛点"])
    workbook.active.append(["需求老是变"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/workbook.xml"] = with_dtd(parts["xl/workbook.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def test_large_file_shows_progress_on_stderr_only(tmp_path):
    rows = [f"{text}（第{n}次）" for n in range(100) for text in PAIN_POINTS]
    path = write_csv(tmp_path / "p.csv", rows)
    result = ladder(
        "cluster",
        str(path),
        "--text-column",
        "痛点",
        "--k",
        "5",
        "--format",
        "json",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Clustering 1200 rows" in result.stderr
    assert len(json.loads(result.stdout)["assignments"]) == 1200


def test_cluster_with_a_model_imported_into_the_database(app, tmp_path):
    """The one case where ``ladder cluster`` creates the app: a --model not built in."""
    text = builtin_model_path("pmo-capability-1.0").read_text(encoding="utf-8")
    model = tmp_path / "mine.yaml"
    model.write_text(text.replace("key: pmo-capability-1.0", "key: pmo-lite", 1), "utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["model", "import", str(model)]).exit_code == 0
    path = write_csv(tmp_path / "p.csv", PAIN_POINTS)
    args = ["cluster", str(path), "--text-column", "痛点", "--model", "pmo-lite", "--k", "3"]
    result = runner.invoke(args=[*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    codes = {area.code for area in load_builtin_model("pmo-capability-1.0").process_areas}
    themes = json.loads(result.stdout)["themes"]
    assert {code for theme in themes for code in theme["process_areas"]} <= codes
    assert any(theme["process_areas"] for theme in themes)
    unknown = runner.invoke(args=[*args[:-4], "--model", "no-such-model"])
    assert unknown.exit_code == 1
    assert "unknown model 'no-such-model'" in unknown.output
