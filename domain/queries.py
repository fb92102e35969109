"""Read a built data set and answer the questions pages ask (plain DataFrames and dicts).

Pages call these through the app's cache (see `services/data_access.py`); the functions take a
`BuildData` and simple arguments, so they are easy to test and to memoize by build id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from domain.confidence import city_confidence
from domain.provenance import SCOPES, STATUSES
from domain.risk_index import DIMENSION_ORDER, complement_geometric_mean, weighted_geometric_mean

GEO_LAYERS = ("countries", "admin1", "rivers")
DERIVED_GEO_LAYERS = ("hazard_zones", "facilities")  # made by the build from tables and GEO_LAYERS
SOURCE_TABLES = (
    "cities",
    "sources",
    "dimensions",
    "categories",
    "indicators",
    "indicator_values",
    "hazard_levels",
    "hazard_types",
    "hazards",
    "events",
    "risk_classes",
    "inform_country",
    "actions",
    "action_updates",
    "climate_series",
    "projection_rules",
    "ssp_population",
    "hazard_thresholds",
    "facilities",
    "scorecard_questions",
    "scorecard_rounds",
    "scorecard_scores",
    "event_figure_scopes",
    "losses",
)
DERIVED_TABLES = (
    "indicator_scores",
    "category_scores",
    "dimension_scores",
    "risk",
    "scope_counts",
    "hazard_zones",
    "facility_exposure",
)


@dataclass
class BuildData:
    """One built data set: its manifest, its tables and its geometry, read from Parquet."""

    path: Path
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    geo: dict[str, bytes] = field(default_factory=dict)
    # values computed once from the tables (orders, indices): `domain.build_memo.once_per_build`
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def geometry_path(self, layer: str) -> Path:
        return self.path / "geo" / f"{layer}.geojson"

    def geometry(self, layer: str) -> bytes:
        """A geometry layer's bytes as checked when the build was loaded (KeyError if unknown)."""
        return self.geo[layer]


class BuildMissingError(RuntimeError):
    """No usable build was found: run `make data`."""


class BuildCorruptError(RuntimeError):
    """A file of the build is missing or differs from its checksum in the manifest."""


def verify_build(build_dir: Path, manifest: dict) -> None:
    """Raise `BuildCorruptError` unless every file the manifest lists has its recorded checksum."""
    files = manifest.get("files") or {}
    missing = [t for t in SOURCE_TABLES + DERIVED_TABLES if t not in files]
    if missing:
        raise BuildCorruptError(f"the manifest lists no {', '.join(missing)}: rebuild with `make data`")
    for name, entry in files.items():
        path = build_dir / (f"{name}.geojson" if name.startswith("geo/") else f"{name}.parquet")
        expected = entry.get("sha256")
        if not expected:
            raise BuildCorruptError(f"{path.name} has no checksum in the manifest: rebuild with `make data`")
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as err:
            raise BuildCorruptError(f"{path.name} cannot be read ({err.strerror})") from err
        if actual != expected:
            raise BuildCorruptError(f"{path.name} differs from its checksum in the manifest")


