"""domain/compare.py against cases computed by hand, and on the real build."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from domain import compare
from domain.risk_index import IndexWeights


def cgm(*scores: float) -> float:
    """INFORM's complement geometric mean with equal weights, written out."""
    prod = math.prod(0.9 * (10 - s) + 1 for s in scores)
    return (10 - prod ** (1 / len(scores))) / 0.9


@pytest.fixture()
def tables() -> dict[str, pd.DataFrame]:
    """Three cities; hazard has two categories (quake, flood), the others one each.

    Every indicator is linear over 0-10 and risk_up, so its score is its value, except
    `x1`, a count of people exposed to floods (0-100,000 people -> 0-10).
    """
    cities = pd.DataFrame({"city_id": ["a", "b", "c"], "population": [1_000_000.0, 250_000.0, 500_000.0]})
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
            "sort_order": [1, 2, 3, 4],
        }
    )
    indicators = pd.DataFrame(
        {
            "indicator_id": ["q1", "f1", "x1", "s1", "i1"],
            "category_id": ["quake", "flood", "flood", "socio", "inst"],
            "dimension": [
                "hazard_exposure",
                "hazard_exposure",
                "hazard_exposure",
                "vulnerability",
                "lack_of_coping_capacity",
            ],
            "unit_ru": ["балл", "балл", "чел.", "балл", "балл"],
            "unit_en": ["points", "points", "people", "points", "points"],
            "lower_bound": [0.0, 0, 0, 0, 0],
            "upper_bound": [10.0, 10, 100_000, 10, 10],
            "transform": ["linear"] * 5,
            "direction": ["risk_up"] * 5,
            "weight": [1.0] * 5,
        }
    )
    rows = [
        ("a", "q1", 8),
        ("a", "f1", 2),
        ("a", "x1", 50_000),
        ("a", "s1", 4),
        ("a", "i1", 5),
        ("b", "q1", 2),
        ("b", "f1", 6),
        ("b", "x1", 10_000),
        ("b", "s1", 6),
        ("b", "i1", 4),
        ("c", "q1", 5),
        ("c", "f1", 4),
        ("c", "s1", 2),
        ("c", "i1", 6),
    ]
    values = pd.DataFrame(rows, columns=["city_id", "indicator_id", "value"])
    values["value"] = values["value"].astype(float)
    values["year"] = 2024.0
    values["status"] = "sourced"
    values["source_id"] = "src"
    values["value_scope"] = "city"
    classes = pd.DataFrame({"class_id": ["low", "high"], "lower": [0.0, 5.0], "upper": [5.0, 10.0]})
    return {
        "cities": cities,
        "dimensions": dimensions,
        "categories": categories,
        "indicators": indicators,
        "indicator_values": values,
        "risk_classes": classes,
    }


HE = {"a": cgm(8, 3.5), "b": cgm(2, 3.5), "c": cgm(5, 4)}
V = {"a": 4.0, "b": 6.0, "c": 2.0}
LCC = {"a": 5.0, "b": 4.0, "c": 6.0}
RISK = {c: (HE[c] * V[c] * LCC[c]) ** (1 / 3) for c in "abc"}


def test_risk_level_by_hand(tables):
    out = compare.compare_table(tables, None, "risk")
    assert out["city_id"].tolist() == ["a", "b", "c"]  # 5.00 > 4.06 > 3.79
    assert out["score"].tolist() == pytest.approx([RISK["a"], RISK["b"], RISK["c"]])
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["hazard_exposure"].tolist() == pytest.approx([HE["a"], HE["b"], HE["c"]])
    assert out.loc[0, "risk_class"] == "low" and RISK["a"] < 5
    # c lacks x1: 4 of 5 indicators
    assert out.set_index("city_id").loc["c", "coverage"] == pytest.approx(0.8)


