"""The product's own docs hold its contracts: every ``ladder`` command and option is in
``docs/cli.md``, every ``/api/v1`` endpoint with its parameters and fields in ``docs/api.md``,
every ``LADDER_*`` setting the code reads in the README or ``docs/``, and every blueprint in
the README. A command, endpoint or setting added without its docs fails here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo
from openapi_schema_validator import OAS31Validator

from app.cli import make_cli
from tests.openapi_check import OPENAPI_URL, api_rules

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
API_MD = ROOT / "docs" / "api.md"
README = ROOT / "README.md"
#: Where the code that reads settings lives (as ``grep -r LADDER_ app assessments models
#: wsgi.py gunicorn.conf.py`` would look).
SETTING_SOURCES = ("app", "assessments", "models", "wsgi.py", "gunicorn.conf.py")
PAGINATION = {"page", "per_page"}


def sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, body) for every heading; the body runs to the next heading of the same or a
    higher level."""
    lines = markdown.splitlines()
    found = []
    for index, line in enumerate(lines):
        heading = re.match(r"(#+)\s+(.*)", line)
        if not heading:
            continue
        level = len(heading.group(1))
        end = next(
            (
                j
                for j in range(index + 1, len(lines))
                if (m := re.match(r"(#+)\s", lines[j])) and len(m.group(1)) <= level
            ),
            len(lines),
        )
        found.append((heading.group(2), "\n".join(lines[index + 1 : end])))
    return found


def commands(group: click.Group, ctx: click.Context, prefix: str = "") -> Iterator[tuple]:
    """(path, command) for every command and subcommand, e.g. ("model validate", ...)."""
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            with click.Context(command, parent=ctx) as sub:
                yield from commands(command, sub, f"{path} ")


def ladder_commands(app: Flask) -> list[tuple[str, click.Command]]:
    """Leaving the context pops the app context FlaskGroup pushes for ``app``, so later
    tests' commands run in their own app."""
    cli = make_cli()
    with click.Context(cli, obj=ScriptInfo(create_app=lambda: app)) as ctx:
        return list(commands(cli, ctx))


def is_ladders_own(command: click.Command) -> bool:
    module = getattr(command.callback, "__module__", "") or ""
    return module.startswith("app.")


def mentions_command(text: str, path: str) -> bool:
    return re.search(rf"`ladder {re.escape(path)}(?![\w-])", text) is not None


# ------------------------------------------------------------------------------ CLI


def test_every_ladder_command_is_in_docs_cli_md(plain_app):
    text = CLI_MD.read_text(encoding="utf-8")
    found = ladder_commands(plain_app)
    paths = {path for path, _command in found}
    assert {"model validate", "token create", "db upgrade", "score", "cluster"} <= paths
    missing = sorted(path for path in paths if not mentions_command(text, path))
    assert missing == [], "commands docs/cli.md does not mention"


def test_ladders_own_commands_have_a_section_with_every_argument_and_option(plain_app):
    text = CLI_MD.read_text(encoding="utf-8")
    headings = sections(text)
    problems = []
    for path, command in ladder_commands(plain_app):
        if not is_ladders_own(command) or isinstance(command, click.Group):
            continue
        section = next(((h, body) for h, body in headings if mentions_command(h, path)), None)
        if section is None:
            problems.append(f"ladder {path}: no heading")
            continue
        heading, body = section
        for param in command.params:
            if isinstance(param, click.Argument):
                name = (param.name or "").upper()
                if not re.search(rf"\b{name}\b", heading):
                    problems.append(f"ladder {path}: argument {name} not in the heading")
            elif isinstance(param, click.Option):
                for option in (o for o in param.opts if o.startswith("--")):
                    if f"`{option}" not in body and f" {option}" not in heading:
                        problems.append(f"ladder {path}: option {option} not described")
        if not re.search(r"(?i)\bexit\b|\berrors?\b", body):
            problems.append(f"ladder {path}: no errors or exit codes")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------ API


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def field_names(schema: dict[str, Any], document: dict[str, Any]) -> set[str]:
    """Every property name in the schema, nested objects and arrays included."""
    schema = _resolve(schema, document)
    names: set[str] = set()
    for name, sub in schema.get("properties", {}).items():
        names.add(name)
        names |= field_names(sub, document)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            names |= field_names(schema[key], document)
    for sub in schema.get("allOf", []):
        names |= field_names(sub, document)
    return names


