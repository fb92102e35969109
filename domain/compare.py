"""Comparing cities on any level of the index, and explaining one city's score.

Pure functions (no Dash, no Flask) over the built tables: anything with `tables["name"]`
works, a `BuildData` or a plain dict of DataFrames. The compare page and the city profile call
them through the cache in `services/data_access.py`.

- `compare_table`: one row per chosen city for the risk index, a dimension, a category or one
  indicator, with the scaled score, the rank among the chosen cities and, for an indicator, the
  raw value, year, status, source and (for absolute counts only) the value per 100,000 residents.
- `indicator_rows` / `heatmap_matrix`: the indicators under the chosen item, long and as a
  cities x indicators matrix, with everything a hover or a table needs.
- `rank_shares`: the share of random weightings in which each city takes each rank.
- `city_decomposition` / `strongest_drivers`: dimension -> category -> indicator against the
  coalition median, and the items that lift the city's risk most above it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain import page_state
from domain.build_memo import once_per_build
from domain.risk_index import (
    DIMENSION_ORDER,
    IndexResult,
    IndexWeights,
    complement_geometric_mean,
    index_of,
    rank_stability,
    weighted_geometric_mean,
)

LEVELS = ("risk", "dimension", "category", "indicator")
# Units of absolute counts of people: the only indicators for which "per resident" makes sense.
# Rates, shares, scores and per-person figures are already comparable between cities.
COUNT_UNITS = frozenset({"people"})
# Indicators that are the denominator itself (per-capita population is 1 by construction).
DENOMINATOR_INDICATORS = frozenset({"city_population"})
PER_CAPITA_BASE = 100_000
WEIGHT_MIN, WEIGHT_MAX = 0.0, 3.0  # the sliders' range; dimensions need a weight above 0
DIMENSION_WEIGHT_MIN = 0.1
DEFAULT_DRAWS, DEFAULT_CONCENTRATION, DEFAULT_SEED = 2000, 20.0, 0
WEIGHT_PREFIX = "w_"

Tables = Mapping[str, pd.DataFrame]


# --- weights -------------------------------------------------------------------------------


def default_weights(tables: Tables) -> IndexWeights:
    """The weights the data declares for the dimensions and the categories."""
    dims = tables["dimensions"]
    cats = tables["categories"]
    return IndexWeights(
        dimensions={d: float(w) for d, w in zip(dims["dimension"], dims["weight"])},
        categories={c: float(w) for c, w in zip(cats["category_id"], cats["weight"])},
    )


def full_weights(tables: Tables, weights: IndexWeights | None) -> IndexWeights:
    """`weights` completed with the data's defaults for every dimension and category."""
    base = default_weights(tables)
    weights = weights or IndexWeights()
    return IndexWeights(
        dimensions={d: float(weights.dimensions.get(d, w)) for d, w in base.dimensions.items()},
        categories={c: float(weights.categories.get(c, w)) for c, w in base.categories.items()},
    )


def weights_key(weights: IndexWeights) -> tuple:
    """A hashable, order-free form of the weights for cache keys (3 decimals)."""
    return (
        tuple(sorted((k, round(float(v), 3)) for k, v in weights.dimensions.items())),
        tuple(sorted((k, round(float(v), 3)) for k, v in weights.categories.items())),
    )


def weights_from_key(key: tuple) -> IndexWeights:
    dims, cats = key
    return IndexWeights(dimensions=dict(dims), categories=dict(cats))