def test_category_and_dimension_levels_by_hand(tables):
    flood = compare.compare_table(tables, None, "category", "flood").set_index("city_id")
    # a: mean(2, 5) = 3.5; b: mean(6, 1) = 3.5; c: 4 (x1 missing, left out)
    assert flood["score"].to_dict() == pytest.approx({"a": 3.5, "b": 3.5, "c": 4.0})
    assert flood["rank"].to_dict() == {"c": 1, "a": 2, "b": 2}
    assert flood.loc["a", "x1"] == pytest.approx(5.0) and math.isnan(flood.loc["c", "x1"])
    he = compare.compare_table(tables, None, "dimension", "hazard_exposure").set_index("city_id")
    assert he["score"].to_dict() == pytest.approx(HE)
    assert compare.components_of(tables, "dimension", "hazard_exposure") == ["quake", "flood"]


def test_hierarchy_is_the_catalogue_in_reading_order(built_data):
    tree = compare.hierarchy(built_data)
    cats = [c for d in compare.DIMENSION_ORDER for c in tree.categories_of[d]]
    inds = [i for c in cats for i in tree.indicators_of[c]]
    assert cats == compare.level_items(built_data, "category")
    assert inds == compare.level_items(built_data, "indicator")
    for cat in cats:  # each category's own indicators, none lost, none repeated
        own = built_data["indicators"].loc[built_data["indicators"]["category_id"] == cat, "indicator_id"]
        assert sorted(tree.indicators_of[cat]) == sorted(own)
    assert compare.components_of(built_data, "dimension", "nowhere") == []


def test_indicator_level_raw_values_and_per_capita(tables):
    out = compare.compare_table(tables, None, "indicator", "x1").set_index("city_id")
    assert out.loc["a", "value"] == 50_000 and out.loc["a", "score"] == pytest.approx(5.0)
    # per 100,000 residents: 50,000 / 1,000,000 * 100,000 = 5,000; 10,000 / 250,000 * 1e5 = 4,000
    assert out.loc["a", "per_capita"] == pytest.approx(5000) and out.loc["b", "per_capita"] == pytest.approx(
        4000
    )
    assert math.isnan(out.loc["c", "value"]) and pd.isna(out.loc["c", "rank"])
    assert out.loc["a", "status"] == "sourced" and out.loc["a", "source_id"] == "src"
    # only the count indicator gets a per-capita value
    assert compare.per_capita_indicators(tables) == ["x1"]
    assert compare.compare_table(tables, None, "indicator", "q1")["per_capita"].isna().all()


def test_population_itself_is_never_per_capita(tables):
    ind = tables["indicators"]
    extra = ind.iloc[[2]].assign(indicator_id="city_population", upper_bound=5e6)
    tables["indicators"] = pd.concat([ind, extra], ignore_index=True)
    assert compare.per_capita_indicators(tables) == ["x1"]


def test_ranks_are_among_the_chosen_cities(tables):
    out = compare.compare_table(tables, ["c", "b"], "risk")
    assert out["city_id"].tolist() == ["b", "c"] and out["rank"].tolist() == [1, 2]
    # unknown ids are dropped, the members' order is kept
    assert compare.compare_table(tables, ["zz", "b"], "risk")["city_id"].tolist() == ["b"]


def test_unknown_level_or_item_is_refused(tables):
    with pytest.raises(ValueError):
        compare.compare_table(tables, None, "country")
    with pytest.raises(ValueError):
        compare.compare_table(tables, None, "category", "tsunami")


def test_changing_a_weight_changes_the_ranking(tables):
    assert compare.compare_table(tables, None, "risk")["city_id"].iloc[0] == "a"
    # b is the most vulnerable (6 against 4 and 2): weigh vulnerability heavily and b leads.
    heavy = IndexWeights(
        dimensions={"vulnerability": 3.0, "hazard_exposure": 0.1, "lack_of_coping_capacity": 0.1}
    )
    out = compare.compare_table(tables, None, "risk", weights=heavy)
    assert out["city_id"].tolist() == ["b", "a", "c"]
    # Category weights too: flood alone decides hazard -> c (4) above a and b (3.5)
    flood_only = IndexWeights(categories={"quake": 0.0})
    he = compare.compare_table(tables, None, "dimension", "hazard_exposure", weights=flood_only)
    assert he["city_id"].iloc[0] == "c" and he["score"].iloc[0] == pytest.approx(4.0)


