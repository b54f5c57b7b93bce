"""The cycle and assessment pages: who sees what, forms' messages, saving a page, reviews."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.assessments import workflow as service
from assessments.maturity_model.index import builtin_model_path
from models import Assessment, AssessmentStatus, Cycle, PracticeRating, Role, User
from tests.assessment_support import (
    assessment_id_of,
    make_cycle,
    rate_all,
    scope_practices,
    stored_model,
)


@pytest.fixture
def opened(app, make_user, make_business_line):
    director = make_user(Role.DIRECTOR, name="王总监")
    other_director = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    scm = make_business_line("SCM", "供应链", directors=(director.id,))
    rdc = make_business_line("RDC", "研发中心", directors=(other_director.id,))
    cycle_id = make_cycle(app, pmo.id, {scm.id: 2, rdc.id: 3})
    return {
        "director": director,
        "other_director": other_director,
        "pmo": pmo,
        "cycle_id": cycle_id,
        "scm": assessment_id_of(app, cycle_id, scm.id),
        "rdc": assessment_id_of(app, cycle_id, rdc.id),
    }


def _page(practices: list[str], rating: str = "FI", version: int = 1, **extra: str) -> dict:
    data = {"version": str(version)}
    for pid in practices:
        data[f"rating-{pid}"] = rating
        data[f"evidence-{pid}"] = f"{pid} 的证据"
    data.update(extra)
    return data


def test_directors_see_only_their_own_lines_assessments(client, auth, opened):
    auth.login(opened["director"])
    mine = client.get("/cycles/mine")
    assert "供应链" in mine.text
    assert "研发中心" not in mine.text
    assert client.get(f"/cycles/assessments/{opened['scm']}").status_code == 200
    assert client.get(f"/cycles/assessments/{opened['rdc']}").status_code == 404
    assert client.get(f"/cycles/assessments/{opened['rdc']}/areas/STD").status_code == 404
    assert client.get(f"/cycles/{opened['cycle_id']}").status_code == 403
    assert "2026 H1" in client.get("/").text


def test_leadership_reads_cycles_and_assessments_but_cannot_change_them(client, login_as, opened):
    login_as(Role.LEADERSHIP)
    cycle = client.get(f"/cycles/{opened['cycle_id']}")
    assert cycle.status_code == 200
    assert "供应链" in cycle.text
    assert "研发中心" in cycle.text
    area = client.get(f"/cycles/assessments/{opened['rdc']}/areas/STD")
    assert area.status_code == 200
    assert 'name="rating-' not in area.text
    first = scope_practices()[0]
    post = client.post(f"/cycles/assessments/{opened['rdc']}/areas/STD", data=_page([first]))
    assert post.status_code == 403
    assert client.post(f"/cycles/{opened['cycle_id']}/close").status_code == 403


def test_pmo_creates_a_cycle_and_bad_input_is_named(app, client, login_as, make_business_line):
    line = make_business_line("SCM", "供应链")
    login_as(Role.PMO)
    form = client.get("/cycles/new")
    assert form.status_code == 200
    assert "STD" in form.text
    assert "供应链" in form.text
    with app.app_context():
        model_id = stored_model().id
    base = {
        "name": "2026 H1",
        "model": str(model_id),
        "start": "2026-01-01",
        "end": "2026-06-30",
        "lines": [str(line.id)],
        f"target-{line.id}": "3",
        "scope": [f"{model_id}:STD"],
    }
    backwards = client.post("/cycles/new", data={**base, "end": "2025-12-31"})
    assert backwards.status_code == 422
    assert "结束日期不能早于开始日期" in backwards.text
    no_lines = client.post("/cycles/new", data={**base, "lines": []})
    assert no_lines.status_code == 422
    assert "请至少选择一条业务线" in no_lines.text
    bad_level = client.post("/cycles/new", data={**base, f"target-{line.id}": "9"})
    assert bad_level.status_code == 422
    assert "供应链：请选择 1 到 5 的目标等级" in bad_level.text
    other_model = client.post("/cycles/new", data={**base, "scope": ["999:PP"]})
    assert other_model.status_code == 422
    created = client.post("/cycles/new", data=base)
    assert created.status_code == 302
    with app.app_context():
        cycle = db.session.scalars(select(Cycle)).one()
        assert cycle.scope == ["STD"]
        assert [(t.business_line_id, t.target_level) for t in cycle.targets] == [(line.id, 3)]
    page = client.get(created.headers["Location"])
    assert "草稿" in page.text
    opened_page = client.post(f"/cycles/{cycle.id}/open", follow_redirects=True)
    assert "SCM" in opened_page.text
    listing = client.get("/cycles/?q=H1&status=open")
    assert "2026 H1" in listing.text
    assert "2026 H1" not in client.get("/cycles/?status=closed").text


def test_saving_a_page_keeps_typed_values_and_shows_each_bad_practice(app, client, auth, opened):
    auth.login(opened["director"])
    first, second, third = scope_practices()[:3]
    url = f"/cycles/assessments/{opened['scm']}/areas/STD"
    bad = client.post(
        url,
        data=_page(
            [first, second, third],
            **{f"rating-{second}": "NA", f"links-{third}": "not-a-url"},
        ),
    )
    assert bad.status_code == 422
    assert bad.text.count('class="error" role="alert"') == 2
    assert f"{first} 的证据" in bad.text
    with app.app_context():
        assert db.session.scalars(select(PracticeRating)).all() == []
    good = client.post(url, data=_page([first, second]))
    assert good.status_code == 302
    again = client.get(url).text
    assert f"{first} 的证据" in again
    assert 'name="version" value="2"' in again


def test_a_stale_page_is_refused_with_409_and_nothing_typed_is_lost(client, auth, opened):
    auth.login(opened["director"])
    first = scope_practices()[0]
    url = f"/cycles/assessments/{opened['scm']}/areas/STD"
    assert client.post(url, data=_page([first], rating="LI")).status_code == 302
    stale = client.post(url, data=_page([first], rating="PI", version=1))
    assert stale.status_code == 409
    assert f'data-stale="{first}"' in stale.text
    assert 'name="version" value="2"' in stale.text
    assert '<option value="PI" selected>' in stale.text
    assert client.post(url, data=_page([first], rating="PI", version=2)).status_code == 302


def test_submit_needs_every_practice_and_the_pmo_returns_then_validates(app, client, auth, opened):
    auth.login(opened["director"])
    overview = client.get(f"/cycles/assessments/{opened['scm']}").text
    assert f"{len(scope_practices())} 项实践尚未评级" in overview
    refused = client.post(f"/cycles/assessments/{opened['scm']}/submit", follow_redirects=True)
    assert "尚未评级" in refused.text
    rate_all(app, opened["scm"], opened["director"].id)
    assert client.post(f"/cycles/assessments/{opened['scm']}/submit").status_code == 302
    auth.logout()
    auth.login(opened["pmo"])
    assert "1 份评估等待您审核" in client.get("/").text
    review = f"/cycles/assessments/{opened['scm']}/review"
    empty = client.post(review, data={"action": "return", "comment": ""})
    assert empty.status_code == 422
    first = scope_practices()[0]
    back = client.post(
        review, data={"action": "return", "comment": "", f"review-{first}": "请补充评审记录"}
    )
    assert back.status_code == 302
    auth.logout()
    auth.login(opened["director"])
    area = client.get(f"/cycles/assessments/{opened['scm']}/areas/STD").text
    assert "请补充评审记录" in area
    assert client.post(f"/cycles/assessments/{opened['scm']}/submit").status_code == 302
    auth.logout()
    auth.login(opened["pmo"])
    assert client.post(review, data={"action": "validate"}).status_code == 302
    with app.app_context():
        assessment = db.session.get(Assessment, opened["scm"])
        assert assessment.status is AssessmentStatus.VALIDATED
    frozen = client.get(f"/cycles/assessments/{opened['scm']}").text
    assert 'id="frozen-notice"' in frozen


def test_only_the_director_of_the_line_submits(client, login_as, opened):
    login_as(Role.PMO)
    assert client.post(f"/cycles/assessments/{opened['scm']}/submit").status_code == 403


def test_admin_imports_a_model_and_sees_every_problem_with_its_line(app, client, login_as):
    login_as(Role.ADMIN)
    listing = client.get("/cycles/models")
    assert "cmmi-dev-1.3" in listing.text
    assert "pmo-capability-1.0" in listing.text
    broken = b"key: broken\nversion: '1'\nname: {zh: x}\n"
    bad = client.post(
        "/cycles/models",
        data={"file": (io.BytesIO(broken), "broken.yaml")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert 'id="model-problems"' in bad.text
    assert "第 3 行" in bad.text
    not_yaml = client.post(
        "/cycles/models",
        data={"file": (io.BytesIO(b"x"), "model.txt")},
        content_type="multipart/form-data",
    )
    assert not_yaml.status_code == 422
    app.config["MODEL_UPLOAD_MAX_BYTES"] = 1000
    try:
        big = client.post(
            "/cycles/models",
            data={"file": (io.BytesIO(b"#" * 1001), "big.yaml")},
            content_type="multipart/form-data",
        )
    finally:
        del app.config["MODEL_UPLOAD_MAX_BYTES"]
    assert big.status_code == 422
    assert "文件超过 1000 B" in big.text
    text = builtin_model_path("pmo-capability-1.0").read_text(encoding="utf-8")
    text = text.replace("key: pmo-capability-1.0", "key: pmo-lite", 1)
    ok = client.post(
        "/cycles/models",
        data={"file": (io.BytesIO(text.encode()), "lite.yaml")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert ok.status_code == 200
    assert 'data-model="pmo-lite"' in ok.text


def test_admin_cannot_change_a_model_version_in_use(app, client, login_as, opened):
    login_as(Role.ADMIN)
    text = builtin_model_path("pmo-capability-1.0").read_text(encoding="utf-8")
    text = text.replace('en: "PMO Capability Model v1.0"', 'en: "Other"', 1)
    response = client.post(
        "/cycles/models",
        data={"file": (io.BytesIO(text.encode()), "pmo.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "cannot change" in response.text or "不能更改" in response.text


def _count_queries(app, client, url: str) -> int:
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_directors_home_page_does_not_grow_with_their_assessments(
    app, client, auth, make_user, make_business_line
):
    director = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    first = make_business_line("L1", directors=(director.id,))
    make_cycle(app, pmo.id, {first.id: 2}, name="A")
    auth.login(director)
    one = _count_queries(app, client, "/")
    more = [make_business_line(f"L{n}", directors=(director.id,)) for n in range(2, 5)]
    make_cycle(app, pmo.id, {line.id: 2 for line in more}, name="B")
    many = _count_queries(app, client, "/")
    assert many == one
    assert "B · 业务线 L4" in client.get("/").text


def test_a_process_area_page_reads_the_saved_ratings_of_that_area_only(
    app, client, auth, make_user, make_business_line
):
    """An assessment of a large model has hundreds of saved ratings; the page of one area
    shows that area's (with its progress and the next unrated practice) and reads no other
    area's evidence."""
    from sqlalchemy import event

    director = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    line = make_business_line("L1", directors=(director.id,))
    cycle_id = make_cycle(app, pmo.id, {line.id: 2}, scope=("STD", "SEL"))
    assessment_id = assessment_id_of(app, cycle_id, line.id)
    std, sel = scope_practices(scope=("STD",)), scope_practices(scope=("SEL",))
    with app.app_context():
        service.save_ratings(
            db.session.get(User, director.id),
            service.load_assessment(assessment_id),
            [service.RatingInput(pid, "FI", evidence=f"{pid} 的证据") for pid in std + sel[:-1]],
            expected_version=None,
        )
        db.session.commit()
        engine = db.engine
    reading_evidence: list[str] = []

    def record(_conn, _cursor, statement, *_args: object) -> None:
        if "practice_ratings.evidence" in statement:
            reading_evidence.append(statement)

    auth.login(director)
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(f"/cycles/assessments/{assessment_id}/areas/STD")
        overview = client.get(f"/cycles/assessments/{assessment_id}")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == overview.status_code == 200
    assert f"{std[0]} 的证据" in page.text
    assert f"{sel[0]} 的证据" not in page.text
    assert f"#p-{sel[-1]}" in page.text  # the next unrated practice is in the other area
    # one query of the area's practices; the overview reads no evidence at all
    assert len(reading_evidence) == 1
    assert "practice_ratings.practice_id IN" in reading_evidence[0]
    assert f"已评级 {len(std) + len(sel) - 1} / {len(std) + len(sel)} 项实践" in overview.text
    assert f"#p-{sel[-1]}" in overview.text
