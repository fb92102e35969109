"""Risk outlook (domain/outlook.py): the projection rules on a hand-computed case, today's index
when nothing changes, monotone in heat, ordered ranges, seeded determinism, the vectorised
aggregation against compute_index, and malformed rule tables rejected with file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from domain import outlook as ol
from domain.build import build
from domain.risk_index import DIMENSION_ORDER, IndexWeights, index_of
from domain.schemas import DataValidationError
from tests.source_tables import problems_of, read_rows, set_cell, write_rows

ROOT = Path(__file__).resolve().parents[1]


# --- a hand case: two cities, seven indicators, one climate series, one country with SSP rows -------


def climate_rows(
    city: str, variable: str, unit: str, ref: float, at: dict[int, tuple[float, float, float]]
) -> list[dict]:
    """Rows of one series: the reference year (2025) and each horizon's (p10, median, p90), equal per scenario."""
    rows = []
    for scen in ol.SCENARIOS:
        rows.append(
            {
                "city_id": city,
                "variable": variable,
                "scenario": scen,
                "year": 2025,
                "value": ref,
                "p10": ref,
                "p90": ref,
                "unit": unit,
                "status": "illustrative",
                "source_id": "src",
            }
        )
        for year, (p10, mid, p90) in at.items():
            rows.append(
                {
                    "city_id": city,
                    "variable": variable,
                    "scenario": scen,
                    "year": year,
                    "value": mid,
                    "p10": p10,
                    "p90": p90,
                    "unit": unit,
                    "status": "illustrative",
                    "source_id": "src",
                }
            )
    return rows


