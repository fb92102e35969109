"""The INFORM-style city risk index: scaling, aggregation, classes and rank stability.

Method (see DESIGN.md and data/README.md): indicators are scaled to 0-10 with fixed bounds;
a category is the weighted arithmetic mean of its scaled indicators; a dimension combines its
categories with INFORM's complement geometric mean; risk is the weighted geometric mean of the
three dimensions. Missing values are left out and counted in the coverage, never set to zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DIMENSION_ORDER = ("hazard_exposure", "vulnerability", "lack_of_coping_capacity")


def _normalised_weights(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weights per row renormalised over the components that are present (not NaN)."""
    present = ~np.isnan(scores)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, w / total, np.nan)


def complement_geometric_mean(scores: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """INFORM's OR-like aggregation: one high component is not averaged away.

    A(c; w) = (10 - prod_i (0.9 * (10 - c_i) + 1) ** (w_i / sum w)) / 9 * 10, over the last axis,
    leaving out missing components. Equal weights give INFORM's GEOMEAN formula exactly.
    """
    scores = np.asarray(scores, dtype=float)
    if weights is None:
        weights = np.ones(scores.shape[-1])
    w = _normalised_weights(scores, np.asarray(weights, dtype=float))
    logs = np.log(0.9 * (10.0 - np.nan_to_num(scores, nan=10.0)) + 1.0)
    geo = np.exp(np.nansum(logs * np.nan_to_num(w), axis=-1))
    out = (10.0 - geo) / 9.0 * 10.0
    return np.where(np.isnan(w).all(axis=-1), np.nan, out)


def weighted_geometric_mean(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """R = prod_i d_i ** (w_i / sum w): the risk from its three dimensions.

    Needs every component: a city missing a whole dimension has no risk score.
    """
    scores = np.asarray(scores, dtype=float)
    weights = np.asarray(weights, dtype=float)
    share = weights / weights.sum()
    with np.errstate(divide="ignore"):
        logs = np.log(np.clip(scores, 0.0, None))
    out = np.exp((logs * share).sum(axis=-1))
    return np.where(np.isnan(scores).any(axis=-1), np.nan, out)


def risk_class(scores: pd.Series | np.ndarray, classes: pd.DataFrame) -> list[str | None]:
    """The class id (very_low ... very_high) of each score, thresholds read from the data."""
    ordered = classes.sort_values("lower")
    lowers = ordered["lower"].to_numpy(dtype=float)
    ids = ordered["class_id"].tolist()
    out: list[str | None] = []
    for s in np.asarray(scores, dtype=float):
        if np.isnan(s):
            out.append(None)
        else:
            out.append(ids[int(np.searchsorted(lowers, s, side="right")) - 1])
    return out


@dataclass(frozen=True)
class IndexWeights:
    """Weights chosen for dimensions and categories; missing keys fall back to the data's defaults."""

    dimensions: Mapping[str, float] = field(default_factory=dict)
    categories: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexResult:
    """The index at every level, in long and wide forms that pages and tests read."""

    indicator_scores: (
        pd.DataFrame
    )  # city_id, indicator_id, category_id, dimension, value, year, status, source_id, value_scope, score
    category_scores: pd.DataFrame  # index city_id, columns category_id
    dimension_scores: pd.DataFrame  # index city_id, columns dimension
    risk: pd.DataFrame  # city_id, risk, rank, risk_class, coverage, indicators_present, indicators_total


def latest_values(values: pd.DataFrame) -> pd.DataFrame:
    """The latest year's value per city and indicator: the index uses only those."""
    ordered = values.sort_values(["city_id", "indicator_id", "year"])
    return ordered.groupby(["city_id", "indicator_id"], as_index=False).tail(1).reset_index(drop=True)


TRANSFORMS = ("linear", "log")
DIRECTIONS = ("risk_up", "risk_down")


def scale_columns(
    values: np.ndarray, lower: np.ndarray, upper: np.ndarray, transform: np.ndarray, direction: np.ndarray
) -> np.ndarray:
    """Scale raw values to 0-10 with fixed bounds, each with its own bounds, transform and direction.

    s = clip((f(x) - f(lo)) / (f(hi) - f(lo)), 0, 1) * 10 with f = identity or log10; risk_down is
    flipped to 10 - s; NaN stays NaN. An unknown transform or direction, or bounds that are not
    increasing, raise ValueError: adding a city never moves another's score, so nothing is guessed.
    """
    x = np.asarray(values, dtype=float)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    transform, direction = np.asarray(transform, dtype=object), np.asarray(direction, dtype=object)
    unknown = sorted(
        {str(t) for t in transform.ravel() if t not in TRANSFORMS}
        | {str(d) for d in direction.ravel() if d not in DIRECTIONS}
    )
    if unknown:
        raise ValueError(f"unknown transform or direction: {', '.join(unknown)}")
    is_log = transform == "log"
    with np.errstate(divide="ignore", invalid="ignore"):
        fx = np.where(is_log, np.log10(np.where(is_log, x, 1.0)), x)
        flo = np.where(is_log, np.log10(np.where(is_log, lo, 1.0)), lo)
        fhi = np.where(is_log, np.log10(np.where(is_log, hi, 1.0)), hi)
        if not np.all((fhi > flo) & (~is_log | (lo > 0))):
            raise ValueError("every upper bound must be above its lower bound (and above 0 for log)")
        scaled = np.clip((fx - flo) / (fhi - flo), 0.0, 1.0) * 10.0
    scaled = np.where(np.isnan(x), np.nan, scaled)
    return np.where(direction == "risk_down", 10.0 - scaled, scaled)


def category_means(scored: pd.DataFrame) -> pd.Series:
    """Weighted mean score of each city's indicators per category (city_id, category_id);
    an indicator without a score is left out, not counted as zero."""
    has_score = scored["score"].notna()
    weight = scored["weight"].where(has_score, 0.0)
    parts = scored.assign(w_score=scored["score"].fillna(0.0) * weight, w=weight)
    grouped = parts.groupby(["city_id", "category_id"])
    return (grouped["w_score"].sum() / grouped["w"].sum().replace(0.0, np.nan)).rename("score")


def score_indicators(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Scaled 0-10 score of each city's latest value of each indicator, with its provenance."""
    latest = latest_values(values)
    meta = indicators[
        [
            "indicator_id",
            "category_id",
            "dimension",
            "lower_bound",
            "upper_bound",
            "transform",
            "direction",
            "weight",
        ]
    ]
    merged = latest.merge(meta, on="indicator_id", how="inner")
    merged["score"] = scale_columns(
        merged["value"].to_numpy(dtype=float),
        merged["lower_bound"].to_numpy(),
        merged["upper_bound"].to_numpy(),
        merged["transform"].to_numpy(),
        merged["direction"].to_numpy(),
    )
    return merged


def _weights_for(ids: list[str], defaults: pd.Series, override: Mapping[str, float]) -> np.ndarray:
    return np.array([float(override.get(i, defaults.get(i, 1.0))) for i in ids])


def compute_index(
    values: pd.DataFrame,
    indicators: pd.DataFrame,
    categories: pd.DataFrame,
    dimensions: pd.DataFrame,
    cities: pd.DataFrame,
    classes: pd.DataFrame,
    weights: IndexWeights | None = None,
) -> IndexResult:
    """Compute indicator, category, dimension and risk scores for every city.

    Rank 1 is the highest risk. Coverage is the share of catalogue indicators a city has a
    value for (INFORM's "lack of reliability" is its complement).
    """
    weights = weights or IndexWeights()
    city_ids = cities["city_id"].tolist()
    scored = score_indicators(values[values["city_id"].isin(city_ids)], indicators)

    cat_long = category_means(scored)
    cat_ids = categories.sort_values(
        ["dimension", "sort_order"] if "sort_order" in categories else ["dimension"]
    )["category_id"].tolist()
    category_scores = cat_long.unstack("category_id").reindex(index=city_ids, columns=cat_ids)

    cat_defaults = categories.set_index("category_id")["weight"]
    dim_scores = {}
    for dim in DIMENSION_ORDER:
        ids = categories.loc[categories["dimension"] == dim, "category_id"].tolist()
        ids = [c for c in cat_ids if c in ids]
        w = _weights_for(ids, cat_defaults, weights.categories)
        dim_scores[dim] = complement_geometric_mean(category_scores[ids].to_numpy(), w)
    dimension_scores = pd.DataFrame(dim_scores, index=pd.Index(city_ids, name="city_id"))

    dim_defaults = dimensions.set_index("dimension")["weight"]
    dw = _weights_for(list(DIMENSION_ORDER), dim_defaults, weights.dimensions)
    risk_values = weighted_geometric_mean(dimension_scores[list(DIMENSION_ORDER)].to_numpy(), dw)

    present = scored.groupby("city_id")["indicator_id"].nunique().reindex(city_ids).fillna(0).astype(int)
    total = len(indicators)
    risk = pd.DataFrame(
        {
            "city_id": city_ids,
            "risk": risk_values,
            "indicators_present": present.to_numpy(),
            "indicators_total": total,
        }
    )
    risk["coverage"] = risk["indicators_present"] / total if total else np.nan
    risk["rank"] = risk["risk"].rank(ascending=False, method="min").astype("Int64")
    risk["risk_class"] = risk_class(risk["risk"], classes)
    category_scores.index.name = "city_id"
    return IndexResult(scored, category_scores, dimension_scores, risk)


INDEX_TABLES = ("indicator_values", "indicators", "categories", "dimensions", "cities", "risk_classes")


def index_of(tables: Mapping[str, pd.DataFrame], weights: IndexWeights | None = None) -> IndexResult:
    """compute_index on the tables of a build (or of the sources), taken by name."""
    return compute_index(*(tables[name] for name in INDEX_TABLES), weights)


def rank_stability(
    category_scores: pd.DataFrame,
    category_dimension: Mapping[str, str],
    category_weights: Mapping[str, float],
    dimension_weights: Mapping[str, float],
    draws: int = 2000,
    concentration: float = 20.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of random weightings in which each city takes each rank (1 = highest risk).

    Weights are drawn from Dirichlet distributions centred on the chosen ones (dimensions, and
    categories within each dimension); a larger concentration means smaller variation. All draws
    are computed at once with matrix products: cost grows as cities x categories x draws.
    """
    rng = np.random.default_rng(seed)
    cities = category_scores.index.tolist()
    n = len(cities)
    scores = category_scores.to_numpy(dtype=float)  # cities x C
    present = ~np.isnan(scores)
    # float32 throughout: ranks need no more precision, and it halves memory traffic.
    logs = np.where(present, np.log(0.9 * (10.0 - np.nan_to_num(scores)) + 1.0), 0.0).astype(np.float32)
    present32 = present.astype(np.float32)

    dim_ids = list(DIMENSION_ORDER)
    dim_w = np.array([float(dimension_weights.get(d, 1.0)) for d in dim_ids])
    dim_draws = rng.dirichlet(dim_w / dim_w.sum() * concentration * len(dim_ids), size=draws)  # draws x 3
    columns = list(category_scores.columns)
    cat_draws = []
    for dim in dim_ids:
        cols = [j for j, c in enumerate(columns) if category_dimension.get(c) == dim]
        base = np.array([float(category_weights.get(columns[j], 1.0)) for j in cols])
        if len(cols) > 1:
            cw = rng.dirichlet(base / base.sum() * concentration * len(cols), size=draws)
        else:
            cw = np.ones((draws, len(cols)))
        complete = bool(present[:, cols].all()) if cols else True
        cat_draws.append((cols, cw.astype(np.float32), complete))

    index_type = np.int16 if n < 2**15 else np.int32  # city indices: half the memory below 32,768 cities
    orders = np.empty((n, draws), dtype=index_type)  # city index at each rank (row), per draw
    chunk = max(1, min(draws, 262_144 // max(n, 1)))  # ~1 MB blocks: stays in cache, bounded memory
    dim_draws32 = dim_draws.astype(np.float32)
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        log_risk = np.zeros((stop - start, n), dtype=np.float32)
        for k, (cols, cw, complete) in enumerate(cat_draws):
            if not cols:
                log_risk[:] = np.nan
                continue
            w = cw[start:stop]
            mean_log = w @ logs[:, cols].T  # chunk x cities
            if not complete:  # renormalise over present categories
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean_log /= w @ present32[:, cols].T
            with np.errstate(invalid="ignore", divide="ignore"):
                dim_score = np.exp(mean_log)
                np.subtract(10.0, dim_score, out=dim_score)  # (10 - geo) / 0.9; the /0.9 is a constant
                np.maximum(dim_score, 1e-6, out=dim_score)  # factor and does not change ranks
                log_risk += dim_draws32[start:stop, [k]] * np.log(dim_score)
        np.nan_to_num(log_risk, copy=False, nan=-np.inf)  # a city missing a dimension ranks last
        orders[:, start:stop] = np.argsort(-log_risk, axis=1).T  # city index by rank, for this chunk
    counts = np.empty((n, n), dtype=np.int64)  # city x rank
    for rank in range(n):  # one short bincount per rank: 4x faster than one over all n x draws pairs
        counts[:, rank] = np.bincount(orders[rank], minlength=n)
    shares = counts / draws
    return pd.DataFrame(shares, index=pd.Index(cities, name="city_id"), columns=[r + 1 for r in range(n)])
