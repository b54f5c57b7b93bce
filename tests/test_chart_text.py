"""Names with ``$`` in every chart: drawn as typed, never parsed as TeX (issue 17, item 7).

A KPI named ``On-time $\\x$ rate`` once made matplotlib's mathtext fail, and with it every
report, export and chart that showed the name, for every reader.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.reports.charts import CHART_NAMES, clear_cache
from app.services.reports.documents import clear_caches
from assessments.charts import RadarChart, RadarSeries, radar_svg
from models import (
    Assessment,
    BusinessLine,
    Cycle,
    ImprovementItem,
    Kpi,
    QuickWinProject,
    Role,
    Theme,
)
from tests.report_support import build_all

TEX = r"On-time $\x$ rate"
PAYLOADS = (TEX, r"$\frac{", "$$", r"50$ \$ $^_", r"\mathrm{x}$")


@pytest.fixture
def tex_world(app, make_user, make_business_line):
    pmo = make_user(Role.PMO)
    director = make_user(Role.DIRECTOR)
    line_a = make_business_line("A", f"研发中心 {PAYLOADS[1]}", directors=(director.id,))
    line_b = make_business_line("B", f"供应链 {PAYLOADS[2]}")
    fixture = build_all(app, pmo.id, line_a.id, line_b.id)
    with app.app_context():
        for model in (Kpi, ImprovementItem, Theme, Cycle):
            for index, row in enumerate(db.session.scalars(select(model))):
                attribute = {Kpi: "name", ImprovementItem: "title", Theme: "label"}.get(
                    model, "name"
                )
                payload = PAYLOADS[index % len(PAYLOADS)]
                setattr(row, attribute, f"{payload} {getattr(row, attribute)}"[:100])
        project = db.session.scalars(select(QuickWinProject)).first()
        project.owner_id = director.id
        assessment_id = db.session.scalar(
            select(Assessment.id).where(Assessment.cycle_id == fixture.cycle_2)
        )
        db.session.commit()
        ids = {"project": project.id, "line": line_a.id, "assessment": assessment_id}
    clear_cache()
    clear_caches()
    return {"pmo": pmo, "director": director, **ids}


def test_tex_in_names_breaks_no_chart_report_or_export(app, tex_world, auth):
    auth.login(tex_world["pmo"])
    client = auth.client
    urls = [
        "/reports/",
        "/reports/company.pdf",
        "/reports/company.xlsx",
        f"/reports/business-lines/{tex_world['line']}",
        f"/reports/business-lines/{tex_world['line']}.pdf",
        f"/reports/business-lines/{tex_world['line']}.xlsx",
        f"/quick-wins/{tex_world['project']}/chart.svg",
        f"/cycles/assessments/{tex_world['assessment']}/results/radar.svg",
    ]
    urls += [f"/reports/charts/{name}.{fmt}" for name in CHART_NAMES for fmt in ("svg", "png")]
    failures = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert failures == []


def test_the_director_owning_the_quick_win_adds_a_tex_kpi_and_the_chart_still_draws(
    app, tex_world, auth
):
    with app.app_context():
        db.session.execute(db.delete(Kpi))
        db.session.commit()
    auth.login(tex_world["director"])
    project = tex_world["project"]
    added = auth.client.post(
        f"/quick-wins/{project}/kpis",
        data={"name": TEX, "unit": "%", "direction": "higher", "baseline": "80", "target": "95"},
    )
    assert added.status_code == 302
    chart = auth.client.get(f"/quick-wins/{project}/chart.svg")
    assert chart.status_code == 200
    assert chart.text.startswith("<svg")


def test_the_radar_keeps_dollar_labels_as_typed_text():
    """The radar keeps its text as SVG text, so the label is there character for character."""
    chart = RadarChart(
        title=TEX,
        axes=("PP", r"$\x$", "REQM"),
        series=(RadarSeries(label=r"$\frac{", values=(50.0, 60.0, 70.0), filled=True),),
    )
    svg = radar_svg(chart)
    assert "On-time $\\x$ rate" in svg
    assert "$\\frac{" in svg


def test_business_line_names_with_tex_show_on_the_levels_chart(app, tex_world, auth):
    auth.login(tex_world["pmo"])
    with app.app_context():
        names = list(db.session.scalars(select(BusinessLine.name)))
    assert any("$" in name for name in names)
    assert auth.client.get("/reports/charts/levels.png").status_code == 200
