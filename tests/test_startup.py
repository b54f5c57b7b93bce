"""A process starts quickly: creating the app imports none of the heavy libraries, which are
imported where they are used (issue 14: a gunicorn worker or ``ladder --help`` under 1 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sklearn", "scipy", "matplotlib", "fpdf", "openpyxl", "rjieba", "PIL", "numpy")
NOT_ON_HELP = ("sqlalchemy", "alembic", "flask_migrate", "models", "app.extensions")

CHECK = """
import json, sys
from app import create_app
create_app()
print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
"""


def test_creating_the_app_imports_no_heavy_library(tmp_path):
    env = {
        **os.environ,
        "LADDER_SECRET_KEY": "s" * 32,
        "LADDER_INSTANCE_PATH": str(tmp_path),
        "LADDER_DATABASE_URL": f"sqlite:///{tmp_path}/start.db",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{CHECK}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def loaded_by_ladder(tmp_path: Path, args: list[str], modules: tuple[str, ...]) -> tuple[str, str]:
    """(stdout, the ones of ``modules`` imported) of ``ladder ARGS`` in a fresh interpreter."""
    env = {**os.environ, "LADDER_SECRET_KEY": "s" * 32, "LADDER_INSTANCE_PATH": str(tmp_path)}
    probe = (
        "import sys\n"
        f"sys.argv = ['ladder', *{args!r}]\n"
        "from app.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    output, _, loaded = result.stdout.rpartition("LOADED ")
    return output, loaded.strip()


@pytest.mark.parametrize("args", [["--help"], ["cluster", "--help"], ["remind", "--help"]])
def test_ladder_help_lists_the_commands_without_them(tmp_path, args):
    """Nor the database layer, Alembic or the app's modules: listing the commands and showing
    one's help create no app (tests/test_cli_help.py checks the list is complete)."""
    output, loaded = loaded_by_ladder(tmp_path, args, (*HEAVY, *NOT_ON_HELP))
    assert "Usage: ladder" in output
    assert loaded == "[]"


def test_ladder_cluster_creates_no_app(tmp_path):
    """Clustering a file needs no database: the app (SQLAlchemy, Alembic, the models) is not
    even imported."""
    path = tmp_path / "p.csv"
    path.write_text("text\n需求老是变\n测试时间被压缩\n需求文档太粗\n", encoding="utf-8")
    args = ["cluster", str(path), "--text-column", "text", "--format", "json"]
    output, loaded = loaded_by_ladder(tmp_path, args, NOT_ON_HELP)
    assert json.loads(output)["k"] >= 1
    assert loaded == "[]"


def test_ladder_cluster_of_a_large_file_imports_no_scikit_learn(tmp_path):
    """Over 2,000 rows k-means is NumPy's (assessments/kmeans.py): scikit-learn, and the
    SciPy statistics module it imports, cost ≈ 2.4 s of start-up that the result does not
    need."""
    topics = ["需求老是变", "测试时间被压缩", "供应商交货延期", "版本管理混乱", "Meetings run long"]
    rows = [f"{topic}，第{n}次" for n in range(420) for topic in topics]
    path = tmp_path / "p.csv"
    path.write_text("text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["cluster", str(path), "--text-column", "text", "--format", "json"]
    output, loaded = loaded_by_ladder(tmp_path, args, ("sklearn", "scipy.stats", *NOT_ON_HELP))
    result = json.loads(output)
    assert len(result["assignments"]) == len(rows) == 2100
    assert result["k"] >= 2
    assert loaded == "[]"


def test_gunicorn_loads_the_app_once_and_rarely_recycles_workers():
    settings: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"), settings)  # noqa: S102
    assert settings["preload_app"] is True
    assert int(settings["max_requests"]) >= 100_000  # type: ignore[call-overload]
