"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

The tests check every answer they receive from ``/api/v1`` against this document
(``tests/openapi_check.py``), that it lists exactly the app's ``/api/v1`` routes, and that
each operation is called by some test (``tests/test_openapi.py``): a new endpoint or field
cannot ship undocumented.
"""

from __future__ import annotations

from typing import Any

from assessments.prioritisation import ItemStatus

PREFIX = "/api/v1"

_INT = {"type": "integer"}
_STR = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_NUMBER = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
_LEVEL = {"type": ["integer", "null"], "minimum": 1, "maximum": 5}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """Every property is always present, and there are no others (the tests check answers
    against this, so a field added to an answer must be added here too)."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_PAGE = {
    "page": {**_INT, "minimum": 1},
    "per_page": {**_INT, "minimum": 1, "maximum": 100},
    "total": {**_INT, "minimum": 0, "description": "Items on every page together."},
}


def _list_of(name: str) -> dict[str, Any]:
    """A page of a list: ``{items, page, per_page, total}``."""
    return _object({"items": {"type": "array", "items": _ref(name)}, **_PAGE})


_ITEM_STATUSES = tuple(status.value for status in ItemStatus)

_ASSESSMENT = {
    "id": _INT,
    "cycle_id": _INT,
    "business_line_id": _INT,
    "status": {"type": "string", "enum": ["draft", "submitted", "returned", "validated"]},
    "maturity_level": _LEVEL,
    "target_level": {"type": "integer", "minimum": 1, "maximum": 5},
    "score": _NULLABLE_NUMBER,
}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {"error": _object({"status": _INT, "message": {**_STR, "description": "Why."}})}
    ),
    "BusinessLine": _object({"id": _INT, "code": _STR, "name": _STR}),
    "Cycle": _object(
        {
            "id": _INT,
            "name": _STR,
            "model": {**_STR, "description": "Maturity model key, e.g. cmmi-dev-1.3."},
            "status": {"type": "string", "enum": ["draft", "open", "closed"]},
            "start": _DATE,
            "end": _DATE,
        }
    ),
    "Assessment": {
        **_object(_ASSESSMENT),
        "description": "Validated assessments report their frozen results.",
    },
    "ProcessAreaResult": _object(
        {
            "score": _NULLABLE_NUMBER,
            "capability_level": {"type": "integer", "minimum": 0, "maximum": 3},
            "satisfied_goals": {"type": "array", "items": _STR},
            "unsatisfied_goals": {"type": "array", "items": _STR},
        }
    ),
    "AssessmentDetail": _object(
        {
            **_ASSESSMENT,
            "process_areas": {
                "type": "object",
                "description": "By process-area code, as `ladder score --format json` prints.",
                "additionalProperties": _ref("ProcessAreaResult"),
            },
            "respondents": {
                "type": "array",
                "description": "Who rates the assessment; the director is listed when they "
                "rate. `completed`: every practice assigned to them is rated.",
                "items": _object({"id": _INT, "name": _STR, "completed": {"type": "boolean"}}),
            },
        }
    ),
    "BacklogItem": _object(
        {
            "id": _INT,
            "title": _STR,
            "business_line_id": {**_NULLABLE_INT, "description": "null: company-wide."},
            "process_area": {"type": ["string", "null"]},
            "impact": {**_INT, "minimum": 1, "maximum": 5},
            "urgency": {**_INT, "minimum": 1, "maximum": 5},
            "effort": {**_INT, "minimum": 1, "maximum": 5},
            "priority": {"type": "number", "description": "(impact + urgency) / effort"},
            "quick_win": {"type": "boolean"},
            "status": {"type": "string", "enum": list(_ITEM_STATUSES)},
        }
    ),
    "Kpi": _object(
        {
            "name": _STR,
            "unit": _STR,
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            "baseline": {"type": "number"},
            "target": {"type": "number"},
            "latest": {"type": ["number", "null"]},
            "progress": {
                "type": ["number", "null"],
                "description": "(latest - baseline) / (target - baseline); achieved at >= 1.",
            },
        }
    ),
    "QuickWin": _object(
        {
            "id": _INT,
            "item_id": _INT,
            "title": _STR,
            "business_line_id": _NULLABLE_INT,
            "start": _DATE,
            "end": _DATE,
            "closed": {"type": "boolean"},
            "status": {
                "type": ["string", "null"],
                "enum": ["achieved", "on_track", "off_track", None],
            },
            "kpis": {"type": "array", "items": _ref("Kpi")},
        }
    ),
    "InvalidBody": _object(
        {
            "error": _object({"status": _INT, "message": _STR}),
            "errors": {
                "type": "array",
                "items": _object(
                    {"field": {**_STR, "description": "The body field."}, "message": _STR}
                ),
            },
        }
    ),
    "NewClusteringRun": {
        "type": "object",
        "required": ["source"],
        "properties": {
            "source": {
                "type": "string",
                "enum": ["survey", "all"],
                "description": "survey: survey pain points; all: pain points, interview notes "
                "and imported findings.",
            },
            "include_gaps": {
                "type": "boolean",
                "default": False,
                "description": "Also cluster assessment gaps.",
            },
            "k": {
                "type": ["integer", "null"],
                "minimum": 2,
                "maximum": 30,
                "description": "Number of themes; null chooses it.",
            },
        },
    },
    "ClusteringRunQueued": _object({"id": _INT, "status": {"type": "string", "enum": ["queued"]}}),
    "ClusteringRun": _object(
        {
            "id": _INT,
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "k": {**_NULLABLE_INT, "description": "Number of themes, once done."},
            "published": {
                "type": "boolean",
                "description": "False for a draft: a run the PMO has not published "
                "(leadership tokens get 404 for it).",
            },
            "themes": {
                "type": "array",
                "items": _object({"id": _INT, "name": _STR, "size": {**_INT, "minimum": 0}}),
            },
        }
    ),
    "OutcomeKpi": _object(
        {
            "key": {**_STR, "description": "e.g. on_time_rate, budget_deviation, satisfaction"},
            "name": _object({"zh": _STR, "en": _STR}),
            "unit": _STR,
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            "target": {"type": "number"},
            "latest": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "period": {
                                **_STR,
                                "description": "YYYY-MM (monthly KPI) or YYYY-Qn (quarterly).",
                            },
                            "value": {"type": "number"},
                        }
                    ),
                ],
                "description": "The value of the greatest period; null without values.",
            },
            "status": {
                "type": ["string", "null"],
                "enum": ["met", "missed", None],
                "description": "met: the latest value is >= target (higher) or <= target "
                "(lower); null without values.",
            },
        }
    ),
    "Lesson": _object(
        {
            "id": _INT,
            "title": _STR,
            "text": _STR,
            "kind": {"type": "string", "enum": ["best_practice", "failure"]},
            "business_line_id": {**_NULLABLE_INT, "description": "null: company-wide."},
            "process_area": {"type": ["string", "null"], "description": "e.g. PP, REQM."},
            "tags": {"type": "array", "items": _STR},
        }
    ),
    "TrendPoint": _object(
        {"cycle_id": _INT, "cycle": _STR, "maturity_level": _LEVEL, "score": _NULLABLE_NUMBER}
    ),
}

_PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
]


_NO_STORE = {
    "Cache-Control": {
        "required": True,
        "description": "Answers hold one user's data: no cache may keep them.",
        "schema": {"type": "string", "enum": ["no-store"]},
    }
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {**_NO_STORE, **(headers or {})},
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {
        "description": description,
        "headers": _NO_STORE,
        "content": {"application/json": {"schema": schema}},
    }


_UNAUTHORISED = _error(
    "No token, or one that is unknown, revoked, or whose account is disabled.",
    {
        "WWW-Authenticate": {
            "required": True,
            "schema": {"type": "string", "const": 'Bearer realm="ladder"'},
        }
    },
)


def _get(
    summary: str,
    schema: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    not_found: str | None = None,
    paginated: bool = True,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": _ok(schema), "401": _UNAUTHORISED}
    if paginated or any(p["in"] == "query" for p in parameters or []):
        responses["400"] = _error("A query parameter is missing or not valid.")
    if not_found:
        responses["404"] = _error(not_found)
    return {
        "get": {
            "summary": summary,
            "parameters": [*(parameters or []), *(_PAGE_PARAMETERS if paginated else [])],
            "responses": responses,
        }
    }


def _query(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {**_INT, "minimum": 1},
    }


_UNAUTHORIZED = _error(
    "No token, or one that is unknown, revoked, or whose account is disabled.",
    {
        "WWW-Authenticate": {
            "required": True,
            "schema": {"type": "string", "const": 'Bearer realm="ladder"'},
        }
    },
)
_THEMES_RUN = "A token without the themes:run scope, or an account that is not PMO or admin."


def _clustering_runs() -> dict[str, Any]:
    return {
        "post": {
            "summary": "Start a clustering run (scope themes:run); a background job does it.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NewClusteringRun")}},
            },
            "responses": {
                "202": _ok(_ref("ClusteringRunQueued"), "Queued; poll its URL."),
                "401": _UNAUTHORIZED,
                "403": _error(_THEMES_RUN),
                "422": {
                    "description": "A body field is missing or not valid, or nothing matches.",
                    "headers": _NO_STORE,
                    "content": {"application/json": {"schema": _ref("InvalidBody")}},
                },
                "503": _error("The job queue (Redis) is not reachable; nothing was saved."),
            },
        }
    }


def _clustering_run() -> dict[str, Any]:
    return {
        "get": {
            "summary": "A clustering run's status and, once done, its themes (scope themes:run).",
            "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": _INT}],
            "responses": {
                "200": _ok(_ref("ClusteringRun")),
                "401": _UNAUTHORIZED,
                "403": _error(_THEMES_RUN),
                "404": _error("No such run."),
            },
        }
    }


