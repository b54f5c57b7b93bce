"""``ladder cluster``: group pain points of a file into themes."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.commands.models import FORMAT, fail, find_model, print_json
from app.services.tabular import MAX_CLUSTER_ROWS, TableError, read_table

PROGRESS_FROM_ROWS = 1000


def _parse_k(value: str) -> int | None:
    if value == "auto":
        return None
    if value.isascii() and value.isdigit() and len(value) < 10 and int(value) >= 1:
        return int(value)
    raise click.BadParameter("use 'auto' or a whole number of at least 1", param_hint="--k")


@click.command("cluster")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--text-column", required=True, help="Column holding the pain-point text.")
@click.option(
    "--k",
    "k_value",
    default="auto",
    show_default=True,
    help="Number of themes, or 'auto' to choose it.",
)
@click.option(
    "--model",
    "model_key",
    default="cmmi-dev-1.3",
    show_default=True,
    help="Maturity model whose process areas guide and name the themes.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of theme labels.",
)
@FORMAT
@with_appcontext
def cluster_command(
    path: Path, text_column: str, k_value: str, model_key: str, lang: str, output_format: str
) -> None:
    """Cluster the pain points of a CSV, TSV or XLSX file into themes.

    CSV/TSV in UTF-8 or GB18030; at most 200,000 rows after the header."""
    # imported here: scikit-learn and rjieba would slow every other command's start
    from assessments.area_profiles import area_profiles
    from assessments.clustering import cluster_texts, result_to_dict

    k = _parse_k(k_value)
    try:
        with force_locale("en"):
            texts = read_table(path, max_rows=MAX_CLUSTER_ROWS).column(text_column)
    except TableError as error:
        fail(f"{path}: {error}")
    areas = area_profiles(find_model(model_key))
    if len(texts) >= PROGRESS_FROM_ROWS:
        with click.progressbar(
            length=100, label=f"Clustering {len(texts)} rows", file=sys.stderr
        ) as bar:
            shown = 0

            def progress(done: int, total: int) -> None:
                nonlocal shown
                target = round(100 * done / total)
                bar.update(target - shown)
                shown = target

            result = cluster_texts(texts, k=k, areas=areas, progress=progress, lang=lang)
    else:
        result = cluster_texts(texts, k=k, areas=areas, lang=lang)
    if output_format == "json":
        print_json(result_to_dict(result))
        return
    click.echo(f"{len(texts)} rows, {result.k} themes")
    for theme in result.themes:
        areas_text = ", ".join(theme.process_areas) or "-"
        click.echo(f"  [{theme.id}] {theme.label}  ({theme.size} rows; {areas_text})")
        for index in theme.representative[:2]:
            click.echo(f"      “{texts[index][:80]}”")