def test_every_api_endpoint_is_in_docs_api_md_with_its_parameters_and_fields(plain_app):
    document = plain_app.test_client().get(OPENAPI_URL).get_json()
    headings = dict(sections(API_MD.read_text(encoding="utf-8")))
    routes = api_rules(plain_app)
    assert routes
    problems = []
    for path, methods in sorted(routes.items()):
        for method in sorted(methods):
            heading = f"{method.upper()} {path}"
            if heading not in headings:
                problems.append(f"no heading '{heading}'")
                continue
            body = headings[heading]
            operation = document["paths"][path][method]
            parameters = [_resolve(p, document) for p in operation.get("parameters", [])]
            for parameter in parameters:
                if parameter["name"] not in PAGINATION and f"`{parameter['name']}`" not in body:
                    problems.append(f"{heading}: parameter {parameter['name']} not described")
            if {p["name"] for p in parameters} >= PAGINATION and "A list" not in body:
                problems.append(f"{heading}: does not say it is a paginated list")
            success = next(c for c in operation["responses"] if c.startswith("2"))
            content = operation["responses"][success].get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            fields = field_names(schema, document) - {"items", *PAGINATION, "total"}
            problems += [
                f"{heading}: field {name} not described"
                for name in sorted(fields)
                if f"`{name}`" not in body
            ]
            for status in operation["responses"]:
                if not status.startswith("2") and status not in body:
                    problems.append(f"{heading}: error {status} not described")
    assert not problems, "\n".join(problems)


def json_examples(markdown: str) -> list[Any]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", markdown, re.S)]


def test_the_json_examples_of_docs_api_md_match_the_openapi_document(plain_app):
    document = plain_app.test_client().get(OPENAPI_URL).get_json()
    headings = dict(sections(API_MD.read_text(encoding="utf-8")))
    checked = 0
    for path, methods in api_rules(plain_app).items():
        for method in methods:
            operation = document["paths"][path][method]
            success = next(c for c in operation["responses"] if c.startswith("2"))
            schema = operation["responses"][success]["content"]["application/json"]["schema"]
            validator = OAS31Validator({**schema, "components": document["components"]})
            for example in json_examples(headings.get(f"{method.upper()} {path}", "")):
                errors = [
                    f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)
                ]
                assert errors == [], f"{method.upper()} {path} example"
                checked += 1
    assert checked >= len(api_rules(plain_app)) - 1  # every endpoint but openapi.json


def test_the_json_examples_of_docs_cli_md_are_json():
    assert len(json_examples(CLI_MD.read_text(encoding="utf-8"))) >= 5


# ------------------------------------------------------------------------- settings


def settings_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for source in SETTING_SOURCES:
        base = ROOT / source
        files = [base] if base.is_file() else base.rglob("*")
        for path in files:
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".cfg", ".ini"}:
                found |= set(re.findall(r"LADDER_[A-Z0-9_]+", path.read_text(encoding="utf-8")))
    return found


def test_every_setting_the_code_reads_is_documented():
    settings = settings_read_by_the_code()
    assert {"LADDER_DATABASE_URL", "LADDER_TIMEZONE", "LADDER_FORWARDED_ALLOW_IPS"} <= settings
    docs = README.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")
    )
    missing = sorted(name for name in settings if f"`{name}`" not in docs)
    assert missing == [], "LADDER_* settings no doc describes"


# ------------------------------------------------------------------------------ README


def test_the_readme_lists_every_blueprint_and_points_to_docs_in_the_project(plain_app):
    readme = README.read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    missing = sorted(name for name in plain_app.blueprints if f"`{name}`" not in layout)
    assert missing == [], "blueprints the README's layout does not list"
    for path in [README, *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, f"{path.name} points outside the project"
    for doc in re.findall(r"`(docs/[\w.-]+\.md)`", readme):
        assert (ROOT / doc).is_file(), f"README names {doc}, which does not exist"
