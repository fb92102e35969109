"""Climate series per city: selection, baseline means, change from a baseline, horizon table.

Pure functions over the build's `climate_series` table (see `domain/climate_schema.py` and
data/README.md). Every function takes a `BuildData` or the table itself, so pages, the CSV
download and tests use the same numbers.

- Absolute values, or change from the mean of the observed years of a baseline period:
  a difference in the variable's unit, except precipitation, whose change is in % of the baseline.
- The horizon table gives, for 2030, 2050 and 2080, **the value of the projection in that year**.
  The projections are ensemble medians (and p10/p90) of 20-year means interpolated between period
  midpoints and carry no year-to-year noise, so the value in a year stands for the 20-year mean
  centred on it (exactly so at the midpoints 2030.5, 2050.5, 2070.5, 2090.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.climate_schema import CLIMATE_SCENARIOS, CLIMATE_UNITS, CLIMATE_VARIABLES

PROJECTIONS = tuple(s for s in CLIMATE_SCENARIOS if s != "observed")
BASELINES: dict[str, tuple[int, int]] = {
    "1991-2020": (1991, 2020),
    "1995-2014": (1995, 2014),
    "2001-2020": (2001, 2020),
}
DEFAULT_BASELINE = "1991-2020"
MODES = ("abs", "change")
HORIZONS = (2030, 2050, 2080)
RELATIVE_CHANGE = ("precip",)  # change in % of the baseline mean
COLUMNS = [
    "city_id",
    "variable",
    "scenario",
    "year",
    "value",
    "p10",
    "p90",
    "unit",
    "status",
    "source_id",
    "method",
]


def table(data) -> pd.DataFrame:
    """The climate_series table of a BuildData (or the table itself)."""
    return data if isinstance(data, pd.DataFrame) else data["climate_series"]


def available_variables(data) -> list[str]:
    """Variables present for at least one city, in catalogue order."""
    present = set(table(data)["variable"])
    return [v for v in CLIMATE_VARIABLES if v in present]


def cities_with(data, variable: str) -> list[str]:
    """Cities that have a series of the variable, sorted by id."""
    series = table(data)
    return sorted(series.loc[series["variable"] == variable, "city_id"].unique().tolist())


def observed_span(data) -> tuple[int, int] | None:
    """First and last observed year in the table."""
    years = table(data).loc[lambda d: d["scenario"] == "observed", "year"]
    return (int(years.min()), int(years.max())) if len(years) else None


def usable_baselines(data) -> list[str]:
    """Baseline periods fully covered by the observed years."""
    span = observed_span(data)
    if span is None:
        return []
    return [k for k, (a, b) in BASELINES.items() if span[0] <= a and b <= span[1]]


def change_unit(variable: str) -> str:
    """Unit of a change from the baseline: % for precipitation, the variable's unit otherwise."""
    return "%" if variable in RELATIVE_CHANGE else CLIMATE_UNITS.get(variable, "")


def select(data, city_ids: list[str], variable: str, scenarios: list[str]) -> pd.DataFrame:
    """Rows of the chosen cities and variable: the observed years and the chosen scenarios."""
    series = table(data)
    wanted = ["observed"] + [s for s in PROJECTIONS if s in scenarios]
    rows = series[
        (series["variable"] == variable) & series["city_id"].isin(city_ids) & series["scenario"].isin(wanted)
    ]
    order = {s: i for i, s in enumerate(CLIMATE_SCENARIOS)}
    city_order = {c: i for i, c in enumerate(city_ids)}
    rows = rows.assign(_c=rows["city_id"].map(city_order), _s=rows["scenario"].map(order))
    return rows.sort_values(["_c", "_s", "year"]).drop(columns=["_c", "_s"])[COLUMNS].reset_index(drop=True)


def baseline_means(data, city_ids: list[str], variable: str, baseline: str = DEFAULT_BASELINE) -> pd.Series:
    """Mean of the observed years of the baseline period per city (NaN unless every year is there)."""
    first, last = BASELINES[baseline]
    series = table(data)
    rows = series[
        (series["variable"] == variable)
        & (series["scenario"] == "observed")
        & series["year"].between(first, last)
        & series["city_id"].isin(city_ids)
    ]
    stats = rows.groupby("city_id")["value"].agg(["mean", "count"])
    means = stats["mean"].where(stats["count"] == last - first + 1)
    return means.reindex(city_ids).rename("baseline_mean")


def as_change(values, base, variable: str):
    """Change from `base`: a difference, or % of the base for precipitation."""
    values = np.asarray(values, dtype=float)
    base = np.asarray(base, dtype=float)
    if variable in RELATIVE_CHANGE:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(base > 0, (values / base - 1.0) * 100.0, np.nan)
    return values - base