def hand_tables(hot_2050: tuple[float, float, float] = (35.0, 50.0, 110.0)) -> dict[str, pd.DataFrame]:
    cities = pd.DataFrame({"city_id": ["alpha", "beta"], "country_iso3": ["AAA", "BBB"]})
    dimensions = pd.DataFrame({"dimension": list(DIMENSION_ORDER), "weight": [1.0, 1.0, 1.0]})
    categories = pd.DataFrame(
        {
            "category_id": ["heat", "flood", "drought", "quake", "exposure", "socio", "infra"],
            "dimension": ["hazard_exposure"] * 5 + ["vulnerability", "lack_of_coping_capacity"],
            "weight": [1.0] * 7,
            "sort_order": range(7),
        }
    )
    ind = [  # id, category, dimension, lower, upper, transform, direction
        ("hazard_level_extreme_heat", "heat", "hazard_exposure", 0, 3, "linear", "risk_up"),
        ("hazard_level_urban_flood", "flood", "hazard_exposure", 0, 3, "linear", "risk_up"),
        ("hazard_level_water_scarcity", "drought", "hazard_exposure", 0, 3, "linear", "risk_up"),
        ("hazard_level_earthquake", "quake", "hazard_exposure", 0, 3, "linear", "risk_up"),
        ("city_population", "exposure", "hazard_exposure", 1e5, 5e6, "log", "risk_up"),
        ("hdi", "socio", "vulnerability", 0.3, 1.0, "linear", "risk_down"),
        ("access_electricity", "infra", "lack_of_coping_capacity", 0, 100, "linear", "risk_down"),
    ]
    indicators = pd.DataFrame(
        ind,
        columns=[
            "indicator_id",
            "category_id",
            "dimension",
            "lower_bound",
            "upper_bound",
            "transform",
            "direction",
        ],
    ).assign(weight=1.0)
    base = {
        "hazard_level_extreme_heat": 1.0,
        "hazard_level_urban_flood": 2.0,
        "hazard_level_water_scarcity": 1.5,
        "hazard_level_earthquake": 2.0,
        "city_population": 200000.0,
        "hdi": 0.7,
        "access_electricity": 90.0,
    }
    values = [
        {
            "city_id": c,
            "indicator_id": k,
            "year": 2022,
            "value": v,
            "status": "sourced",
            "source_id": "src",
            "value_scope": "city",
        }
        for c in ("alpha", "beta")
        for k, v in base.items()
    ]
    series = (
        climate_rows(
            "alpha",
            "hot_days_35",
            "days/yr",
            20.0,
            {2030: (20.0, 22.0, 30.0), 2050: hot_2050, 2080: (40.0, 70.0, 140.0)},
        )
        + climate_rows(
            "alpha",
            "heavy_precip_days",
            "days/yr",
            4.0,
            {2030: (3.0, 4.0, 5.0), 2050: (2.0, 6.0, 8.0), 2080: (2.0, 7.0, 9.0)},
        )
        + climate_rows(
            "alpha",
            "tmean",
            "°C",
            10.0,
            {2030: (10.2, 10.5, 11.0), 2050: (11.0, 12.0, 13.0), 2080: (12.0, 14.0, 16.0)},
        )
        + climate_rows(
            "alpha",
            "precip",
            "mm/yr",
            400.0,
            {2030: (380.0, 400.0, 420.0), 2050: (300.0, 360.0, 460.0), 2080: (300.0, 380.0, 500.0)},
        )
    )
    pop = [
        {
            "iso3": "AAA",
            "scenario": s,
            "ssp": {"ssp126": "SSP1", "ssp245": "SSP2", "ssp585": "SSP5"}[s],
            "year": y,
            "growth_factor": f,
            "base_year": 2020,
            "status": "illustrative",
            "source_id": "src",
        }
        for s in ol.SCENARIOS
        for y, f in ((2020, 1.0), (2025, 1.1), (2050, 1.3), (2080, 1.4))
    ]
    rules = pd.DataFrame(
        [
            (
                "heat",
                "hazard_level_extreme_heat",
                "hot_days_35",
                "shift_by_delta",
                "units_per_level=30;clip=bounds",
                1,
                "illustrative",
            ),
            (
                "flood",
                "hazard_level_urban_flood",
                "heavy_precip_days",
                "scale_by_ratio",
                "exponent=1;clip=bounds",
                1,
                "illustrative",
            ),
            (
                "water",
                "hazard_level_water_scarcity",
                "tmean+precip",
                "aridity_ratio",
                "pet_per_degc=0.04;clip=bounds",
                1,
                "illustrative",
            ),
            ("pop", "city_population", "ssp_population", "scale_by_ratio", "exponent=1", 1, "illustrative"),
            ("hold_rest", "*", "none", "hold", "", 9, "estimated"),
        ],
        columns=["rule_id", "indicator_id", "driver", "method", "parameters", "priority", "status"],
    )
    classes = pd.read_csv(ROOT / "data" / "src" / "risk_classes.csv")
    return {
        "cities": cities,
        "dimensions": dimensions,
        "categories": categories,
        "indicators": indicators,
        "indicator_values": pd.DataFrame(values),
        "climate_series": pd.DataFrame(series),
        "ssp_population": pd.DataFrame(pop),
        "projection_rules": rules,
        "risk_classes": classes,
    }


