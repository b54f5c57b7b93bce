"""Before/after chart of a quick-win project's KPIs, as inline SVG.

Matplotlib's object API (``Figure`` + the Agg canvas), never pyplot: pyplot keeps global
state that is not safe in a threaded web server. Chinese labels use a CJK font installed on
the system (Debian ``fonts-noto-cjk``); nothing is downloaded. Drawn inside
``chart_style``, like every chart: a KPI name with ``$`` is plain text, not TeX.
"""

from __future__ import annotations

import io

from app.services.backlog.quickwins import KpiView
from app.services.reports.charts import font_families
from assessments.charts import chart_style


def before_after_svg(views: list[KpiView], labels: dict[str, str]) -> str:
    """One panel per KPI: baseline (before), latest measurement (after) and target, plus
    the measurements over time. ``labels`` holds the translated words of the chart."""
    with chart_style({"svg.hashsalt": "ladder"}):
        return _draw(views, labels)


def _draw(views: list[KpiView], labels: dict[str, str]) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # only where a chart is drawn
    from matplotlib.figure import Figure

    count = max(len(views), 1)
    figure = Figure(figsize=(7, 2.6 * count), layout="constrained")
    FigureCanvasAgg(figure)
    family = font_families()
    for index, view in enumerate(views):
        kpi = view.kpi
        bars = figure.add_subplot(count, 2, 2 * index + 1)
        names = [labels["before"], labels["after"], labels["target"]]
        values = [kpi.baseline, view.latest if view.latest is not None else 0.0, kpi.target]
        colours = ["#9aa5b1", "#0b5fa5" if view.latest is not None else "#d9dee4", "#1a7f37"]
        bars.bar(names, values, color=colours)
        for x, value in enumerate(values):
            bars.annotate(f"{value:g}", (x, value), ha="center", va="bottom", fontsize=8)
        bars.set_title(f"{kpi.name} ({kpi.unit})" if kpi.unit else kpi.name, family=family)
        for label in bars.get_xticklabels():
            label.set_fontfamily(family)
        line = figure.add_subplot(count, 2, 2 * index + 2)
        points = [(m.measured_on, m.value) for m in kpi.measurements]
        if points:
            line.plot(
                [p[0] for p in points],  # type: ignore[arg-type]  # dates: stubs say numbers only
                [p[1] for p in points],
                marker="o",
                color="#0b5fa5",
            )
        line.axhline(kpi.baseline, color="#9aa5b1", linestyle="--", label=labels["before"])
        line.axhline(kpi.target, color="#1a7f37", linestyle=":", label=labels["target"])
        line.legend(prop={"family": family, "size": 8}, loc="best")
        line.tick_params(axis="x", labelsize=7, rotation=30)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
