"""Consensus of several respondents: proposed ratings and disagreements on hand-made cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.consensus import (
    consolidate,
    consolidation_to_dict,
    is_disagreement,
    propose_consensus,
    validate_respondent_ratings,
)
from assessments.scoring import RATING_POINTS, Rating
from tests.unit.test_scoring import MINI


@pytest.mark.parametrize(
    ("ratings", "proposed"),
    [
        ([], None),
        (["FI"], "FI"),
        (["NA"], "NA"),
        (["FI", "PI"], "PI"),  # even count: the lower of the two middle values
        (["FI", "LI", "PI"], "LI"),
        (["FI", "FI", "NI", "LI"], "LI"),
        (["NI", "FI", "FI", "FI"], "FI"),
        (["NA", "FI"], "FI"),  # half NA is not more than half
        (["NA", "NA", "FI"], "NA"),
        (["NA", "FI", "PI"], "PI"),
        (["NA", "NA", "LI", "NI"], "NI"),
        (["NA", "NA", "NA", "FI", "LI"], "NA"),
    ],
)
def test_proposed_consensus(ratings: list[str], proposed: str | None) -> None:
    assert propose_consensus(ratings) == proposed


@pytest.mark.parametrize(
    ("ratings", "disagreement"),
    [
        ([], False),
        (["FI"], False),
        (["FI", "LI"], False),
        (["FI", "LI", "LI"], False),
        (["FI", "PI"], True),
        (["LI", "NI"], True),
        (["FI", "NI"], True),
        (["PI", "NI", "PI"], False),
        (["NA", "NA"], False),
        (["NA", "FI"], True),
        (["NA", "NA", "NA", "FI"], True),
    ],
)
def test_disagreement(ratings: list[str], disagreement: bool) -> None:
    assert is_disagreement(ratings) is disagreement


ratings_lists = st.lists(st.sampled_from(list(Rating)), max_size=12)


@given(ratings_lists)
def test_the_proposal_lies_within_the_applicable_ratings(ratings: list[Rating]) -> None:
    proposed = propose_consensus(ratings)
    applicable = [RATING_POINTS[r] for r in ratings if r is not Rating.NA]
    if proposed is None:
        assert not ratings
    elif proposed is Rating.NA:
        assert (len(ratings) - len(applicable)) * 2 > len(ratings)
    else:
        assert min(applicable) <= RATING_POINTS[proposed] <= max(applicable)


@given(ratings_lists)
def test_the_order_of_respondents_does_not_matter(ratings: list[Rating]) -> None:
    backwards = list(reversed(ratings))
    assert propose_consensus(ratings) == propose_consensus(backwards)
    assert is_disagreement(ratings) == is_disagreement(backwards)


@given(st.sampled_from(list(Rating)), st.integers(min_value=1, max_value=8))
def test_unanimous_ratings_are_the_consensus_without_disagreement(
    rating: Rating, count: int
) -> None:
    assert propose_consensus([rating] * count) is rating
    assert not is_disagreement([rating] * count)


def test_consolidate_lists_rated_practices_in_model_order() -> None:
    consolidation = consolidate(
        MINI,
        {
            "王经理": {"VER.SP1.1": "FI", "PP.SP1.1": "FI"},
            "李工": {"PP.SP1.1": "PI", "PP.SP1.2": "LI", "VER.SP1.1": "LI"},
        },
    )
    assert consolidation_to_dict(consolidation) == {
        "practices": {
            "PP.SP1.1": {
                "ratings": {"王经理": "FI", "李工": "PI"},
                "proposed": "PI",
                "disagreement": True,
            },
            "PP.SP1.2": {"ratings": {"李工": "LI"}, "proposed": "LI", "disagreement": False},
            "VER.SP1.1": {
                "ratings": {"王经理": "FI", "李工": "LI"},
                "proposed": "LI",
                "disagreement": False,
            },
        },
        "disagreements": ["PP.SP1.1"],
    }
    assert consolidation.proposed_ratings() == {
        "PP.SP1.1": "PI",
        "PP.SP1.2": "LI",
        "VER.SP1.1": "LI",
    }


def test_validation_names_the_respondent_and_the_practice() -> None:
    problems = validate_respondent_ratings(
        MINI,
        {
            "王经理": {"ratings": {"PP.SP1.1": "XX", "ZZ.SP1.1": "FI", "PP.SP1.2": "NA"}},
            "李工": {"ratings": ["FI"]},
        },
    )
    assert len(problems) == 3
    assert "王经理" in problems[0]
    assert "PP.SP1.1" in problems[0]
    assert "XX" in problems[0]
    assert "王经理" in problems[1]
    assert "ZZ.SP1.1" in problems[1]
    assert "李工" in problems[2]
