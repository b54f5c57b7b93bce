"""``ladder cluster``: group pain points of a file into themes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import ScriptInfo

from app.commands.models import FORMAT, fail, find_model, print_json
from app.services.tabular import MAX_CLUSTER_ROWS, TableError, read_table
from assessments.maturity_model.index import UnknownModelError

if TYPE_CHECKING:
    from assessments.clustering import AreaProfile

PROGRESS_FROM_ROWS = 1000
#: On a machine of this many cores or fewer, the OpenMP and BLAS threads of scikit-learn
#: (small files) and NumPy are limited to one: on two shared cores they spin against each
#: other and the rest of the machine (20,000 rows: 40 % more CPU time with two threads than
#: with one, measured with scikit-learn's k-means).
SMALL_MACHINE_CORES = 2


def _area_profiles(key: str) -> tuple[AreaProfile, ...]:
    """Of a built-in model; else of one imported into the database, for which the app is
    created."""
    from assessments.area_profiles import area_profiles, builtin_area_profiles

    try:
        return builtin_area_profiles(key)
    except UnknownModelError:
        pass
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        return area_profiles(find_model(key))


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
    "--label-column",
    default=None,
    help="Column of confirmed theme labels: labelled rows seed one theme per label.",
)
@click.option(
    "--lang",
    type=click.Choice(["auto", "zh", "en"]),
    default="auto",
    show_default=True,
    help="Language of theme names; auto: the main language of the texts.",
)
@FORMAT
def cluster_command(
    path: Path,
    text_column: str,
    k_value: str,
    label_column: str | None,
    model_key: str,
    lang: str,
    output_format: str,
) -> None:
    """Cluster the pain points of a CSV, TSV or XLSX file into themes.

    CSV/TSV in UTF-8 or GB18030; at most 200,000 rows after the header. With
    --label-column, rows whose label is not empty are confirmed examples of that theme.

    Runs without creating the app (no database, messages in English), unless --model names a
    model imported into the database."""
    # imported here: NumPy, SciPy and rjieba (scikit-learn for small files) would slow every
    # other command's start
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from assessments.clustering import cluster_texts, result_to_dict

    k = _parse_k(k_value)
    labels: list[str] | None = None
    try:
        table = read_table(path, max_rows=MAX_CLUSTER_ROWS)
        texts = table.column(text_column)
        if label_column is not None:
            labels = table.column(label_column)
    except TableError as error:
        fail(f"{path}: {error}")
    name_lang = None if lang == "auto" else lang
    areas = _area_profiles(model_key)
    threads = 1 if (os.cpu_count() or 1) <= SMALL_MACHINE_CORES else None
    with threadpool_limits(limits=threads):
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

                result = cluster_texts(
                    texts, k=k, areas=areas, progress=progress, lang=name_lang, labels=labels
                )
        else:
            result = cluster_texts(texts, k=k, areas=areas, lang=name_lang, labels=labels)
    if output_format == "json":
        print_json(result_to_dict(result))
        return
    click.echo(f"{len(texts)} rows, {result.k} themes")
    for theme in result.themes:
        areas_text = ", ".join(theme.process_areas) or "-"
        click.echo(f"  [{theme.id}] {theme.name}  ({theme.size} rows; {areas_text})")
        for index in theme.representative[:2]:
            click.echo(f"      “{texts[index][:80]}”")
