"""What the open-data API answers, as plain tables: pure functions over one `BuildData` (no Flask).

Every row that holds a figure carries `status`, `source_id` and `scope` (`city`, `region` or
`country`). Tables that have a scope column keep it (`value_scope` of indicator values is copied
to `scope`); past events map their `context` (`city`, `regional`, `national`); tables with one row
per city and no scope column (hazard profile, climate series, action plans) state their figures
for the city. Derived figures (index scores, projections, loss totals) cite the dashboard's own
analysis, `coalition-analysis`, and the worst status of what they are made of.

Columns a table gains later (for example a hazard's basis figures) pass through unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from domain import actions as action_plans
from domain import compare
from domain.outlook import OutlookResult, download_frame, worst_of
from domain.provenance import SCOPES, STATUSES
from domain.queries import BuildData
from domain.risk_index import DIMENSION_ORDER, IndexResult, IndexWeights

DERIVED_SOURCE = "coalition-analysis"
EVENT_CONTEXT_SCOPE = {"city": "city", "regional": "region", "national": "country"}
BUILD_FOLDER = re.compile(r"^[0-9a-f]{16}(-[0-9]{14}-[0-9a-f]{8})?$")


# --- provenance -----------------------------------------------------------------------------------


def with_scope(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table with a `scope` column (see the module docstring for where it comes from)."""
    out = frame.copy()
    if "scope" in out:
        return out
    if "value_scope" in out:
        out["scope"] = out["value_scope"]
    elif table == "events" and "context" in out:
        out["scope"] = out["context"].map(EVENT_CONTEXT_SCOPE)
    elif "city_id" in out:
        out["scope"] = "city"
    else:
        out["scope"] = None
    return out


def _in(frame: pd.DataFrame, column: str, wanted: Sequence | None) -> pd.Series:
    """Rows whose `column` is one of `wanted` (every row when nothing is asked)."""
    if not wanted or column not in frame:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(list(wanted))


# --- cities, catalogue, sources -------------------------------------------------------------------


def cities(data: BuildData) -> pd.DataFrame:
    """Member cities as in the build (names RU/EN, country, coordinates, population and its source)."""
    return data["cities"].sort_values("city_id").reset_index(drop=True)


