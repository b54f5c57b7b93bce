"""Charts of the leadership reports, as SVG or PNG bytes, cached until the data changes.

Drawn with matplotlib's object API (``Figure`` and the Agg canvas, never pyplot and its
global state). Chinese labels need a CJK font: the one ``assessments.charts`` picks among the
installed fonts (Debian's ``fonts-noto-cjk``); if matplotlib's font cache predates the
install, the font files are looked up and registered with ``fontManager.addfont``. Text is
drawn as paths in the SVG, so a chart reads the same wherever it is opened. Colours are the
Okabe–Ito palette; series also differ by line style, marker or hatch; the heatmap uses
``cividis``, which reads the same with colour-vision deficiencies.

Rendering goes through ``assessments.charts.chart_style``: one drawing at a time (it changes
matplotlib's global settings), labels as plain text (names may hold ``$``); and the bytes
are cached by a key made of the data fingerprint, the filters and the language, so a chart is
drawn once per change of the data.
"""

from __future__ import annotations

import functools
import io
import math
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from app.caching import RecentCache
from app.services.reports.build import Report
from assessments.charts import OKABE_ITO, chart_style, cjk_font_family

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported where a chart is drawn (about a second of process start otherwise).

CHART_NAMES = ("levels", "trend", "heatmap", "themes", "flow", "quickwins")
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_PATTERNS = ("*CJK*", "wqy-*", "DroidSansFallback*")
_LINE_STYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_HATCHES = ("", "//", "..")
_GREY = "#BBBBBB"
_cache: RecentCache[tuple[object, ...], bytes] = RecentCache(256)
#: The smallest text of any chart, legends included: readable when printed (issue 15).
MIN_POINTS = 9
#: Labels longer than this (in columns, a CJK character counting two) wrap onto more lines.
LABEL_COLUMNS = 24


# ----------------------------------------------------------------------------- fonts


@functools.cache
def cjk_font() -> tuple[str, int] | None:
    """(file, face index) of the regular face of the CJK font used for every chart and PDF;
    registers the installed CJK font files with matplotlib when its cache lacks them."""
    from matplotlib import font_manager

    family = cjk_font_family()
    if family is None:
        for folder in FONT_DIRS:
            for pattern in FONT_PATTERNS:
                for path in sorted(folder.rglob(pattern)) if folder.is_dir() else ():
                    font_manager.fontManager.addfont(str(path))
        cjk_font_family.cache_clear()
        family = cjk_font_family()
    if family is None:
        return None
    faces = [
        entry
        for entry in font_manager.fontManager.ttflist
        if entry.name == family and entry.style == "normal"
    ]
    regular = min(faces, key=lambda e: abs(_weight(e.weight) - 400), default=None)
    return (regular.fname, getattr(regular, "index", 0)) if regular is not None else None


def _weight(weight: int | str) -> int:
    from matplotlib import font_manager

    return weight if isinstance(weight, int) else font_manager.weight_dict.get(weight, 400)


def font_families() -> list[str]:
    family = cjk_font_family() if cjk_font() is not None else None
    return [f for f in (family, "DejaVu Sans") if f]


