from datetime import date, datetime

from assessments.outcomes import area_score_change


def snap(score):
    return {"process_areas": {"PP": {"score": score}, "PMC": {"score": 10.0}}}


APPROVED = date(2026, 3, 1)


def test_latest_before_and_first_after_approval():
    rows = [
        (datetime(2026, 6, 1), snap(80.0)),
        (datetime(2025, 6, 1), snap(20.0)),
        (datetime(2026, 3, 1, 9), snap(40.0)),
        (datetime(2026, 5, 1), snap(65.5)),
    ]
    change = area_score_change(rows, APPROVED, "PP")
    assert (change.before, change.after, change.delta) == (40.0, 65.5, 25.5)
    assert change.after_validated == datetime(2026, 5, 1)


def test_a_drop_is_negative():
    rows = [(datetime(2026, 1, 1), snap(50.0)), (datetime(2026, 9, 1), snap(33.3))]
    assert area_score_change(rows, APPROVED, "PP").delta == -16.7


def test_nothing_without_both_sides_or_the_area():
    assert area_score_change([(datetime(2026, 1, 1), snap(50.0))], APPROVED, "PP") is None
    assert area_score_change([(datetime(2026, 9, 1), snap(50.0))], APPROVED, "PP") is None
    rows = [(datetime(2026, 1, 1), snap(50.0)), (datetime(2026, 9, 1), snap(60.0))]
    assert area_score_change(rows, APPROVED, "REQM") is None
    assert area_score_change([], APPROVED, "PP") is None


def test_an_assessment_without_the_score_after_is_skipped():
    rows = [
        (datetime(2026, 1, 1), snap(50.0)),
        (datetime(2026, 4, 1), {"process_areas": {}}),
        (datetime(2026, 9, 1), snap(70.0)),
    ]
    assert area_score_change(rows, APPROVED, "PP").after == 70.0