def _number(text: object) -> float | None:
    try:
        value = float(str(text).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def parse_weights(query: Mapping[str, str], tables: Tables) -> tuple[IndexWeights, list[tuple[str, str]]]:
    """Weights from `w_<dimension or category>=<number>` parameters, and the ones rejected.

    A value that is not a number, or is outside the sliders' range, is rejected (the caller says
    so and keeps the default). If every category of a dimension ends up at 0, that dimension's
    categories go back to their defaults (a dimension cannot be switched off by its categories),
    and the offending parameters are reported as rejected.
    """
    base = default_weights(tables)
    dims, cats = dict(base.dimensions), dict(base.categories)
    rejected: list[tuple[str, str]] = []
    for name, raw in query.items():
        if not name.startswith(WEIGHT_PREFIX):
            continue
        key = name[len(WEIGHT_PREFIX) :]
        value = _number(raw)
        if key in dims:
            if value is None or not DIMENSION_WEIGHT_MIN <= value <= WEIGHT_MAX:
                rejected.append((name, str(raw)))
            else:
                dims[key] = value
        elif key in cats:
            if value is None or not WEIGHT_MIN <= value <= WEIGHT_MAX:
                rejected.append((name, str(raw)))
            else:
                cats[key] = value
        else:
            rejected.append((name, str(raw)))
    cleaned, reset = ensure_dimension_weights(IndexWeights(dims, cats), tables)
    for cat in reset:
        name = WEIGHT_PREFIX + cat
        if name in query and (name, str(query[name])) not in rejected:
            rejected.append((name, str(query[name])))
    return cleaned, rejected


def ensure_dimension_weights(weights: IndexWeights, tables: Tables) -> tuple[IndexWeights, list[str]]:
    """Reset to defaults the categories of any dimension whose categories all weigh 0."""
    base = default_weights(tables)
    cats = tables["categories"]
    out = dict(weights.categories)
    reset: list[str] = []
    for dim in DIMENSION_ORDER:
        ids = cats.loc[cats["dimension"] == dim, "category_id"].tolist()
        if ids and all(float(out.get(c, base.categories[c])) <= 0 for c in ids):
            for c in ids:
                out[c] = base.categories[c]
            reset.extend(ids)
    dims = {d: max(float(w), DIMENSION_WEIGHT_MIN) for d, w in weights.dimensions.items()}
    return IndexWeights(dimensions=dims, categories=out), reset


def weights_to_query(weights: IndexWeights, tables: Tables) -> dict[str, str]:
    """URL parameters for the weights that differ from the data's defaults (short links)."""
    base = default_weights(tables)
    out: dict[str, str] = {}
    for group, defaults in ((weights.dimensions, base.dimensions), (weights.categories, base.categories)):
        for key, default in defaults.items():
            value = float(group.get(key, default))
            if not math.isclose(value, default, abs_tol=1e-9):
                out[WEIGHT_PREFIX + key] = f"{value:g}"
    return out


def index_for(tables: Tables, weights: IndexWeights | None = None) -> IndexResult:
    """The index at every level for all member cities, with the given weights."""
    return index_of(tables, full_weights(tables, weights))


# --- what can be compared ------------------------------------------------------------------


def level_items(tables: Tables, level: str) -> list[str]:
    """Valid `item` ids for a level, in display order (none for the composite risk)."""
    if level == "risk":
        return []
    if level == "dimension":
        present = set(tables["dimensions"]["dimension"])
        return [d for d in DIMENSION_ORDER if d in present]
    if level == "category":
        return _ordered_categories(tables)
    if level == "indicator":
        return _ordered_indicators(tables)
    raise ValueError(f"unknown level {level!r}")


def _ordered_categories(tables: Tables) -> list[str]:
    """Categories in reading order: by dimension, then their own sort order (once per build)."""
    return list(once_per_build(tables, "ordered_categories", lambda: tuple(_categories_in_order(tables))))


def _categories_in_order(tables: Tables) -> list[str]:
    cats = tables["categories"].copy()
    cats["_d"] = cats["dimension"].map({d: i for i, d in enumerate(DIMENSION_ORDER)})
    keys = ["_d", "sort_order"] if "sort_order" in cats else ["_d"]
    return cats.sort_values(keys, kind="stable")["category_id"].tolist()


def _ordered_indicators(tables: Tables) -> list[str]:
    """Indicators in reading order: by category, then as the catalogue lists them (once per build)."""
    return list(once_per_build(tables, "ordered_indicators", lambda: tuple(_indicators_in_order(tables))))


def _indicators_in_order(tables: Tables) -> list[str]:
    order = {c: i for i, c in enumerate(_ordered_categories(tables))}
    ind = tables["indicators"].reset_index(drop=True).copy()
    ind["_c"] = ind["category_id"].map(order)
    ind["_i"] = range(len(ind))
    return ind.sort_values(["_c", "_i"], kind="stable")["indicator_id"].tolist()


@dataclass(frozen=True)
class Hierarchy:
    """Each dimension's categories and each category's indicators, in reading order."""

    categories_of: dict[str, list[str]]
    indicators_of: dict[str, list[str]]


def hierarchy(tables: Tables) -> Hierarchy:
    """The index's tree, sorted once: loops over it then cost dictionary look-ups, not a sort of
    the catalogue per item (which made a city page's first answer take a second)."""
    dim_of = dict(zip(tables["categories"]["category_id"], tables["categories"]["dimension"]))
    cat_of = dict(zip(tables["indicators"]["indicator_id"], tables["indicators"]["category_id"]))
    categories_of: dict[str, list[str]] = {d: [] for d in DIMENSION_ORDER}
    for cat in _ordered_categories(tables):
        categories_of.setdefault(dim_of[cat], []).append(cat)
    indicators_of: dict[str, list[str]] = {c: [] for c in dim_of}
    for ind in _ordered_indicators(tables):
        indicators_of.setdefault(cat_of[ind], []).append(ind)
    return Hierarchy(categories_of, indicators_of)


def components_of(tables: Tables, level: str, item: str | None, tree: Hierarchy | None = None) -> list[str]:
    """The parts a level's score is made of: dimensions, categories or indicators."""
    if level == "risk":
        return level_items(tables, "dimension")
    if level == "dimension":
        return list((tree or hierarchy(tables)).categories_of.get(item, []))
    if level == "category":
        return list((tree or hierarchy(tables)).indicators_of.get(item, []))
    if level == "indicator":
        return []
    raise ValueError(f"unknown level {level!r}")


def indicators_under(tables: Tables, level: str, item: str | None) -> list[str]:
    """The indicators behind a comparison: all for risk, a dimension's or category's own, and
    for one indicator the other indicators of its category (so a heatmap has context)."""
    ind = tables["indicators"]
    order = _ordered_indicators(tables)
    if level == "risk":
        keep = set(order)
    elif level == "dimension":
        keep = set(ind.loc[ind["dimension"] == item, "indicator_id"])
    elif level == "category":
        keep = set(ind.loc[ind["category_id"] == item, "indicator_id"])
    elif level == "indicator":
        cat = ind.loc[ind["indicator_id"] == item, "category_id"]
        keep = set(ind.loc[ind["category_id"].isin(cat), "indicator_id"])
    else:
        raise ValueError(f"unknown level {level!r}")
    return [i for i in order if i in keep]


def per_capita_indicators(tables: Tables) -> list[str]:
    """Indicators that are absolute counts of people (unit in COUNT_UNITS), other than the
    population itself: only these are shown per 100,000 residents."""
    ind = tables["indicators"]
    unit = (
        ind["unit_en"].astype(str).str.strip().str.lower()
        if "unit_en" in ind
        else pd.Series("", index=ind.index)
    )
    mask = unit.isin(COUNT_UNITS) & ~ind["indicator_id"].isin(DENOMINATOR_INDICATORS)
    return ind.loc[mask, "indicator_id"].tolist()


def per_capita_applies(tables: Tables, level: str, item: str | None) -> bool:
    """Whether a comparison can be shown per 100,000 residents (an indicator counting people)."""
    return level == "indicator" and item in per_capita_indicators(tables)


# --- a comparison's choices, read from and written to its query string ------------------------------

SCALES = ("scaled", "raw", "per_capita")


class Weights:
    """The `w_<dimension or category>=<number>` parameters as one field of a state model."""

    def claims(self, key: str) -> bool:
        return key.startswith(WEIGHT_PREFIX)

    def read(
        self, query: Mapping[str, str], tables: Tables, chosen
    ) -> tuple[IndexWeights, list[tuple[str, str]]]:
        return parse_weights(query, tables)

    def write(self, value: IndexWeights, tables: Tables, chosen) -> dict[str, str]:
        return weights_to_query(value, tables)

    def text(self, value) -> None:
        return None  # the sliders are read by the page, not through the query


def _members(tables: Tables, chosen) -> list[str]:
    return tables["cities"]["city_id"].tolist()


def _items_of_level(tables: Tables, chosen) -> list[str]:
    return level_items(tables, chosen["level"])


def _first_item(tables: Tables, chosen) -> str | None:
    items = level_items(tables, chosen["level"])
    return items[0] if items else None


def _scales(tables: Tables, chosen) -> tuple[str, ...]:
    return tuple(
        s for s in SCALES if s != "per_capita" or per_capita_applies(tables, chosen["level"], chosen["item"])
    )


@dataclass
class Comparison:
    """What a comparison shows: cities, level, item, scale and weights (`/compare`'s query string,
    which the presenter deck and the exports read as well). Declared once: `read_comparison` and
    `comparison_query` come from these fields (domain/page_state.py)."""

    cities: list[str] = page_state.many("cities", _members, _members, empty_ok=False)
    level: str = page_state.one("level", LEVELS, "risk")
    item: str | None = page_state.one("item", _items_of_level, _first_item, keep_default=True)
    scale: str = page_state.one("scale", _scales, "scaled")
    weights: IndexWeights = page_state.param_field(Weights(), IndexWeights)


def read_comparison(query: Mapping[str, str], tables: Tables) -> tuple[Comparison, list[tuple[str, str]]]:
    """The comparison in `cities`, `level`, `item`, `scale` and `w_<key>`, and the (parameter,
    value) pairs rejected: each falls back to its default, so user input never raises."""
    parsed = page_state.parse(Comparison, query, tables)
    return parsed.state, parsed.rejected


def comparison_query(comparison: Comparison, tables: Tables) -> dict[str, str]:
    """The query string of a comparison: only what differs from the defaults (short links)."""
    return page_state.query_of(comparison, tables)


# --- comparison tables ---------------------------------------------------------------------


def _chosen(city_ids: list[str] | None, tables: Tables) -> list[str]:
    members = tables["cities"]["city_id"].tolist()
    if not city_ids:
        return members
    wanted = set(city_ids)
    return [c for c in members if c in wanted]


def _rank(scores: pd.Series) -> pd.Series:
    """Rank 1 = highest score; missing scores get no rank."""
    return scores.rank(ascending=False, method="min").astype("Int64")


def compare_table(
    tables: Tables,
    city_ids: list[str] | None,
    level: str,
    item: str | None = None,
    weights: IndexWeights | None = None,
    *,
    result: IndexResult | None = None,
) -> pd.DataFrame:
    """One row per chosen city: `score` (0-10) on the level/item, `rank` among the chosen cities,
    coverage, the component scores (columns named by `components_of`) and, for an indicator,
    the raw `value`, `year`, `status`, `source_id`, `value_scope` and `per_capita` (per 100,000
    residents, only for count indicators; NaN otherwise). Rows are ordered by rank.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if level != "risk" and item not in level_items(tables, level):
        raise ValueError(f"unknown {level} {item!r}")
    result = result if result is not None else index_for(tables, weights)
    chosen = _chosen(city_ids, tables)
    risk = result.risk.set_index("city_id").reindex(chosen)
    out = pd.DataFrame({"city_id": chosen})
    out["coverage"] = risk["coverage"].to_numpy()
    out["indicators_present"] = risk["indicators_present"].to_numpy()
    out["indicators_total"] = risk["indicators_total"].to_numpy()
    comps = components_of(tables, level, item)
    for col in ("value", "year", "per_capita"):
        out[col] = np.nan
    for col in ("status", "source_id", "value_scope"):
        out[col] = None
    out["risk_class"] = None
    if level == "risk":
        out["score"] = risk["risk"].to_numpy(dtype=float)
        out["risk_class"] = risk["risk_class"].to_numpy()
        dims = result.dimension_scores.reindex(chosen)
        for d in comps:
            out[d] = dims[d].to_numpy(dtype=float)
    elif level == "dimension":
        out["score"] = result.dimension_scores.reindex(chosen)[item].to_numpy(dtype=float)
        cats = result.category_scores.reindex(chosen)
        for c in comps:
            out[c] = cats[c].to_numpy(dtype=float)
    elif level == "category":
        out["score"] = result.category_scores.reindex(chosen)[item].to_numpy(dtype=float)
        scores = result.indicator_scores.pivot(index="city_id", columns="indicator_id", values="score")
        scores = scores.reindex(index=chosen, columns=comps)
        for i in comps:
            out[i] = scores[i].to_numpy(dtype=float)
    else:
        rows = (
            result.indicator_scores[result.indicator_scores["indicator_id"] == item]
            .set_index("city_id")
            .reindex(chosen)
        )
        out["score"] = rows["score"].to_numpy(dtype=float)
        out["value"] = rows["value"].to_numpy(dtype=float)
        out["year"] = rows["year"].to_numpy(dtype=float)
        for col in ("status", "source_id", "value_scope"):
            out[col] = rows[col].to_numpy()
        if item in per_capita_indicators(tables):
            pop = tables["cities"].set_index("city_id")["population"].reindex(chosen).to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                out["per_capita"] = np.where(
                    pop > 0, out["value"].to_numpy(dtype=float) / pop * PER_CAPITA_BASE, np.nan
                )
    out["rank"] = _rank(out["score"])
    return out.sort_values(["rank", "city_id"], na_position="last", kind="stable").reset_index(drop=True)


def indicator_rows(
    tables: Tables, result: IndexResult, city_ids: list[str] | None, indicator_ids: list[str]
) -> pd.DataFrame:
    """Long table, one row per chosen city and indicator (missing values kept as empty rows):
    raw value, units, year, status, source, scope, scaled score, per-capita where it applies."""
    chosen = _chosen(city_ids, tables)
    ind = tables["indicators"].set_index("indicator_id")
    grid = pd.MultiIndex.from_product([chosen, indicator_ids], names=["city_id", "indicator_id"]).to_frame(
        index=False
    )
    scores = result.indicator_scores[
        ["city_id", "indicator_id", "value", "year", "status", "source_id", "value_scope", "score"]
    ]
    out = grid.merge(scores, on=["city_id", "indicator_id"], how="left")
    for col in ("category_id", "dimension", "unit_ru", "unit_en", "direction"):
        out[col] = out["indicator_id"].map(ind[col]) if col in ind else None
    count = set(per_capita_indicators(tables))
    pop = out["city_id"].map(tables["cities"].set_index("city_id")["population"]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_capita"] = np.where(
            out["indicator_id"].isin(count) & (pop > 0),
            out["value"].astype(float) / pop * PER_CAPITA_BASE,
            np.nan,
        )
    return out


def heatmap_matrix(
    tables: Tables,
    result: IndexResult,
    city_ids: list[str] | None,
    indicator_ids: list[str],
    *,
    rows: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Cities x indicators matrices for a heatmap: `score` (0-10) for colour, and `value`,
    `year`, `status`, `source_id`, `value_scope` for the hover; a missing value stays empty.
    `rows` may pass `indicator_rows(...)` of the same arguments when the caller has it already."""
    if rows is None:
        rows = indicator_rows(tables, result, city_ids, indicator_ids)
    chosen = _chosen(city_ids, tables)
    indexed = rows.set_index(["city_id", "indicator_id"])
    out = {}
    for col in ("score", "value", "year", "status", "source_id", "value_scope"):
        out[col] = indexed[col].unstack("indicator_id").reindex(index=chosen, columns=indicator_ids)
    return out


def rank_shares(
    tables: Tables,
    result: IndexResult,
    city_ids: list[str] | None,
    weights: IndexWeights | None = None,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Share of `draws` random weightings (Dirichlet around `weights`, seeded) in which each
    chosen city takes each rank among the chosen cities. Rows: cities in their current rank
    order; columns: ranks 1..n. Categories weighted 0 stay out of every draw."""
    chosen = _chosen(city_ids, tables)
    full = full_weights(tables, weights)
    cats = result.category_scores.reindex(chosen)
    keep = [c for c in cats.columns if full.categories.get(c, 1.0) > 0]
    cat_dim = dict(zip(tables["categories"]["category_id"], tables["categories"]["dimension"]))
    shares = rank_stability(
        cats[keep],
        cat_dim,
        full.categories,
        full.dimensions,
        draws=draws,
        concentration=concentration,
        seed=seed,
    )
    order = (
        result.risk.set_index("city_id")
        .reindex(chosen)["risk"]
        .sort_values(ascending=False, na_position="last")
    )
    return shares.reindex(order.index)


# --- one city against the coalition --------------------------------------------------------


def _dimension_and_risk(cat_scores: pd.Series, tree: Hierarchy, weights: IndexWeights) -> tuple[dict, float]:
    """Dimension scores and risk of one city from its category scores (the index's formulas)."""
    dims = {}
    for dim in DIMENSION_ORDER:
        ids = tree.categories_of.get(dim, [])
        w = np.array([weights.categories.get(c, 1.0) for c in ids], dtype=float)
        dims[dim] = float(complement_geometric_mean(cat_scores.reindex(ids).to_numpy(dtype=float), w))
    dw = np.array([weights.dimensions.get(d, 1.0) for d in DIMENSION_ORDER], dtype=float)
    risk = float(weighted_geometric_mean(np.array([dims[d] for d in DIMENSION_ORDER]), dw))
    return dims, risk


def city_decomposition(
    tables: Tables, city_id: str, weights: IndexWeights | None = None, *, result: IndexResult | None = None
) -> pd.DataFrame:
    """The city's score at every level beside the coalition median (all member cities).

    Rows in reading order: risk; then each dimension followed by its categories, each followed
    by its indicators. Columns: level, id, parent, dimension, score, median, diff (score - median),
    n (cities behind the median), and for indicators value, year, status, source_id, value_scope.
    An indicator the city lacks is listed with an empty score.
    """
    if city_id not in set(tables["cities"]["city_id"]):
        raise KeyError(city_id)
    weights_used = full_weights(tables, weights)
    result = result if result is not None else index_for(tables, weights_used)
    risk = result.risk.set_index("city_id")["risk"]
    dims = result.dimension_scores
    cats = result.category_scores
    ind_scores = result.indicator_scores.pivot(index="city_id", columns="indicator_id", values="score")
    mine = result.indicator_scores[result.indicator_scores["city_id"] == city_id].set_index("indicator_id")
    catalogue = tables["indicators"].set_index("indicator_id")
    cat_table = tables["categories"].set_index("category_id")

    def row(level, item, parent, dim, series):
        values = series.dropna()
        score = series.get(city_id, np.nan)
        median = float(values.median()) if len(values) else np.nan
        return {
            "level": level,
            "id": item,
            "parent": parent,
            "dimension": dim,
            "score": float(score) if pd.notna(score) else np.nan,
            "median": median,
            "diff": float(score) - median if pd.notna(score) and not np.isnan(median) else np.nan,
            "n": int(len(values)),
        }

    tree = hierarchy(tables)
    rows = [row("risk", "risk", None, None, risk)]
    for dim in DIMENSION_ORDER:
        rows.append(row("dimension", dim, "risk", dim, dims[dim]))
        for cat in components_of(tables, "dimension", dim, tree):
            rows.append(
                {
                    **row("category", cat, dim, dim, cats[cat]),
                    "weight": float(weights_used.categories.get(cat, cat_table.at[cat, "weight"])),
                }
            )
            for ind in components_of(tables, "category", cat, tree):
                series = ind_scores[ind] if ind in ind_scores else pd.Series(dtype=float)
                r = row("indicator", ind, cat, dim, series)
                if ind in mine.index:
                    for col in ("value", "year", "status", "source_id", "value_scope"):
                        r[col] = mine.at[ind, col]
                r["weight"] = float(catalogue.at[ind, "weight"])
                rows.append(r)
    out = pd.DataFrame(rows)
    for col in ("value", "year"):
        out[col] = pd.to_numeric(out.get(col), errors="coerce")
    for col in ("status", "source_id", "value_scope"):
        if col not in out:
            out[col] = None
    return out


def strongest_drivers(
    tables: Tables,
    city_id: str,
    weights: IndexWeights | None = None,
    *,
    result: IndexResult | None = None,
    decomposition: pd.DataFrame | None = None,
    top: int = 3,
    min_push: float = 0.05,
) -> pd.DataFrame:
    """Categories and indicators that lift the city's risk most above the coalition median.

    `push` is the city's risk minus its risk if that one item were at the coalition median
    (everything else unchanged), so it is in risk-index points and accounts for the weights and
    the aggregation. Only items above the median with a push of at least `min_push` are kept,
    the `top` largest of each level, largest first. An indicator that is the only value of its
    category is not repeated (its push is the category's). Columns: level, id, score, median, push.
    Pass the city's `decomposition` (same weights and result) when you have it, to save its cost.
    """
    full = full_weights(tables, weights)
    result = result if result is not None else index_for(tables, full)
    decomp = (
        decomposition
        if decomposition is not None
        else city_decomposition(tables, city_id, full, result=result)
    )
    cat_scores = result.category_scores.loc[city_id]
    tree = hierarchy(tables)
    _, base_risk = _dimension_and_risk(cat_scores, tree, full)
    if np.isnan(base_risk):
        return pd.DataFrame(columns=["level", "id", "score", "median", "push"])
    out = []
    for _, r in decomp[(decomp["level"] == "category") & (decomp["diff"] > 0)].iterrows():
        changed = cat_scores.copy()
        changed[r["id"]] = r["median"]
        _, risk = _dimension_and_risk(changed, tree, full)
        out.append(
            {
                "level": "category",
                "id": r["id"],
                "score": r["score"],
                "median": r["median"],
                "push": base_risk - risk,
            }
        )
    mine = decomp[decomp["level"] == "indicator"].set_index("id")
    for ind, r in mine[mine["diff"] > 0].iterrows():
        siblings = mine[(mine["parent"] == r["parent"]) & mine["score"].notna()]
        if len(siblings) == 1:
            continue  # the category's only value: its push is the category's, named there
        scores = siblings["score"].to_numpy(dtype=float)
        w = siblings["weight"].to_numpy(dtype=float)
        changed_scores = np.where(siblings.index == ind, r["median"], scores)
        changed = cat_scores.copy()
        changed[r["parent"]] = float((changed_scores * w).sum() / w.sum())
        _, risk = _dimension_and_risk(changed, tree, full)
        out.append(
            {
                "level": "indicator",
                "id": ind,
                "score": r["score"],
                "median": r["median"],
                "push": base_risk - risk,
            }
        )
    frame = pd.DataFrame(out, columns=["level", "id", "score", "median", "push"])
    frame = frame[frame["push"] >= min_push].sort_values("push", ascending=False, kind="stable")
    return frame.groupby("level", sort=False).head(top).reset_index(drop=True)
