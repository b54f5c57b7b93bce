"""The PMO's corrections as labelled examples, and the review of a theme's findings.

Findings the PMO moved to a theme or confirmed in it are labelled examples of it
(:data:`models.LABELLED_PLACEMENTS`): the next run over the same findings passes their
theme's name as a label to :func:`assessments.clustering.cluster_texts` (seeded k-means), so
they stay together under that name and pull similar findings with them; placing new findings
in a run's themes treats them as prototypes of their theme beside its centroid
(:func:`assessments.clustering.assign_with_examples`). A run started from a list of theme
names (:func:`create_named_run`) takes that list's examples instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from app.extensions import db
from assessments.quote_language import in_language_first, text_language
from assessments.theme_list import NamedTheme
from models import (
    LABELLED_PLACEMENTS,
    ClusteringRun,
    Finding,
    Placement,
    RunStatus,
    Theme,
    ThemeFinding,
)

if TYPE_CHECKING:
    from assessments.clustering import ClusteringResult

#: How many quotes a theme page shows, and how many of them it tries to find in the
#: reader's language.
MAX_QUOTES = 5
MIN_OWN_LANGUAGE_QUOTES = 3
#: Finding ids per ``IN (...)`` of an update.
_CHUNK = 1000
#: Members scanned for quotes in the reader's language when the central ones lack them.
_QUOTE_SCAN = 200


def _previous_run(run: ClusteringRun) -> int | None:
    return db.session.scalar(
        select(ClusteringRun.id)
        .where(ClusteringRun.status == RunStatus.DONE, ClusteringRun.id < run.id)
        .order_by(ClusteringRun.id.desc())
        .limit(1)
    )


def confirmed_labels(run: ClusteringRun, finding_ids: Sequence[int]) -> list[str | None]:
    """Per finding of ``run``, the name of the theme the PMO moved it to or confirmed it in,
    in the latest finished run before it, else ``None``."""
    previous = _previous_run(run)
    if previous is None:
        return [None] * len(finding_ids)
    rows = db.session.execute(
        select(ThemeFinding.finding_id, Theme.label)
        .join(Theme, Theme.id == ThemeFinding.theme_id)
        .where(ThemeFinding.run_id == previous, ThemeFinding.placed_by.in_(LABELLED_PLACEMENTS))
    )
    labelled: dict[int, str] = {row.finding_id: row.label for row in rows}
    return [labelled.get(finding_id) for finding_id in finding_ids]


def seeded_k(run: ClusteringRun, labels: Sequence[str | None]) -> int | None:
    """The number of themes of a run with confirmed examples: the one asked for, else that
    of the previous run (none for a run started from names), and never fewer than the
    labels (else ``None``: choose it)."""
    distinct = len({label for label in labels if label})
    if not distinct:
        return run.k_requested
    if named_themes(run):
        return max(distinct, run.k_requested or distinct)
    previous_k = db.session.scalar(
        select(ClusteringRun.k)
        .where(ClusteringRun.status == RunStatus.DONE, ClusteringRun.id < run.id)
        .order_by(ClusteringRun.id.desc())
        .limit(1)
    )
    return max(distinct, run.k_requested or previous_k or distinct)


# ------------------------------------------------------------- runs started from names


def named_themes(run: ClusteringRun) -> tuple[NamedTheme, ...]:
    """The theme names and examples a run was started from (empty for other runs)."""
    return tuple(
        NamedTheme(str(item["name"]), tuple(str(e) for e in item["examples"]))
        for item in run.parameters.get("named_themes", ())
    )


@dataclass(frozen=True, slots=True)
class RunExamples:
    """What a run clusters besides its findings' texts: the label of each finding (its
    theme's name when it is an example, else ``None``), and example texts of named themes
    that are no finding, clustered after the findings and left out of the stored result."""

    labels: list[str | None]
    texts: list[str]
    text_labels: list[str]

    @property
    def all_labels(self) -> list[str | None]:
        return [*self.labels, *self.text_labels]

    def own_rows(self, result: ClusteringResult, n: int) -> ClusteringResult:
        """``result`` for the first ``n`` rows only (the findings): the extra examples'
        assignments, confidences and quotes dropped."""
        if not self.texts:
            return result
        themes = tuple(
            replace(theme, representative=tuple(i for i in theme.representative if i < n))
            for theme in result.themes
        )
        return replace(
            result,
            themes=themes,
            assignments=result.assignments[:n],
            confidence=result.confidence[:n],
        )


def run_examples(run: ClusteringRun, rows: Sequence[tuple[Any, ...]]) -> RunExamples:
    """The labelled examples of a run over ``rows`` (finding id, text, …): the named themes
    it was started from — a finding whose text is an example is labelled, the other
    examples are extra texts — else the PMO's corrections in the previous run."""
    named = named_themes(run)
    if not named:
        return RunExamples(confirmed_labels(run, [r[0] for r in rows]), [], [])
    by_text = {example.strip(): theme.name for theme in named for example in theme.examples}
    labels = [by_text.get(str(row[1]).strip()) for row in rows]
    matched = {str(row[1]).strip() for row, label in zip(rows, labels, strict=True) if label}
    extra = [(text, name) for text, name in by_text.items() if text not in matched]
    return RunExamples(labels, [t for t, _n in extra], [n for _t, n in extra])


