"""Numbers in URLs beyond what the database holds: an id in a path is a 404 on every route,
a query parameter out of range a 400 that names it — never a 500 (issue 17, item 11)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from models import Role

HUGE_IDS = ["99999999999999999999999", str(2**31), str(2**63), "9" * 5000]


def _int_rules(app) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "IdConverter" for c in rule._converters.values())
    ]


def _url(rule: Rule, huge: str) -> str:
    """The rule's URL with ``huge`` for each id and a harmless word for other parts."""

    def fill(match: re.Match[str]) -> str:
        converter, _sep, _name = match.group(1).rpartition(":")
        if converter.startswith("int"):
            return huge
        return "x"

    return re.sub(r"<([^>]+)>", fill, rule.rule)


def test_every_int_rule_uses_the_id_converter(app):
    """No route escapes the bounded converter (a route written ``<int:…>`` gets it)."""
    rules = _int_rules(app)
    assert len(rules) > 50
    written_int = {r.rule for r in app.url_map.iter_rules() if "<int:" in r.rule}
    assert written_int <= {r.rule for r in rules}


def test_a_huge_id_in_any_path_is_404(app, client, login_as):
    login_as(Role.ADMIN)
    failures = []
    for rule in _int_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        for huge in HUGE_IDS:
            url = _url(rule, huge)
            response = client.open(url, method=method)
            if response.status_code != 404:
                failures.append((rule.rule, method, huge[:25], response.status_code))
    assert failures == []


def test_the_largest_id_is_still_a_plain_404(app, client, login_as):
    login_as(Role.ADMIN)
    for url in ("/findings/2147483647", "/backlog/2147483647", "/reports/business-lines/1"):
        assert client.get(url).status_code == 404


QUERIES = [
    ("/findings/", "page"),
    ("/findings/", "per_page"),
    ("/findings/", "cycle"),
    ("/findings/", "business_line"),
    ("/findings/", "survey"),
    ("/findings/", "severity"),
    ("/findings/export.xlsx", "cycle"),
    ("/backlog/", "business_line"),
    ("/backlog/", "page"),
    ("/backlog/export", "business_line"),
    ("/reports/", "cycle"),
    ("/reports/", "business_line"),
    ("/reports/company", "cycle"),
    ("/reports/company.pdf", "business_line"),
    ("/reports/charts/levels.svg", "cycle"),
    ("/business-lines", "page"),
    ("/users", "page"),
    ("/cycles/", "page"),
    ("/quick-wins/", "page"),
    ("/quick-wins/showcase", "page"),
    ("/reviews/", "page"),
    ("/audit/", "page"),
]


@pytest.mark.parametrize(("url", "name"), QUERIES)
@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "1.5", "abc", "9" * 5000])
def test_a_bad_query_number_is_400_naming_it(app, client, login_as, url, name, value):
    login_as(Role.ADMIN, locale="en")
    response = client.get(url, query_string={name: value})
    assert response.status_code == 400, (url, name, value)
    assert f"The query parameter {name} must be a whole number" in response.text


def test_the_400_is_in_the_users_language(app, client, login_as):
    login_as(Role.ADMIN, locale="zh_CN")
    response = client.get("/findings/?cycle=99999999999999999999999")
    assert response.status_code == 400
    assert "查询参数 cycle" in response.text


def test_backlog_company_wide_filter_still_works(app, client, login_as):
    login_as(Role.PMO)
    assert client.get("/backlog/?business_line=none").status_code == 200
    assert client.get("/backlog/?business_line=").status_code == 200


def test_forms_with_odd_numbers_do_not_fail(app, client, login_as):
    """Ids and versions posted in forms: a huge or non-ASCII number is refused cleanly."""
    login_as(Role.PMO)
    for value in ("99999999999999999999999", "²", "9" * 5000):
        for url, data in (
            ("/themes/1/merge", {"other": value}),
            ("/themes/1/move", {"target": value, "findings": value}),
            ("/business-lines/new", {"code": "Q1", "name": "Q", "version": value}),
        ):
            assert client.post(url, data=data).status_code < 500, (url, value)
