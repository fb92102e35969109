"""Risk outlook: the city risk index projected to 2030, 2050 and 2080 under each climate scenario.

Pure functions (no Dash, no Flask) over the built tables (`BuildData` or a dict of DataFrames).
Method (data/README.md, "Risk outlook"; the page says the same in words):

1. **Rules as data.** `projection_rules.csv` says how each indicator moves: its driver (a climate
   variable of `climate_series`, `tmean+precip`, or the country's SSP population growth) and a
   method with parameters. An indicator without an applicable rule (or whose driver the city
   lacks) is held at today's value by the `*` rule. Methods, with D the driver at the horizon and
   D0 the same climate member's driver in the reference year 2025 (so every member starts from
   today) or, for population, the country factor in the value's own year:
   - `hold`: x' = x
   - `shift_by_delta`: x' = x + (D - D0) / units_per_level
   - `scale_by_ratio`: x' = x * (D / D0) ** exponent (held where D0 <= 0)
   - `aridity_ratio`: x' = x * ((1 + pet_per_degc * (T - T0)) / (P / P0)) ** exponent
   `clip=bounds` keeps the result within the indicator's scaling bounds (hazard levels 0-3; a value
   already outside them today is not pulled back); a value pushed past a bound is `saturated`.
2. **Climate members.** Each rule runs on three climate members: the 10th, 50th and 90th
   percentile of the models' warming. For frost and severe-cold days the warm member takes the
   series' p10 column (they fall as it warms); precipitation and heavy-precipitation days take
   p10 in the cool member and p90 in the warm one (wetter with warming, Clausius-Clapeyron).
3. **Index.** The projected values of every (scenario, horizon, member) go through
   `risk_index.compute_index` unchanged (one call for all of them), so the projected index is
   the same index as today's.
4. **Ranges.** Category and dimension weights are drawn from Dirichlet distributions centred on
   the chosen weights (as `risk_index.rank_stability`, seeded). Each projected score is the point
   (median member, chosen weights) and the 10th-90th percentile over the 3 members x the weight
   draws. The change from today is taken draw by draw (the same weights today and later), so it
   shows the effect of the climate and population, not of the weights.
5. **Status.** A projected value keeps the worse of its own status, its rule's and its driver's
   (sourced < estimated < illustrative); a projected score takes the worst status of the values
   the rules moved ("estimated" if nothing moved: everything held).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from domain.outlook_schema import (
    ANY_INDICATOR,
    ARIDITY_DRIVER,
    NO_DRIVER,
    OUTLOOK_SCENARIOS,
    POPULATION_DRIVER,
    parse_parameters,
)
from domain.risk_index import DIMENSION_ORDER, IndexWeights, compute_index, latest_values, risk_class

SCENARIOS = OUTLOOK_SCENARIOS
HORIZONS = (2030, 2050, 2080)
MEMBERS = ("p10", "p50", "p90")  # percentile of the models' warming
REFERENCE_YEAR = 2025  # "today": the hazard levels' year and the first projected year
TODAY = "today"
STATUS_RANK = {"sourced": 0, "estimated": 1, "illustrative": 2}
STATUS_OF_RANK = {v: k for k, v in STATUS_RANK.items()}
# The series column of each member, per variable: counts that fall with warming swap ends.
_SWAPPED = ("frost_days", "cold_days_m20")
DEFAULT_DRAWS, DEFAULT_CONCENTRATION, DEFAULT_SEED = 400, 20.0, 0
IMPLICIT_HOLD = "hold"  # rule id when the table has no `*` rule
_SEP = "\x1f"

Tables = Mapping[str, pd.DataFrame]


def _get(tables: Tables, name: str) -> pd.DataFrame | None:
    """A table by name, or None when the build has none (BuildData or a plain dict)."""
    try:
        return tables[name]
    except KeyError:
        return None


def member_column(variable: str, member: str) -> str:
    """Which column of `climate_series` gives `variable` in a climate member."""
    if member == "p50":
        return "value"
    if variable in _SWAPPED:
        return "p90" if member == "p10" else "p10"
    return member


def worst_status(*statuses) -> np.ndarray:
    """Element-wise worst status across the given arrays (sourced < estimated < illustrative);
    missing entries are ignored, and a row with none is "estimated"."""
    frame = pd.DataFrame(
        {i: pd.Series(np.asarray(s, dtype=object)).map(STATUS_RANK) for i, s in enumerate(statuses)}
    )
    worst = frame.max(axis=1, skipna=True)
    return np.array([STATUS_OF_RANK[int(r)] if r == r else "estimated" for r in worst], dtype=object)


def worst_of(values) -> str | None:
    """The worst status among `values` (None if there is none)."""
    ranks = [STATUS_RANK[v] for v in values if v in STATUS_RANK]
    return STATUS_OF_RANK[max(ranks)] if ranks else None


# --- drivers ----------------------------------------------------------------------------------------


def climate_drivers(
    series: pd.DataFrame, scenarios=SCENARIOS, horizons=HORIZONS, reference_year: int = REFERENCE_YEAR
) -> pd.DataFrame:
    """Per city, variable, scenario, horizon and member: the driver's value, its reference (the same
    member's value in the reference year, so every member starts from today) and status. Rows only
    where both years exist."""
    cols = [
        "city_id",
        "variable",
        "scenario",
        "horizon",
        "member",
        "driver_value",
        "driver_ref",
        "driver_status",
    ]
    if series is None or series.empty:
        return pd.DataFrame(columns=cols)
    rows = series[series["scenario"].isin(scenarios) & series["year"].isin(set(horizons) | {reference_year})]
    parts = []
    for member in MEMBERS:
        part = rows[["city_id", "variable", "scenario", "year", "status"]].copy()
        part["member"] = member
        column = part["variable"].map(partial(member_column, member=member)).to_numpy(dtype=object)
        values = np.full(len(part), np.nan)
        for name in ("value", "p10", "p90"):
            mask = column == name
            values[mask] = rows[name].to_numpy(dtype=float)[mask]
        part["driver_value"] = values
        parts.append(part)
    both = pd.concat(parts, ignore_index=True)
    keys = ["city_id", "variable", "scenario", "member"]
    ref = both[both["year"] == reference_year][keys + ["driver_value", "status"]].rename(
        columns={"driver_value": "driver_ref", "status": "ref_status"}
    )
    out = (
        both[both["year"].isin(horizons)].rename(columns={"year": "horizon"}).merge(ref, on=keys, how="inner")
    )
    out["driver_status"] = worst_status(out["status"], out["ref_status"])
    return out[cols].dropna(subset=["driver_value", "driver_ref"]).reset_index(drop=True)


def population_factor(pop: pd.DataFrame, iso3: str, scenario: str, years) -> np.ndarray:
    """The country's growth factor in each year (linear between the table's years; NaN outside)."""
    rows = pop[(pop["iso3"] == iso3) & (pop["scenario"] == scenario)].sort_values("year")
    years = np.asarray(years, dtype=float)
    if rows.empty:
        return np.full(years.shape, np.nan)
    xs, ys = rows["year"].to_numpy(dtype=float), rows["growth_factor"].to_numpy(dtype=float)
    out = np.interp(years, xs, ys)
    return np.where((years < xs[0]) | (years > xs[-1]), np.nan, out)


# --- rules ------------------------------------------------------------------------------------------


def _available(tables: Tables, scenarios, horizons, reference_year: int) -> set[tuple[str, str]]:
    """(city_id, driver) pairs the city has in every scenario, at the reference year and every horizon."""
    out: set[tuple[str, str]] = set()
    series = _get(tables, "climate_series")
    cities = tables["cities"]
    if series is not None and len(series):
        need = set(horizons) | {reference_year}
        rows = series[series["scenario"].isin(scenarios) & series["year"].isin(need)]
        counts = rows.groupby(["city_id", "variable"]).apply(
            lambda g: len(set(zip(g["scenario"], g["year"]))), include_groups=False
        )
        full = len(scenarios) * len(need)
        have = {key for key, n in counts.items() if n == full}
        out |= have
        by_city: dict[str, set[str]] = {}
        for city, var in have:
            by_city.setdefault(city, set()).add(var)
        for city, variables in by_city.items():
            if set(ARIDITY_DRIVER.split("+")) <= variables:
                out.add((city, ARIDITY_DRIVER))
    pop = _get(tables, "ssp_population")
    if pop is not None and len(pop):
        last = max(horizons)
        for city, iso3 in zip(cities["city_id"], cities["country_iso3"]):
            rows = pop[pop["iso3"] == iso3]
            if all(((rows["scenario"] == s) & (rows["year"] >= last)).any() for s in scenarios):
                out.add((city, POPULATION_DRIVER))
    for city in cities["city_id"]:
        out.add((city, NO_DRIVER))
    return out


def assign_rules(today: pd.DataFrame, rules: pd.DataFrame, available: set[tuple[str, str]]) -> pd.DataFrame:
    """Today's values with the rule that projects each: the indicator's own rule of lowest priority
    whose driver the city has, else the `*` rule (hold). `fallback` marks values held because the
    city lacks every driver its indicator's rules need."""
    rules = rules.copy()
    rules["parameters"] = rules["parameters"].fillna("") if "parameters" in rules else ""
    own = rules[rules["indicator_id"] != ANY_INDICATOR]
    cand = today[["city_id", "indicator_id"]].reset_index().merge(own, on="indicator_id", how="inner")
    ok = np.array([(c, d) in available for c, d in zip(cand["city_id"], cand["driver"])], dtype=bool)
    chosen = cand[ok].sort_values(["index", "priority"]).drop_duplicates("index").set_index("index")
    had_rule = set(cand["index"])
    wildcard = rules[rules["indicator_id"] == ANY_INDICATOR].sort_values("priority")
    if len(wildcard):
        w = wildcard.iloc[0]
        hold = {
            "rule_id": w["rule_id"],
            "driver": NO_DRIVER,
            "method": "hold",
            "parameters": "",
            "rule_status": w["status"],
        }
    else:
        hold = {
            "rule_id": IMPLICIT_HOLD,
            "driver": NO_DRIVER,
            "method": "hold",
            "parameters": "",
            "rule_status": "estimated",
        }
    out = today.copy()
    for column, default in hold.items():
        source = "status" if column == "rule_status" else column
        values = chosen[source] if source in chosen else pd.Series(dtype=object)
        out[column] = pd.Series(out.index.map(values), index=out.index).where(
            out.index.isin(chosen.index), default
        )
    out["fallback"] = out.index.isin(had_rule) & ~out.index.isin(chosen.index)
    return out