PATHS: dict[str, Any] = {
    f"{PREFIX}/business-lines": _get(
        "Business lines you may see (a director: their own).", _list_of("BusinessLine")
    ),
    f"{PREFIX}/cycles": _get(
        "Assessment cycles, newest first (a director: those including one of their lines).",
        _list_of("Cycle"),
    ),
    f"{PREFIX}/assessments": _get(
        "Assessments you may see, by cycle date and business-line code.",
        _list_of("Assessment"),
        parameters=[_query("cycle", "Only this cycle's assessments.")],
        not_found="No such cycle, or not one you may see.",
    ),
    f"{PREFIX}/assessments/{{assessment_id}}": _get(
        "One assessment with its results per process area.",
        _ref("AssessmentDetail"),
        parameters=[
            {"name": "assessment_id", "in": "path", "required": True, "schema": _INT},
        ],
        not_found="No such assessment, or not one you may see.",
        paginated=False,
    ),
    f"{PREFIX}/reports/trend": _get(
        "Maturity level and score of a business line's validated assessments, oldest first.",
        _list_of("TrendPoint"),
        parameters=[_query("business_line", "The business line.", required=True)],
        not_found="No such business line, or not one you may see.",
    ),
    f"{PREFIX}/kpis": _get(
        "A business line's outcome KPIs with their latest value and status.",
        _list_of("OutcomeKpi"),
        parameters=[_query("business_line", "The business line.", required=True)],
        not_found="No such business line, or not one you may see.",
    ),
    f"{PREFIX}/kpi-values": {
        "post": {
            "summary": "Write outcome KPI values, all or none (PMO or admin token with the "
            "kpi:write scope). A value of the same KPI, business line and period replaces "
            "the one written before.",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": _object(
                            {
                                "items": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": _object(
                                        {
                                            "kpi": {**_STR, "description": "The KPI key."},
                                            "business_line": {
                                                **_STR,
                                                "description": "The business line's code.",
                                            },
                                            "period": {
                                                **_STR,
                                                "description": "YYYY-MM or YYYY-Qn, as the "
                                                "KPI is monthly or quarterly.",
                                            },
                                            "value": {"type": "number"},
                                        }
                                    ),
                                }
                            }
                        )
                    }
                },
            },
            "responses": {
                "201": _ok(_object({"written": {**_INT, "minimum": 1}}), "Every item written."),
                "400": _error("The body is not JSON with a non-empty list of items."),
                "401": _UNAUTHORISED,
                "403": _error("Not a PMO or admin token, or the token lacks the kpi:write scope."),
                "422": _ok(
                    _object(
                        {
                            "errors": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "index": {
                                            **_INT,
                                            "minimum": 0,
                                            "description": "The item's position, from 0.",
                                        },
                                        "field": {
                                            "type": "string",
                                            "enum": [
                                                "items",
                                                "kpi",
                                                "business_line",
                                                "period",
                                                "value",
                                            ],
                                        },
                                        "message": _STR,
                                    }
                                ),
                            }
                        }
                    ),
                    "Nothing was written: each problem with its item and field.",
                ),
            },
        }
    },
    f"{PREFIX}/backlog": _get(
        "Improvement backlog items you may see, highest priority first.",
        _list_of("BacklogItem"),
        parameters=[
            {
                "name": "status",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(_ITEM_STATUSES)},
            },
            {"name": "quick_win", "in": "query", "required": False, "schema": {"type": "boolean"}},
        ],
    ),
    f"{PREFIX}/quick-wins": _get(
        "Quick-win projects you may see, with their KPIs and progress.", _list_of("QuickWin")
    ),
    f"{PREFIX}/clustering-runs": _clustering_runs(),
    f"{PREFIX}/clustering-runs/{{run_id}}": _clustering_run(),
    f"{PREFIX}/lessons": _get(
        "Lessons you may see (a director: their lines' and company-wide ones), newest first.",
        _list_of("Lesson"),
        parameters=[
            {
                "name": "q",
                "in": "query",
                "required": False,
                "description": (
                    "Search terms separated by spaces; each must occur in the title, text or "
                    "tags as a contiguous substring (2 or more Chinese characters, or an "
                    "English word, case ignored); terms are ANDed."
                ),
                "schema": {"type": "string", "maxLength": 200},
            },
            {
                "name": "kind",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["best_practice", "failure"]},
            },
        ],
    ),
    f"{PREFIX}/openapi.json": {
        "get": {
            "summary": "This description.",
            "security": [],
            "responses": {"200": _ok({"type": "object"})},
        }
    },
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ladder API",
            "version": "1.0.0",
            "description": (
                "Access for BI tools, PM tools and scripts, with the permissions of the "
                "token's user; writing KPI values needs the kpi:write scope. "
                "Create a token on your profile page (Profile → API tokens) "
                "or with `ladder token create EMAIL`. Lists take `page` and `per_page` "
                "(1–100) and answer `{items, page, per_page, total}`; errors answer "
                "`{error: {status, message}}`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "ldr_…"}
            },
            "parameters": {
                "page": {
                    "name": "page",
                    "in": "query",
                    "schema": {**_INT, "minimum": 1, "default": 1},
                },
                "per_page": {
                    "name": "per_page",
                    "in": "query",
                    "schema": {**_INT, "minimum": 1, "maximum": 100, "default": 20},
                },
            },
            "schemas": SCHEMAS,
        },
    }