def load_build(build_dir: Path) -> BuildData:
    """Read the manifest and every table of the build that `build_dir` points at."""
    real = Path(build_dir).resolve()
    manifest_path = real / "manifest.json"
    if not manifest_path.exists():
        raise BuildMissingError(f"no data build at {build_dir}: run `make data`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    verify_build(real, manifest)
    tables = {name: pd.read_parquet(real / f"{name}.parquet") for name in SOURCE_TABLES + DERIVED_TABLES}
    geo = {
        name[4:]: (real / f"{name}.geojson").read_bytes()
        for name in manifest["files"]
        if name.startswith("geo/")
    }
    return BuildData(real, manifest, tables, geo)


def localized(frame: pd.DataFrame, lang: str, *columns: str) -> pd.DataFrame:
    """Add plain `<column>` columns holding the `<column>_<lang>` text (RU/EN pairs)."""
    out = frame.copy()
    for col in columns:
        out[col] = out[f"{col}_{lang}"] if f"{col}_{lang}" in out else out[f"{col}_en"]
    return out


# The id column of each data table that has names in both languages.
ID_COLUMNS = {
    "cities": "city_id",
    "dimensions": "dimension",
    "categories": "category_id",
    "indicators": "indicator_id",
    "hazard_types": "hazard_type",
    "risk_classes": "class_id",
}


def table_names(
    data: BuildData | dict[str, pd.DataFrame], table: str, lang: str, column: str = "name"
) -> dict[str, str]:
    """id -> `<column>_<lang>` (the name, or e.g. the unit) of each row of a data table."""
    frame = data[table]
    return dict(zip(frame[ID_COLUMNS[table]], frame[f"{column}_{lang}"]))


def city_names(data: BuildData | dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    """city_id -> city name in the language."""
    return table_names(data, "cities", lang)


def ranking(data: BuildData, lang: str) -> pd.DataFrame:
    """Cities ranked by composite risk, with the three dimensions, class, coverage and confidence
    (rank range under random weightings, inputs by scope, level: `domain/confidence.py`)."""
    cities = localized(data["cities"], lang, "name", "country")
    dims = data["dimension_scores"].pivot(index="city_id", columns="dimension", values="score")
    classes = localized(data["risk_classes"], lang, "name")[["class_id", "name", "colour"]]
    out = (
        data["risk"]
        .merge(
            cities[
                [
                    "city_id",
                    "name",
                    "country",
                    "country_iso3",
                    "population",
                    "population_year",
                    "population_source_id",
                    "lat",
                    "lon",
                ]
            ],
            on="city_id",
        )
        .merge(dims.reset_index(), on="city_id", how="left")
        .merge(
            classes.rename(columns={"class_id": "risk_class", "name": "class_name"}),
            on="risk_class",
            how="left",
        )
        .merge(city_confidence(data), on="city_id", how="left")
    )
    return out.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


def city_provenance(data: BuildData) -> pd.DataFrame:
    """Per city, how many index values are sourced, estimated, illustrative, and of each scope.

    `national` counts country values standing in for the city, `regional` values of the city's
    first-level unit (region, oblast), `city_scope` values for the city itself."""
    scores = data["indicator_scores"]
    counts = scores.pivot_table(
        index="city_id", columns="status", values="indicator_id", aggfunc="count", fill_value=0
    )
    for status in STATUSES:
        if status not in counts:
            counts[status] = 0
    for scope, column in zip(SCOPES, ("city_scope", "regional", "national")):
        per = scores[scores["value_scope"] == scope].groupby("city_id")["indicator_id"].count()
        counts[column] = per.reindex(counts.index).fillna(0).astype(int)
    return counts[[*STATUSES, "national", "regional", "city_scope"]].reset_index()


def scope_table(data: BuildData, lang: str) -> pd.DataFrame:
    """Per city: latest index inputs that are city, region and country values, and the national share."""
    counts = data["scope_counts"].merge(data["cities"][["city_id", f"name_{lang}"]], on="city_id", how="left")
    return counts.rename(columns={f"name_{lang}": "name"}).sort_values("name").reset_index(drop=True)


def top_hazards(data: BuildData, lang: str, per_city: int = 3) -> pd.DataFrame:
    """Each city's highest-rated hazards from the hazard profile (level, name)."""
    levels = data["hazard_levels"][["level", "rank"]]
    types = localized(data["hazard_types"], lang, "name")[["hazard_type", "name"]]
    hz = data["hazards"].merge(levels.dropna(subset=["rank"]), on="level").merge(types, on="hazard_type")
    hz = hz.sort_values(["city_id", "rank", "name"], ascending=[True, False, True])
    return hz.groupby("city_id").head(per_city)[["city_id", "hazard_type", "name", "level", "rank"]]


def event_totals(data: BuildData) -> pd.DataFrame:
    """Per city: recorded past disasters in the city itself, and deaths where known."""
    ev = data["events"]
    own = ev[ev["context"] == "city"]
    return own.groupby("city_id").agg(events=("event_id", "count"), deaths=("deaths", "sum")).reset_index()


def headline(data: BuildData, lang: str) -> pd.DataFrame:
    """One row per city with the figures the overview cards show."""
    ranked = ranking(data, lang)
    prov = city_provenance(data)
    hazards = top_hazards(data, lang)
    top = hazards.groupby("city_id")["name"].apply(lambda s: ", ".join(s)).rename("top_hazards")
    out = (
        ranked.merge(prov, on="city_id", how="left")
        .merge(top.reset_index(), on="city_id", how="left")
        .merge(event_totals(data), on="city_id", how="left")
    )
    out["events"] = out["events"].fillna(0).astype(int)
    return out


def indicator_catalogue(data: BuildData, lang: str) -> pd.DataFrame:
    """The catalogue with category and dimension names and how many cities have each indicator."""
    ind = localized(data["indicators"], lang, "name", "description", "unit")
    cats = localized(data["categories"], lang, "name")[["category_id", "name"]].rename(
        columns={"name": "category"}
    )
    dims = localized(data["dimensions"], lang, "name")[["dimension", "name"]].rename(
        columns={"name": "dimension_name"}
    )
    values = data["indicator_values"]
    latest = values.sort_values("year").groupby(["city_id", "indicator_id"]).tail(1)
    cover = (
        latest.groupby("indicator_id")
        .agg(
            cities=("city_id", "nunique"),
            statuses=("status", lambda s: ", ".join(sorted(set(s)))),
            national=("value_scope", lambda s: int((s == "country").sum())),
            regional=("value_scope", lambda s: int((s == "region").sum())),
            years=(
                "year",
                lambda y: f"{int(y.min())}" if y.min() == y.max() else f"{int(y.min())}–{int(y.max())}",
            ),
        )
        .reset_index()
    )
    out = (
        ind.merge(cats, on="category_id")
        .merge(dims, on="dimension")
        .merge(cover, on="indicator_id", how="left")
    )
    out["cities"] = out["cities"].fillna(0).astype(int)
    order = {d: i for i, d in enumerate(DIMENSION_ORDER)}
    out["_d"] = out["dimension"].map(order)
    return out.sort_values(["_d", "category", "name"]).drop(columns="_d").reset_index(drop=True)


def status_summary(data: BuildData) -> pd.DataFrame:
    """How many values of each table carry each status: the trust profile of the data."""
    rows = []
    for table in ("indicator_values", "hazards", "events"):
        counts = data[table]["status"].value_counts()
        for status in STATUSES:
            rows.append({"table": table, "status": status, "count": int(counts.get(status, 0))})
    return pd.DataFrame(rows)


def sources_table(data: BuildData) -> pd.DataFrame:
    """Sources with how many values, hazards and events cite each one."""
    src = data["sources"].copy()
    uses = pd.concat(
        [data[t]["source_id"] for t in ("indicator_values", "hazards", "events")]
        + [data["hazards"]["basis_source_id"].dropna()]
    )
    src["uses"] = src["source_id"].map(uses.value_counts()).fillna(0).astype(int)
    return src.sort_values(["uses", "source_id"], ascending=[False, True]).reset_index(drop=True)


def downloadable_tables(data: BuildData) -> dict[str, pd.DataFrame]:
    """Every table a user may download, source and derived, by name."""
    return {name: data[name] for name in SOURCE_TABLES + DERIVED_TABLES}


@lru_cache(maxsize=16)
def _geo_text(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def geo_layer(data: BuildData, layer: str) -> dict:
    """A built GeoJSON layer as a dict (read once per build file)."""
    path = data.geometry_path(layer)
    return _geo_text(str(path), path.stat().st_mtime)


def inform_reproduction(data: BuildData) -> pd.DataFrame:
    """Recompute INFORM 2025's published country risk from its published category scores.

    Checks that our aggregation (complement geometric mean, then geometric mean) is INFORM's:
    HE = A(natural, human), V = A(socio-economic, vulnerable groups), LCC = A(institutional,
    infrastructure), risk = (HE * V * LCC) ** (1/3), compared at INFORM's one decimal.
    """

    inf = data["inform_country"]
    inf = inf[inf["edition"].str.contains("2025")].copy()
    pairs = {
        "hazard_exposure": ("natural_hazard", "human_hazard"),
        "vulnerability": ("socio_economic_vulnerability", "vulnerable_groups"),
        "lack_of_coping_capacity": ("institutional", "infrastructure"),
    }
    dims = {}
    for dim, (a, b) in pairs.items():
        dims[dim] = np.round(complement_geometric_mean(inf[[a, b]].astype(float).to_numpy()), 1)
    stacked = np.column_stack([dims[d] for d in DIMENSION_ORDER])
    recomputed = np.round(weighted_geometric_mean(stacked, np.ones(3)), 1)
    out = pd.DataFrame(
        {
            "iso3": inf["iso3"].to_numpy(),
            "published": inf["inform_risk"].astype(float).to_numpy(),
            "recomputed": recomputed,
        }
    )
    out["matches"] = np.isclose(out["published"], out["recomputed"], atol=0.051)
    return out
