"""Confidence beside a score: rank range, inputs by scope, and the level derived from both."""

from __future__ import annotations

import pandas as pd
import pytest

from domain import confidence as cf
from domain.queries import ranking


def shares_row(values: list[float]) -> pd.Series:
    return pd.Series(values, index=range(1, len(values) + 1))


def test_rank_range_reads_the_central_ninety_percent():
    assert cf.rank_range(shares_row([1.0, 0, 0])) == (1, 1)
    assert cf.rank_range(shares_row([0, 0.65, 0.35, 0])) == (2, 3)
    # 3 % at rank 1 and 3 % at rank 4 fall outside the central 90 %.
    assert cf.rank_range(shares_row([0.03, 0.5, 0.44, 0.03])) == (2, 3)
    assert cf.rank_range(shares_row([0.1, 0.8, 0.1])) == (1, 3)
    with pytest.raises(ValueError):
        cf.rank_range(shares_row([0.0, 0.0]))


def test_scope_counts_count_every_scope_present_region_included():
    scores = pd.DataFrame(
        {
            "city_id": ["a", "a", "a", "a", "b"],
            "indicator_id": ["i1", "i2", "i3", "i4", "i1"],
            "value_scope": ["city", "region", "country", "country", "basin"],
        }
    )
    counts = cf.scope_counts(scores)
    assert list(counts.columns) == [
        "scope_city",
        "scope_region",
        "scope_country",
        "scope_basin",
        "scope_total",
    ]
    assert counts.loc["a"].to_dict() == {
        "scope_city": 1,
        "scope_region": 1,
        "scope_country": 2,
        "scope_basin": 0,
        "scope_total": 4,
    }
    assert cf.local_share(counts.loc["a"].to_dict()) == pytest.approx(0.5)
    assert cf.local_share(counts.loc["b"].to_dict()) == 0.0
    assert cf.local_share({"scope_total": 0}) != cf.local_share({"scope_total": 0})  # NaN


@pytest.mark.parametrize(
    "low, high, local, expected",
    [
        (1, 1, 0.5, "high"),
        (1, 1, 0.49, "medium"),
        (2, 3, 0.9, "medium"),
        (2, 3, 0.25, "medium"),
        (2, 3, 0.24, "low"),
        (2, 4, 1.0, "low"),
        (1, 1, float("nan"), "low"),
    ],
)
def test_level_follows_the_documented_thresholds(low, high, local, expected):
    assert cf.confidence_level(low, high, local) == expected


def test_thresholds_are_ordered_strictest_first():
    levels = cf.CONFIDENCE_LEVELS
    assert all(
        a.max_rank_spread <= b.max_rank_spread and a.min_local_share >= b.min_local_share
        for a, b in zip(levels, levels[1:])
    )
    assert cf.LEVELS[-1] == cf.FALLBACK_LEVEL


def test_every_scored_city_of_the_build_gets_a_range_and_a_level(built_data):
    ranked = ranking(built_data, "en")
    scored = ranked.dropna(subset=["risk"])
    n = len(scored)
    assert scored["confidence"].isin(cf.LEVELS).all()
    assert (scored["rank_low"] <= scored["rank"]).all() and (scored["rank"] <= scored["rank_high"]).all()
    assert scored["rank_low"].between(1, n).all() and scored["rank_high"].between(1, n).all()
    # Scope counts add up to the inputs behind the score.
    assert (scored["scope_total"] == scored["indicators_present"]).all()
    assert (
        scored[[c for c in scored.columns if c.startswith("scope_") and c != "scope_total"]].sum(axis=1)
        == scored["scope_total"]
    ).all()


def test_map_labels_of_close_cities_point_away_from_each_other():
    from components.city_map import city_bounds, label_sides

    # Two cities a degree apart and one far away.
    assert label_sides([41.0, 40.5, 55.0], [71.7, 72.8, 69.1]) == ["left", "right", "auto"]
    assert city_bounds([40.0, 55.0], [58.0, 73.0], margin_deg=1) == [[39.0, 57.0], [56.0, 74.0]]
    assert city_bounds([], []) is None


def test_residents_sum_names_the_years_it_mixes():
    from domain.confidence_words import people_label

    assert "2022, 2023" in people_label([2023, 2022, 2025], "en") and "2025" in people_label(
        [2023, 2022, 2025], "en"
    )
    assert "2022" in people_label([2022, 2022], "ru") and "разные" not in people_label([2022, 2022], "ru")