def keep_examples(
    run: ClusteringRun, finding_ids: Sequence[int], labels: Sequence[str | None]
) -> None:
    """After a run: the findings it took as labelled examples (the PMO's corrections of the
    run before, or the examples of a run started from names) are confirmed in their theme,
    so they stay examples for the run after it, and the one after that."""
    labelled = [fid for fid, label in zip(finding_ids, labels, strict=True) if label]
    for start in range(0, len(labelled), _CHUNK):
        db.session.execute(
            update(ThemeFinding)
            .where(
                ThemeFinding.run_id == run.id,
                ThemeFinding.finding_id.in_(labelled[start : start + _CHUNK]),
            )
            .values(placed_by=Placement.CONFIRMED, confidence=1.0)
            .execution_options(synchronize_session=False)
        )


def examples_of(run: ClusteringRun) -> tuple[list[str], list[int]]:
    """The PMO's examples in ``run`` for nearest-theme assignment: their texts and the
    cluster id of their theme (a theme made later, without one, gets ``-theme.id``)."""
    rows = db.session.execute(
        select(Finding.text, Theme.id, Theme.cluster_ids)
        .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
        .join(Theme, Theme.id == ThemeFinding.theme_id)
        .where(ThemeFinding.run_id == run.id, ThemeFinding.placed_by.in_(LABELLED_PLACEMENTS))
        .order_by(Finding.id)
    ).all()
    return [r.text for r in rows], [r.cluster_ids[0] if r.cluster_ids else -r.id for r in rows]


# ----------------------------------------------------------------------- quotes


def theme_quotes(theme: Theme, lang: str) -> list[Finding]:
    """The theme's 3–5 quotes, those in the reader's language (``"zh"``/``"en"``) first.

    The run's central quotes come first in their order; when fewer than
    :data:`MIN_OWN_LANGUAGE_QUOTES` are in the reader's language, the most confidently placed
    members in that language are added, so an English reader of a mostly Chinese theme
    still reads English ones when there are some."""
    central = {
        f.id: f
        for f in db.session.scalars(select(Finding).where(Finding.id.in_(theme.representative_ids)))
    }
    quotes = [central[i] for i in theme.representative_ids if i in central]
    own = sum(1 for q in quotes if text_language(q.text) == lang)
    if own < MIN_OWN_LANGUAGE_QUOTES:
        seen = {q.text.strip() for q in quotes}
        members = db.session.scalars(
            select(Finding)
            .join(ThemeFinding, ThemeFinding.finding_id == Finding.id)
            .where(ThemeFinding.theme_id == theme.id, Finding.id.not_in(list(central)))
            .order_by(ThemeFinding.confidence.is_(None), ThemeFinding.confidence.desc(), Finding.id)
            .limit(_QUOTE_SCAN)
        )
        for member in members:
            text = member.text.strip()
            if text not in seen and text_language(text) == lang:
                quotes.append(member)
                seen.add(text)
                own += 1
                if own == MIN_OWN_LANGUAGE_QUOTES:
                    break
    ordered = [quotes[i] for i in in_language_first([q.text for q in quotes], lang)]
    return ordered[:MAX_QUOTES]
