"""Declared schemas of the source tables and the cross-table checks that a build must pass.

Each table is a pandera schema (types, ranges, allowed codes, unique keys); references between
tables are checked afterwards. Every failure is reported as file, row, column and reason, where
the row is the line number in the CSV file (header = line 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from domain.action_schemas import ACTION_REFERENCES, ACTION_SCHEMAS, check_action_hazards
from domain.climate_schema import CLIMATE_REFERENCES, CLIMATE_SCHEMAS, check_climate_series
from domain.infrastructure_schema import INFRA_REFERENCES, INFRA_SCHEMAS, check_facility_actions
from domain.outlook_schema import OUTLOOK_REFERENCES, OUTLOOK_SCHEMAS, check_outlook
from domain.provenance import (
    NOT_ASSESSED,
    SCOPES,
    SOURCE_KINDS,
    STATUSES,
    hazard_basis_problems,
    sourced_without_source,
)
from domain.resilience_schema import RESILIENCE_REFERENCES, RESILIENCE_SCHEMAS, check_resilience

DIMENSIONS = ["hazard_exposure", "vulnerability", "lack_of_coping_capacity"]
SLUG = r"^[a-z0-9][a-z0-9_\-]*$"
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@dataclass(frozen=True)
class Problem:
    """One reason a table was rejected, pointing at the file, CSV line and column."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"


