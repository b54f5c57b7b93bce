"""``ladder consolidate``: the proposed consensus of several respondents, and its score."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.commands.models import FORMAT, fail, print_json, read_json, read_model_and_target
from assessments.consensus import consolidate, consolidation_to_dict, validate_respondent_ratings
from assessments.scoring import result_to_dict, score_assessment


@click.command("consolidate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT
@with_appcontext
def consolidate_command(path: Path, output_format: str) -> None:
    """Consolidate the ratings of several respondents:
    {"model", "target_level", "respondents": {NAME: {"ratings": {...}}}}."""
    data = read_json(path)
    model, target = read_model_and_target(path, data)
    respondents = data.get("respondents")
    if not isinstance(respondents, dict):
        fail(f'{path}: "respondents" must be an object: {{NAME: {{"ratings": {{...}}}}}}')
    problems = validate_respondent_ratings(model, respondents)
    if problems:
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    consolidation = consolidate(
        model, {name: entry.get("ratings") or {} for name, entry in respondents.items()}
    )
    result = score_assessment(model, consolidation.proposed_ratings(), target)
    if output_format == "json":
        print_json({**consolidation_to_dict(consolidation), "score": result_to_dict(result)})
        return
    for practice in consolidation.practices:
        given = ", ".join(f"{name} {rating.value}" for name, rating in practice.ratings.items())
        proposed = practice.proposed.value if practice.proposed else "-"
        flag = "  DISAGREEMENT" if practice.disagreement else ""
        click.echo(f"{practice.practice_id:<12} {proposed:<2}  ({given}){flag}")
    click.echo(
        f"{len(consolidation.practices)} practices rated, "
        f"{len(consolidation.disagreements)} disagreements; maturity level "
        f"ML{result.maturity_level}, score "
        f"{'-' if result.score is None else f'{result.score:.1f}'}"
    )