def rule_gaps(
    tables: Tables, scenarios=SCENARIOS, horizons=HORIZONS, reference_year: int = REFERENCE_YEAR
) -> pd.DataFrame:
    """Indicators a rule would project for a city that has the rule's driver, but that have no value
    today: a hazard missing from today's profile is not added by the outlook (the page says so)."""
    cities = tables["cities"]["city_id"].tolist()
    values = tables["indicator_values"]
    have = set(zip(values["city_id"], values["indicator_id"]))
    rules = tables["projection_rules"]
    own = rules[rules["indicator_id"] != ANY_INDICATOR].sort_values("priority")
    available = _available(tables, scenarios, horizons, reference_year)
    rows = []
    for city in cities:
        for indicator, group in own.groupby("indicator_id", sort=False):
            if (city, indicator) in have:
                continue
            usable = [r for _, r in group.iterrows() if (city, r["driver"]) in available]
            if usable:
                r = usable[0]
                rows.append(
                    {
                        "city_id": city,
                        "indicator_id": indicator,
                        "rule_id": r["rule_id"],
                        "driver": r["driver"],
                    }
                )
    out = pd.DataFrame(rows, columns=["city_id", "indicator_id", "rule_id", "driver"])
    cat = tables["indicators"].set_index("indicator_id")["category_id"]
    out["category_id"] = out["indicator_id"].map(cat)
    return out


