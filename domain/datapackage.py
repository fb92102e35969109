"""A Frictionless Data Package of one build: every table as CSV with its Table Schema, the
licences known for its sources, and the sources each table cites (https://specs.frictionlessdata.io).

Field types follow the built tables' column types; primary keys are the tables' keys (declared
only where the table is unique on them); foreign keys tie every `city_id`, `source_id`,
`indicator_id`, `category_id` and `hazard_type` to the table that defines it. The package's
licences are the licences its sources state; a source without one keeps its publisher's terms,
which the package's description says.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from frictionless import Package, Resource, Schema, fields

from domain.queries import DERIVED_TABLES, SOURCE_TABLES, BuildData

PACKAGE_NAME = "ccca-city-risk"
KEYS: dict[str, tuple[str, ...]] = {
    "cities": ("city_id",),
    "sources": ("source_id",),
    "dimensions": ("dimension",),
    "categories": ("category_id",),
    "indicators": ("indicator_id",),
    "indicator_values": ("city_id", "indicator_id", "year"),
    "hazard_levels": ("level",),
    "hazard_types": ("hazard_type",),
    "hazards": ("city_id", "hazard_type"),
    "events": ("event_id",),
    "risk_classes": ("class_id",),
    "inform_country": ("iso3", "edition"),
    "actions": ("action_id",),
    "climate_series": ("city_id", "variable", "scenario", "year"),
    "projection_rules": ("rule_id",),
    "ssp_population": ("iso3", "scenario", "year"),
    "indicator_scores": ("city_id", "indicator_id"),
    "category_scores": ("city_id", "category_id"),
    "dimension_scores": ("city_id", "dimension"),
    "risk": ("city_id",),
}
# column -> (table that defines it, its key column)
REFERENCES = {
    "city_id": ("cities", "city_id"),
    "source_id": ("sources", "source_id"),
    "indicator_id": ("indicators", "indicator_id"),
    "category_id": ("categories", "category_id"),
    "hazard_type": ("hazard_types", "hazard_type"),
}
# Columns named like a reference that hold something else: a projection rule's `*` means any indicator.
NOT_REFERENCES = frozenset({("projection_rules", "indicator_id")})
# Licence texts of sources.csv -> a Data Package licence (name is an Open Definition / SPDX id).
KNOWN_LICENCES = {
    "cc by 4.0": {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0",
    },
    "public domain": {
        "name": "public-domain",
        "path": "https://www.naturalearthdata.com/about/terms-of-use/",
        "title": "Public domain (Natural Earth)",
    },
}
DESCRIPTION = (
    "Disaster and climate risk of the member cities of the Coalition of Sustainable Cities of Central "
    "Asia: indicator values with status (sourced, estimated, illustrative), source and scope (city, "
    "region, country), the INFORM-style risk index, hazard profile, past disasters, climate series, "
    "projection rules and action plans. Licences: those listed apply to the sources that state them; "
    "figures from the other sources keep their publishers' terms (see the sources table)."
)


def package_tables(data: BuildData) -> dict[str, pd.DataFrame]:
    """The tables the package holds (the same as the Data page's downloads), by name."""
    return {name: data[name] for name in SOURCE_TABLES + DERIVED_TABLES if name in data.tables}


def field_for(name: str, series: pd.Series) -> fields.Field:
    """A Table Schema field for a column, typed after its pandas dtype."""
    kind = series.dtype
    if pd.api.types.is_bool_dtype(kind):
        return fields.BooleanField(name=name)
    if pd.api.types.is_integer_dtype(kind):
        return fields.IntegerField(name=name)
    if pd.api.types.is_float_dtype(kind):
        return fields.NumberField(name=name)
    return fields.StringField(name=name)


def _unique_on(frame: pd.DataFrame, keys: tuple[str, ...]) -> bool:
    return (
        bool(keys)
        and all(k in frame for k in keys)
        and not frame[list(keys)].isna().any().any()
        and not frame.duplicated(list(keys)).any()
    )


def table_schema(name: str, frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> Schema:
    """Fields, primary key and foreign keys of one table."""
    schema = Schema(fields=[field_for(str(c), frame[c]) for c in frame.columns])
    keys = KEYS.get(name, ())
    if _unique_on(frame, keys):
        schema.primary_key = list(keys)
    foreign = []
    for column, (target, target_key) in REFERENCES.items():
        if (
            column in frame
            and target != name
            and (name, column) not in NOT_REFERENCES
            and target in tables
            and _unique_on(tables[target], (target_key,))
        ):
            foreign.append({"fields": [column], "reference": {"resource": target, "fields": [target_key]}})
    schema.foreign_keys = foreign
    return schema


def licences(sources: pd.DataFrame) -> list[dict]:
    """The licences the sources state, as Data Package licences (unknown texts are left out)."""
    stated = sources.get("licence", pd.Series(dtype=object)).dropna().astype(str).str.strip().str.lower()
    return [KNOWN_LICENCES[text] for text in sorted(set(stated)) if text in KNOWN_LICENCES]


def source_entries(source_ids: set[str], sources: pd.DataFrame) -> list[dict]:
    """Data Package `sources` for the given ids: title (publisher, year) and address."""
    out = []
    for _, row in sources[sources["source_id"].isin(source_ids)].sort_values("source_id").iterrows():
        entry = {"title": f"{row['source_id']}: {row['title']}"}
        if isinstance(row.get("url"), str) and row["url"].startswith(("http://", "https://")):
            entry["path"] = row["url"]
        out.append(entry)
    return out


def build_package(data: BuildData) -> Package:
    """The Data Package of a build (resources point at `data/<table>.csv`)."""
    tables = package_tables(data)
    sources = tables["sources"]
    resources = []
    for name, frame in tables.items():
        cited = {
            s
            for c in frame.columns
            if c == "source_id" or str(c).endswith("_source_id")
            for s in frame[c].dropna()
        }
        resource = Resource(
            name=name,
            path=f"data/{name}.csv",
            format="csv",
            encoding="utf-8",
            mediatype="text/csv",
            schema=table_schema(name, frame, tables),
        )
        resource.sources = source_entries(cited, sources)
        resources.append(resource)
    package = Package(
        name=PACKAGE_NAME,
        title="Coalition of Sustainable Cities of Central Asia: city risk data",
        description=DESCRIPTION,
        version=f"1.0.0+{data.build_id}",
        resources=resources,
    )
    package.licenses = licences(sources)
    package.created = str(data.manifest.get("built_at", "")) or None
    package.sources = [
        {
            "title": "Coalition of Sustainable Cities of Central Asia, climate and disaster risk "
            f"dashboard, build {data.path.name}"
        }
    ]
    return package


def table_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (no byte-order mark: the package says utf-8), missing values as empty cells."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def package_zip(data: BuildData) -> bytes:
    """The package as one zip: `datapackage.json` at the top, the tables under `data/`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", build_package(data).to_json())
        for name, frame in package_tables(data).items():
            archive.writestr(f"data/{name}.csv", table_csv(frame))
    return buffer.getvalue()