def indicator_catalogue(
    data: BuildData, dimensions: Sequence[str] = (), categories: Sequence[str] = ()
) -> pd.DataFrame:
    """The indicator catalogue with category and dimension names in both languages and coverage."""
    ind = data["indicators"]
    cats = data["categories"][["category_id", "name_ru", "name_en"]].rename(
        columns={"name_ru": "category_name_ru", "name_en": "category_name_en"}
    )
    dims = data["dimensions"][["dimension", "name_ru", "name_en"]].rename(
        columns={"name_ru": "dimension_name_ru", "name_en": "dimension_name_en"}
    )
    present = (
        data["indicator_values"].groupby("indicator_id")["city_id"].nunique().rename("cities_with_value")
    )
    out = ind.merge(cats, on="category_id", how="left").merge(dims, on="dimension", how="left")
    out = out.merge(present.reset_index(), on="indicator_id", how="left")
    out["cities_with_value"] = out["cities_with_value"].fillna(0).astype(int)
    out = out[_in(out, "dimension", dimensions) & _in(out, "category_id", categories)]
    order = {i: k for k, i in enumerate(compare.level_items(data, "indicator"))}
    return (
        out.assign(_o=out["indicator_id"].map(order))
        .sort_values("_o")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def sources(data: BuildData) -> pd.DataFrame:
    """The bibliography: every source id a figure may cite, with publisher, year, address, licence."""
    return data["sources"].sort_values("source_id").reset_index(drop=True)


# --- indicator values -----------------------------------------------------------------------------


def values(
    data: BuildData,
    cities: Sequence[str] = (),
    indicators: Sequence[str] = (),
    years: Sequence[int] = (),
    statuses: Sequence[str] = (),
    scopes: Sequence[str] = (),
    dimensions: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> pd.DataFrame:
    """Raw indicator values with their status, source and scope; `latest` marks the value the index uses."""
    out = with_scope(data["indicator_values"], "indicator_values")
    meta = data["indicators"][["indicator_id", "dimension", "category_id", "unit_en", "unit_ru"]]
    out = out.merge(meta, on="indicator_id", how="left")
    newest = out.groupby(["city_id", "indicator_id"])["year"].transform("max")
    out["latest"] = out["year"] == newest
    keep = (
        _in(out, "city_id", cities)
        & _in(out, "indicator_id", indicators)
        & _in(out, "status", statuses)
        & _in(out, "scope", scopes)
        & _in(out, "dimension", dimensions)
        & _in(out, "category_id", categories)
    )
    if years:
        keep &= out["year"].isin([float(y) for y in years])
    return out[keep].sort_values(["city_id", "indicator_id", "year"]).reset_index(drop=True)


# --- the index --------------------------------------------------------------------------------------


def _counts(frame: pd.DataFrame, column: str, keys: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per city, how many rows hold each of `keys` in `column` (zeros included)."""
    if column not in frame or frame.empty:
        return {}
    table = pd.crosstab(frame["city_id"], frame[column]).reindex(columns=list(keys), fill_value=0)
    return {city: {k: int(v) for k, v in row.items()} for city, row in table.to_dict("index").items()}


def index_rows(data: BuildData, result: IndexResult, cities: Sequence[str] = ()) -> list[dict]:
    """Per city, ranked: risk, class, the three dimensions, every category, coverage, and the
    statuses and scopes of the values behind the score (the score cites the dashboard's analysis)."""
    risk = result.risk.sort_values(["rank", "city_id"], na_position="last")
    if cities:
        risk = risk[risk["city_id"].isin(list(cities))]
    scored = result.indicator_scores
    scope_column = "value_scope" if "value_scope" in scored else "scope"
    by_status = _counts(scored, "status", STATUSES)
    by_scope = _counts(scored, scope_column, SCOPES)
    worst = scored.groupby("city_id")["status"].agg(worst_of).to_dict() if len(scored) else {}
    dims = result.dimension_scores.to_dict("index")
    cats = result.category_scores.to_dict("index")
    names = data["cities"].set_index("city_id")[["name_ru", "name_en"]].to_dict("index")
    zeros_status, zeros_scope = dict.fromkeys(STATUSES, 0), dict.fromkeys(SCOPES, 0)
    rows = []
    for r in risk.to_dict("records"):
        city_id = r["city_id"]
        rows.append(
            {
                "city_id": city_id,
                **names.get(city_id, {}),
                "risk": r["risk"],
                "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                "risk_class": r["risk_class"],
                "coverage": r["coverage"],
                "indicators_present": int(r["indicators_present"]),
                "indicators_total": int(r["indicators_total"]),
                "dimensions": {d: v for d, v in dims.get(city_id, {}).items() if d in DIMENSION_ORDER},
                "categories": dict(cats.get(city_id, {})),
                "inputs_by_status": by_status.get(city_id, zeros_status),
                "inputs_by_scope": by_scope.get(city_id, zeros_scope),
                "status": worst.get(city_id) or "estimated",
                "source_id": DERIVED_SOURCE,
                "scope": "city",
            }
        )
    return rows


def weights_used(data: BuildData, weights: IndexWeights) -> dict:
    """The complete weights an answer was computed with (the defaults filled in)."""
    full = compare.full_weights(data, weights)
    return {"dimensions": dict(full.dimensions), "categories": dict(full.categories)}


def stability_rows(shares: pd.DataFrame) -> list[dict]:
    """Rank shares per city (ranks as text keys), with each city's most frequent rank."""
    rows = []
    for city_id, row in shares.iterrows():
        values = row.to_numpy(dtype=float)
        rows.append(
            {
                "city_id": city_id,
                "shares": {str(k): float(v) for k, v in row.items()},
                "modal_rank": int(shares.columns[int(np.argmax(values))]) if len(values) else None,
                "modal_share": float(values.max()) if len(values) else None,
                "status": "estimated",
                "source_id": DERIVED_SOURCE,
                "scope": "city",
            }
        )
    return rows


# --- hazards, events, losses -------------------------------------------------------------------------


def hazards(
    data: BuildData,
    cities: Sequence[str] = (),
    hazard_types: Sequence[str] = (),
    levels: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> pd.DataFrame:
    """The hazard profile with the basis of each level, the level's rank and the hazard's names."""
    out = with_scope(data["hazards"], "hazards")
    types = data["hazard_types"][["hazard_type", "category_id", "name_ru", "name_en"]].rename(
        columns={"name_ru": "hazard_name_ru", "name_en": "hazard_name_en"}
    )
    levels_t = data["hazard_levels"][["level", "rank"]].rename(columns={"rank": "level_rank"})
    out = out.merge(types, on="hazard_type", how="left").merge(levels_t, on="level", how="left")
    keep = (
        _in(out, "city_id", cities)
        & _in(out, "hazard_type", hazard_types)
        & _in(out, "level", levels)
        & _in(out, "status", statuses)
    )
    return (
        out[keep]
        .sort_values(["city_id", "level_rank", "hazard_type"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


def _event_year(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame["start_date"].astype(str).str[:4], errors="coerce")


def events(
    data: BuildData,
    cities: Sequence[str] = (),
    hazard_types: Sequence[str] = (),
    scopes: Sequence[str] = (),
    statuses: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Past disasters with their impacts, status, source and scope (`context` mapped to a scope)."""
    out = with_scope(data["events"], "events")
    year = _event_year(out)
    keep = (
        _in(out, "city_id", cities)
        & _in(out, "hazard_type", hazard_types)
        & _in(out, "scope", scopes)
        & _in(out, "status", statuses)
    )
    if year_from is not None:
        keep &= year >= year_from
    if year_to is not None:
        keep &= year <= year_to
    return out[keep].sort_values(["start_date", "event_id"]).reset_index(drop=True)


LOSS_FIGURES = ("deaths", "affected", "damage_usd")


def losses(frame: pd.DataFrame, by_hazard: bool = False) -> pd.DataFrame:
    """Totals of recorded losses per city and scope (and hazard): events counted, each figure summed
    over the events that report it, with how many report it; unknown figures are never zero."""
    keys = ["city_id", "scope"] + (["hazard_type"] if by_hazard else [])
    if frame.empty:
        return pd.DataFrame(columns=keys + ["events"])
    rows = []
    for key, part in frame.groupby(keys, sort=True, dropna=False):
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row["events"] = int(len(part))
        for figure in LOSS_FIGURES:
            if figure not in part:
                continue
            known = pd.to_numeric(part[figure], errors="coerce").dropna()
            row[figure] = float(known.sum()) if len(known) else None
            row[f"{figure}_reported_by"] = int(len(known))
        row["first_year"] = _event_year(part).min()
        row["last_year"] = _event_year(part).max()
        row["status"] = worst_of(part["status"]) or "estimated"
        row["source_id"] = DERIVED_SOURCE
        row["source_ids"] = sorted(set(part["source_id"].dropna()))
        rows.append(row)
    return pd.DataFrame(rows)


# --- climate, outlook, actions ---------------------------------------------------------------------


def climate(
    data: BuildData,
    cities: Sequence[str] = (),
    variables: Sequence[str] = (),
    scenarios: Sequence[str] = (),
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Climate series (observed and projected, with the 10-90 % spread) per city."""
    out = with_scope(data["climate_series"], "climate_series")
    keep = _in(out, "city_id", cities) & _in(out, "variable", variables) & _in(out, "scenario", scenarios)
    if year_from is not None:
        keep &= out["year"] >= year_from
    if year_to is not None:
        keep &= out["year"] <= year_to
    return out[keep].sort_values(["city_id", "variable", "scenario", "year"]).reset_index(drop=True)


def outlook(
    result: OutlookResult,
    cities: Sequence[str] = (),
    scenarios: Sequence[str] = (),
    horizons: Sequence[int] = (),
) -> pd.DataFrame:
    """Projected index per city, scenario and horizon with its range, rank range, class and status."""
    out = download_frame(result).copy()
    out["source_id"] = DERIVED_SOURCE
    out["scope"] = "city"
    keep = _in(out, "city_id", cities) & _in(out, "scenario", scenarios)
    if horizons:
        keep &= out["horizon"].isin([int(h) for h in horizons])
    return out[keep].reset_index(drop=True)


def actions(
    current: pd.DataFrame,
    today: date,
    cities: Sequence[str] = (),
    statuses: Sequence[str] = (),
    hazards: Sequence[str] = (),
    essentials: Sequence[int] = (),
) -> pd.DataFrame:
    """Action plans as the public sees them, with overdue flags and funding gap. `status` is the
    action's progress state; `data_status` says how far to trust the row (sourced/estimated/illustrative)."""
    chosen = action_plans.filter_actions(current, cities, statuses, hazards, essentials)
    out = with_scope(action_plans.with_flags(chosen, today), "actions")
    return out.sort_values(["city_id", "action_id"]).reset_index(drop=True)


def action_progress(current: pd.DataFrame, today: date, cities: Sequence[str] = ()) -> pd.DataFrame:
    """Per city: actions by status, budget-weighted progress, overdue, budget, funded and gap."""
    chosen = action_plans.filter_actions(current, cities)
    out = action_plans.city_summary(chosen, today)
    statuses = (
        chosen.groupby("city_id")["data_status"].agg(worst_of) if len(chosen) else pd.Series(dtype=object)
    )
    out["status"] = out["city_id"].map(statuses) if len(out) else []
    out["source_id"] = DERIVED_SOURCE
    out["scope"] = "city"
    return out


# --- builds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildRef:
    """A published build: its folder (the id the API uses), content hash, time and size."""

    folder: str
    build_id: str
    built_at: str
    cities: int
    indicators: int

    def as_dict(self, latest: str | None) -> dict:
        return {
            "id": self.folder,
            "build_id": self.build_id,
            "built_at": self.built_at,
            "cities": self.cities,
            "indicators": self.indicators,
            "latest": self.folder == latest,
        }


def published_builds(builds_dir: Path) -> list[BuildRef]:
    """Every complete build under `builds_dir` (a folder with a readable manifest), newest first."""
    out = []
    if not builds_dir.is_dir():
        return out
    for folder in builds_dir.iterdir():
        if not folder.is_dir() or not BUILD_FOLDER.match(folder.name):
            continue
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append(
            BuildRef(
                folder.name,
                str(manifest.get("build_id", "")),
                str(manifest.get("built_at", "")),
                int(manifest.get("cities", 0)),
                int(manifest.get("indicators", 0)),
            )
        )
    return sorted(out, key=lambda b: (b.built_at, b.folder), reverse=True)


def find_build(builds: Sequence[BuildRef], wanted: str) -> BuildRef | None:
    """The build named by its folder, or the newest build with that content hash."""
    for ref in builds:
        if wanted in (ref.folder, ref.build_id):
            return ref
    return None


def finite(value: object) -> object:
    """JSON-safe value: NaN and infinities become None, NumPy scalars plain Python."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Mapping):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


__all__ = [
    "with_scope",
    "cities",
    "indicator_catalogue",
    "sources",
    "values",
    "index_rows",
    "weights_used",
    "stability_rows",
    "hazards",
    "events",
    "losses",
    "climate",
    "outlook",
    "actions",
    "action_progress",
    "published_builds",
    "find_build",
    "BuildRef",
    "finite",
]


def stored_index(data: BuildData) -> IndexResult:
    """The index with the data's default weights as the build stored it (no recomputation)."""
    city_ids = data["cities"]["city_id"].tolist()
    cats = data["categories"]
    cat_ids = cats.sort_values(["dimension", "sort_order"] if "sort_order" in cats else ["dimension"])[
        "category_id"
    ].tolist()
    category_scores = (
        data["category_scores"]
        .pivot(index="city_id", columns="category_id", values="score")
        .reindex(index=city_ids, columns=cat_ids)
    )
    dimension_scores = (
        data["dimension_scores"]
        .pivot(index="city_id", columns="dimension", values="score")
        .reindex(index=city_ids, columns=list(DIMENSION_ORDER))
    )
    category_scores.index.name = dimension_scores.index.name = "city_id"
    category_scores.columns.name = dimension_scores.columns.name = None
    return IndexResult(data["indicator_scores"], category_scores, dimension_scores, data["risk"])


def load_published(folder: Path) -> BuildData:
    """Every table a published build holds (older builds may lack tables added since; asking for
    one of those is a KeyError the caller reports)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tables = {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}
    return BuildData(folder.resolve(), manifest, tables)
