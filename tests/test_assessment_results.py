"""The results page: the numbers match hand-computed values, the change since the previous
cycle, validated snapshots, the radar chart and who may see it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from app.extensions import db
from models import PracticeRating, Role
from tests.assessment_helpers import (
    REQM_GG2,
    REQM_GG3,
    REQM_SPECIFIC,
    open_assessment,
    rate,
    submit_and_validate,
)

# Current cycle, REQM only, target ML2. SG1: FI LI PI FI FI = 12/15 (PI: unsatisfied);
# GG2: nine FI and GP2.10 NA = 27/27; GG3: NI NI = 0/6. Score 39/48 = 81.25, CL0, ML1.
CURRENT = {
    **dict(zip(REQM_SPECIFIC, ["FI", "LI", "PI", "FI", "FI"], strict=True)),
    **dict.fromkeys(REQM_GG2[:-1], "FI"),
    REQM_GG2[-1]: "NA",
    **dict.fromkeys(REQM_GG3, "NI"),
}
# Evidence on 3 of the 16 practices rated FI/LI/PI/NI: coverage 18.75 %.
EVIDENCE = {
    "REQM.SP1.1": "需求基线评审记录",
    "REQM.SP1.2": "需求变更单",
    "REQM.GP2.1": "需求管理制度",
}
# Previous cycle (validated): SG1 all FI 15, GG2 all PI 10, GG3 NI 0 → 25/51 = 49.02, CL1, ML1.
PREVIOUS = {
    **dict.fromkeys(REQM_SPECIFIC, "FI"),
    **dict.fromkeys(REQM_GG2, "PI"),
    **dict.fromkeys(REQM_GG3, "NI"),
}


@pytest.fixture
def scene(app, make_user, make_business_line, login_as):
    pmo = make_user(Role.PMO)
    director = login_as(Role.DIRECTOR, locale="en")
    line = make_business_line("SCM", "供应链", directors=(director.id,))
    previous = open_assessment(
        app, pmo_id=pmo.id, line_id=line.id, name="2025 H2", start=date(2025, 7, 1)
    )
    rate(app, previous, director.id, PREVIOUS)
    submit_and_validate(app, previous, director.id, pmo.id)
    current = open_assessment(app, pmo_id=pmo.id, line_id=line.id)
    rate(app, current, director.id, CURRENT, EVIDENCE)
    return {"pmo": pmo, "director": director, "line": line, "id": current, "previous": previous}


def cell(page, area, column):
    """The text of a cell of the area table, found by its data attributes."""
    start = page.index(f'data-area="{area}"')
    start = page.index(f'data-col="{column}"', start)
    start = page.index(">", start) + 1
    return page[start : page.index("</td>", start)].strip()


def test_results_match_hand_computed_values(client, scene):
    page = client.get(f"/cycles/assessments/{scene['id']}/results").text
    assert 'id="maturity-level" data-value="1"' in page
    assert 'id="overall-score" data-value="81.25"' in page
    assert ">ML2</dd>" in page  # the target
    assert "1 level below target" in page
    assert cell(page, "REQM", "score") == "81.2"
    assert cell(page, "REQM", "cl") == "CL0"
    assert "REQM.SG1" in cell(page, "REQM", "unsatisfied")
    assert "REQM.GG3" in cell(page, "REQM", "unsatisfied")
    assert "REQM.GG2" not in cell(page, "REQM", "unsatisfied")
    assert cell(page, "REQM", "coverage") == "19%"
    assert "Provisional" not in page  # every practice is rated


def test_change_since_the_previous_validated_cycle(client, scene):
    page = client.get(f"/cycles/assessments/{scene['id']}/results").text
    assert "2025 H2" in page
    assert 'id="maturity-delta" data-value="0"' in page
    assert 'id="score-delta" data-value="32.23"' in page
    assert cell(page, "REQM", "delta") == "+32.2"


def test_first_cycle_says_there_is_nothing_to_compare(client, scene):
    page = client.get(f"/cycles/assessments/{scene['previous']}/results").text
    assert "this is the first validated cycle" in page
    assert 'id="overall-score" data-value="49.02"' in page
    assert cell(page, "REQM", "cl") == "CL1"


def test_a_validated_assessment_shows_its_snapshot_even_if_rows_change(app, client, scene):
    with app.app_context():
        db.session.execute(
            update(PracticeRating)
            .where(PracticeRating.assessment_id == scene["previous"])
            .values(rating="NI")
        )
        db.session.commit()
    page = client.get(f"/cycles/assessments/{scene['previous']}/results").text
    assert "these are the results kept at validation" in page
    assert 'id="overall-score" data-value="49.02"' in page
    current = client.get(f"/cycles/assessments/{scene['id']}/results").text
    assert 'id="score-delta" data-value="32.23"' in current


def test_an_unrated_assessment_says_what_to_do(app, client, scene):
    other = open_assessment(
        app,
        pmo_id=scene["pmo"].id,
        line_id=scene["line"].id,
        name="2026 H2",
        start=date(2026, 7, 1),
    )
    page = client.get(f"/cycles/assessments/{other}/results").text
    assert "No practice is rated yet" in page
    assert 'id="radar"' not in page


def test_radar_chart_is_cacheable_svg_with_chinese_labels(app, client, auth, make_user, scene):
    reader = make_user(Role.LEADERSHIP)  # Chinese by default
    auth.logout()
    auth.login(reader)
    page = client.get(f"/cycles/assessments/{scene['id']}/results").text
    assert "radar.svg" in page
    response = client.get(f"/cycles/assessments/{scene['id']}/results/radar.svg?v=1")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.text
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "供应链" in svg
    assert "过程域得分" in svg
    assert "REQM" in svg
    assert "上一周期（2025 H2）" in svg
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get(
        f"/cycles/assessments/{scene['id']}/results/radar.svg?v=1",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_directors_of_other_lines_get_404(client, auth, make_user, scene):
    stranger = make_user(Role.DIRECTOR)
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/cycles/assessments/{scene['id']}/results").status_code == 404
    assert client.get(f"/cycles/assessments/{scene['id']}/results/radar.svg").status_code == 404
    auth.logout()
    auth.login(scene["pmo"])
    assert client.get(f"/cycles/assessments/{scene['id']}/results").status_code == 200


# ------------------------------------------------------------- stored current results (#14)


def _statements(app):
    """The SQL statements run while the returned list is being filled (until removed)."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(engine, "before_cursor_execute", record)