def test_heatmap_matrix(tables):
    result = compare.index_for(tables)
    ids = compare.indicators_under(tables, "category", "flood")
    assert ids == ["f1", "x1"]
    heat = compare.heatmap_matrix(tables, result, None, ids)
    assert heat["score"].shape == (3, 2)
    assert heat["score"].loc["a", "x1"] == pytest.approx(5.0) and heat["value"].loc["a", "x1"] == 50_000
    assert math.isnan(heat["score"].loc["c", "x1"])
    assert heat["status"].loc["b", "f1"] == "sourced"
    # one indicator: its category's indicators for context; risk: all of them
    assert compare.indicators_under(tables, "indicator", "x1") == ["f1", "x1"]
    assert len(compare.indicators_under(tables, "risk", None)) == 5


def test_rank_shares_are_seeded_and_sum_to_one(tables):
    result = compare.index_for(tables)
    one = compare.rank_shares(tables, result, None, draws=2000, seed=3)
    two = compare.rank_shares(tables, result, None, draws=2000, seed=3)
    pd.testing.assert_frame_equal(one, two)
    assert np.allclose(one.sum(axis=1), 1.0) and np.allclose(one.sum(axis=0), 1.0)
    assert one.index.tolist() == ["a", "b", "c"] and one.columns.tolist() == [1, 2, 3]
    other = compare.rank_shares(tables, result, None, draws=2000, concentration=1.0, seed=4)
    assert not one.equals(other)
    # among two chosen cities the table is 2 x 2
    pair = compare.rank_shares(tables, result, ["b", "c"], draws=500, seed=0)
    assert pair.shape == (2, 2) and np.allclose(pair.sum(axis=1), 1.0)


def test_rank_shares_leave_out_zero_weight_categories(tables):
    weights = IndexWeights(categories={"quake": 0.0})
    result = compare.index_for(tables, weights)
    shares = compare.rank_shares(tables, result, None, weights, draws=500, seed=1)
    assert np.allclose(shares.sum(axis=1), 1.0)


def test_parse_weights_from_the_url(tables):
    weights, bad = compare.parse_weights(
        {
            "w_vulnerability": "1.5",
            "w_flood": "0",
            "w_quake": "abc",
            "w_inst": "7",
            "w_nothing": "1",
            "lang": "en",
        },
        tables,
    )
    assert weights.dimensions["vulnerability"] == 1.5 and weights.categories["flood"] == 0.0
    assert weights.categories["quake"] == 1.0 and weights.categories["inst"] == 1.0
    assert sorted(name for name, _ in bad) == ["w_inst", "w_nothing", "w_quake"]
    # a dimension may not be switched off through all of its categories
    weights, bad = compare.parse_weights({"w_quake": "0", "w_flood": "0"}, tables)
    assert weights.categories["quake"] == 1.0 and weights.categories["flood"] == 1.0
    assert sorted(name for name, _ in bad) == ["w_flood", "w_quake"]
    # dimension weight 0 is below the minimum
    _, bad = compare.parse_weights({"w_vulnerability": "0"}, tables)
    assert bad == [("w_vulnerability", "0")]
    # decimal comma is accepted, nan/inf are not
    weights, bad = compare.parse_weights({"w_socio": "2,5", "w_inst": "nan", "w_quake": "inf"}, tables)
    assert weights.categories["socio"] == 2.5 and len(bad) == 2


def test_weights_round_trip_through_the_url(tables):
    weights = IndexWeights(dimensions={"vulnerability": 1.5}, categories={"flood": 0.0})
    query = compare.weights_to_query(compare.full_weights(tables, weights), tables)
    assert query == {"w_vulnerability": "1.5", "w_flood": "0"}
    back, bad = compare.parse_weights(query, tables)
    assert not bad and compare.weights_key(back) == compare.weights_key(compare.full_weights(tables, weights))
    assert compare.weights_to_query(compare.default_weights(tables), tables) == {}


