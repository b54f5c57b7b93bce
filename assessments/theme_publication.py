"""Publishing a clustering run: match its themes to the run published before, carry the
PMO's work over, and say what changed.

A new run clusters afresh, so its themes are new rows with new names. The PMO's work on the
published run — renames, merges, findings moved or confirmed, backlog items linked to a
theme — would be lost if the new run simply replaced it. :func:`plan_publication` matches
each new theme to the old theme that shares the most findings (Jaccard overlap of their
finding ids, one-to-one by the Hungarian method, at least :data:`MIN_OVERLAP`), then plans:

- **renames**: a matched old theme the PMO renamed gives its name to the new theme;
- **merges**: an old theme the PMO made by merging keeps them merged: a new theme that no
  old theme matched and whose findings lie mostly (:data:`MERGE_SHARE`) in that old theme is
  folded into the new theme matched to it;
- **placements**: a finding the PMO moved (or confirmed) into a matched old theme goes to
  (stays in) the new theme matched to it, still marked as the PMO's;
- **backlog items** of a matched old theme answer the new theme; items of an old theme that
  nothing matched keep their old theme and are listed, for the PMO to re-link.

Everything is values in, values out: the service reads the rows and applies the plan, and
the page shows the same plan as a preview before the PMO publishes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The least Jaccard overlap of finding ids for two themes of two runs to be the same theme.
MIN_OVERLAP = 0.3
#: The share of an unmatched new theme's findings that must lie in an old merged theme for
#: the PMO's merge to be applied to it again.
MERGE_SHARE = 0.5


@dataclass(frozen=True)
class RunTheme:
    """A theme of a run as the plan needs it."""

    id: int
    label: str
    findings: frozenset[int]
    #: The PMO renamed it (or a rename was carried over to it).
    label_edited: bool = False
    #: The PMO merged other themes into it.
    merged: bool = False


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def match_themes(
    old: Mapping[int, frozenset[int]],
    new: Mapping[int, frozenset[int]],
    *,
    min_overlap: float = MIN_OVERLAP,
) -> dict[int, int]:
    """``{new theme id: old theme id}``: each new theme paired with at most one old theme,
    maximising the total Jaccard overlap of their findings; pairs below ``min_overlap``
    are left unmatched. Deterministic: themes are taken in id order."""
    # imported here: the app imports this module, and a web process should not pay for SciPy
    # until someone publishes a run
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    old_ids, new_ids = sorted(old), sorted(new)
    if not old_ids or not new_ids:
        return {}
    scores = np.zeros((len(new_ids), len(old_ids)))
    owner = {f: col for col, old_id in enumerate(old_ids) for f in old[old_id]}
    for row, new_id in enumerate(new_ids):
        shared = Counter(owner[f] for f in new[new_id] if f in owner)
        for col, count in shared.items():
            union = len(new[new_id]) + len(old[old_ids[col]]) - count
            scores[row, col] = count / union
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return {
        new_ids[r]: old_ids[c]
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        if scores[r, c] >= min_overlap and scores[r, c] > 0
    }


@dataclass(frozen=True)
class Changes:
    """What publishing a run changed, against the run published before it."""

    previous_run_id: int | None
    new: tuple[dict[str, Any], ...] = ()
    gone: tuple[dict[str, Any], ...] = ()
    renamed: tuple[dict[str, Any], ...] = ()
    relabelled: tuple[dict[str, Any], ...] = ()
    grown: tuple[dict[str, Any], ...] = ()
    shrunk: tuple[dict[str, Any], ...] = ()
    merged: tuple[dict[str, Any], ...] = ()
    findings_carried: int = 0
    findings_moved: int = 0
    findings_dropped: int = 0
    items_relinked: tuple[dict[str, Any], ...] = ()
    items_kept: tuple[dict[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (stored on the run, shown later)."""
        return {
            "previous_run_id": self.previous_run_id,
            "new": list(self.new),
            "gone": list(self.gone),
            "renamed": list(self.renamed),
            "relabelled": list(self.relabelled),
            "grown": list(self.grown),
            "shrunk": list(self.shrunk),
            "merged": list(self.merged),
            "findings_carried": self.findings_carried,
            "findings_moved": self.findings_moved,
            "findings_dropped": self.findings_dropped,
            "items_relinked": list(self.items_relinked),
            "items_kept": list(self.items_kept),
        }


@dataclass(frozen=True)
class Plan:
    """What to do to the new run, and what it changes."""

    #: New theme id → the old theme id it continues.
    matches: dict[int, int]
    #: New theme id folded into → the new theme id that keeps it (a carried PMO merge).
    merges: dict[int, int]
    #: New theme id → the PMO's name it takes.
    renames: dict[int, str]
    #: New theme id → the name it takes instead of a name the PMO gave another theme: the
    #: name of the old theme it continues (two themes never share a name after publishing).
    relabels: dict[int, str]
    #: Finding id → (new theme id, placement) for the PMO's moves and confirmations.
    placements: dict[int, tuple[int, str]]
    #: Backlog item id → new theme id.
    items: dict[int, int]
    changes: Changes = field(default_factory=lambda: Changes(None))


