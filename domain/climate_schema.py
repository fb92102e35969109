"""Schema of the `climate_series` table, merged into `domain.schemas` (codes, ranges, key, row rules).

Kept apart so the climate feature adds its table to the build with one-line changes to
`SCHEMAS`, `REFERENCES` and `check_consistency`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from domain.provenance import STATUSES

CLIMATE_VARIABLES = ("tmean", "hot_days_35", "frost_days", "cold_days_m20", "precip", "heavy_precip_days")
CLIMATE_SCENARIOS = ("observed", "ssp126", "ssp245", "ssp585")
CLIMATE_UNITS = {
    "tmean": "°C",
    "hot_days_35": "days/yr",
    "frost_days": "days/yr",
    "cold_days_m20": "days/yr",
    "precip": "mm/yr",
    "heavy_precip_days": "days/yr",
}
COUNT_VARIABLES = ("hot_days_35", "frost_days", "cold_days_m20", "heavy_precip_days")
YEAR_RANGE = (1950, 2100)
_SLUG = r"^[a-z0-9][a-z0-9_\-]*$"


CLIMATE_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "climate_series": pa.DataFrameSchema(
        {
            "city_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "variable": pa.Column(str, pa.Check.isin(list(CLIMATE_VARIABLES)), coerce=True),
            "scenario": pa.Column(str, pa.Check.isin(list(CLIMATE_SCENARIOS)), coerce=True),
            "year": pa.Column(int, pa.Check.in_range(*YEAR_RANGE), coerce=True),
            "value": pa.Column(
                float, pa.Check(lambda s: s.abs() < 1e5, error="value out of range"), coerce=True
            ),
            "p10": pa.Column(float, nullable=True, coerce=True),
            "p90": pa.Column(float, nullable=True, coerce=True),
            "unit": pa.Column(str, coerce=True),
            "status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "source_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "method": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9+\-]+$"), nullable=True, coerce=True),
        },
        unique=["city_id", "variable", "scenario", "year"],
        strict=False,
    ),
}

CLIMATE_REFERENCES: list[tuple[str, str, str, str]] = [
    ("climate_series", "city_id", "cities", "city_id"),
    ("climate_series", "source_id", "sources", "source_id"),
]


def check_climate_series(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """Row rules a column schema cannot state, one problem per broken row (file, row, column, reason):
    p10 <= value <= p90; observed years without spread and projected years with both ends; the unit
    that goes with the variable; day counts within a year."""
    frame = tables.get("climate_series")
    if frame is None or frame.empty:
        return []
    file = "climate_series.csv"
    out = []
    observed = frame["scenario"] == "observed"
    lo, hi, value = frame["p10"], frame["p90"], frame["value"]
    rules = [
        ("p10", lo.notna() & (lo > value), "p10 {p10} is above the value {value}"),
        ("p90", hi.notna() & (hi < value), "p90 {p90} is below the value {value}"),
        ("p10", observed & (lo.notna() | hi.notna()), "an observed year has no p10/p90 spread"),
        ("p10", ~observed & (lo.isna() | hi.isna()), "a projected year needs both p10 and p90"),
        (
            "unit",
            frame["unit"] != frame["variable"].map(CLIMATE_UNITS),
            "unit '{unit}' does not go with variable '{variable}'",
        ),
        (
            "value",
            frame["variable"].isin(COUNT_VARIABLES) & ~value.between(0, 366),
            "a count of days must lie between 0 and 366, not {value}",
        ),
    ]
    for column, broken, reason in rules:
        for index in frame.index[broken.fillna(False).to_numpy(dtype=bool)]:
            row = frame.loc[index]
            out.append(problem(file, csv_line(index), column, reason.format(**row.to_dict())))
    return out
