"""Progress of filling an assessment: rated practices per process area and overall."""

from __future__ import annotations

from assessments.maturity_model.index import load_builtin_model
from assessments.progress import Progress, area_progress, overall_progress


def test_progress_counts_every_rated_practice_of_an_area_including_na():
    area = load_builtin_model("pmo-capability-1.0").area("STD")
    ids = [practice.id for _goal, practice in area.practices()]
    progress = area_progress(area, {ids[0], ids[1], "OTHER.SP1.1"})
    assert progress == Progress(rated=2, total=len(ids))
    assert progress.remaining == len(ids) - 2
    assert not progress.done


def test_overall_progress_adds_the_areas_and_an_empty_scope_is_done():
    parts = [Progress(3, 4), Progress(4, 4)]
    assert overall_progress(parts) == Progress(7, 8)
    assert overall_progress(parts).ratio == 7 / 8
    empty = overall_progress([])
    assert empty.ratio == 1.0
    assert empty.done
