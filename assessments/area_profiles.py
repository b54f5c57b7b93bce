"""Process-area profiles for the clustering, read from a maturity model."""

from __future__ import annotations

from assessments.clustering import AreaProfile
from assessments.maturity_model.model import MaturityModel, ProcessArea

__all__ = ["area_profile", "area_profiles"]


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
