"""Schemas of the action-plan tables (`actions`, `action_updates`), merged into `domain.schemas`.

Kept apart so the action-plan feature adds its tables to the build with a one-line change to
`SCHEMAS`, `REFERENCES` and `check_consistency`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pandera.pandas as pa

from domain.actions import SENDAI_TARGETS, STATUSES
from domain.provenance import STATUSES as DATA_STATUSES

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_SLUG = r"^[a-z0-9][a-z0-9_\-]*$"
_SLUG_LIST = r"^[a-z0-9][a-z0-9_\-]*(;[a-z0-9][a-z0-9_\-]*)*$"


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


def _slug(unique: bool = False, nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(_SLUG), unique=unique, nullable=nullable, coerce=True)


def _calendar_day(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _day(nullable: bool = False) -> pa.Column:
    """An ISO date that exists on the calendar (2024-02-30 is refused, not only 30.02.2024)."""
    return pa.Column(
        str,
        [
            pa.Check.str_matches(ISO_DATE),
            pa.Check(_calendar_day, element_wise=True, error="not a calendar date (YYYY-MM-DD)"),
        ],
        nullable=nullable,
        coerce=True,
    )


def _number(nullable: bool, *checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=nullable, coerce=True)


DATE_ORDER = (("planned_end", "planned_start"), ("actual_end", "actual_start"))


ACTION_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "actions": pa.DataFrameSchema(
        {
            "action_id": _slug(unique=True),
            "city_id": _slug(),
            "title_ru": _text(),
            "title_en": _text(),
            "sendai_priority": _number(False, pa.Check.isin([1, 2, 3, 4])),
            "sendai_target": pa.Column(str, pa.Check.isin(list(SENDAI_TARGETS)), coerce=True),
            "mcr2030_essential": _number(False, pa.Check.isin(list(range(1, 11)))),
            "hazards": pa.Column(str, pa.Check.str_matches(_SLUG_LIST), coerce=True),
            "responsible_body_ru": _text(),
            "responsible_body_en": _text(),
            "planned_start": _day(),
            "planned_end": _day(),
            "actual_start": _day(nullable=True),
            "actual_end": _day(nullable=True),
            "status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "progress_pct": _number(False, pa.Check.in_range(0, 100)),
            "budget_usd": _number(True, pa.Check.ge(0)),
            "funded_usd": _number(True, pa.Check.ge(0)),
            "funder": _slug(nullable=True),
            "data_status": pa.Column(str, pa.Check.isin(list(DATA_STATUSES)), coerce=True),
            "source_id": _slug(),
        },
        strict=False,  # the date order is checked in check_action_hazards (reported at the later date's cell)
    ),
    "action_updates": pa.DataFrameSchema(
        {
            "action_id": _slug(),
            "date": _day(),
            "progress_pct": _number(False, pa.Check.in_range(0, 100)),
            "status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "note_ru": _text(nullable=True),
            "note_en": _text(nullable=True),
            "data_status": pa.Column(str, pa.Check.isin(list(DATA_STATUSES)), coerce=True),
            "source_id": _slug(),
        },
        strict=False,
    ),
}

ACTION_REFERENCES: list[tuple[str, str, str, str]] = [
    ("actions", "city_id", "cities", "city_id"),
    ("actions", "source_id", "sources", "source_id"),
    ("action_updates", "action_id", "actions", "action_id"),
    ("action_updates", "source_id", "sources", "source_id"),
]


def check_action_hazards(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """Every hazard an action addresses (`;`-separated) is a known hazard type, and no end date is
    before its start (ISO dates sort as text), each reported at the offending cell."""
    actions, types = tables.get("actions"), tables.get("hazard_types")
    out = []
    for later, earlier in DATE_ORDER:
        if actions is None or later not in actions or earlier not in actions:
            continue
        for index, end, start in zip(actions.index, actions[later], actions[earlier]):
            if isinstance(end, str) and isinstance(start, str) and end < start:
                out.append(
                    problem(
                        "actions.csv",
                        csv_line(index),
                        later,
                        f"{later} must not be before {earlier} ({end} < {start})",
                    )
                )
    if actions is None or types is None or "hazards" not in actions:
        return out
    known = set(types["hazard_type"])
    for index, value in actions["hazards"].items():
        for hazard in str(value).split(";"):
            if hazard not in known:
                out.append(
                    problem(
                        "actions.csv",
                        csv_line(index),
                        "hazards",
                        f"'{hazard}' is not a known hazard_type in hazard_types.csv",
                    )
                )
    return out
