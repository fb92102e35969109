"""Where values come from: value scopes, source kinds, hazard levels from published figures.

Pure functions on the source tables (no Dash, no Flask). The build uses them to refuse a
`sourced` value without a source and a hazard level without a basis figure, and to print how
many of each city's latest index inputs are city, region or national values.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

STATUSES = ("sourced", "estimated", "illustrative")  # a value's data status, most trusted first
SCOPES = ("city", "region", "country")  # where a value was measured, narrowest first
SOURCE_KINDS = ("official_statistics", "institutional", "model_output", "media", "web_reference", "derived")
BASIS_KINDS = frozenset({"official_statistics", "institutional", "model_output"})
NOT_ASSESSED = "not_assessed"
HAZARD_LEVEL_PREFIX = "hazard_level_"
BASIS_COLUMNS = ("basis_metric", "basis_value", "basis_source_id")


def latest_values(values: pd.DataFrame) -> pd.DataFrame:
    """The latest year's row per city and indicator: the inputs the index uses."""
    ordered = values.sort_values(["city_id", "indicator_id", "year"])
    return ordered.groupby(["city_id", "indicator_id"], as_index=False).tail(1).reset_index(drop=True)


def scope_counts(values: pd.DataFrame, city_ids: list[str] | None = None) -> pd.DataFrame:
    """Per city: how many latest index inputs are city, region and country values, and the national share."""
    latest = latest_values(values)
    counts = latest.pivot_table(
        index="city_id", columns="value_scope", values="indicator_id", aggfunc="count", fill_value=0
    )
    counts = counts.reindex(columns=list(SCOPES), fill_value=0)
    if city_ids is not None:
        counts = counts.reindex(city_ids, fill_value=0)
    counts = counts.astype(int)
    counts["total"] = counts[list(SCOPES)].sum(axis=1)
    counts["national_share"] = (counts["country"] / counts["total"].where(counts["total"] > 0)).astype(float)
    counts.index.name = "city_id"
    counts.columns.name = None
    return counts.reset_index()


def level_from_basis(metric: str, value: float, thresholds: pd.DataFrame) -> str | None:
    """The hazard level a basis figure falls in, by the threshold rule of its metric (lower <= value < upper)."""
    rules = thresholds[thresholds["metric"] == metric]
    if rules.empty or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for _, rule in rules.iterrows():
        lower, upper = rule["lower"], rule["upper"]
        if (pd.isna(lower) or value >= float(lower)) and (pd.isna(upper) or value < float(upper)):
            return str(rule["level"])
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def sourced_without_source(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """A value labelled `sourced` must cite a source that is not the team's own derivation."""
    kinds = _source_kinds(tables)
    problems = []
    for table in ("indicator_values", "hazards", "events"):
        frame = tables.get(table)
        if frame is None or "status" not in frame:
            continue
        for index, row in frame[frame["status"] == "sourced"].iterrows():
            source = row.get("source_id")
            if _blank(source):
                problems.append(
                    problem(
                        f"{table}.csv",
                        csv_line(index),
                        "source_id",
                        "a value labelled 'sourced' has no source",
                    )
                )
            elif kinds.get(str(source)) == "derived":
                problems.append(
                    problem(
                        f"{table}.csv",
                        csv_line(index),
                        "status",
                        f"'{source}' is the team's own derivation: the value is 'estimated', not 'sourced'",
                    )
                )
    return problems


def _source_kinds(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    sources = tables.get("sources")
    if sources is None or "kind" not in sources:
        return {}
    return dict(zip(sources["source_id"].astype(str), sources["kind"].astype(str)))


def hazard_basis_problems(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """Every assessed hazard level rests on a published figure whose threshold rule gives that level."""
    hazards, thresholds = tables.get("hazards"), tables.get("hazard_thresholds")
    if hazards is None or thresholds is None:
        return []
    kinds = _source_kinds(tables)
    problems = []
    for index, row in hazards.iterrows():
        line = csv_line(index)
        if row["level"] == NOT_ASSESSED:
            continue
        missing = [c for c in BASIS_COLUMNS if c not in row or _blank(row[c])]
        if missing:
            problems.append(
                problem(
                    "hazards.csv",
                    line,
                    missing[0],
                    f"level '{row['level']}' has no basis figure ({', '.join(missing)} empty); "
                    f"use '{NOT_ASSESSED}'",
                )
            )
            continue
        kind = kinds.get(str(row["basis_source_id"]))
        if kind not in BASIS_KINDS:
            problems.append(
                problem(
                    "hazards.csv",
                    line,
                    "basis_source_id",
                    f"'{row['basis_source_id']}' is a {kind or 'unknown'} source; a hazard level "
                    "rests on official, institutional or model data, never on media",
                )
            )
        derived = level_from_basis(str(row["basis_metric"]), float(row["basis_value"]), thresholds)
        if derived is None:
            problems.append(
                problem(
                    "hazards.csv",
                    line,
                    "basis_metric",
                    f"no threshold rule in hazard_thresholds.csv covers "
                    f"{row['basis_metric']} = {row['basis_value']}",
                )
            )
        elif derived != row["level"]:
            problems.append(
                problem(
                    "hazards.csv",
                    line,
                    "level",
                    f"'{row['level']}' differs from the rule: {row['basis_metric']} = "
                    f"{row['basis_value']} gives '{derived}'",
                )
            )
    return problems + _hazard_values_problems(tables, problem, csv_line)


def _hazard_values_problems(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """The coded hazard_level_* index inputs agree with the hazard profile; a level not assessed has none."""
    hazards, values, levels = (
        tables.get("hazards"),
        tables.get("indicator_values"),
        tables.get("hazard_levels"),
    )
    if hazards is None or values is None or levels is None:
        return []
    rank = dict(zip(levels["level"], levels["rank"]))
    level_of = {(r.city_id, r.hazard_type): r.level for r in hazards.itertuples()}
    problems = []
    coded = values[values["indicator_id"].str.startswith(HAZARD_LEVEL_PREFIX)]
    for index, row in coded.iterrows():
        key = (row["city_id"], row["indicator_id"][len(HAZARD_LEVEL_PREFIX) :])
        level = level_of.get(key)
        if level is None or level == NOT_ASSESSED:
            problems.append(
                problem(
                    "indicator_values.csv",
                    csv_line(index),
                    "value",
                    f"{row['indicator_id']} has a value but the hazard profile has no assessed level for it",
                )
            )
        elif level in rank and float(row["value"]) != float(rank[level]):
            problems.append(
                problem(
                    "indicator_values.csv",
                    csv_line(index),
                    "value",
                    f"{row['value']} differs from the profile's level '{level}' ({rank[level]})",
                )
            )
    return problems


def scope_table_text(counts: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """The per-city scope counts as a plain-text table for the build's console output."""
    names = names or {}
    lines = [f"{'city':<28}{'city':>6}{'region':>8}{'country':>9}{'total':>7}{'national':>10}"]
    for row in counts.itertuples():
        share = "" if pd.isna(row.national_share) else f"{row.national_share:.0%}"
        lines.append(
            f"{names.get(row.city_id, row.city_id):<28}{row.city:>6}{row.region:>8}{row.country:>9}"
            f"{row.total:>7}{share:>10}"
        )
    return "\n".join(lines)