def value_at(
    projected: pd.DataFrame, city: str, indicator: str, scenario="ssp245", horizon=2050, member="p50"
) -> pd.Series:
    rows = projected[
        (projected["city_id"] == city)
        & (projected["indicator_id"] == indicator)
        & (projected["scenario"] == scenario)
        & (projected["horizon"] == horizon)
        & (projected["member"] == member)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_rules_applied_as_specified_on_a_hand_case():
    p = ol.project_values(hand_tables())
    # shift_by_delta: 1 + (50 - 20) / 30 = 2; the warm member 1 + (110 - 20) / 30 = 4 is capped at 3
    heat = value_at(p, "alpha", "hazard_level_extreme_heat")
    assert heat["value"] == pytest.approx(2.0) and heat["rule_id"] == "heat" and heat["moved"]
    assert heat["driver_change"] == pytest.approx(30.0) and heat["driver_change_pct"] == pytest.approx(150.0)
    warm = value_at(p, "alpha", "hazard_level_extreme_heat", member="p90")
    assert (
        warm["value"] == pytest.approx(3.0)
        and warm["value_unclipped"] == pytest.approx(4.0)
        and warm["saturated"]
    )
    assert value_at(p, "alpha", "hazard_level_extreme_heat", member="p10")["value"] == pytest.approx(1.5)
    # scale_by_ratio: 2 * 6 / 4 = 3; cool member 2 * 2 / 4 = 1
    assert value_at(p, "alpha", "hazard_level_urban_flood")["value"] == pytest.approx(3.0)
    assert value_at(p, "alpha", "hazard_level_urban_flood", member="p10")["value"] == pytest.approx(1.0)
    # aridity_ratio: 1.5 * (1 + 0.04 * 2) / (360 / 400) = 1.8
    water = value_at(p, "alpha", "hazard_level_water_scarcity")
    assert water["value"] == pytest.approx(1.5 * 1.08 / 0.9)
    assert water["driver_change"] == pytest.approx(2.0) and water["driver_change_pct"] == pytest.approx(-10.0)
    # population: 200,000 * F(2050) / F(2022) with F linear between 2020 (1.0) and 2025 (1.1)
    pop = value_at(p, "alpha", "city_population")
    assert pop["value"] == pytest.approx(200000 * 1.3 / 1.04)
    assert value_at(p, "alpha", "city_population", horizon=2030)["value"] == pytest.approx(
        200000 * (1.1 + 0.2 * 5 / 25) / 1.04
    )
    # held values keep their number; a sourced value held into the future becomes "estimated"
    quake = value_at(p, "alpha", "hazard_level_earthquake")
    assert quake["value"] == 2.0 and quake["rule_id"] == "hold_rest" and not quake["moved"]
    assert quake["status"] == "estimated" and quake["status_today"] == "sourced"
    assert heat["status"] == "illustrative"
    # a city without climate series or SSP rows: everything held, with the fallback marked
    beta = p[(p["city_id"] == "beta")]
    assert not beta["moved"].any() and (beta["value"] == beta["value_today"]).all()
    assert (
        value_at(p, "beta", "city_population")["fallback"]
        and value_at(p, "beta", "city_population")["rule_id"] == "hold_rest"
    )
    assert not value_at(p, "beta", "hazard_level_earthquake")["fallback"]


def test_members_take_the_warm_end_of_each_series():
    assert ol.member_column("hot_days_35", "p90") == "p90" and ol.member_column("hot_days_35", "p10") == "p10"
    assert (
        ol.member_column("frost_days", "p90") == "p10" and ol.member_column("cold_days_m20", "p10") == "p90"
    )
    assert ol.member_column("tmean", "p50") == "value"


def test_what_if_scales_the_deltas():
    tables = hand_tables()
    double = ol.project_values(tables, population_scale=2.0)
    ratio = 1.3 / 1.04
    assert value_at(double, "alpha", "city_population")["value"] == pytest.approx(
        200000 * (1 + 2 * (ratio - 1))
    )
    half = ol.project_values(tables, climate_scale=0.5)
    assert value_at(half, "alpha", "hazard_level_extreme_heat")["value"] == pytest.approx(1.5)
    assert value_at(half, "alpha", "hazard_level_urban_flood")["value"] == pytest.approx(2.0 * 5 / 4)


def test_today_reproduced_when_every_delta_is_zero(built_data):
    for tables in (hand_tables(), built_data):
        result = ol.project(tables, climate_scale=0.0, population_scale=0.0, draws=50)
        p = result.projected
        assert np.allclose(p["value"], p["value_today"], equal_nan=True)
        today = index_of(tables).risk.set_index("city_id")["risk"]
        s = result.scores
        for _, row in s.iterrows():
            assert row["risk"] == pytest.approx(today[row["city_id"]], nan_ok=True)
            assert row["change"] == pytest.approx(0.0, abs=1e-12)
        assert np.allclose(s["change_p10"], 0.0) and np.allclose(s["change_p90"], 0.0)
        assert (result.order_change["share"] == 0).all()
        assert (s.loc[s["scenario"] != ol.TODAY, "rank_same_share"] == 1.0).all()
    # and with a climate that does not change at all (every horizon equal to 2025), nothing moves
    flat = hand_tables(hot_2050=(20.0, 20.0, 20.0))
    flat["climate_series"]["value"] = flat["climate_series"].groupby(["variable"])["value"].transform("first")
    flat["climate_series"]["p10"] = flat["climate_series"]["value"]
    flat["climate_series"]["p90"] = flat["climate_series"]["value"]
    flat["ssp_population"]["growth_factor"] = 1.0
    p = ol.project_values(flat)
    assert np.allclose(p["value"], p["value_today"])


def test_the_build_today_equals_the_published_index(built_data):
    result = ol.project(built_data, draws=50)
    today = result.scores[result.scores["scenario"] == ol.TODAY].set_index("city_id")
    published = built_data["risk"].set_index("city_id")
    for city, row in published.iterrows():
        assert today.at[city, "risk"] == pytest.approx(row["risk"], nan_ok=True)
        assert today.at[city, "rank"] == row["rank"]


def test_more_heat_gives_a_higher_heat_hazard_and_risk():
    levels, risks = [], []
    for extra in (0.0, 10.0, 20.0, 40.0, 80.0):
        mid = 20.0 + extra
        result = ol.project(hand_tables(hot_2050=(mid, mid, mid)), draws=20)
        levels.append(value_at(result.projected, "alpha", "hazard_level_extreme_heat")["value"])
        s = result.scores
        risks.append(
            float(
                s[(s["city_id"] == "alpha") & (s["scenario"] == "ssp245") & (s["horizon"] == 2050)][
                    "risk"
                ].iloc[0]
            )
        )
    assert levels == sorted(levels) and levels[0] < levels[-1]
    assert risks == sorted(risks) and risks[0] < risks[-1]
    # and scaling the warming up never lowers the heat level
    scaled = [
        value_at(ol.project_values(hand_tables(), climate_scale=f), "alpha", "hazard_level_extreme_heat")[
            "value"
        ]
        for f in (0.0, 0.5, 1.0, 1.5)
    ]
    assert scaled == sorted(scaled)


def test_ranges_are_ordered(built_data):
    result = ol.project(built_data, draws=200)
    s = result.scores.dropna(subset=["risk"])
    assert (s["risk_p10"] <= s["risk_p50"] + 1e-12).all() and (s["risk_p50"] <= s["risk_p90"] + 1e-12).all()
    assert (s["change_p10"] <= s["change_p50"] + 1e-12).all() and (
        s["change_p50"] <= s["change_p90"] + 1e-12
    ).all()
    assert (s["risk_p10"] <= s["risk"]).all() and (s["risk"] <= s["risk_p90"]).all()
    assert (s["rank_lo"] <= s["rank_hi"]).all()
    wide = result.projected.pivot_table(
        index=["city_id", "indicator_id", "scenario", "horizon"], columns="member", values="value"
    )
    assert {"p10", "p50", "p90"} == set(wide.columns) and wide.notna().all().all()
    assert set(s["scenario"]) == {ol.TODAY, *ol.SCENARIOS} and set(s["horizon"]) >= set(ol.HORIZONS)
    assert len(s[s["scenario"] != ol.TODAY]) == s["city_id"].nunique() * len(ol.SCENARIOS) * len(ol.HORIZONS)


def test_deterministic_with_a_seed(built_data):
    a = ol.project(built_data, draws=100, seed=3)
    b = ol.project(built_data, draws=100, seed=3)
    c = ol.project(built_data, draws=100, seed=4)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.projected, b.projected)
    assert not np.allclose(a.scores["risk_p10"], c.scores["risk_p10"])
    pd.testing.assert_series_equal(a.scores["risk"], c.scores["risk"])  # the point does not depend on draws