class DataValidationError(ValueError):
    """Raised when source tables break their schema; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the source tables:\n{shown}{more}")


def _text(nullable: bool = False, **kw) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True, **kw)


def _slug(unique: bool = False, nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(SLUG), unique=unique, nullable=nullable, coerce=True)


def _number(nullable: bool = False, *checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=nullable, coerce=True)


def _status() -> pa.Column:
    return pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True)


def _weight() -> pa.Column:
    return _number(False, pa.Check.gt(0), pa.Check.le(100))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "sources": pa.DataFrameSchema(
        {
            "source_id": _slug(unique=True),
            "title": _text(),
            "publisher": _text(nullable=True),
            "year": _number(True, pa.Check.in_range(1800, 2100)),
            "url": _text(nullable=True),
            "licence": _text(nullable=True),
            "accessed": _text(nullable=True),
            "kind": pa.Column(str, pa.Check.isin(list(SOURCE_KINDS)), coerce=True),
        },
        strict=False,
    ),
    "cities": pa.DataFrameSchema(
        {
            "city_id": _slug(unique=True),
            "name_ru": _text(),
            "name_en": _text(),
            "country_iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), coerce=True),
            "country_ru": _text(),
            "country_en": _text(),
            "admin1_ru": _text(nullable=True),
            "admin1_en": _text(nullable=True),
            "lat": _number(False, pa.Check.in_range(-90, 90)),
            "lon": _number(False, pa.Check.in_range(-180, 180)),
            "elevation_m": _number(True, pa.Check.in_range(-500, 9000)),
            # a city that has just joined may have no figures yet: missing, never zero
            "area_km2": _number(True, pa.Check.gt(0)),
            "population": _number(True, pa.Check.gt(0)),
            "population_year": _number(True, pa.Check.in_range(1900, 2100)),
            "member_since": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), coerce=True),
            # `candidate` (applied, not yet a member) or `member`; empty means member
            "membership": pa.Column(
                str, pa.Check.isin(["candidate", "member"]), nullable=True, required=False, coerce=True
            ),
            "population_source_id": _slug(nullable=True),
            "area_source_id": _slug(nullable=True),
            "elevation_source_id": _slug(nullable=True),
        },
        strict=False,
    ),
    "dimensions": pa.DataFrameSchema(
        {
            "dimension": pa.Column(str, pa.Check.isin(DIMENSIONS), unique=True, coerce=True),
            "name_ru": _text(),
            "name_en": _text(),
            "weight": _weight(),
        },
        strict=False,
    ),
    "categories": pa.DataFrameSchema(
        {
            "category_id": _slug(unique=True),
            "dimension": pa.Column(str, pa.Check.isin(DIMENSIONS), coerce=True),
            "name_ru": _text(),
            "name_en": _text(),
            "weight": _weight(),
        },
        strict=False,
    ),
    "indicators": pa.DataFrameSchema(
        {
            "indicator_id": _slug(unique=True),
            "dimension": pa.Column(str, pa.Check.isin(DIMENSIONS), coerce=True),
            "category_id": _slug(),
            "name_ru": _text(),
            "name_en": _text(),
            "unit_ru": _text(),
            "unit_en": _text(),
            "direction": pa.Column(str, pa.Check.isin(["risk_up", "risk_down"]), coerce=True),
            "transform": pa.Column(str, pa.Check.isin(["linear", "log"]), coerce=True),
            "lower_bound": _number(),
            "upper_bound": _number(),
            "weight": _weight(),
        },
        checks=[
            pa.Check(
                lambda d: d["lower_bound"] < d["upper_bound"],
                element_wise=False,
                error="lower_bound must be below upper_bound",
            ),
            pa.Check(
                lambda d: (d["transform"] != "log") | (d["lower_bound"] > 0),
                element_wise=False,
                error="a log-scaled indicator needs bounds above zero",
            ),
        ],
        strict=False,
    ),
    "indicator_values": pa.DataFrameSchema(
        {
            "city_id": _slug(),
            "indicator_id": _slug(),
            "year": _number(False, pa.Check.in_range(1900, 2100)),
            "value": _number(),
            "status": _status(),
            "source_id": _slug(),
            "value_scope": pa.Column(str, pa.Check.isin(list(SCOPES)), coerce=True),
        },
        unique=["city_id", "indicator_id", "year"],
        strict=False,
    ),
    "hazard_levels": pa.DataFrameSchema(
        {
            "level": _slug(unique=True),
            "rank": _number(True, pa.Check.in_range(0, 10)),
            "name_ru": _text(),
            "name_en": _text(),
            "colour": pa.Column(str, pa.Check.str_matches(r"^#[0-9a-fA-F]{6}$"), coerce=True),
        },
        strict=False,
    ),
    "hazard_types": pa.DataFrameSchema(
        {
            "hazard_type": _slug(unique=True),
            "category_id": _slug(),
            "name_ru": _text(),
            "name_en": _text(),
        },
        strict=False,
    ),
    "hazards": pa.DataFrameSchema(
        {
            "city_id": _slug(),
            "hazard_type": _slug(),
            "level": _slug(),
            "evidence_ru": _text(),
            "evidence_en": _text(),
            "status": _status(),
            "source_id": _slug(),
            "basis_metric": _slug(nullable=True),
            "basis_value": _number(True),
            "basis_year": _number(True, pa.Check.in_range(1900, 2100)),
            "basis_scope": pa.Column(str, pa.Check.isin(list(SCOPES)), nullable=True, coerce=True),
            "basis_source_id": _slug(nullable=True),
        },
        unique=["city_id", "hazard_type"],
        strict=False,
    ),
    "hazard_thresholds": pa.DataFrameSchema(
        {
            "metric": _slug(),
            "level": _slug(),
            "lower": _number(True),
            "upper": _number(True),
            "name_ru": _text(),
            "name_en": _text(),
            "unit_ru": _text(),
            "unit_en": _text(),
            "rule_ru": _text(),
            "rule_en": _text(),
            "source_id": _slug(),
        },
        checks=[
            pa.Check(
                lambda d: d["lower"].isna() | d["upper"].isna() | (d["lower"] < d["upper"]),
                element_wise=False,
                error="lower must be below upper",
            ),
            pa.Check(
                lambda d: d["level"] != NOT_ASSESSED,
                element_wise=False,
                error="a threshold rule cannot give 'not assessed'",
            ),
        ],
        unique=["metric", "level"],
        strict=False,
    ),
    "events": pa.DataFrameSchema(
        {
            "event_id": _slug(unique=True),
            "city_id": _slug(),
            "start_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), coerce=True),
            "end_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True, coerce=True),
            "hazard_type": _slug(),
            "title_ru": _text(),
            "title_en": _text(),
            "deaths": _number(True, pa.Check.ge(0)),
            "affected": _number(True, pa.Check.ge(0)),
            "damage_usd": _number(True, pa.Check.ge(0)),
            "context": pa.Column(str, pa.Check.isin(["city", "regional", "national"]), coerce=True),
            "status": _status(),
            "source_id": _slug(),
        },
        strict=False,
    ),
    "risk_classes": pa.DataFrameSchema(
        {
            "class_id": _slug(unique=True),
            "lower": _number(False, pa.Check.in_range(0, 10)),
            "upper": _number(False, pa.Check.in_range(0, 10)),
            "name_ru": _text(),
            "name_en": _text(),
            "colour": pa.Column(str, pa.Check.str_matches(r"^#[0-9a-fA-F]{6}$"), coerce=True),
        },
        checks=[
            pa.Check(lambda d: d["lower"] < d["upper"], element_wise=False, error="lower must be below upper")
        ],
        strict=False,
    ),
    "inform_country": pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), coerce=True),
            "edition": _text(),
            "inform_risk": _number(False, pa.Check.in_range(0, 10)),
            "source_id": _slug(),
        },
        strict=False,
    ),
    **ACTION_SCHEMAS,
    **CLIMATE_SCHEMAS,
    **OUTLOOK_SCHEMAS,
    **INFRA_SCHEMAS,
    **RESILIENCE_SCHEMAS,
}

# (table, column) -> (referenced table, referenced column)
REFERENCES: list[tuple[str, str, str, str]] = [
    ("cities", "population_source_id", "sources", "source_id"),
    ("cities", "area_source_id", "sources", "source_id"),
    ("cities", "elevation_source_id", "sources", "source_id"),
    ("categories", "dimension", "dimensions", "dimension"),
    ("indicators", "category_id", "categories", "category_id"),
    ("indicator_values", "city_id", "cities", "city_id"),
    ("indicator_values", "indicator_id", "indicators", "indicator_id"),
    ("indicator_values", "source_id", "sources", "source_id"),
    ("hazard_types", "category_id", "categories", "category_id"),
    ("hazards", "city_id", "cities", "city_id"),
    ("hazards", "hazard_type", "hazard_types", "hazard_type"),
    ("hazards", "level", "hazard_levels", "level"),
    ("hazards", "source_id", "sources", "source_id"),
    ("hazards", "basis_source_id", "sources", "source_id"),
    ("hazard_thresholds", "level", "hazard_levels", "level"),
    ("hazard_thresholds", "source_id", "sources", "source_id"),
    ("events", "city_id", "cities", "city_id"),
    ("events", "hazard_type", "hazard_types", "hazard_type"),
    ("events", "source_id", "sources", "source_id"),
    ("inform_country", "source_id", "sources", "source_id"),
    *ACTION_REFERENCES,
    *CLIMATE_REFERENCES,
    *OUTLOOK_REFERENCES,
    *INFRA_REFERENCES,
    *RESILIENCE_REFERENCES,
]


def csv_line(index: object) -> int | None:
    """CSV line number of a 0-based DataFrame row index (the header is line 1)."""
    try:
        return int(index) + 2  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _problems_from_schema_errors(file: str, err: SchemaErrors) -> list[Problem]:
    problems: list[Problem] = []
    cases = err.failure_cases
    for rec in cases.to_dict("records"):
        column = rec.get("column")
        check = str(rec.get("check"))
        value = rec.get("failure_case")
        index = rec.get("index")
        row = csv_line(index) if index is not None and not pd.isna(index) else None
        if check == "column_in_dataframe":
            reason = f"required column '{value}' is missing"
            column = str(value)
        elif check.startswith("coerce_dtype") or check.startswith("dtype"):
            reason = f"value {value!r} is not of type {check.split('(')[-1].rstrip(')')}"
        elif check == "not_nullable":
            reason = "value is missing but required"
        elif check == "field_uniqueness" or check.startswith("multiple_fields_uniqueness"):
            reason = f"duplicate key {value!r}"
        else:
            reason = f"value {value!r} fails check {check}"
        problems.append(
            Problem(file, row, None if column is None or pd.isna(column) else str(column), reason)
        )
    return problems


def validate_table(
    name: str, frame: pd.DataFrame, file: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate one table against its schema; return the coerced table and the problems found."""
    file = file or f"{name}.csv"
    schema = SCHEMAS[name]
    try:
        return schema.validate(frame, lazy=True), []
    except SchemaErrors as err:
        return frame, _problems_from_schema_errors(file, err)


