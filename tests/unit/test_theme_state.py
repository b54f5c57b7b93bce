"""The fitted clustering state survives a trip through bytes: the same new texts land in the
same themes, and nothing in the archive needs unpickling."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from assessments.clustering import AreaProfile, assign_to_themes, cluster_texts
from assessments.theme_state import dump_state, load_state

DATA = Path(__file__).resolve().parent.parent / "data" / "pain_points_labelled.csv"
AREAS = (
    AreaProfile("REQM", "需求管理", "Requirements Management", "需求 变更 需求管理 requirements"),
    AreaProfile("PP", "项目策划", "Project Planning", "计划 估算 进度 planning estimate"),
)


def texts() -> list[str]:
    with DATA.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


@pytest.mark.parametrize("areas", [(), AREAS])
def test_a_loaded_state_places_new_texts_like_the_fitted_one(areas):
    rows = texts()
    fitted = cluster_texts(rows[::3], k=5, areas=areas).state
    loaded = load_state(dump_state(fitted))
    new = [*rows[1::3], "", "需求又变了", "供应商交期延误", "completely unrelated words"]
    assert assign_to_themes(loaded, new) == assign_to_themes(fitted, new)
    assert loaded.theme_ids == fitted.theme_ids
    assert loaded.blank_theme == fitted.blank_theme
    assert np.allclose(loaded.centroids, fitted.centroids, atol=1e-6)


def test_the_archive_holds_no_pickled_objects():
    data = dump_state(cluster_texts(texts()[:80], k=3, areas=AREAS).state)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            header = archive.read(name)[:128]
            assert b"'descr': '|O'" not in header, name


def test_something_else_is_refused():
    with pytest.raises((ValueError, OSError, zipfile.BadZipFile)):
        load_state(b"not a state")
