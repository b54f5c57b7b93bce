"""``ladder model validate|show|import`` and ``ladder score``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext

from assessments.maturity_model.index import (
    UnknownModelError,
    builtin_model_keys,
    load_builtin_model,
)
from assessments.maturity_model.model import MaturityModel, model_to_dict
from assessments.maturity_model.validator import ModelError, load_model_file, validate_model_file
from assessments.scoring import result_to_dict, score_assessment, validate_ratings

FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format on stdout.",
)


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def find_model(key: str) -> MaturityModel:
    """A built-in model, or one imported into the database (newest version)."""
    try:
        return load_builtin_model(key)
    except UnknownModelError:
        pass
    try:
        from app.services.assessments.model_store import latest_stored, parsed

        stored = latest_stored(key)
    except Exception:  # no database yet: only built-in models exist
        stored = None
    if stored is None:
        fail(f"unknown model {key!r}; built-in models: {', '.join(builtin_model_keys())}")
    return parsed(stored)


@click.group("model")
def model_group() -> None:
    """Maturity models: validate, show and import model files."""


@model_group.command("validate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT
def validate_command(path: Path, output_format: str) -> None:
    """Check a model file; print each problem as PATH:LINE: message."""
    problems = validate_model_file(path)
    if output_format == "json":
        print_json(
            {
                "path": str(path),
                "valid": not problems,
                "problems": [
                    {"path": p.path, "line": p.line, "message": p.message} for p in problems
                ],
            }
        )
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    if output_format == "text":
        model = load_model_file(path)
        click.echo(
            f"{path}: OK ({model.key} v{model.version}, {len(model.process_areas)} process areas)"
        )


@model_group.command("show")
@click.argument("key")
@FORMAT
@with_appcontext
def show_command(key: str, output_format: str) -> None:
    """Print a model: its process areas, goals and practices."""
    model = find_model(key)
    if output_format == "json":
        print_json(model_to_dict(model))
        return
    click.echo(f"{model.key} v{model.version}  {model.name.zh} / {model.name.en}")
    for area in model.process_areas:
        click.echo(
            f"  {area.code:<5} ML{area.maturity_level}  {area.name.zh} / {area.name.en}"
            f"  ({area.category})"
        )
        for goal in area.goals:
            click.echo(f"    {goal.id:<10} {goal.name.zh} ({len(goal.practices)} practices)")


@model_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Load a model file (a new model or a new version) into the database."""
    from app.extensions import db
    from app.services.assessments.model_store import store_model
    from app.services.errors import ServiceError

    try:
        model = load_model_file(path)
    except ModelError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    try:
        row = store_model(model, path.read_text(encoding="utf-8"))
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        fail(error.message)
    click.echo(f"Imported {row.key} v{row.version} ({len(model.process_areas)} process areas).")


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"{path}: cannot read: {error.strerror}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except json.JSONDecodeError as error:
        fail(f"{path}:{error.lineno}: invalid JSON: {error.msg} (column {error.colno})")
    if not isinstance(data, dict):
        fail(f"{path}: expected a JSON object with model and target_level")
    return data


def read_model_and_target(path: Path, data: dict[str, Any]) -> tuple[MaturityModel, int | None]:
    """The model named by ``"model"`` and the ``"target_level"`` (1–5 or absent) of an input."""
    key = data.get("model")
    if not isinstance(key, str) or not key:
        fail(f'{path}: "model" must name a model, e.g. "cmmi-dev-1.3"')
    model = find_model(key)
    target = data.get("target_level")
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= 5
    ):
        fail(f'{path}: "target_level" must be a whole number from 1 to 5, not {target!r}')
    return model, target


@click.command("score")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT
@with_appcontext
def score_command(path: Path, output_format: str) -> None:
    """Score a JSON file of ratings: {"model", "target_level", "ratings", "na_reasons"}."""
    data = read_json(path)
    model, target = read_model_and_target(path, data)
    ratings = data.get("ratings", {})
    reasons = data.get("na_reasons") or {}
    if not isinstance(ratings, dict) or not isinstance(reasons, dict):
        fail(f'{path}: "ratings" and "na_reasons" must be objects keyed by practice id')
    problems = validate_ratings(model, ratings, reasons)
    if problems:
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    result = score_assessment(model, ratings, target)
    if output_format == "json":
        print_json(result_to_dict(result))
        return
    click.echo(
        f"Maturity level ML{result.maturity_level}"
        f"{f' (target ML{target})' if target else ''}, score "
        f"{'-' if result.score is None else f'{result.score:.1f}'}"
        f"{'' if result.complete else ', incomplete'}"
    )
    for area in result.process_areas:
        score = "-" if area.score is None else f"{area.score:5.1f}"
        click.echo(
            f"  {area.code:<5} {score}  CL{area.capability_level}  "
            f"unsatisfied: {', '.join(area.unsatisfied_goals) or '-'}"
        )
    if result.gap.levels or result.gap.process_areas:
        click.echo(f"Gap: {result.gap.levels} level(s); {', '.join(result.gap.process_areas)}")