def test_city_decomposition_against_the_median(tables):
    dec = compare.city_decomposition(tables, "a")
    assert dec["level"].tolist() == [
        "risk",
        "dimension",
        "category",
        "indicator",
        "category",
        "indicator",
        "indicator",
        "dimension",
        "category",
        "indicator",
        "dimension",
        "category",
        "indicator",
    ]
    rows = dec.set_index("id")
    assert rows.loc["risk", "score"] == pytest.approx(RISK["a"])
    assert rows.loc["risk", "median"] == pytest.approx(RISK["b"])  # median of three
    assert rows.loc["quake", "median"] == pytest.approx(5.0) and rows.loc["quake", "diff"] == pytest.approx(
        3.0
    )
    assert rows.loc["x1", "median"] == pytest.approx(3.0) and rows.loc["x1", "n"] == 2
    assert rows.loc["x1", "value"] == 50_000 and rows.loc["x1", "status"] == "sourced"
    c = compare.city_decomposition(tables, "c").set_index("id")
    assert math.isnan(c.loc["x1", "score"]) and c.loc["x1", "median"] == pytest.approx(3.0)
    with pytest.raises(KeyError):
        compare.city_decomposition(tables, "nowhere")


def test_strongest_drivers_by_hand(tables):
    drivers = compare.strongest_drivers(tables, "a")
    # Above the median: quake (8 vs 5) and its q1; x1 (5 vs 3). Flood as a category is at the
    # median (3.5), socio and inst too.
    push_quake = RISK["a"] - (cgm(5, 3.5) * 4 * 5) ** (1 / 3)
    push_x1 = RISK["a"] - (cgm(8, (2 + 3) / 2) * 4 * 5) ** (1 / 3)
    cats = drivers[drivers["level"] == "category"]
    inds = drivers[drivers["level"] == "indicator"]
    assert cats["id"].tolist() == ["quake"] and cats["push"].iloc[0] == pytest.approx(push_quake)
    # q1 is quake's only indicator: named through its category, not twice
    assert inds["id"].tolist() == ["x1"]
    assert inds["push"].tolist() == pytest.approx([push_x1])
    # c is lowest: nothing lifts it much above the others except inst (6 vs median 5)
    c = compare.strongest_drivers(tables, "c")
    assert set(c["id"]) <= {"inst", "i1", "flood", "f1", "socio", "s1", "quake", "q1"}
    assert (c["push"] > 0).all()


def test_on_the_real_build(built_data):
    result = compare.index_for(built_data)
    for level in compare.LEVELS:
        items = compare.level_items(built_data, level) or [None]
        for item in items[:3]:
            out = compare.compare_table(built_data, None, level, item, result=result)
            assert len(out) == len(built_data["cities"])
    # default weights reproduce the build's stored risk
    stored = built_data["risk"].set_index("city_id")["risk"]
    assert compare.compare_table(built_data, None, "risk", result=result).set_index("city_id")[
        "score"
    ].to_dict() == pytest.approx(stored.to_dict())
    for city in built_data["cities"]["city_id"]:
        dec = compare.city_decomposition(built_data, city, result=result)
        assert (dec["level"] == "indicator").sum() == len(built_data["indicators"])
        drivers = compare.strongest_drivers(built_data, city, result=result)
        assert (drivers["push"] > 0).all()
    shares = compare.rank_shares(built_data, result, None)
    assert np.allclose(shares.sum(axis=1), 1.0) and np.allclose(shares.sum(axis=0), 1.0)


def test_read_comparison_rejects_what_it_cannot_use_and_round_trips(built_data):
    cities = list(built_data["cities"]["city_id"])
    indicator = compare.level_items(built_data, "indicator")[0]
    chosen, rejected = compare.read_comparison(
        {
            "cities": f"{cities[1]},atlantis,{cities[0]}",
            "level": "indicator",
            "item": indicator,
            "scale": "per_capita" if indicator not in compare.per_capita_indicators(built_data) else "raw",
            "w_vulnerability": "abc",
        },
        built_data,
    )
    assert chosen.cities == cities[:2] and chosen.level == "indicator" and chosen.item == indicator
    assert ("cities", "atlantis") in rejected and ("w_vulnerability", "abc") in rejected
    again, none = compare.read_comparison(compare.comparison_query(chosen, built_data), built_data)
    assert again == chosen and none == []
    default, nothing = compare.read_comparison({}, built_data)
    assert default.cities == cities and default.level == "risk" and default.item is None and nothing == []
    assert compare.comparison_query(default, built_data) == {}