def plan_publication(
    old: Sequence[RunTheme],
    new: Sequence[RunTheme],
    *,
    placements: Mapping[int, str] | None = None,
    items: Mapping[int, Sequence[int]] | None = None,
    previous_run_id: int | None = None,
    min_overlap: float = MIN_OVERLAP,
) -> Plan:
    """The plan for publishing the run of ``new`` over the published run of ``old``.

    ``placements``: finding id → how the PMO placed it in the old run (``"moved"``, or a
    confirmation); ``items``: old theme id → the ids of backlog items linked to it."""
    placements = placements or {}
    items = items or {}
    old_by_id = {t.id: t for t in old}
    new_by_id = {t.id: t for t in new}
    matches = match_themes(
        {t.id: t.findings for t in old},
        {t.id: t.findings for t in new},
        min_overlap=min_overlap,
    )
    continued = {old_id: new_id for new_id, old_id in matches.items()}

    merges: dict[int, int] = {}
    for theme in sorted(new, key=lambda t: t.id):
        if theme.id in matches or not theme.findings:
            continue
        for old_theme in old:
            kept = continued.get(old_theme.id)
            share = len(theme.findings & old_theme.findings) / len(theme.findings)
            if old_theme.merged and kept is not None and share >= MERGE_SHARE:
                merges[theme.id] = kept
                break

    members = {t.id: set(t.findings) for t in new if t.id not in merges}
    for absorbed, kept in merges.items():
        members[kept] |= new_by_id[absorbed].findings
    where = {f: theme_id for theme_id, found in members.items() for f in found}
    old_of = {f: t.id for t in old for f in t.findings}

    carried: dict[int, tuple[int, str]] = {}
    moved = dropped = 0
    for finding_id, placement in sorted(placements.items()):
        target = continued.get(old_of.get(finding_id, -1))
        current = where.get(finding_id)
        if target is None or current is None:
            dropped += 1
            continue
        carried[finding_id] = (target, placement)
        if current != target:
            members[current].discard(finding_id)
            members[target].add(finding_id)
            moved += 1

    renames = {
        new_id: old_by_id[old_id].label
        for new_id, old_id in matches.items()
        if old_by_id[old_id].label_edited
    }
    taken = set(renames.values())
    relabels: dict[int, str] = {}
    for theme in sorted(new, key=lambda t: t.id):
        if theme.id in renames or theme.id in merges or theme.label not in taken:
            continue
        old_id = matches.get(theme.id)
        name = old_by_id[old_id].label if old_id is not None else ""
        if not name or name in taken:
            name = next(
                f"{theme.label} ({n})"
                for n in range(2, len(new) + 3)
                if f"{theme.label} ({n})" not in taken
            )
        relabels[theme.id] = name
        taken.add(name)
    relinked = {
        item: new_id
        for new_id, old_id in sorted(matches.items())
        for item in sorted(items.get(old_id, ()))
    }

    def label(new_id: int) -> str:
        return renames.get(new_id) or relabels.get(new_id) or new_by_id[new_id].label

    grown, shrunk = [], []
    for new_id, old_id in sorted(matches.items()):
        before, after = len(old_by_id[old_id].findings), len(members[new_id])
        row = {"id": new_id, "label": label(new_id), "before": before, "after": after}
        if after > before:
            grown.append(row)
        elif after < before:
            shrunk.append(row)
    changes = Changes(
        previous_run_id=previous_run_id,
        new=tuple(
            {"id": t, "label": label(t), "size": len(members[t])}
            for t in sorted(members)
            if t not in matches
        ),
        gone=tuple(
            {
                "id": t.id,
                "label": t.label,
                "size": len(t.findings),
                "items": sorted(items.get(t.id, ())),
            }
            for t in sorted(old, key=lambda t: t.id)
            if t.id not in continued
        ),
        renamed=tuple(
            {"id": new_id, "label": name, "generated": new_by_id[new_id].label}
            for new_id, name in sorted(renames.items())
        ),
        relabelled=tuple(
            {"id": new_id, "label": name, "generated": new_by_id[new_id].label}
            for new_id, name in sorted(relabels.items())
        ),
        grown=tuple(grown),
        shrunk=tuple(shrunk),
        merged=tuple(
            {"id": kept, "label": label(kept), "absorbed": new_by_id[absorbed].label}
            for absorbed, kept in sorted(merges.items())
        ),
        findings_carried=len(carried),
        findings_moved=moved,
        findings_dropped=dropped,
        items_relinked=tuple(
            {"id": item, "theme": new_id, "label": label(new_id)}
            for item, new_id in relinked.items()
        ),
        items_kept=tuple(
            {"id": item, "theme": t.id, "label": t.label}
            for t in sorted(old, key=lambda t: t.id)
            if t.id not in continued
            for item in sorted(items.get(t.id, ()))
        ),
    )
    return Plan(matches, merges, renames, relabels, carried, relinked, changes)
