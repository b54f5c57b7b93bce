"""Process-area profiles for the clustering, read from a maturity model."""

from __future__ import annotations

from typing import Any

import yaml

from assessments.clustering import AreaProfile
from assessments.maturity_model.index import builtin_model_path
from assessments.maturity_model.model import MaturityModel, ProcessArea

__all__ = ["area_profile", "area_profiles", "builtin_area_profiles"]


def area_profile(area: ProcessArea) -> AreaProfile:
    """One bilingual text of what ``area`` is about: names, purpose, the practices of its
    specific goals and its keywords. Generic practices are left out: every area shares
    them, so they would only pull the areas together."""
    parts = [area.name.zh, area.name.en, area.purpose.zh, area.purpose.en]
    for goal in area.specific_goals:
        for practice in goal.practices:
            parts += [practice.text.zh, practice.text.en]
    parts += [*area.keywords.get("zh", ()), *area.keywords.get("en", ())]
    return AreaProfile(area.code, area.name.zh, area.name.en, "\n".join(parts))


def area_profiles(model: MaturityModel) -> tuple[AreaProfile, ...]:
    """The profile of every process area of ``model``, in model order."""
    return tuple(area_profile(area) for area in model.process_areas)


def builtin_area_profiles(key: str) -> tuple[AreaProfile, ...]:
    """``area_profiles(load_builtin_model(key))``, read straight from the built-in file by
    libyaml: a tenth of the time of loading and validating the whole model, which matters to
    a ``ladder cluster`` process. The built-in files are ours and validated by the tests
    (which also check that both ways give the same profiles). UnknownModelError if none."""
    text = builtin_model_path(key).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    profiles = []
    for area in data["process_areas"]:
        name, purpose = area["name"], area["purpose"]
        parts = [name["zh"], name["en"], purpose["zh"], purpose["en"]]
        for goal in area["goals"]:
            parts += [
                part for p in goal["practices"] for part in (p["text"]["zh"], p["text"]["en"])
            ]
        keywords = area.get("keywords") or {}
        parts += [*keywords.get("zh", ()), *keywords.get("en", ())]
        profiles.append(AreaProfile(area["code"], name["zh"], name["en"], "\n".join(parts)))
    return tuple(profiles)
