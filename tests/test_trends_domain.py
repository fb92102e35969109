"""Climate series: the construction (baseline reproduces the normals, spread and scenario order,
trend, seeded reproducibility) and the domain functions the /trends page uses (hand-computed cases)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from domain import climate
from domain.build import build
from domain.schemas import DataValidationError
from scripts import make_climate_series as gen
from tests.source_tables import read_rows, write_rows

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "src"
FACTS = SRC / "climate_facts"


@pytest.fixture(scope="module")
def series(built_data) -> pd.DataFrame:
    return built_data["climate_series"]


@pytest.fixture(scope="module")
def normals() -> pd.DataFrame:
    return pd.read_csv(FACTS / "normals.csv", dtype=str, keep_default_na=False)


def full_months(normals: pd.DataFrame, column: str) -> dict[str, tuple[float, str]]:
    """city -> (mean or sum source, period text) for cities whose normals give all 12 months."""
    out = {}
    for city, rows in normals.groupby("city_id"):
        values = pd.to_numeric(rows[column], errors="coerce")
        if values.notna().sum() == 12:
            out[city] = (values, rows["period"].iloc[0])
    return out


def rate_of(city_id: str) -> float:
    cities = pd.read_csv(SRC / "cities.csv", dtype=str).set_index("city_id")
    rates = pd.read_csv(FACTS / "assumptions.csv", dtype=str)
    rates = rates[rates["kind"] == "trend_rate"].set_index("id")["value"].astype(float)
    return float(rates[cities.at[city_id, "country_iso3"]])


# --- the construction ------------------------------------------------------------------------


def test_observed_baseline_reproduces_the_normals(series, normals):
    obs = series[(series["scenario"] == "observed") & series["year"].between(1991, 2020)]
    tmean = obs[obs["variable"] == "tmean"].groupby("city_id")["value"].mean()
    checked = 0
    for city, (values, period) in full_months(normals, "tmean_c").items():
        expected = values.mean()
        mid = gen.period_mid(period.split(" | ")[0])
        if mid is not None and mid != 2005.5:  # a normal of another period, moved with the country trend
            expected += rate_of(city) * (2005.5 - mid) / 10
        assert tmean[city] == pytest.approx(expected, abs=0.01), city
        checked += 1
    assert checked >= 2
    precip = obs[obs["variable"] == "precip"].groupby("city_id")["value"].mean()
    for city, (values, _) in full_months(normals, "precip_mm").items():
        assert precip[city] == pytest.approx(values.sum(), rel=0.002), city
    annual = pd.read_csv(FACTS / "annual_facts.csv", dtype=str)
    for _, fact in annual[annual["variable"].isin(["tmean", "precip"])].iterrows():
        if fact["city_id"] in full_months(
            normals, "precip_mm" if fact["variable"] == "precip" else "tmean_c"
        ):
            continue  # a check figure only: the monthly normals win
        got = (tmean if fact["variable"] == "tmean" else precip)[fact["city_id"]]
        assert got == pytest.approx(float(fact["value"]), rel=0.002), (fact["city_id"], fact["variable"])


def test_projection_spread_is_ordered_and_observed_has_none(series):
    proj = series[series["scenario"] != "observed"]
    assert (proj["p10"] <= proj["value"]).all() and (proj["value"] <= proj["p90"]).all()
    assert (proj["p90"] - proj["p10"] > 0).mean() > 0.95  # a real band almost everywhere
    obs = series[series["scenario"] == "observed"]
    assert obs["p10"].isna().all() and obs["p90"].isna().all()
    assert obs["year"].min() == 1991 and obs["year"].max() >= 2024
    assert proj["year"].min() == obs["year"].max() + 1 and proj["year"].max() == 2100


def test_late_century_temperature_ordered_by_scenario(series):
    late = series[(series["variable"] == "tmean") & series["year"].between(2081, 2100)]
    means = late.groupby(["city_id", "scenario"])["value"].mean().unstack()
    assert len(means) == series["city_id"].nunique()
    assert ((means["ssp126"] < means["ssp245"]) & (means["ssp245"] < means["ssp585"])).all()
    # and warmer than the observed baseline under every scenario
    base = climate.baseline_means(series, list(means.index), "tmean")
    assert (means["ssp126"] > base).all()


def test_projected_counts_start_from_the_observed_baseline_and_move_the_right_way(series):
    """Every projected year of every scenario lies on the side of the observed 1991-2020 mean that
    warming implies (more hot and heavy-rain days, fewer frost days): the projections and the
    synthetic observed years share one baseline."""
    proj = series[series["scenario"] != "observed"]
    for variable, sign in (
        ("hot_days_35", 1),
        ("frost_days", -1),
        ("cold_days_m20", -1),
        ("heavy_precip_days", 1),
        ("precip", 1),
        ("tmean", 1),
    ):
        cities = climate.cities_with(series, variable)
        base = climate.baseline_means(series, cities, variable)
        rows = proj[proj["variable"] == variable]
        change = (rows["value"] - rows["city_id"].map(base)) * sign
        assert (change >= -1e-6).all(), variable
        late = rows[(rows["scenario"] == "ssp585") & rows["year"].between(2081, 2100)]
        assert ((late["value"] - late["city_id"].map(base)) * sign > 0).all(), variable


def test_observed_trend_is_the_country_trend(series):
    obs = series[(series["scenario"] == "observed") & (series["variable"] == "tmean")]
    for city, rows in obs.groupby("city_id"):
        slope = np.polyfit(rows["year"], rows["value"], 1)[0] * 10
        assert slope == pytest.approx(rate_of(city), abs=0.005), city


def test_statuses_say_how_far_to_trust(series):
    assert set(series["status"]) <= {"estimated", "illustrative"}
    assert (series.loc[series["scenario"] == "observed", "status"] == "illustrative").all()
    assert (series.loc[series["variable"] != "tmean", "status"] == "illustrative").all()
    assert series["source_id"].eq(gen.SOURCE_ID).all()


def test_generator_is_seeded_and_reproduces_the_committed_file(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert gen.main(["--out", str(first)]) == 0
    assert gen.main(["--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == (SRC / "climate_series.csv").read_bytes(), (
        "data/src/climate_series.csv is out of date: run scripts/make_climate_series.py"
    )


def test_adding_or_removing_a_city_leaves_the_others_unchanged(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SRC, src)
    full, _ = gen.build_series(src)
    fields, rows = read_rows(src / "cities.csv")
    dropped = rows[0]["city_id"]
    write_rows(src / "cities.csv", fields, rows[1:])
    fewer, _ = gen.build_series(src)
    kept = full[full["city_id"] != dropped].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, fewer.reset_index(drop=True))


def test_facts_are_copied_with_known_sources(built_data):
    known = set(built_data["sources"]["source_id"])
    for name in ("normals", "observed_trends", "projection_deltas", "projection_context", "annual_facts"):
        frame = pd.read_csv(FACTS / f"{name}.csv", dtype=str, keep_default_na=False)
        ids = {i for cell in frame["source_ids"] for i in cell.split(";") if i}
        assert ids and ids <= known, (name, ids - known)
    assert gen.SOURCE_ID in known
    code = (ROOT / "scripts" / "make_climate_series.py").read_text(encoding="utf-8")
    assert "shared" not in code.replace("shared_", ""), "the generator must read only the repo's copies"


def test_a_broken_series_row_is_reported_with_row_and_column(src_copy, tmp_path):
    path = src_copy / "climate_series.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int(frame.index[frame["scenario"] == "ssp245"][0])
    frame.loc[row, "p10"] = str(float(frame.loc[row, "value"]) + 5)
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        build(src_copy, tmp_path / "out" / "build")
    hits = [p for p in info.value.problems if p.file == "climate_series.csv" and p.row == row + 2]
    assert hits and hits[0].column == "p10" and "above" in hits[0].reason


# --- the domain functions, on a hand-made table -----------------------------------------------


def tiny() -> pd.DataFrame:
    """Two cities, 1991-2020 observed (a: 10 + (year-1991)*0.1 -> mean 11.45), one scenario 2030/2050/2080."""
    rows = []
    for city, offset in (("a", 0.0), ("b", 5.0)):
        for year in range(1991, 2021):
            rows.append(
                (city, "tmean", "observed", year, 10 + offset + (year - 1991) * 0.1, None, None, "°C")
            )
            rows.append((city, "precip", "observed", year, 200.0 + offset * 20, None, None, "mm/yr"))
        for year, v in ((2030, 13.0), (2050, 14.0), (2080, 16.0)):
            rows.append((city, "tmean", "ssp585", year, v + offset, v + offset - 1, v + offset + 2, "°C"))
            rows.append(
                (city, "precip", "ssp585", year, 220.0 + offset * 20, 180.0, 260.0 + offset * 20, "mm/yr")
            )
    frame = pd.DataFrame(
        rows, columns=["city_id", "variable", "scenario", "year", "value", "p10", "p90", "unit"]
    )
    return frame.assign(status="illustrative", source_id="x", method="m")


def test_baseline_means_by_hand():
    means = climate.baseline_means(tiny(), ["a", "b"], "tmean", "1991-2020")
    assert means["a"] == pytest.approx(11.45) and means["b"] == pytest.approx(16.45)
    later = climate.baseline_means(tiny(), ["a"], "tmean", "2001-2020")
    assert later["a"] == pytest.approx(10 + 0.1 * (np.mean(range(2001, 2021)) - 1991))
    short = tiny()[lambda d: d["year"] != 1995]
    assert math.isnan(climate.baseline_means(short, ["a"], "tmean")["a"])  # a missing year: no baseline


def test_change_mode_and_precipitation_in_percent():
    shown = climate.shown_series(tiny(), ["b", "a"], "tmean", ["ssp585"], "1991-2020", "change")
    assert shown["city_id"].iloc[0] == "b"  # the chosen order is kept
    row = shown[(shown["city_id"] == "a") & (shown["year"] == 2080)].iloc[0]
    assert (row["value"], row["p10"], row["p90"]) == pytest.approx((16 - 11.45, 15 - 11.45, 18 - 11.45))
    assert row["unit"] == "°C" and row["mode"] == "change" and row["baseline_mean"] == pytest.approx(11.45)
    precip = climate.shown_series(tiny(), ["a"], "precip", ["ssp585"], "1991-2020", "change")
    row = precip[precip["year"] == 2050].iloc[0]
    assert row["value"] == pytest.approx(10.0) and row["p10"] == pytest.approx(-10.0) and row["unit"] == "%"
    absolute = climate.shown_series(tiny(), ["a"], "tmean", [], "1991-2020", "abs")
    assert set(absolute["scenario"]) == {"observed"} and absolute["value"].iloc[0] == pytest.approx(10.0)


def test_horizon_table_by_hand():
    tab = climate.horizon_table(tiny(), ["a"], "tmean", ["ssp585", "ssp126"], "1991-2020")
    assert list(tab["year"]) == [2030, 2050, 2080] and set(tab["scenario"]) == {"ssp585"}
    row = tab[tab["year"] == 2050].iloc[0]
    assert row["value"] == 14.0 and row["change"] == pytest.approx(14 - 11.45)
    assert row["change_p10"] == pytest.approx(13 - 11.45) and row["change_p90"] == pytest.approx(16 - 11.45)


def test_axis_range_and_summary_by_hand():
    shown = climate.shown_series(tiny(), ["a", "b"], "tmean", ["ssp585"])
    lo, hi = climate.axis_range(shown, pad=0.0)
    assert (lo, hi) == (10.0, 23.0)
    facts = climate.summary_facts(tiny(), ["a", "b"], "tmean", ["ssp585"], "1991-2020", 2080)
    assert facts["scenario"] == "ssp585" and facts["year"] == 2080
    assert facts["low"][1] == pytest.approx(16 - 11.45) and facts["high"][1] == pytest.approx(21 - 16.45)
    observed = climate.summary_facts(tiny(), ["a"], "tmean", [], "1991-2020")
    assert observed["scenario"] == "observed" and observed["high"][1] == pytest.approx(
        0.1 * (2015.5 - 1991) - 1.45
    )


def test_choices_offered_by_the_data(series):
    assert climate.available_variables(series)[:3] == ["tmean", "hot_days_35", "frost_days"]
    assert climate.usable_baselines(series) == list(climate.BASELINES)
    assert set(climate.cities_with(series, "cold_days_m20")) < set(climate.cities_with(series, "tmean"))