def test_vectorised_aggregation_equals_compute_index(built_data):
    weights = IndexWeights(
        dimensions={"vulnerability": 2.0}, categories={"extreme_heat": 3.0, "earthquake": 0.5}
    )
    result = index_of(built_data, weights)
    cats = list(result.category_scores.columns)
    dim_of = dict(zip(built_data["categories"]["category_id"], built_data["categories"]["dimension"]))
    cw, dw = ol._weights(built_data, weights, cats)
    risk, dims = ol.risk_from_categories(
        result.category_scores.to_numpy(), [dim_of[c] for c in cats], cw[None, :], dw[None, :]
    )
    assert np.allclose(risk[0], result.risk["risk"].to_numpy(), equal_nan=True)
    assert np.allclose(dims[0], result.dimension_scores[list(DIMENSION_ORDER)].to_numpy(), equal_nan=True)


def test_every_projected_value_keeps_a_rule_and_a_status(built_data):
    result = ol.project(built_data, draws=20)
    p = result.projected
    rules = built_data["projection_rules"].set_index("rule_id")
    assert p["rule_id"].isin(rules.index).all()
    assert p["status"].isin(["sourced", "estimated", "illustrative"]).all()
    assert not (p["status"] == "sourced").any()  # a future value is never "sourced"
    moved = p[p["moved"]]
    assert len(moved) and (moved["status"] == "illustrative").all()
    assert (moved["rule_id"].map(rules["indicator_id"]) == moved["indicator_id"]).all()
    # every city's score carries a status, and the sentence helpers find a driver for someone
    assert result.scores["status"].notna().all()
    assert any(ol.main_driver(result, c, "ssp585", 2080) for c in built_data["cities"]["city_id"])