def _columns(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap_label(text: str, columns: int = LABEL_COLUMNS, lines: int = 2) -> str:
    """``text`` on at most ``lines`` lines of ``columns`` (CJK characters count two, English
    breaks at spaces when it can); what is left over ends in an ellipsis. Long names then
    neither squeeze the plot nor run off the figure."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        width, cut = 0, len(rest)
        for index, ch in enumerate(rest):
            width += _columns(ch)
            if width > columns:
                cut = index
                break
        if cut < len(rest):
            space = rest.rfind(" ", 0, cut)
            if space > cut // 2:
                cut = space
        out.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        out[-1] = out[-1][:-1] + "…"
    return "\n".join(out)


# --------------------------------------------------------------------------- caching


def cached_chart(key: tuple[object, ...], draw: Callable[[], bytes]) -> bytes:
    """The bytes for ``key``, drawn once; the oldest charts leave the cache first."""
    return _cache.get(key, draw)


def clear_cache() -> None:
    _cache.clear()


def render(name: str, report: Report, fmt: str) -> bytes:
    """Draw chart ``name`` of ``report`` as ``fmt`` ("svg" or "png")."""
    builder = _BUILDERS[name]
    with chart_style(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "ladder",
            "font.family": "sans-serif",
            "font.sans-serif": font_families(),
            "font.size": MIN_POINTS,
            "legend.fontsize": MIN_POINTS,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = builder(report)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": "Ladder"}
        figure.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- charts


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, max(height, 2.2)), layout="constrained")


def _patch(**style: object) -> object:
    """A legend entry (a filled rectangle) of ``style``."""
    from matplotlib.patches import Patch

    return Patch(**style)  # type: ignore[arg-type]


def _empty(figure: Figure, message: str) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#555555", fontsize=11)
    return figure


def _levels(report: Report) -> Figure:
    lines = [line for line in report.lines if line.maturity_level is not None]
    figure = _figure(7.5, 1.2 + 0.42 * len(lines))
    if not lines:
        return _empty(figure, _("No results in this cycle yet."))
    axes = figure.add_subplot()
    names = [wrap_label(line.name) for line in lines][::-1]
    levels = [line.maturity_level or 0 for line in lines][::-1]
    targets = [line.target_level for line in lines][::-1]
    colours = [OKABE_ITO[0] if not line.gap else OKABE_ITO[3] for line in lines][::-1]
    hatches = ["" if line.validated else "//" for line in lines][::-1]
    bars = axes.barh(names, levels, color=colours, edgecolor="white", height=0.6)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    axes.scatter(
        [t if t is not None else math.nan for t in targets],
        names,
        marker="D",
        color="black",
        zorder=3,
        label=_("Target level"),
    )
    axes.set_xlim(0, 5.3)
    axes.set_xticks([0, 1, 2, 3, 4, 5], ["", "ML1", "ML2", "ML3", "ML4", "ML5"])
    axes.set_title(
        _("Maturity level by business line · %(cycle)s", cycle=report.cycle.name)
        if report.cycle
        else ""
    )
    handles = [
        _patch(color=OKABE_ITO[0], label=_("Target met")),
        _patch(color=OKABE_ITO[3], label=_("Below target")),
        _patch(facecolor="white", edgecolor="#555555", hatch="//", label=_("Not validated yet")),
    ]
    axes.legend(
        handles=[*handles, *axes.get_legend_handles_labels()[0]],
        loc="lower right",
        fontsize=MIN_POINTS,
        frameon=False,
    )
    axes.grid(axis="x", color=_GREY, linewidth=0.5)
    return figure


def _trend(report: Report) -> Figure:
    count = len(report.trend)
    figure = _figure(8.0 if count > 8 else 7.0, 3.6 + 0.05 * count)
    if not report.trend:
        return _empty(figure, _("No validated assessment yet."))
    axes = figure.add_subplot()
    positions = {c.id: index for index, c in enumerate(report.trend_cycles)}
    for index, (line, points) in enumerate(report.trend):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        style = _LINE_STYLES[(index // len(OKABE_ITO)) % len(_LINE_STYLES)]
        marker = _MARKERS[index % len(_MARKERS)]
        xs = [positions[p.cycle_id] for p in points]
        ys = [p.score if p.score is not None else math.nan for p in points]
        axes.plot(xs, ys, linestyle=style, marker=marker, color=colour, label=wrap_label(line.name))
    axes.set_xticks(range(len(report.trend_cycles)), [c.name for c in report.trend_cycles])
    axes.set_ylim(0, 105)
    axes.set_ylabel(_("Score (0–100)"))
    axes.set_title(_("Score trend by business line (validated assessments)"))
    axes.grid(axis="y", color=_GREY, linewidth=0.5)
    axes.legend(
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=MIN_POINTS,
        frameon=False,
        ncol=2 if count > 15 else 1,
    )
    return figure


def _heatmap(report: Report) -> Figure:
    grid = report.heatmap
    figure = _figure(1.6 + 0.42 * len(grid.columns), 1.2 + 0.3 * len(grid.rows))
    if grid.empty:
        return _empty(figure, _("No process-area scores yet."))
    axes = figure.add_subplot()
    values = [[math.nan if v is None else v for v in row] for row in grid.values]
    image = axes.imshow(values, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    axes.set_xticks(range(len(grid.columns)), list(grid.columns), rotation=90)
    axes.set_yticks(range(len(grid.rows)), [wrap_label(row, lines=1) for row in grid.rows])
    if len(grid.rows) * len(grid.columns) <= 400:
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if not math.isnan(value):
                    axes.text(
                        c,
                        r,
                        f"{value:.0f}",
                        ha="center",
                        va="center",
                        fontsize=MIN_POINTS,
                        color="black" if value > 60 else "white",
                    )
    axes.spines[:].set_visible(False)
    figure.colorbar(image, ax=axes, label=_("Score (0–100)"), shrink=0.8)
    axes.set_title(_("Process-area scores by business line"))
    return figure


def _themes(report: Report) -> Figure:
    themes = list(report.themes)
    figure = _figure(7.5, 1.2 + 0.46 * len(themes))
    if not themes:
        return _empty(figure, _("No published themes yet."))
    axes = figure.add_subplot()
    labels = [wrap_label(t.label) for t in themes][::-1]
    sizes = [t.size for t in themes][::-1]
    bars = axes.barh(labels, sizes, color=OKABE_ITO[2], height=0.6)
    for bar, theme in zip(bars, themes[::-1], strict=True):
        severity = "–" if theme.mean_severity is None else f"{theme.mean_severity:.1f}"
        axes.annotate(
            _("%(n)s · severity %(s)s", n=theme.size, s=severity),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=MIN_POINTS,
        )
    axes.set_xlim(0, max(sizes) * 1.35)
    axes.set_xlabel(_("Findings"))
    axes.set_title(_("Top themes by size (mean severity 1–5)"))
    return figure


def _flow(report: Report) -> Figure:
    months = list(report.flow)
    figure = _figure(max(6.0, 0.45 * len(months) + 2), 3.4)
    if not months:
        return _empty(figure, _("No backlog activity yet."))
    axes = figure.add_subplot()
    series = (
        (_("New items"), [m.created for m in months]),
        (_("Done"), [m.done for m in months]),
        (_("Verified"), [m.verified for m in months]),
    )
    width = 0.27
    for index, (label, counts) in enumerate(series):
        axes.bar(
            [x + (index - 1) * width for x in range(len(months))],
            counts,
            width=width,
            color=OKABE_ITO[index],
            hatch=_HATCHES[index],
            edgecolor="white",
            label=label,
        )
    axes.set_xticks(range(len(months)), [m.month for m in months], rotation=45)
    axes.set_xlim(-0.6, max(len(months), 6) - 0.4)
    axes.set_ylabel(_("Items"))
    axes.set_title(_("Backlog flow per month"))
    axes.legend(fontsize=MIN_POINTS, frameon=False)
    axes.grid(axis="y", color=_GREY, linewidth=0.5)
    return figure


def _quickwins(report: Report) -> Figure:
    outcomes = [o for o in report.quick_wins.outcomes if o.progress is not None]
    figure = _figure(7.5, 1.4 + 0.46 * len(outcomes))
    if not outcomes:
        return _empty(figure, _("No KPI measurement yet."))
    axes = figure.add_subplot()
    labels = [wrap_label(f"{o.project} / {o.name}", columns=30) for o in outcomes][::-1]
    progress = [max(min((o.progress or 0) * 100, 150), -50) for o in outcomes][::-1]
    colours = [OKABE_ITO[2] if o.achieved else OKABE_ITO[1] for o in outcomes][::-1]
    axes.barh(labels, progress, color=colours, height=0.6)
    axes.axvline(100, color="black", linestyle="--", linewidth=1, label=_("Target"))
    axes.axvline(0, color="#555555", linewidth=0.8)
    axes.set_xlim(-50, 155)
    axes.set_xlabel(_("Progress from baseline to target (%)"))
    share = report.quick_wins.achieved_share
    shown = None if share is None else f"{share:.0%}"
    axes.set_title(
        _("Quick-win KPIs: %(share)s achieved", share=shown) if shown else _("Quick-win KPIs")
    )
    handles = [
        _patch(color=OKABE_ITO[2], label=_("Achieved")),
        _patch(color=OKABE_ITO[1], label=_("Not achieved yet")),
        *axes.get_legend_handles_labels()[0],
    ]
    axes.legend(  # beside the plot: bars run up to 150 % and would hide it
        handles=handles,
        fontsize=MIN_POINTS,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    return figure


_BUILDERS: dict[str, Callable[[Report], Figure]] = {
    "levels": _levels,
    "trend": _trend,
    "heatmap": _heatmap,
    "themes": _themes,
    "flow": _flow,
    "quickwins": _quickwins,
}


def chart_names_with_data(report: Report) -> Sequence[str]:
    """The charts worth showing for ``report`` (the others would only say "no data")."""
    shown = {
        "levels": report.has_results,
        "trend": bool(report.trend),
        "heatmap": not report.heatmap.empty,
        "themes": bool(report.themes),
        "flow": bool(report.flow),
        "quickwins": any(o.progress is not None for o in report.quick_wins.outcomes),
    }
    return [name for name in CHART_NAMES if shown[name]]
