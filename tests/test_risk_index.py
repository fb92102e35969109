"""The index method against cases computed by hand, and against INFORM 2025's published scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from domain.queries import inform_reproduction
from domain.risk_index import (
    IndexWeights,
    category_means,
    complement_geometric_mean,
    compute_index,
    rank_stability,
    risk_class,
    scale_columns,
    weighted_geometric_mean,
)


def scale(
    values: list[float], lower: float, upper: float, transform: str = "linear", direction: str = "risk_up"
) -> list[float]:
    """`scale_columns` (what the index calls) with one indicator's bounds and codes for every value."""
    n = len(values)
    return scale_columns(
        np.array(values, dtype=float),
        np.full(n, lower),
        np.full(n, upper),
        np.array([transform] * n, dtype=object),
        np.array([direction] * n, dtype=object),
    ).tolist()


def test_linear_scaling_with_fixed_bounds_and_clipping():
    assert scale([0, 5, 10, 15, -3], 0, 10) == [0, 5, 10, 10, 0]
    assert scale([25], 0, 100) == [2.5]


def test_risk_down_flips_the_scale():
    # HDI 0.65 in bounds 0.4..0.9 is half way: 5 on a risk-up scale, 5 flipped.
    assert scale([0.9, 0.4, 0.775], 0.4, 0.9, direction="risk_down") == pytest.approx([0, 10, 2.5])


def test_log_scaling():
    # log10: 1000 between 100 and 100000 is one third of the way.
    assert scale([1000], 100, 100000, transform="log")[0] == pytest.approx(10 / 3)


def test_each_row_keeps_its_own_bounds_transform_and_direction():
    got = scale_columns(
        np.array([5.0, 1000.0, 0.775]),
        np.array([0.0, 100.0, 0.4]),
        np.array([10.0, 1e5, 0.9]),
        np.array(["linear", "log", "linear"], dtype=object),
        np.array(["risk_up", "risk_up", "risk_down"], dtype=object),
    )
    assert got.tolist() == pytest.approx([5.0, 10 / 3, 2.5])


def test_missing_value_stays_missing():
    assert math.isnan(scale([np.nan], 0, 1)[0])


def test_bad_bounds_and_codes_are_rejected():
    with pytest.raises(ValueError, match="upper bound"):
        scale([1], 5, 5)
    with pytest.raises(ValueError, match="upper bound"):
        scale([10], 0, 100, transform="log")  # log10(0) is no lower bound
    # an unknown transform is an error, not silently linear
    with pytest.raises(ValueError, match="sqrt"):
        scale([1], 0, 5, transform="sqrt")
    with pytest.raises(ValueError, match="up"):
        scale([1], 0, 5, direction="up")


def test_a_category_is_the_weighted_mean_of_the_indicators_that_have_a_score():
    scored = pd.DataFrame(
        {
            "city_id": ["a", "a", "a", "b", "b"],
            "category_id": ["k"] * 5,
            "score": [4.0, np.nan, 8.0, np.nan, np.nan],
            "weight": [1.0, 5.0, 1.0, 1.0, 1.0],
        }
    )
    means = category_means(scored)
    assert means[("a", "k")] == pytest.approx(6.0)
    assert math.isnan(means[("b", "k")])


def test_complement_geometric_mean_matches_inform_example():
    # DESIGN.md: institutional 6.5 and infrastructure 3.5 give lack of coping capacity 5.2.
    assert round(float(complement_geometric_mean(np.array([6.5, 3.5]))), 1) == 5.2
    # by hand: (10 - sqrt((0.9*3.5+1)*(0.9*6.5+1))) / 0.9
    expected = (10 - math.sqrt((0.9 * 3.5 + 1) * (0.9 * 6.5 + 1))) / 0.9
    assert float(complement_geometric_mean(np.array([6.5, 3.5]))) == pytest.approx(expected)


def test_complement_geometric_mean_keeps_one_high_component():
    arithmetic = np.mean([9.0, 1.0, 1.0])
    assert float(complement_geometric_mean(np.array([9.0, 1.0, 1.0]))) > arithmetic


def test_weights_and_missing_components():
    # weight 3:1 -> exponents 0.75 and 0.25
    expected = (10 - (0.9 * 2 + 1) ** 0.75 * (0.9 * 8 + 1) ** 0.25) / 0.9
    assert float(complement_geometric_mean(np.array([8.0, 2.0]), np.array([3.0, 1.0]))) == pytest.approx(
        expected
    )
    # a missing component is left out, not counted as zero
    assert float(complement_geometric_mean(np.array([4.0, np.nan]))) == pytest.approx(4.0)


def test_weighted_geometric_mean_is_risk_formula():
    assert float(weighted_geometric_mean(np.array([2.7, 2.3, 3.3]), np.ones(3))) == pytest.approx(
        (2.7 * 2.3 * 3.3) ** (1 / 3)
    )
    assert float(
        weighted_geometric_mean(np.array([8.0, 2.0, 2.0]), np.array([2.0, 1.0, 1.0]))
    ) == pytest.approx(8**0.5 * 2**0.25 * 2**0.25)
    assert math.isnan(float(weighted_geometric_mean(np.array([2.0, np.nan, 3.0]), np.ones(3))))


