"""Schemas of the risk-outlook tables, merged into `domain.schemas` (codes, ranges, keys, row rules).

- `projection_rules`: how each indicator is projected to a scenario and horizon (a table, not code
  branches): the driver (a climate variable, `tmean+precip`, `ssp_population` or `none`), the
  method (`hold`, `shift_by_delta`, `scale_by_ratio`, `aridity_ratio`) and its parameters
  (`key=value;key=value`). `indicator_id` `*` is the rule for every indicator without its own.
- `ssp_population`: country population growth factors per SSP scenario and year (relative to
  `base_year`), used to project exposure.

Kept apart so the outlook adds its tables to the build with one-line changes to `SCHEMAS`,
`REFERENCES` and `check_consistency`. The methods are applied by `domain/outlook.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from domain.climate_schema import CLIMATE_VARIABLES
from domain.provenance import STATUSES

OUTLOOK_SCENARIOS = ("ssp126", "ssp245", "ssp585")
SSP_OF_SCENARIO = {"ssp126": "SSP1", "ssp245": "SSP2", "ssp585": "SSP5"}
POPULATION_DRIVER = "ssp_population"
ARIDITY_DRIVER = "tmean+precip"
NO_DRIVER = "none"
ANY_INDICATOR = "*"
# method -> (parameters it needs, parameters it may have, drivers it accepts)
METHODS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "hold": ((), (), (NO_DRIVER,)),
    "shift_by_delta": (("units_per_level",), ("clip",), CLIMATE_VARIABLES),
    "scale_by_ratio": ((), ("exponent", "clip"), CLIMATE_VARIABLES + (POPULATION_DRIVER,)),
    "aridity_ratio": (("pet_per_degc",), ("exponent", "clip"), (ARIDITY_DRIVER,)),
}
CLIP_VALUES = ("bounds", "none")
_SLUG = r"^[a-z0-9][a-z0-9_\-]*$"


def parse_parameters(text: object) -> dict[str, str]:
    """`key=value;key=value` -> dict (blank -> {}). Raises ValueError on a malformed part."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
        return {}
    out: dict[str, str] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"'{part.strip()}' is not key=value")
        out[key.strip()] = value.strip()
    return out


OUTLOOK_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "projection_rules": pa.DataFrameSchema(
        {
            "rule_id": pa.Column(str, pa.Check.str_matches(_SLUG), unique=True, coerce=True),
            "indicator_id": pa.Column(str, pa.Check.str_matches(r"^(\*|[a-z0-9][a-z0-9_\-]*)$"), coerce=True),
            "driver": pa.Column(str, coerce=True),
            "method": pa.Column(str, pa.Check.isin(list(METHODS)), coerce=True),
            "parameters": pa.Column(str, nullable=True, coerce=True),
            "priority": pa.Column(int, pa.Check.in_range(1, 99), coerce=True),
            "status": pa.Column(str, pa.Check.isin(["estimated", "illustrative"]), coerce=True),
            "source_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "note_ru": pa.Column(str, coerce=True),
            "note_en": pa.Column(str, coerce=True),
        },
        unique=["indicator_id", "priority"],
        strict=False,
    ),
    "ssp_population": pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), coerce=True),
            "scenario": pa.Column(str, pa.Check.isin(list(OUTLOOK_SCENARIOS)), coerce=True),
            "ssp": pa.Column(str, pa.Check.isin(sorted(set(SSP_OF_SCENARIO.values()))), coerce=True),
            "year": pa.Column(int, pa.Check.in_range(1950, 2100), coerce=True),
            "growth_factor": pa.Column(float, [pa.Check.gt(0), pa.Check.le(20)], coerce=True),
            "base_year": pa.Column(int, pa.Check.in_range(1950, 2100), coerce=True),
            "status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "source_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "note": pa.Column(str, nullable=True, coerce=True),
        },
        unique=["iso3", "scenario", "year"],
        strict=False,
    ),
}

OUTLOOK_REFERENCES: list[tuple[str, str, str, str]] = [
    ("projection_rules", "source_id", "sources", "source_id"),
    ("ssp_population", "source_id", "sources", "source_id"),
]


def check_outlook(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """Row rules a column schema cannot state (file, row, column, reason): the rule's indicator
    exists (or is `*`), its driver suits its method, its parameters parse, are known, numeric where
    they must be and complete; an SSP row's scenario and SSP agree; a country's base year has
    factor 1."""
    out = []
    rules = tables.get("projection_rules")
    if rules is not None and len(rules):
        file = "projection_rules.csv"
        known = set(tables["indicators"]["indicator_id"]) if "indicators" in tables else None
        for index, row in rules.iterrows():
            line = csv_line(index)
            ind = row["indicator_id"]
            if known is not None and ind != ANY_INDICATOR and ind not in known:
                out.append(
                    problem(
                        file, line, "indicator_id", f"'{ind}' is not a known indicator_id in indicators.csv"
                    )
                )
            method = row["method"]
            if method not in METHODS:
                continue
            needed, optional, drivers = METHODS[method]
            if row["driver"] not in drivers:
                out.append(
                    problem(
                        file,
                        line,
                        "driver",
                        f"driver '{row['driver']}' does not suit method '{method}' (one of: {', '.join(drivers)})",
                    )
                )
            if ind == ANY_INDICATOR and method != "hold":
                out.append(
                    problem(file, line, "method", "the rule for every other indicator ('*') must be 'hold'")
                )
            try:
                params = parse_parameters(row.get("parameters"))
            except ValueError as err:
                out.append(problem(file, line, "parameters", str(err)))
                continue
            for key in needed:
                if key not in params:
                    out.append(
                        problem(file, line, "parameters", f"method '{method}' needs parameter '{key}'")
                    )
            for key, value in params.items():
                if key not in needed + optional:
                    out.append(
                        problem(file, line, "parameters", f"unknown parameter '{key}' for method '{method}'")
                    )
                elif key == "clip":
                    if value not in CLIP_VALUES:
                        out.append(
                            problem(
                                file,
                                line,
                                "parameters",
                                f"clip must be one of {', '.join(CLIP_VALUES)}, not '{value}'",
                            )
                        )
                else:
                    try:
                        number = float(value)
                    except ValueError:
                        out.append(
                            problem(
                                file, line, "parameters", f"parameter '{key}' must be a number, not '{value}'"
                            )
                        )
                        continue
                    if key == "units_per_level" and number == 0:
                        out.append(problem(file, line, "parameters", "units_per_level must not be 0"))
    pop = tables.get("ssp_population")
    if pop is not None and len(pop):
        file = "ssp_population.csv"
        wrong = pop["ssp"] != pop["scenario"].map(SSP_OF_SCENARIO)
        for index in pop.index[wrong.to_numpy(dtype=bool)]:
            out.append(
                problem(
                    file,
                    csv_line(index),
                    "ssp",
                    f"'{pop.at[index, 'ssp']}' does not go with scenario '{pop.at[index, 'scenario']}' "
                    f"({SSP_OF_SCENARIO.get(pop.at[index, 'scenario'])})",
                )
            )
        at_base = (pop["year"] == pop["base_year"]) & ((pop["growth_factor"] - 1.0).abs() > 1e-9)
        for index in pop.index[at_base.to_numpy(dtype=bool)]:
            out.append(
                problem(file, csv_line(index), "growth_factor", "the factor in the base year must be 1")
            )
    return out