def check_references(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every foreign key names a row that exists (for example a value's city and indicator)."""
    problems: list[Problem] = []
    for table, column, target, target_column in REFERENCES:
        if table not in tables or target not in tables:
            continue
        frame = tables[table]
        if column not in frame.columns or target_column not in tables[target].columns:
            continue
        known = set(tables[target][target_column].dropna().astype(str))
        values = frame[column]
        unknown = values.notna() & (values.astype(str) != "") & ~values.astype(str).isin(known)
        for index, value in values[unknown].items():
            problems.append(
                Problem(
                    f"{table}.csv",
                    csv_line(index),
                    column,
                    f"'{value}' is not a known {target_column} in {target}.csv",
                )
            )
    return problems


def check_consistency(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Checks across tables that a schema alone cannot state."""
    problems: list[Problem] = []
    indicators = tables.get("indicators")
    categories = tables.get("categories")
    if indicators is not None and categories is not None:
        cat_dim = dict(zip(categories["category_id"], categories["dimension"]))
        for index, row in indicators.iterrows():
            expected = cat_dim.get(row["category_id"])
            if expected is not None and expected != row["dimension"]:
                problems.append(
                    Problem(
                        "indicators.csv",
                        csv_line(index),
                        "dimension",
                        f"'{row['dimension']}' differs from the dimension of category "
                        f"'{row['category_id']}' ('{expected}')",
                    )
                )
    if "dimensions" in tables:
        missing = set(DIMENSIONS) - set(tables["dimensions"]["dimension"])
        for dim in sorted(missing):
            problems.append(Problem("dimensions.csv", None, "dimension", f"dimension '{dim}' is missing"))
    classes = tables.get("risk_classes")
    if classes is not None and len(classes):
        ordered = classes.sort_values("lower")
        if ordered["lower"].iloc[0] != 0 or ordered["upper"].iloc[-1] != 10:
            problems.append(
                Problem("risk_classes.csv", None, "lower", "risk classes must cover the whole 0-10 range")
            )
        gaps = ordered["lower"].iloc[1:].to_numpy() != ordered["upper"].iloc[:-1].to_numpy()
        if gaps.any():
            problems.append(
                Problem(
                    "risk_classes.csv",
                    None,
                    "upper",
                    "risk classes must follow each other without gaps or overlaps",
                )
            )
    problems += check_action_hazards(tables, Problem, csv_line)
    problems += check_climate_series(tables, Problem, csv_line)
    problems += check_outlook(tables, Problem, csv_line)
    problems += sourced_without_source(tables, Problem, csv_line)
    problems += hazard_basis_problems(tables, Problem, csv_line)
    problems += check_facility_actions(tables, Problem, csv_line)
    problems += check_resilience(tables, Problem, csv_line)
    values, inds = tables.get("indicator_values"), indicators
    if values is not None and inds is not None and "transform" in inds:
        log_ids = set(inds.loc[inds["transform"] == "log", "indicator_id"])
        bad = values["indicator_id"].isin(log_ids) & (values["value"] <= 0)
        for index, row in values[bad].iterrows():
            problems.append(
                Problem(
                    "indicator_values.csv",
                    csv_line(index),
                    "value",
                    f"{row['value']} cannot be log-scaled (indicator "
                    f"'{row['indicator_id']}' needs values above zero)",
                )
            )
    return problems