def test_risk_classes_follow_inform_thresholds(built_data):
    classes = built_data["risk_classes"]
    assert risk_class([0.0, 2.19, 2.2, 3.2, 5.09, 5.1, 6.9, 10.0, np.nan], classes) == [
        "very_low",
        "very_low",
        "low",
        "medium",
        "medium",
        "high",
        "very_high",
        "very_high",
        None,
    ]


def test_inform_2025_country_scores_are_reproduced(built_data):
    check = inform_reproduction(built_data)
    assert len(check) == 5
    assert check["matches"].all(), check


def small_case():
    """Two cities, one category per dimension except hazard (two), bounds 0-10 or 0-100."""
    cities = pd.DataFrame({"city_id": ["a", "b"]})
    dimensions = pd.DataFrame(
        {
            "dimension": ["hazard_exposure", "vulnerability", "lack_of_coping_capacity"],
            "weight": [1.0, 1.0, 1.0],
        }
    )
    categories = pd.DataFrame(
        {
            "category_id": ["quake", "flood", "socio", "inst"],
            "dimension": ["hazard_exposure", "hazard_exposure", "vulnerability", "lack_of_coping_capacity"],
            "weight": [1.0, 1.0, 1.0, 1.0],
            "sort_order": [1, 2, 1, 1],
        }
    )
    indicators = pd.DataFrame(
        {
            "indicator_id": ["q1", "f1", "s1", "s2", "i1"],
            "category_id": ["quake", "flood", "socio", "socio", "inst"],
            "dimension": [
                "hazard_exposure",
                "hazard_exposure",
                "vulnerability",
                "vulnerability",
                "lack_of_coping_capacity",
            ],
            "lower_bound": [0, 0, 0, 0, 0],
            "upper_bound": [10, 10, 100, 10, 10],
            "transform": ["linear"] * 5,
            "direction": ["risk_up", "risk_up", "risk_up", "risk_down", "risk_up"],
            "weight": [1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    rows = [
        ("a", "q1", 8),
        ("a", "f1", 2),
        ("a", "s1", 40),
        ("a", "s2", 6),
        ("a", "i1", 5),
        ("b", "q1", 2),
        ("b", "f1", 2),
        ("b", "s1", 60),
        ("b", "i1", 4),
        ("b", "s1", 10),
    ]  # an older year for b/s1 below
    values = pd.DataFrame(rows, columns=["city_id", "indicator_id", "value"])
    values["year"] = [2024] * 9 + [2010]
    values["status"] = "sourced"
    values["source_id"] = "s"
    values["value_scope"] = "city"
    classes = pd.DataFrame({"class_id": ["low", "high"], "lower": [0.0, 5.0], "upper": [5.0, 10.0]})
    return values, indicators, categories, dimensions, cities, classes


def test_compute_index_by_hand():
    result = compute_index(*small_case())
    cat = result.category_scores
    # a: socio = mean(4, 10-6=4) = 4; b: socio = 6 (latest year, s2 missing, left out)
    assert cat.loc["a", "socio"] == pytest.approx(4.0)
    assert cat.loc["b", "socio"] == pytest.approx(6.0)
    he_a = (10 - math.sqrt((0.9 * 2 + 1) * (0.9 * 8 + 1))) / 0.9
    assert result.dimension_scores.loc["a", "hazard_exposure"] == pytest.approx(he_a)
    risk = result.risk.set_index("city_id")
    assert risk.loc["a", "risk"] == pytest.approx((he_a * 4.0 * 5.0) ** (1 / 3))
    assert risk.loc["b", "risk"] == pytest.approx((2.0 * 6.0 * 4.0) ** (1 / 3))
    assert risk.loc["a", "rank"] == 1 and risk.loc["a", "risk_class"] == "low"
    # coverage: b lacks s2
    assert risk.loc["b", "indicators_present"] == 4 and risk.loc["b", "coverage"] == pytest.approx(0.8)


def test_weights_change_the_ranking():
    base = compute_index(*small_case()).risk.set_index("city_id")["rank"]
    assert base["a"] == 1
    # Give vulnerability (where b is worse) almost all the weight: b becomes riskier.
    heavy = compute_index(
        *small_case(), weights=IndexWeights(dimensions={"vulnerability": 20.0})
    ).risk.set_index("city_id")["rank"]
    assert heavy["b"] == 1


def test_rank_stability_is_seeded_and_sums_to_one():
    result = compute_index(*small_case())
    cats = result.category_scores
    cat_dim = {
        "quake": "hazard_exposure",
        "flood": "hazard_exposure",
        "socio": "vulnerability",
        "inst": "lack_of_coping_capacity",
    }
    one = rank_stability(cats, cat_dim, {}, {}, draws=3000, seed=7)
    two = rank_stability(cats, cat_dim, {}, {}, draws=3000, seed=7)
    pd.testing.assert_frame_equal(one, two)
    assert np.allclose(one.sum(axis=1), 1.0) and np.allclose(one.sum(axis=0), 1.0)
    # a is clearly riskier at the default weights; with concentrated weights it keeps rank 1 mostly
    assert one.loc["a", 1] > 0.5
    loose = rank_stability(cats, cat_dim, {}, {}, draws=3000, concentration=0.3, seed=7)
    assert 0 < loose.loc["b", 1] < one.loc["a", 1]  # wide disagreement on weights lets b lead sometimes
    tight = rank_stability(cats, cat_dim, {}, {}, draws=3000, concentration=1000, seed=7)
    assert tight.loc["a", 1] >= loose.loc["a", 1]