def shown_series(
    data,
    city_ids: list[str],
    variable: str,
    scenarios: list[str],
    baseline: str = DEFAULT_BASELINE,
    mode: str = "abs",
) -> pd.DataFrame:
    """Exactly what the chart shows (and the CSV download holds): values or changes, with provenance."""
    rows = select(data, city_ids, variable, scenarios)
    means = baseline_means(data, city_ids, variable, baseline)
    rows["baseline"] = baseline
    rows["baseline_mean"] = rows["city_id"].map(means).astype(float)
    rows["mode"] = mode
    if mode == "change":
        for col in ("value", "p10", "p90"):
            rows[col] = as_change(rows[col], rows["baseline_mean"], variable)
        rows["unit"] = change_unit(variable)
    return rows


def horizon_table(
    data,
    city_ids: list[str],
    variable: str,
    scenarios: list[str],
    baseline: str = DEFAULT_BASELINE,
    horizons: tuple[int, ...] = HORIZONS,
) -> pd.DataFrame:
    """Per city, scenario and horizon year: the projected median with p10-p90 and its change from the baseline."""
    series = table(data)
    chosen = [s for s in PROJECTIONS if s in scenarios]
    rows = series[
        (series["variable"] == variable)
        & series["city_id"].isin(city_ids)
        & series["scenario"].isin(chosen)
        & series["year"].isin(horizons)
    ].copy()
    means = baseline_means(data, city_ids, variable, baseline)
    rows["baseline_mean"] = rows["city_id"].map(means).astype(float)
    for col, out in (("value", "change"), ("p10", "change_p10"), ("p90", "change_p90")):
        rows[out] = as_change(rows[col], rows["baseline_mean"], variable)
    rows["change_unit"] = change_unit(variable)
    city_order = {c: i for i, c in enumerate(city_ids)}
    scen_order = {s: i for i, s in enumerate(PROJECTIONS)}
    rows = rows.assign(_c=rows["city_id"].map(city_order), _s=rows["scenario"].map(scen_order))
    keep = [
        "city_id",
        "scenario",
        "year",
        "value",
        "p10",
        "p90",
        "unit",
        "baseline_mean",
        "change",
        "change_p10",
        "change_p90",
        "change_unit",
        "status",
    ]
    return rows.sort_values(["_c", "_s", "year"])[keep].reset_index(drop=True)


def axis_range(frame: pd.DataFrame, pad: float = 0.05) -> tuple[float, float] | None:
    """One y range covering every value and band in `frame` (small multiples share it)."""
    values = pd.concat([frame["value"], frame["p10"], frame["p90"]]).dropna()
    if values.empty:
        return None
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - pad * span, hi + pad * span


def period_mean(data, city_ids: list[str], variable: str, scenario: str, first: int, last: int) -> pd.Series:
    """Mean value of a scenario (median) or the observed years over [first, last], per city."""
    series = table(data)
    rows = series[
        (series["variable"] == variable)
        & (series["scenario"] == scenario)
        & series["year"].between(first, last)
        & series["city_id"].isin(city_ids)
    ]
    return rows.groupby("city_id")["value"].mean().reindex(city_ids)


def summary_facts(
    data,
    city_ids: list[str],
    variable: str,
    scenarios: list[str],
    baseline: str = DEFAULT_BASELINE,
    year: int = 2080,
) -> dict | None:
    """Numbers for a one-sentence summary: at `year`, under the highest chosen scenario, the cities
    with the smallest and largest change from the baseline; without a scenario, the change of the
    last ten observed years instead."""
    chosen = [s for s in PROJECTIONS if s in scenarios]
    means = baseline_means(data, city_ids, variable, baseline)
    if chosen:
        scenario = chosen[-1]
        tab = horizon_table(data, city_ids, variable, [scenario], baseline, (year,)).dropna(subset=["change"])
        changes = tab.set_index("city_id")["change"]
    else:
        span = observed_span(data)
        if span is None:
            return None
        scenario, year = "observed", span[1]
        recent = period_mean(data, city_ids, variable, "observed", span[1] - 9, span[1])
        changes = pd.Series(as_change(recent, means, variable), index=recent.index).dropna()
    if changes.empty:
        return None
    return {
        "scenario": scenario,
        "year": year,
        "unit": change_unit(variable),
        "low": (str(changes.idxmin()), float(changes.min())),
        "high": (str(changes.idxmax()), float(changes.max())),
        "cities": len(changes),
    }
