"""Charts of assessment results, drawn with matplotlib's object API (never pyplot: no global
state, safe in a threaded server) and returned as SVG text.

Text is kept as ``<text>`` in the SVG (``svg.fonttype = none``): the browser draws Chinese
with the reader's fonts, the file stays small and searchable. For measuring the labels a CJK
font is looked up among the installed fonts (Noto Sans CJK, WenQuanYi, …); without one the
chart still renders, with DejaVu metrics. Colours are the Okabe–Ito palette, which readers
with colour-vision deficiencies can tell apart, and each series also has its own line style
and marker.

Every chart of Ladder draws inside :func:`chart_style`: text is plain text (a ``$`` in a KPI,
theme or business-line name is drawn as typed, never parsed as TeX, which would fail on a
bad formula and break the chart for every reader), and drawings are serialised because
matplotlib's settings are global.

Pure domain code: values in, SVG out; no Flask, no database.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes

# matplotlib is imported where a chart is drawn, not with this module: it costs about a second
# of process start, and most processes (and most requests) never draw.

__all__ = [
    "OKABE_ITO",
    "RadarChart",
    "RadarSeries",
    "chart_style",
    "cjk_font_family",
    "radar_svg",
]

#: Okabe & Ito (2008), colour-blind safe: blue, orange, bluish green, vermillion, purple.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")
_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"))
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)


#: Settings no chart may change: labels are text as typed, never TeX or mathtext.
PLAIN_TEXT = {
    "text.usetex": False,
    "text.parse_math": False,
    "axes.formatter.use_mathtext": False,
}
_DRAWING = threading.RLock()


@contextmanager
def chart_style(settings: Mapping[str, Any]) -> Iterator[None]:
    """Draw a chart with ``settings`` (matplotlib rc parameters) and plain-text labels.

    Create the figure, draw and save it inside the block: matplotlib reads text settings
    when a label is made and when it is drawn. One chart at a time, since ``rc_context``
    changes process-wide settings."""
    import matplotlib

    rc = cast(Any, {**settings, **PLAIN_TEXT})  # the stubs type keys as a Literal of names
    with _DRAWING, matplotlib.rc_context(rc):
        yield


@dataclass(frozen=True)
class RadarSeries:
    label: str
    #: One value (0–100) per axis; None where there is nothing to draw.
    values: tuple[float | None, ...]
    #: Fill the polygon (for the main series only, to keep the chart readable).
    filled: bool = False


@dataclass(frozen=True)
class RadarChart:
    title: str
    axes: tuple[str, ...]
    series: tuple[RadarSeries, ...]
    #: Describes the chart for screen readers (SVG <desc>).
    description: str = ""


@functools.cache
def cjk_font_family() -> str | None:
    """The first installed font family able to show Chinese, or None."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    for name in sorted(installed):
        if "CJK" in name or "Hei" in name or "Ming" in name:
            return name
    return None


def radar_svg(chart: RadarChart) -> str:
    """The chart as SVG text. Fewer than three axes still draw (as a line or a point)."""
    from matplotlib.figure import Figure

    families = [f for f in (cjk_font_family(), "DejaVu Sans") if f]
    with chart_style(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "ladder",
            "font.family": "sans-serif",
            "font.sans-serif": families,
            "font.size": 10,
        }
    ):
        figure = Figure(figsize=(6.4, 5.6), dpi=100)
        axes = cast("PolarAxes", figure.add_subplot(projection="polar"))
        count = max(len(chart.axes), 1)
        angles = [2 * math.pi * i / count for i in range(count)]
        for index, series in enumerate(chart.series):
            colour = OKABE_ITO[index % len(OKABE_ITO)]
            style, marker = _STYLES[index % len(_STYLES)]
            values = [math.nan if v is None else v for v in series.values]
            closed_angles, closed_values = [*angles, angles[0]], [*values, values[0]]
            axes.plot(
                closed_angles,
                closed_values,
                linestyle=style,
                marker=marker,
                markersize=4,
                linewidth=1.8,
                color=colour,
                label=series.label,
            )
            if series.filled:
                axes.fill(
                    closed_angles,
                    [0 if math.isnan(v) else v for v in closed_values],
                    color=colour,
                    alpha=0.15,
                )
        axes.set_ylim(0, 100)
        axes.set_yticks([20, 40, 60, 80, 100])
        axes.set_yticklabels(["20", "40", "60", "80", "100"], color="#555555", fontsize=8)
        axes.set_xticks(angles)
        axes.set_xticklabels(list(chart.axes) or [""])
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.grid(color="#BBBBBB", linewidth=0.6)
        axes.set_title(chart.title, pad=18, fontsize=12)
        if chart.series:
            axes.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.06),
                ncol=len(chart.series),
                frameon=False,
                fontsize=9,
            )
        figure.subplots_adjust(left=0.08, right=0.92, top=0.86, bottom=0.14)
        buffer = io.StringIO()
        figure.savefig(
            buffer, format="svg", metadata={"Date": None, "Description": chart.description or None}
        )
    return buffer.getvalue()
