"""``POST /api/v1/clustering-runs`` and ``GET /api/v1/clustering-runs/ID``: the themes:run
scope, the body's fields, and a run done by a job (in a thread here: no Redis)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import jobs
from app.services.findings.publication import publish_run
from app.services.tokens import create_token
from models import ClusteringRun, Finding, FindingSource, Job, Role, User
from tests.api_support import bearer
from tests.test_themes import pain_points  # noqa: F401  (a fixture)

URL = "/api/v1/clustering-runs"


def token(app, person, scopes=("themes:run",)) -> dict[str, str]:
    with app.app_context():
        _row, value = create_token(None, db.session.get(User, person.id), "t", scopes)
        db.session.commit()
    return bearer(value)


def finish(app, run_id):
    with app.app_context():
        ids = db.session.scalars(
            db.select(Job.id).where(Job.subject == f"clustering_run:{run_id}")
        ).all()
    for job_id in ids:
        jobs.join(job_id, timeout=120)


def test_a_run_is_queued_then_done_with_its_themes(app, client, make_user, pain_points):  # noqa: F811
    headers = token(app, make_user(Role.PMO))
    response = client.post(
        URL, json={"source": "survey", "include_gaps": False, "k": 4}, headers=headers
    )
    assert response.status_code == 202
    assert response.json == {"id": response.json["id"], "status": "queued"}
    run_id = response.json["id"]
    finish(app, run_id)
    run = client.get(f"{URL}/{run_id}", headers=headers)
    assert run.status_code == 200
    body = run.json
    assert body["id"] == run_id
    assert body["status"] == "done"
    assert body["k"] == 4
    assert body["published"] is False
    assert len(body["themes"]) == 4
    assert sum(t["size"] for t in body["themes"]) == len(pain_points)
    assert all(t["name"] and t["id"] for t in body["themes"])


def test_sources_select_the_findings_and_gaps_only_on_request(app, client, make_user, pain_points):  # noqa: F811
    headers = token(app, make_user(Role.PMO))
    with app.app_context():
        for source in (FindingSource.MANUAL, FindingSource.IMPORT, FindingSource.GAP):
            db.session.add(
                Finding(source=source, text=f"{source.value}：需求变更没有评审", severity=3)
            )
        db.session.commit()
    counts = {}
    for body in ({"source": "survey"}, {"source": "all"}, {"source": "all", "include_gaps": True}):
        response = client.post(URL, json=body, headers=headers)
        assert response.status_code == 202, response.json
        finish(app, response.json["id"])
        with app.app_context():
            counts[len(counts)] = db.session.get(ClusteringRun, response.json["id"]).finding_count
    assert counts == {0: len(pain_points), 1: len(pain_points) + 2, 2: len(pain_points) + 3}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "source"),
        ({"source": "everything"}, "source"),
        ({"source": "survey", "include_gaps": "yes"}, "include_gaps"),
        ({"source": "survey", "k": 1}, "k"),
        ({"source": "survey", "k": 31}, "k"),
        ({"source": "survey", "k": "5"}, "k"),
        ({"source": "survey", "k": True}, "k"),
        ([1, 2], "body"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(app, client, make_user, body, field):
    headers = token(app, make_user(Role.PMO))
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == field
    assert field in response.json["error"]["message"]
    with app.app_context():
        assert db.session.query(ClusteringRun).count() == 0


def test_nothing_to_cluster_is_a_422(app, client, make_user):
    headers = token(app, make_user(Role.PMO))
    response = client.post(URL, json={"source": "all"}, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "source"


def test_without_the_scope_403_and_directors_403(app, client, make_user, pain_points):  # noqa: F811
    pmo = make_user(Role.PMO)
    read_only = token(app, pmo, scopes=())
    response = client.post(URL, json={"source": "survey"}, headers=read_only)
    assert response.status_code == 403
    assert "themes:run" in response.json["error"]["message"]
    director = token(app, make_user(Role.DIRECTOR), scopes=())
    assert client.post(URL, json={"source": "survey"}, headers=director).status_code == 403
    assert client.post(URL, json={"source": "survey"}).status_code == 401
    with app.app_context():
        assert db.session.query(ClusteringRun).count() == 0


def test_reading_a_run_needs_the_themes_run_scope(app, client, make_user, pain_points):  # noqa: F811
    pmo = make_user()
    response = client.post(URL, json={"source": "survey", "k": 3}, headers=token(app, pmo))
    finish(app, response.json["id"])
    url = f"{URL}/{response.json['id']}"
    assert client.get(url, headers=token(app, pmo)).json["published"] is False  # a draft
    read_only = client.get(url, headers=token(app, pmo, scopes=()))
    assert read_only.status_code == 403
    assert "themes:run" in read_only.json["error"]["message"]
    for role in (Role.LEADERSHIP, Role.DIRECTOR):
        assert client.get(url, headers=token(app, make_user(role), scopes=())).status_code == 403
    with app.app_context():
        publish_run(
            db.session.get(User, pmo.id), db.session.get(ClusteringRun, response.json["id"])
        )
        db.session.commit()
    assert client.get(url, headers=token(app, pmo)).json["published"] is True


def test_an_unknown_run_is_a_404(app, client, make_user):
    headers = token(app, make_user(Role.ADMIN))
    assert client.get(f"{URL}/999", headers=headers).status_code == 404


def test_redis_down_is_a_503_saying_so_and_nothing_is_saved(make_app, make_user, pain_points):  # noqa: F811
    down = make_app(REDIS_URL="redis://127.0.0.1:9/0", JOB_QUEUE="ladder-test-down")
    headers = token(down, make_user(Role.PMO))
    response = down.test_client().post(URL, json={"source": "survey"}, headers=headers)
    assert response.status_code == 503
    assert "Redis" in response.json["error"]["message"]
    with down.app_context():
        assert db.session.query(ClusteringRun).count() == 0
        assert db.session.query(Job).count() == 0
