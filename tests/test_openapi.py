"""The OpenAPI document at ``/api/v1/openapi.json`` and the API agree.

Every ``/api/v1`` answer a test receives is already checked against the document by the test
client (``tests/openapi_check.py``). Here: the document lists exactly the app's URL rules and
methods, and every documented operation was called, with a success checked, by some test.
"""

from __future__ import annotations

import pytest

from tests.openapi_check import (
    EXERCISED,
    METHODS,
    OPENAPI_URL,
    api_rules,
    documented_operations,
    served_documents,
)


def test_the_document_describes_every_api_route_and_nothing_else(app, client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    documented = {
        path: {method for method in item if method in METHODS}
        for path, item in spec["paths"].items()
    }
    routes = api_rules(app)
    assert routes
    assert {p: routes[p] for p in routes.keys() - documented.keys()} == {}, "undocumented"
    assert {p: documented[p] for p in documented.keys() - routes.keys()} == {}, "no such route"
    assert routes == documented
    for method, path in documented_operations(spec):
        statuses = spec["paths"][path][method.lower()]["responses"]
        assert any(code.startswith("2") for code in statuses), (method, path)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.runs_last
def test_every_documented_operation_was_called_and_answered_with_success():
    """Runs after every other test: each operation in the document must have been called by
    one of them and have answered a success (2xx) that the checking client validated."""
    hint = "(this test counts the calls of the tests that ran before it in its process: run it "
    hint += "with every test file that calls the API: `pytest -m api_coverage`, as make test does)"
    documents = served_documents()
    assert documents, f"No test called the API in this run {hint}"
    for document in documents:
        operations = documented_operations(document)
        never_called = sorted(operations - EXERCISED.keys())
        assert never_called == [], f"documented operations no test called {hint}"
        never_succeeded = sorted(
            op for op in operations if not any(200 <= s < 300 for s in EXERCISED[op])
        )
        assert never_succeeded == [], f"documented operations no test saw succeed {hint}"