def test_a_save_stores_the_current_results_that_reports_read(app, scene, auth):
    """Reports read the results stored with the last save: the numbers are those of the
    current ratings, and no request scores (no rating row is read)."""
    from app.services.assessments.workflow import score_of
    from app.services.reports.documents import clear_caches
    from assessments.scoring import result_to_dict
    from models import Assessment

    with app.app_context():
        assessment = db.session.get(Assessment, scene["id"])
        assert assessment.current_result == result_to_dict(score_of(assessment))
        assert assessment.current_result["score"] == pytest.approx(81.25)
    auth.logout()
    auth.login(scene["pmo"])
    clear_caches()
    statements, stop = _statements(app)
    try:
        page = auth.client.get("/reports/")
    finally:
        stop()
    assert page.status_code == 200
    assert "81.25" in page.text
    assert not [s for s in statements if "practice_ratings" in s]


def test_a_row_saved_before_results_were_stored_is_scored_on_read(app, scene, auth):
    from app.services.reports.documents import clear_caches
    from models import Assessment

    with app.app_context():
        db.session.execute(
            update(Assessment).where(Assessment.id == scene["id"]).values(current_result=None)
        )
        db.session.commit()
    auth.logout()
    auth.login(scene["pmo"])
    clear_caches()
    assert "81.25" in auth.client.get("/reports/").text
    assert "81.25" in auth.client.get(f"/cycles/assessments/{scene['id']}/results").text


def test_the_dashboard_shows_a_new_rating_at_once(app, scene, auth):
    """The dashboard is cached by the data fingerprint: a save changes it, and the next
    request shows the new numbers (no stale page, in this process or another)."""
    auth.logout()
    auth.login(scene["pmo"])
    assert "81.25" in auth.client.get("/reports/").text
    rate(app, scene["id"], scene["director"].id, dict.fromkeys(REQM_SPECIFIC, "FI"))
    page = auth.client.get("/reports/").text  # SG1 now 15/15: 42/48 = 87.5
    assert "87.5" in page
    assert "81.25" not in page
