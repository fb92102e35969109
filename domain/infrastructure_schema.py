"""Schema of the critical-facilities register (`facilities.csv`), merged into `domain.schemas`.

One row per facility of a member city: type, names, a point (and optionally a polygon as WKT),
capacity with its unit, year built, structural type, owner, people served, status and source, the
review state with its date and note, and an optional link to an action of the same city's plan.
Locations are checked against the city's first-level unit by `domain.infrastructure` once the
geometry is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

FACILITY_TYPES = (
    "hospital",
    "clinic",
    "school",
    "kindergarten",
    "fire_station",
    "shelter",
    "water_intake",
    "water_treatment",
    "wastewater_plant",
    "power_plant",
    "substation",
    "bridge",
    "dam",
    "airport",
    "rail_station",
)
CAPACITY_UNITS = ("beds", "pupils", "people", "MW", "m3_day", "million_m3")
REVIEW_STATES = ("not_reviewed", "adequate", "retrofit_needed", "retrofitted")
FACILITY_STATUSES = ("sourced", "estimated")
_SLUG = r"^[a-z0-9][a-z0-9_\-]*$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


def _number(nullable: bool, *checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=nullable, coerce=True)


INFRA_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "facilities": pa.DataFrameSchema(
        {
            "facility_id": pa.Column(str, pa.Check.str_matches(_SLUG), unique=True, coerce=True),
            "city_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "facility_type": pa.Column(str, pa.Check.isin(list(FACILITY_TYPES)), coerce=True),
            "name_ru": _text(),
            "name_en": _text(),
            "lat": _number(False, pa.Check.in_range(-90, 90)),
            "lon": _number(False, pa.Check.in_range(-180, 180)),
            "geometry_wkt": _text(nullable=True),
            "capacity": _number(True, pa.Check.gt(0)),
            "capacity_unit": pa.Column(str, pa.Check.isin(list(CAPACITY_UNITS)), nullable=True, coerce=True),
            "year_built": _number(True, pa.Check.in_range(1800, 2100)),
            "structural_type": _text(nullable=True),
            "owner": _text(nullable=True),
            "people_served": _number(True, pa.Check.ge(0)),
            "status": pa.Column(str, pa.Check.isin(list(FACILITY_STATUSES)), coerce=True),
            "source_id": pa.Column(str, pa.Check.str_matches(_SLUG), coerce=True),
            "source_note": _text(nullable=True),
            "review_state": pa.Column(str, pa.Check.isin(list(REVIEW_STATES)), coerce=True),
            "review_date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True, coerce=True),
            "review_note": _text(nullable=True),
            "action_id": pa.Column(str, pa.Check.str_matches(_SLUG), nullable=True, coerce=True),
        },
        checks=[
            pa.Check(
                lambda d: d["capacity"].isna() == d["capacity_unit"].isna(),
                element_wise=False,
                error="capacity and capacity_unit go together: give both or neither",
            ),
            pa.Check(
                lambda d: (d["review_state"] == "not_reviewed") | d["review_date"].notna(),
                element_wise=False,
                error="a reviewed facility needs its review_date",
            ),
        ],
        strict=False,
    ),
}

INFRA_REFERENCES: list[tuple[str, str, str, str]] = [
    ("facilities", "city_id", "cities", "city_id"),
    ("facilities", "source_id", "sources", "source_id"),
    ("facilities", "action_id", "actions", "action_id"),
]


def check_facility_actions(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """A facility's action belongs to the plan of the facility's own city."""
    facilities, actions = tables.get("facilities"), tables.get("actions")
    if facilities is None or actions is None or "action_id" not in facilities:
        return []
    city_of_action = dict(zip(actions["action_id"], actions["city_id"]))
    problems = []
    for index, row in facilities[facilities["action_id"].notna()].iterrows():
        owner = city_of_action.get(row["action_id"])
        if owner is not None and owner != row["city_id"]:
            problems.append(
                problem(
                    "facilities.csv",
                    csv_line(index),
                    "action_id",
                    f"action '{row['action_id']}' belongs to {owner}, not to {row['city_id']}",
                )
            )
    return problems
