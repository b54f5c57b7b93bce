"""The assessment services: opening a cycle, saving ratings all-or-nothing, stale saves,
submitting, returning and validating — each step in the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.assessments import workflow as service
from app.services.errors import ServiceError, StaleEdit
from assessments.maturity_model.index import builtin_model_path
from models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Finding,
    FindingSource,
    PracticeRating,
    Role,
    StoredModel,
    User,
)
from tests.assessment_support import assessment_id_of, make_cycle, rate_all, scope_practices


@pytest.fixture
def setup(app, make_user, make_business_line):
    director = make_user(Role.DIRECTOR)
    pmo = make_user(Role.PMO)
    scm = make_business_line("SCM", "供应链", directors=(director.id,))
    rdc = make_business_line("RDC", "研发中心")
    cycle_id = make_cycle(app, pmo.id, {scm.id: 2, rdc.id: 3})
    return {
        "director": director,
        "pmo": pmo,
        "scm": scm,
        "rdc": rdc,
        "cycle_id": cycle_id,
        "assessment_id": assessment_id_of(app, cycle_id, scm.id),
    }


def _load(assessment_id: int) -> Assessment:
    assessment = service.load_assessment(assessment_id)
    assert assessment is not None
    return assessment


def _user(person) -> User:
    return db.session.get(User, person.id)


def _actions(object_type: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == object_type)
            .order_by(AuditEvent.id)
        )
    )


def test_opening_creates_one_assessment_per_business_line_with_its_target(app, setup):
    with app.test_request_context():
        rows = db.session.scalars(select(Assessment).order_by(Assessment.target_level)).all()
        assert [(a.business_line_id, a.target_level) for a in rows] == [
            (setup["scm"].id, 2),
            (setup["rdc"].id, 3),
        ]
        assert all(a.status is AssessmentStatus.DRAFT and not a.complete for a in rows)
        assert _actions("Cycle") == ["create", "open"]


def test_save_is_all_or_nothing_and_names_the_bad_practice(app, setup):
    first, second, third = scope_practices()[:3]
    bad_pages = [
        ([service.RatingInput(first, "FI"), service.RatingInput(second, "XX")], second),
        ([service.RatingInput(first, "FI"), service.RatingInput(second, "NA")], second),
        (
            [
                service.RatingInput(first, "FI"),
                service.RatingInput(third, "LI", links="intranet/wiki"),
            ],
            third,
        ),
    ]
    with app.test_request_context():
        for items, culprit in bad_pages:
            assessment = _load(setup["assessment_id"])
            with pytest.raises(ServiceError) as raised:
                service.save_ratings(
                    _user(setup["director"]), assessment, items, expected_version=1
                )
            assert raised.value.field == culprit
            assert culprit in raised.value.message
            db.session.rollback()
        assert db.session.scalars(select(PracticeRating)).all() == []
        problems = service.rating_problems(
            _load(setup["assessment_id"]),
            [service.RatingInput(second, "NA"), service.RatingInput(third, "PI", links="ftp://x")],
        )
        assert set(problems) == {second, third}


def test_a_good_save_bumps_the_version_and_is_audited(app, setup):
    first = scope_practices()[0]
    with app.test_request_context():
        assessment = _load(setup["assessment_id"])
        service.save_ratings(
            _user(setup["director"]),
            assessment,
            [
                service.RatingInput(
                    first, "LI", evidence="模板库", links="https://wiki.example.com/std"
                )
            ],
            expected_version=1,
        )
        db.session.commit()
        assessment = _load(setup["assessment_id"])
        assert assessment.version == 2
        assert service.overall_progress_of(assessment).rated == 1
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rate")).one()
        assert event.changes[first]["new"]["rating"] == "LI"


def test_a_stale_save_is_refused_with_the_practices_that_changed(app, setup):
    first, second = scope_practices()[:2]
    with app.test_request_context():
        director = _user(setup["director"])
        service.save_ratings(
            director,
            _load(setup["assessment_id"]),
            [service.RatingInput(first, "FI", evidence="同事先保存")],
            expected_version=1,
        )
        db.session.commit()
        with pytest.raises(StaleEdit) as raised:
            service.save_ratings(
                director,
                _load(setup["assessment_id"]),
                [service.RatingInput(first, "PI"), service.RatingInput(second, "")],
                expected_version=1,
            )
        db.session.rollback()
        changes = raised.value.changes
        assert set(changes) == {first}
        assert changes[first]["saved"]["rating"] == "FI"
        assert changes[first]["saved"]["evidence"] == "同事先保存"
        assert changes[first]["yours"]["rating"] == "PI"
        assert _load(setup["assessment_id"]).ratings[0].rating == "FI"


def test_submit_is_refused_while_practices_are_unrated(app, setup):
    with app.test_request_context():
        service.save_ratings(
            _user(setup["director"]),
            _load(setup["assessment_id"]),
            [service.RatingInput(scope_practices()[0], "FI")],
            expected_version=None,
        )
        with pytest.raises(ServiceError) as raised:
            service.submit(_user(setup["director"]), _load(setup["assessment_id"]))
        remaining = len(scope_practices()) - 1
        assert f"{remaining} " in raised.value.message


def test_return_makes_it_editable_again_with_comments(app, setup):
    first = scope_practices()[0]
    rate_all(app, setup["assessment_id"], setup["director"].id)
    with app.test_request_context():
        service.submit(_user(setup["director"]), _load(setup["assessment_id"]))
        with pytest.raises(ServiceError):
            service.save_ratings(
                _user(setup["director"]),
                _load(setup["assessment_id"]),
                [service.RatingInput(first, "PI")],
                expected_version=None,
            )
        with pytest.raises(ServiceError) as raised:
            service.return_for_changes(_user(setup["pmo"]), _load(setup["assessment_id"]), "", {})
        assert raised.value.field == "comment"
        service.return_for_changes(
            _user(setup["pmo"]),
            _load(setup["assessment_id"]),
            "证据不足",
            {first: "请补充模板评审记录"},
        )
        db.session.commit()
        assessment = _load(setup["assessment_id"])
        assert assessment.status is AssessmentStatus.RETURNED
        assert assessment.review_comment == "证据不足"
        assert service.ratings_by_practice(assessment)[first].review_comment == "请补充模板评审记录"
        service.save_ratings(
            _user(setup["director"]),
            assessment,
            [service.RatingInput(first, "LI", evidence="已补充")],
            expected_version=assessment.version,
        )
        assert _actions("Assessment") == ["rate", "submit", "return", "rate"]


def test_validate_freezes_keeps_a_snapshot_and_records_gap_findings(app, setup):
    rate_all(app, setup["assessment_id"], setup["director"].id, rating="PI")
    with app.test_request_context():
        service.submit(_user(setup["director"]), _load(setup["assessment_id"]))
        findings = service.validate(_user(setup["pmo"]), _load(setup["assessment_id"]))
        db.session.commit()
        assessment = _load(setup["assessment_id"])
        assert assessment.status is AssessmentStatus.VALIDATED
        assert assessment.frozen
        assert assessment.result_snapshot["model"]["key"] == "pmo-capability-1.0"
        assert assessment.result_snapshot["maturity_level"] == 1
        assert findings
        stored = db.session.scalars(select(Finding)).all()
        assert {f.source for f in stored} == {FindingSource.GAP}
        assert {f.process_area for f in stored} == {"STD"}
        assert all(f.business_line_id == setup["scm"].id for f in stored)
        with pytest.raises(ServiceError):
            service.save_ratings(
                _user(setup["director"]),
                assessment,
                [service.RatingInput(scope_practices()[0], "FI")],
                expected_version=None,
            )
        with pytest.raises(ServiceError):
            service.return_for_changes(_user(setup["pmo"]), assessment, "再改", {})
        assert _actions("Assessment") == ["rate", "submit", "validate"]


def test_closing_is_refused_unless_the_cycle_is_open(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    line = make_business_line("SCM")
    cycle_id = make_cycle(app, pmo.id, {line.id: 2}, opened=False)
    with app.test_request_context():
        from models import Cycle

        cycle = db.session.get(Cycle, cycle_id)
        with pytest.raises(ServiceError):
            service.close_cycle(_user(pmo), cycle)


def _model_file(tmp_path: Path, name_en: str) -> Path:
    text = builtin_model_path("pmo-capability-1.0").read_text(encoding="utf-8")
    text = text.replace('en: "PMO Capability Model v1.0"', f'en: "{name_en}"', 1)
    path = tmp_path / "pmo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_model_import_refuses_to_change_a_version_in_use(app, setup, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["model", "import", str(_model_file(tmp_path, "Changed name"))])
    assert result.exit_code != 0
    assert "pmo-capability-1.0" in result.output
    with app.test_request_context():
        row = db.session.scalars(
            select(StoredModel).where(StoredModel.key == "pmo-capability-1.0")
        ).one()
        assert row.name_en == "PMO Capability Model v1.0"


def test_cli_model_import_loads_a_new_model(app, tmp_path):
    text = builtin_model_path("pmo-capability-1.0").read_text(encoding="utf-8")
    path = tmp_path / "mine.yaml"
    path.write_text(text.replace("key: pmo-capability-1.0", "key: pmo-lite", 1), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["model", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported pmo-lite v1.0" in result.output
    with app.test_request_context():
        assert db.session.scalars(select(StoredModel.key)).all() == ["pmo-lite"]