def test_hazards_missing_today_are_reported_not_added(built_data):
    result = ol.project(built_data, draws=20)
    gaps = result.gaps
    have = set(zip(built_data["indicator_values"]["city_id"], built_data["indicator_values"]["indicator_id"]))
    assert all((c, i) not in have for c, i in zip(gaps["city_id"], gaps["indicator_id"]))
    projected = set(zip(result.projected["city_id"], result.projected["indicator_id"]))
    assert all((c, i) not in projected for c, i in zip(gaps["city_id"], gaps["indicator_id"]))


# --- malformed rule tables are rejected with file, row and column ------------------------------------


@pytest.mark.parametrize(
    "column, value, expected_column, words",
    [
        ("parameters", "units_per_level=abc;clip=bounds", "parameters", ("number", "abc")),
        ("parameters", "clip=bounds", "parameters", ("needs", "units_per_level")),
        ("parameters", "units_per_level=30;colour=red", "parameters", ("unknown", "colour")),
        ("driver", "ssp_population", "driver", ("does not suit",)),
        ("indicator_id", "no_such_indicator", "indicator_id", ("not a known",)),
    ],
)
def test_malformed_rules_are_rejected(src_copy, tmp_path, column, value, expected_column, words):
    index = next(
        i
        for i, r in enumerate(read_rows(src_copy / "projection_rules.csv")[1])
        if r["method"] == "shift_by_delta"
    )
    set_cell(src_copy, "projection_rules", index, column, value)
    problems = problems_of(src_copy, tmp_path)
    hits = [
        p
        for p in problems
        if p.file == "projection_rules.csv" and p.row == index + 2 and p.column == expected_column
    ]
    assert hits, [str(p) for p in problems]
    assert all(w in str(hits[0]) for w in words), str(hits[0])


def test_ssp_population_must_match_its_scenario(src_copy, tmp_path):
    fields, rows = read_rows(src_copy / "ssp_population.csv")
    rows[1]["ssp"] = "SSP5" if rows[1]["ssp"] != "SSP5" else "SSP1"
    rows[0]["growth_factor"] = "1.2"  # the base year's factor must be 1
    write_rows(src_copy / "ssp_population.csv", fields, rows)
    with pytest.raises(DataValidationError) as info:
        build(src_copy, tmp_path / "out" / "build")
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert ("ssp_population.csv", 3, "ssp") in where and ("ssp_population.csv", 2, "growth_factor") in where