# --- projection ---------------------------------------------------------------------------------------


def _param(params: pd.Series, key: str, default: float) -> np.ndarray:
    parsed = {text: float(parse_parameters(text).get(key, default)) for text in set(params)}
    return params.map(parsed).to_numpy(dtype=float)


def project_values(
    tables: Tables,
    scenarios=SCENARIOS,
    horizons=HORIZONS,
    reference_year: int = REFERENCE_YEAR,
    climate_scale: float = 1.0,
    population_scale: float = 1.0,
) -> pd.DataFrame:
    """Every city's latest indicator values projected to each scenario, horizon and climate member,
    each with its rule, driver change, status and whether a bound capped it."""
    indicators = tables["indicators"]
    cities = tables["cities"]
    city_ids = cities["city_id"].tolist()
    today = latest_values(tables["indicator_values"][tables["indicator_values"]["city_id"].isin(city_ids)])
    today = today.merge(
        indicators[["indicator_id", "category_id", "dimension", "lower_bound", "upper_bound"]],
        on="indicator_id",
        how="inner",
    ).reset_index(drop=True)
    available = _available(tables, scenarios, horizons, reference_year)
    ruled = assign_rules(today, tables["projection_rules"], available)
    ruled = ruled.rename(columns={"value": "value_today"})

    grid = pd.MultiIndex.from_product(
        [list(scenarios), list(horizons), list(MEMBERS)], names=["scenario", "horizon", "member"]
    ).to_frame(index=False)
    long = ruled.merge(grid, how="cross")
    n = len(long)
    x = long["value_today"].to_numpy(dtype=float)
    method = long["method"].to_numpy(dtype=object)
    driver = long["driver"].to_numpy(dtype=object)
    d_value = np.full(n, np.nan)
    d_ref = np.full(n, np.nan)
    d_status = np.full(n, None, dtype=object)

    drivers = climate_drivers(_get(tables, "climate_series"), scenarios, horizons, reference_year)
    keys = ["city_id", "scenario", "horizon", "member"]
    climate_rows = ~np.isin(driver, [NO_DRIVER, POPULATION_DRIVER, ARIDITY_DRIVER])
    if climate_rows.any():
        merged = long.loc[climate_rows, keys + ["driver"]].merge(
            drivers.rename(columns={"variable": "driver"}), on=keys + ["driver"], how="left"
        )
        d_value[climate_rows] = merged["driver_value"].to_numpy(dtype=float)
        d_ref[climate_rows] = merged["driver_ref"].to_numpy(dtype=float)
        d_status[climate_rows] = merged["driver_status"].to_numpy(dtype=object)

    arid = driver == ARIDITY_DRIVER
    t_delta = np.full(n, np.nan)
    p_ratio = np.full(n, np.nan)
    if arid.any():
        sub = long.loc[arid, keys]
        parts = {}
        for var in ARIDITY_DRIVER.split("+"):
            parts[var] = sub.merge(
                drivers[drivers["variable"] == var].drop(columns="variable"), on=keys, how="left"
            )
        t, p = parts["tmean"], parts["precip"]
        t_delta[arid] = climate_scale * (
            t["driver_value"].to_numpy(dtype=float) - t["driver_ref"].to_numpy(dtype=float)
        )
        p_ref = p["driver_ref"].to_numpy(dtype=float)
        p_new = p_ref + climate_scale * (p["driver_value"].to_numpy(dtype=float) - p_ref)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_ratio[arid] = np.where(p_ref > 0, p_new / p_ref, np.nan)
        d_ref[arid] = t["driver_ref"].to_numpy(dtype=float)
        d_value[arid] = d_ref[arid] + t_delta[arid]
        d_status[arid] = worst_status(t["driver_status"], p["driver_status"])

    popm = driver == POPULATION_DRIVER
    if popm.any():
        pop = tables["ssp_population"]
        iso = long["city_id"].map(dict(zip(cities["city_id"], cities["country_iso3"])))
        status_of = pop.groupby(["iso3", "scenario"])["status"].agg(worst_of)
        sub = long.loc[popm, ["city_id", "scenario", "horizon", "year"]].assign(iso3=iso[popm].to_numpy())
        f_now = np.full(len(sub), np.nan)
        f_then = np.full(len(sub), np.nan)
        years, horizons_ = sub["year"].to_numpy(dtype=float), sub["horizon"].to_numpy(dtype=float)
        for (iso3, scen), pos in sub.reset_index(drop=True).groupby(["iso3", "scenario"]).indices.items():
            rows = pop[(pop["iso3"] == iso3) & (pop["scenario"] == scen)]
            f_now[pos] = population_factor(rows, iso3, scen, years[pos])
            f_then[pos] = population_factor(rows, iso3, scen, horizons_[pos])
        d_ref[popm] = f_now
        d_value[popm] = f_now + population_scale * (f_then - f_now)
        d_status[popm] = [status_of.get((a, b)) for a, b in zip(sub["iso3"], sub["scenario"])]

    # climate deltas scaled by the what-if factor (population already scaled above)
    scaled = climate_rows
    d_eff = d_value.copy()
    d_eff[scaled] = d_ref[scaled] + climate_scale * (d_value[scaled] - d_ref[scaled])

    params = long["parameters"].fillna("")
    new = x.copy()
    shift = method == "shift_by_delta"
    if shift.any():
        units = _param(params[shift], "units_per_level", 1.0)
        new[shift] = x[shift] + (d_eff[shift] - d_ref[shift]) / units
    ratio = method == "scale_by_ratio"
    if ratio.any():
        exponent = _param(params[ratio], "exponent", 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(d_ref[ratio] > 0, d_eff[ratio] / d_ref[ratio], 1.0)
        new[ratio] = x[ratio] * np.power(r, exponent)
    if arid.any():
        k = _param(params[arid], "pet_per_degc", 0.0)
        exponent = _param(params[arid], "exponent", 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = (1.0 + k * t_delta[arid]) / p_ratio[arid]
        new[arid] = x[arid] * np.power(np.clip(factor, 0.0, None), exponent)
    missing_driver = (method != "hold") & np.isnan(new)
    new[missing_driver] = x[missing_driver]  # a driver row missing for one case: hold

    clip = np.array(["clip=bounds" in p.replace(" ", "") for p in params], dtype=bool)
    lo, hi = long["lower_bound"].to_numpy(dtype=float), long["upper_bound"].to_numpy(dtype=float)
    # a value already beyond a bound today stays where it is at worst: clipping never moves it back
    clipped = np.where(clip, np.clip(new, np.fmin(lo, x), np.fmax(hi, x)), new)
    saturated = clip & ~np.isclose(clipped, new) & ~np.isnan(new)

    long["value"] = clipped
    long["value_unclipped"] = new
    long["saturated"] = saturated
    long["driver_ref"] = d_ref
    long["driver_value"] = np.where(popm, d_value, d_eff)
    with np.errstate(divide="ignore", invalid="ignore"):
        long["driver_change"] = np.where(arid, t_delta, long["driver_value"] - d_ref)
        long["driver_change_pct"] = np.where(
            arid,
            (p_ratio - 1.0) * 100.0,
            np.where(d_ref > 0, (long["driver_value"] / d_ref - 1.0) * 100.0, np.nan),
        )
    moved = (method != "hold") & ~missing_driver
    long["moved"] = moved
    long["status_today"] = long["status"]
    driver_part = np.where(moved, d_status, None)
    long["status"] = worst_status(long["status_today"], long["rule_status"], driver_part)
    keep = [
        "city_id",
        "indicator_id",
        "category_id",
        "dimension",
        "scenario",
        "horizon",
        "member",
        "year",
        "value_today",
        "value",
        "value_unclipped",
        "saturated",
        "moved",
        "fallback",
        "rule_id",
        "method",
        "driver",
        "driver_ref",
        "driver_value",
        "driver_change",
        "driver_change_pct",
        "status",
        "status_today",
        "rule_status",
        "source_id",
        "value_scope",
    ]
    for column in ("value_scope",):
        if column not in long:
            long[column] = None
    return long[keep].reset_index(drop=True)


# --- index over all cases at once --------------------------------------------------------------------


def _case_ids(scenarios, horizons) -> list[tuple[str, int, str]]:
    return [(TODAY, REFERENCE_YEAR, "p50")] + [
        (s, h, m) for s in scenarios for h in horizons for m in MEMBERS
    ]


def index_cases(
    tables: Tables,
    projected: pd.DataFrame,
    weights: IndexWeights | None,
    scenarios=SCENARIOS,
    horizons=HORIZONS,
):
    """`compute_index` once over today and every (scenario, horizon, member): each (city, case) is
    one row of the index, keyed `city<sep>case`. Returns (result, cases, city_ids)."""
    cities = tables["cities"]["city_id"].tolist()
    cases = _case_ids(scenarios, horizons)
    today = latest_values(tables["indicator_values"][tables["indicator_values"]["city_id"].isin(cities)])
    frames = [today.assign(key=today["city_id"] + _SEP + "0")]
    if len(projected):
        case_no = {c: i for i, c in enumerate(cases)}
        numbers = [
            case_no[(s, int(h), m)]
            for s, h, m in zip(projected["scenario"], projected["horizon"], projected["member"])
        ]
        frames.append(
            pd.DataFrame(
                {
                    "key": projected["city_id"] + _SEP + pd.Series(numbers, dtype=str).to_numpy(),
                    "indicator_id": projected["indicator_id"].to_numpy(),
                    "year": projected["year"].to_numpy(),
                    "value": projected["value"].to_numpy(),
                    "status": projected["status"].to_numpy(),
                    "source_id": projected["source_id"].to_numpy(),
                }
            )
        )
    values = pd.concat(frames, ignore_index=True)
    values["city_id"] = values["key"]
    keys = [f"{c}{_SEP}{i}" for i in range(len(cases)) for c in cities]
    result = compute_index(
        values.drop(columns="key"),
        tables["indicators"],
        tables["categories"],
        tables["dimensions"],
        pd.DataFrame({"city_id": keys}),
        tables["risk_classes"],
        weights,
    )
    return result, cases, cities


def _weights(
    tables: Tables, weights: IndexWeights | None, categories: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    cats = tables["categories"].set_index("category_id")["weight"]
    dims = tables["dimensions"].set_index("dimension")["weight"]
    weights = weights or IndexWeights()
    cw = np.array([float(weights.categories.get(c, cats.get(c, 1.0))) for c in categories])
    dw = np.array([float(weights.dimensions.get(d, dims.get(d, 1.0))) for d in DIMENSION_ORDER])
    return cw, dw


def weight_draws(
    cat_weights: np.ndarray,
    dim_weights: np.ndarray,
    cat_dims: list[str],
    draws: int,
    concentration: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Dirichlet draws centred on the chosen weights: (draws x categories, draws x 3). Categories
    of weight 0 stay 0; weights are normalised within each dimension."""
    rng = np.random.default_rng(seed)
    dim_w = dim_weights / dim_weights.sum()
    dim_draws = rng.dirichlet(dim_w * concentration * len(dim_w), size=draws)
    cat_draws = np.zeros((draws, len(cat_weights)))
    for dim in DIMENSION_ORDER:
        cols = [j for j, d in enumerate(cat_dims) if d == dim and cat_weights[j] > 0]
        if not cols:
            continue
        base = cat_weights[cols] / cat_weights[cols].sum()
        if len(cols) > 1:
            cat_draws[:, cols] = rng.dirichlet(base * concentration * len(cols), size=draws)
        else:
            cat_draws[:, cols] = 1.0
    return cat_draws, dim_draws


def risk_from_categories(
    cat_scores: np.ndarray, cat_dims: list[str], cat_weights: np.ndarray, dim_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The index's aggregation from category scores, for many weightings at once.

    `cat_scores` (..., K); `cat_weights` (W, K) and `dim_weights` (W, 3), one row per weighting.
    Returns (risk (W, ...), dimensions (W, ..., 3)): complement geometric mean of the present
    categories per dimension, then the weighted geometric mean of the three dimensions, exactly as
    `compute_index` does.
    """
    scores = np.asarray(cat_scores, dtype=float)
    present = ~np.isnan(scores)
    logs = np.where(present, np.log(0.9 * (10.0 - np.nan_to_num(scores)) + 1.0), 0.0)
    cw = np.atleast_2d(cat_weights)
    dw = np.atleast_2d(dim_weights)
    dims = []
    for dim in DIMENSION_ORDER:
        cols = [j for j, d in enumerate(cat_dims) if d == dim]
        if not cols:
            dims.append(np.full((cw.shape[0],) + scores.shape[:-1], np.nan))
            continue
        w = cw[:, cols]
        num = np.einsum("wk,...k->w...", w, logs[..., cols])
        den = np.einsum("wk,...k->w...", w, present[..., cols].astype(float))
        with np.errstate(invalid="ignore", divide="ignore"):
            geo = np.exp(num / den)
        dims.append(np.where(den > 0, (10.0 - geo) / 9.0 * 10.0, np.nan))
    stacked = np.stack(dims, axis=-1)  # W, ..., 3
    share = dw / dw.sum(axis=1, keepdims=True)
    share = share.reshape((dw.shape[0],) + (1,) * (stacked.ndim - 2) + (3,))
    with np.errstate(divide="ignore"):
        logd = np.log(np.clip(stacked, 0.0, None))
    risk = np.exp((logd * share).sum(axis=-1))
    risk = np.where(np.isnan(stacked).any(axis=-1), np.nan, risk)
    return risk, stacked


def _percentiles(values: np.ndarray, qs) -> np.ndarray:
    """Percentiles over the first axis, NaN (without a warning) for a city with no score at all."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(values, qs, axis=0)


def _ranks(risk: np.ndarray) -> np.ndarray:
    """Rank 1 = highest risk along the last axis; a city without a score ranks last."""
    filled = np.where(np.isnan(risk), -np.inf, risk)
    order = np.argsort(-filled, axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(
        ranks, order, np.arange(1, risk.shape[-1] + 1).reshape((1,) * (risk.ndim - 1) + (-1,)), axis=-1
    )
    return ranks


@dataclass
class OutlookResult:
    """The outlook at every level, as plain tables that pages, downloads and tests read."""

    projected: pd.DataFrame  # every projected indicator value (city, indicator, scenario, horizon, member)
    scores: pd.DataFrame  # city_id, scenario, horizon: risk point and range, dimensions, ranks, status
    categories: pd.DataFrame  # city_id, scenario, horizon, category_id: today, point, member range, change
    contributions: pd.DataFrame  # city_id, scenario, horizon, category_id: risk change if only it changed
    order_change: pd.DataFrame  # scenario, horizon: share of draws whose city order differs from today's
    meta: dict = field(default_factory=dict)
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)  # climate drivers (see climate_drivers)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)  # rules not applied: no value today


def project(
    tables: Tables,
    weights: IndexWeights | None = None,
    *,
    scenarios=SCENARIOS,
    horizons=HORIZONS,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = DEFAULT_SEED,
    climate_scale: float = 1.0,
    population_scale: float = 1.0,
    reference_year: int = REFERENCE_YEAR,
) -> OutlookResult:
    """The risk outlook: projected values, the index per scenario, horizon and member, and ranges
    over climate members x weight draws (see the module docstring)."""
    scenarios, horizons = tuple(scenarios), tuple(int(h) for h in horizons)
    projected = project_values(tables, scenarios, horizons, reference_year, climate_scale, population_scale)
    result, cases, cities = index_cases(tables, projected, weights, scenarios, horizons)
    n_city, n_case = len(cities), len(cases)
    cat_ids = list(result.category_scores.columns)
    cat_dim = dict(zip(tables["categories"]["category_id"], tables["categories"]["dimension"]))
    cat_dims = [cat_dim[c] for c in cat_ids]
    cat = result.category_scores.to_numpy(dtype=float).reshape(n_case, n_city, len(cat_ids))
    dim_point = (
        result.dimension_scores[list(DIMENSION_ORDER)].to_numpy(dtype=float).reshape(n_case, n_city, 3)
    )
    risk_point = result.risk["risk"].to_numpy(dtype=float).reshape(n_case, n_city)

    cw, dw = _weights(tables, weights, cat_ids)
    cat_draws, dim_draws = weight_draws(cw, dw, cat_dims, draws, concentration, seed)
    today_draws, _ = risk_from_categories(cat[0], cat_dims, cat_draws, dim_draws)  # D x C
    today_ranks = _ranks(today_draws)
    point_rank_today = _ranks(risk_point[0][None, :])[0]
    today_rank_lo, today_rank_hi = np.percentile(today_ranks, [10, 90], axis=0)
    status_today = "estimated"

    rows, cat_rows, contrib_rows, order_rows = [], [], [], []
    moved = projected[projected["moved"]]
    status_by = moved.groupby(["city_id", "scenario", "horizon"])["status"].agg(worst_of)
    saturated_by = (
        projected[projected["member"] == "p50"].groupby(["city_id", "scenario", "horizon"])["saturated"].sum()
    )
    qs = [10, 50, 90]

    # today
    lo, mid, hi = _percentiles(today_draws, qs)
    for j, city in enumerate(cities):
        rows.append(
            {
                "city_id": city,
                "scenario": TODAY,
                "horizon": reference_year,
                "risk": risk_point[0, j],
                "risk_p10": lo[j],
                "risk_p50": mid[j],
                "risk_p90": hi[j],
                "risk_member_p10": risk_point[0, j],
                "risk_member_p90": risk_point[0, j],
                "change": 0.0,
                "change_p10": 0.0,
                "change_p50": 0.0,
                "change_p90": 0.0,
                **{d: dim_point[0, j, k] for k, d in enumerate(DIMENSION_ORDER)},
                "rank": int(point_rank_today[j]) if not np.isnan(risk_point[0, j]) else None,
                "rank_lo": float(today_rank_lo[j]),
                "rank_hi": float(today_rank_hi[j]),
                "rank_same_share": 1.0,
                "status": status_today,
                "saturated": 0,
            }
        )
        for k, c in enumerate(cat_ids):
            cat_rows.append(
                {
                    "city_id": city,
                    "scenario": TODAY,
                    "horizon": reference_year,
                    "category_id": c,
                    "dimension": cat_dims[k],
                    "today": cat[0, j, k],
                    "score": cat[0, j, k],
                    "score_lo": cat[0, j, k],
                    "score_hi": cat[0, j, k],
                    "change": 0.0,
                }
            )

    chosen_cw = (cw / np.where(cw.sum() > 0, cw.sum(), 1.0))[None, :]
    for s in scenarios:
        for h in horizons:
            idx = [cases.index((s, h, m)) for m in MEMBERS]
            block = cat[idx]  # 3 x C x K
            draws_risk, _ = risk_from_categories(block, cat_dims, cat_draws, dim_draws)  # D x 3 x C
            change = draws_risk - today_draws[:, None, :]
            flat = draws_risk.reshape(-1, n_city)
            ch_flat = change.reshape(-1, n_city)
            ranks = _ranks(draws_risk)  # D x 3 x C
            same_rank = ranks == today_ranks[:, None, :]
            order_rows.append(
                {
                    "scenario": s,
                    "horizon": h,
                    "share": float((~same_rank.all(axis=-1)).mean()) if n_city else 0.0,
                }
            )
            rlo, rmid, rhi = _percentiles(flat, qs)
            clo, cmid, chi = _percentiles(ch_flat, qs)
            mid_case = cases.index((s, h, "p50"))
            point_rank = _ranks(risk_point[mid_case][None, :])[0]
            rank_flat = ranks.reshape(-1, n_city)
            rank_lo, rank_hi = np.percentile(rank_flat, [10, 90], axis=0)
            members = risk_point[idx]  # 3 x C
            # contributions: today's categories with one category replaced by its projected (median) score
            swap = np.repeat(cat[0][None, :, :], len(cat_ids), axis=0)  # K x C x K
            for k in range(len(cat_ids)):
                swap[k, :, k] = cat[mid_case, :, k]
            swapped, _ = risk_from_categories(swap, cat_dims, chosen_cw, dw[None, :])  # 1 x K x C
            for j, city in enumerate(cities):
                rows.append(
                    {
                        "city_id": city,
                        "scenario": s,
                        "horizon": h,
                        "risk": risk_point[mid_case, j],
                        "risk_p10": rlo[j],
                        "risk_p50": rmid[j],
                        "risk_p90": rhi[j],
                        "risk_member_p10": members[0, j],
                        "risk_member_p90": members[2, j],
                        "change": risk_point[mid_case, j] - risk_point[0, j],
                        "change_p10": clo[j],
                        "change_p50": cmid[j],
                        "change_p90": chi[j],
                        **{d: dim_point[mid_case, j, k] for k, d in enumerate(DIMENSION_ORDER)},
                        "rank": int(point_rank[j]) if not np.isnan(risk_point[mid_case, j]) else None,
                        "rank_lo": float(rank_lo[j]),
                        "rank_hi": float(rank_hi[j]),
                        "rank_same_share": float(same_rank[..., j].mean()),
                        "status": status_by.get((city, s, h), "estimated"),
                        "saturated": int(saturated_by.get((city, s, h), 0)),
                    }
                )
                for k, c in enumerate(cat_ids):
                    vals = block[:, j, k]
                    cat_rows.append(
                        {
                            "city_id": city,
                            "scenario": s,
                            "horizon": h,
                            "category_id": c,
                            "dimension": cat_dims[k],
                            "today": cat[0, j, k],
                            "score": cat[mid_case, j, k],
                            "score_lo": np.nan if np.isnan(vals).all() else np.nanmin(vals),
                            "score_hi": np.nan if np.isnan(vals).all() else np.nanmax(vals),
                            "change": cat[mid_case, j, k] - cat[0, j, k],
                        }
                    )
                    contrib_rows.append(
                        {
                            "city_id": city,
                            "scenario": s,
                            "horizon": h,
                            "category_id": c,
                            "dimension": cat_dims[k],
                            "change_risk": swapped[0, k, j] - risk_point[0, j],
                        }
                    )
    scores = pd.DataFrame(rows)
    scores["rank"] = scores["rank"].astype("Int64")
    scores["risk_class"] = risk_class(scores["risk"], tables["risk_classes"])
    meta = {
        "draws": int(draws),
        "concentration": float(concentration),
        "seed": int(seed),
        "reference_year": int(reference_year),
        "climate_scale": float(climate_scale),
        "population_scale": float(population_scale),
        "members": list(MEMBERS),
        "scenarios": list(scenarios),
        "horizons": list(horizons),
    }
    return OutlookResult(
        projected,
        scores,
        pd.DataFrame(cat_rows),
        pd.DataFrame(contrib_rows),
        pd.DataFrame(order_rows),
        meta,
        climate_drivers(_get(tables, "climate_series"), scenarios, horizons, reference_year),
        rule_gaps(tables, scenarios, horizons, reference_year),
    )


# --- what pages ask -----------------------------------------------------------------------------------


def main_driver(result: OutlookResult, city_id: str, scenario: str, horizon: int) -> dict | None:
    """The category whose projected change moves the city's risk most (by its contribution), with
    the driver change of the value that moved most in it: what the page's sentence names."""
    c = result.contributions
    c = c[(c["city_id"] == city_id) & (c["scenario"] == scenario) & (c["horizon"] == horizon)].dropna(
        subset=["change_risk"]
    )
    if c.empty or np.isclose(c["change_risk"].abs().max(), 0.0, atol=5e-4):
        return None
    top = c.loc[c["change_risk"].abs().idxmax()]
    p = result.projected
    p = p[
        (p["city_id"] == city_id)
        & (p["scenario"] == scenario)
        & (p["horizon"] == horizon)
        & (p["member"] == "p50")
        & (p["category_id"] == top["category_id"])
        & p["moved"]
    ]
    if p.empty:
        return {"category_id": top["category_id"], "change_risk": float(top["change_risk"])}
    moved = (
        p.assign(delta=(p["value"] - p["value_today"]).abs()).sort_values("delta", ascending=False).iloc[0]
    )
    return {
        "category_id": top["category_id"],
        "change_risk": float(top["change_risk"]),
        "indicator_id": moved["indicator_id"],
        "driver": moved["driver"],
        "rule_id": moved["rule_id"],
        "driver_change": float(moved["driver_change"]),
        "driver_change_pct": float(moved["driver_change_pct"]),
        "value_today": float(moved["value_today"]),
        "value": float(moved["value"]),
    }


def city_indicator_table(result: OutlookResult, city_id: str, scenario: str, horizon: int) -> pd.DataFrame:
    """The values the rules moved for one city, scenario and horizon: today, the median member and
    the member range, the driver change, the rule and the status."""
    p = result.projected
    p = p[(p["city_id"] == city_id) & (p["scenario"] == scenario) & (p["horizon"] == horizon) & p["moved"]]
    if p.empty:
        return pd.DataFrame(
            columns=[
                "indicator_id",
                "category_id",
                "value_today",
                "value",
                "value_lo",
                "value_hi",
                "driver",
                "driver_ref",
                "driver_value",
                "driver_change",
                "driver_change_pct",
                "rule_id",
                "status",
                "saturated",
            ]
        )
    wide = p.pivot_table(index="indicator_id", columns="member", values="value", aggfunc="first")
    mid = p[p["member"] == "p50"].set_index("indicator_id")
    out = mid[
        [
            "category_id",
            "value_today",
            "value",
            "driver",
            "driver_ref",
            "driver_value",
            "driver_change",
            "driver_change_pct",
            "rule_id",
            "status",
            "saturated",
        ]
    ].copy()
    out["value_lo"] = wide.min(axis=1).reindex(out.index)
    out["value_hi"] = wide.max(axis=1).reindex(out.index)
    out["status"] = p.groupby("indicator_id")["status"].agg(worst_of).reindex(out.index)
    out["saturated"] = p.groupby("indicator_id")["saturated"].any().reindex(out.index)
    return out.reset_index()


def ranking_table(result: OutlookResult, horizon: int) -> pd.DataFrame:
    """Per city: today's score and rank, and per scenario at the horizon the point, range and rank."""
    s = result.scores
    today = s[s["scenario"] == TODAY].set_index("city_id")[["risk", "risk_p10", "risk_p90", "rank"]]
    out = today.add_prefix("today_")
    for scen in result.meta["scenarios"]:
        part = s[(s["scenario"] == scen) & (s["horizon"] == horizon)].set_index("city_id")
        cols = part[
            [
                "risk",
                "risk_p10",
                "risk_p90",
                "change_p10",
                "change_p90",
                "rank",
                "rank_lo",
                "rank_hi",
                "rank_same_share",
                "status",
            ]
        ]
        out = out.join(cols.add_prefix(f"{scen}_"))
    return out.reset_index().sort_values(["today_rank", "city_id"], na_position="last").reset_index(drop=True)


def download_frame(result: OutlookResult) -> pd.DataFrame:
    """Projected scores per city, scenario and horizon with ranges and status (for the CSV)."""
    cols = [
        "city_id",
        "scenario",
        "horizon",
        "risk",
        "risk_p10",
        "risk_p50",
        "risk_p90",
        "risk_member_p10",
        "risk_member_p90",
        "change",
        "change_p10",
        "change_p90",
        *DIMENSION_ORDER,
        "rank",
        "rank_lo",
        "rank_hi",
        "risk_class",
        "status",
        "saturated",
    ]
    return result.scores[cols]


def first_ranked(result: OutlookResult) -> str | None:
    """The city ranked first today with the result's weights (no city is named in code)."""
    today = result.scores[result.scores["scenario"] == TODAY].sort_values(
        ["rank", "city_id"], na_position="last"
    )
    return today["city_id"].iloc[0] if len(today) else None
