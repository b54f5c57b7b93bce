"""Every answer of ``/api/v1`` that a test receives is checked against the OpenAPI document
the app serves at ``/api/v1/openapi.json``.

``conftest.make_test_app`` makes :class:`OpenApiCheckingClient` the test client of every test
app, so no API test can forget the check. For a documented operation (path and method),
openapi-core checks that the status code is documented and that the body matches that
response's schema; an undocumented operation must answer an error in the ``Error`` shape
(e.g. 404 or 405), never a success. Each checked operation is recorded in :data:`EXERCISED`,
which ``tests/test_openapi.py`` compares with the document at the end of the run.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from flask.testing import EnvironBuilder, FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS31Validator
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect, Rule
from werkzeug.test import TestResponse

API_PREFIX = "/api/v1"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
METHODS = ("get", "put", "post", "delete", "patch")

#: (METHOD, OpenAPI path) -> the status codes seen, for every operation a test called.
EXERCISED: defaultdict[tuple[str, str], set[int]] = defaultdict(set)

_documents: WeakKeyDictionary[Flask, dict[str, Any]] = WeakKeyDictionary()


def openapi_path(rule: Rule | str) -> str:
    """A Werkzeug rule as an OpenAPI path: ``/a/<int:id>`` -> ``/a/{id}``."""
    text = rule if isinstance(rule, str) else rule.rule
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", text)


def api_rules(app: Flask) -> dict[str, set[str]]:
    """The app's ``/api/v1`` URL rules: OpenAPI path -> methods (lower case, no HEAD/OPTIONS)."""
    rules: dict[str, set[str]] = defaultdict(set)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX):
            methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
            rules[openapi_path(rule)] |= methods
    return dict(rules)


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def served_document(app: Flask) -> dict[str, Any]:
    """The document the app serves, fetched once per app with a plain client."""
    if app not in _documents:
        response = FlaskClient(app, app.response_class).get(OPENAPI_URL)
        assert response.status_code == 200, f"{OPENAPI_URL} answered {response.status_code}"
        _documents[app] = response.get_json()
    return _documents[app]


def served_documents() -> list[dict[str, Any]]:
    """Each distinct document the apps of this run served to the checking client."""
    distinct = {json.dumps(d, sort_keys=True): d for d in _documents.values()}
    return list(distinct.values())


@cache
def _openapi(document_text: str) -> OpenAPI:
    return OpenAPI.from_dict(json.loads(document_text))  # also validates the document itself


def _reasons(error: BaseException) -> str:
    """The schema errors behind an openapi-core error, one per line."""
    lines = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__ or error.__context__
    while cause is not None:
        for schema_error in getattr(cause, "schema_errors", ()):
            where = "/".join(str(p) for p in getattr(schema_error, "absolute_path", ()))
            lines.append(f"  at /{where}: {getattr(schema_error, 'message', schema_error)}")
        cause = cause.__cause__ or cause.__context__
    return "\n".join(lines)


def _operation(app: Flask, path: str, method: str) -> str | None:
    """The OpenAPI path of the rule that serves ``method path``, or None if none does."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(path, method=method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None
    return openapi_path(rule)


def check_api_response(app: Flask, response: TestResponse, sent: Any = None) -> None:
    request = sent if sent is not None else response.request
    document = served_document(app)
    method = request.method.upper()
    path = _operation(app, request.path, method)
    documented = documented_operations(document)
    context = f"{method} {request.full_path.rstrip('?')} -> {response.status_code}"
    if path is None or (method, path) not in documented:
        assert response.status_code >= 400, f"{context}: an operation the document lacks"
        body = response.get_json(silent=True)
        error_schema = {"$ref": "#/components/schemas/Error", "components": document["components"]}
        errors = [e.message for e in OAS31Validator(error_schema).iter_errors(body)]
        assert not errors, f"{context}: not the documented Error shape: {errors} in {body!r}"
        return
    EXERCISED[method, path].add(response.status_code)
    openapi = _openapi(json.dumps(document, sort_keys=True))
    try:
        openapi.validate_response(
            WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)
        )
    except Exception as error:  # openapi-core raises one of many error types
        raise AssertionError(
            f"{context} disagrees with {OPENAPI_URL}:\n{_reasons(error)}\n"
            f"body: {response.get_data(as_text=True)[:2000]}"
        ) from error


class OpenApiCheckingClient(FlaskClient):
    """A test client that checks every ``/api/v1`` answer against the served document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        sent = _request_with_body(self.application, args, kwargs)
        response = super().open(*args, **kwargs)
        if response.request.path.startswith(API_PREFIX):
            check_api_response(self.application, response, sent)
        return response


def _request_with_body(app: Flask, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A copy of a request with a body (a POST), for checking it after the app has read the
    body of the one it served; None for requests without one."""
    if str(kwargs.get("method", "GET")).upper() in ("GET", "HEAD") or not args:
        return None
    if not isinstance(args[0], str) or not args[0].startswith(API_PREFIX):
        return None
    options = {k: v for k, v in kwargs.items() if k not in ("buffered", "follow_redirects")}
    builder = EnvironBuilder(app, *args, **options)
    try:
        request = builder.get_request()
        request.get_data(cache=True)
        return request
    finally:
        builder.close()
