"""One hazard assessment or one past disaster entered in the admin form rather than a workbook: the
row it becomes (the dashboard's row with the form's fields laid over it, so columns the form does
not show are kept), and every problem by form field.

The rows get the checks of an uploaded workbook (`domain.workbook.check_tables`) and the build's
cross-table checks (`domain.schemas.check_consistency`), as `domain.figure_form` does for one
indicator value, so a record that passes here cannot break a publication.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import partial

import pandas as pd

from domain import figure_form as ff
from domain import workbook as wb
from domain.provenance import BASIS_COLUMNS, HAZARD_LEVEL_PREFIX, NOT_ASSESSED, SCOPES
from domain.schemas import STATUSES, check_consistency

NEW_EVENT = "__new__"
HAZARD_FIELDS = (
    "hazard_type",
    "level",
    "level_basis",
    "basis_metric",
    "basis_value",
    "basis_year",
    "basis_scope",
    "basis_source_id",
    "evidence_ru",
    "evidence_en",
    "status",
    "source_id",
)
EVENT_FIELDS = (
    "event_id",
    "title_ru",
    "title_en",
    "start_date",
    "end_date",
    "hazard_type",
    "deaths",
    "affected",
    "evacuated",
    "damage_usd",
    "context",
    "status",
    "source_id",
)
EVENT_NUMBERS = ("deaths", "affected", "evacuated", "damage_usd")
CONTEXTS = ("city", "regional", "national")
CHOICES = {"status": tuple(STATUSES), "basis_scope": SCOPES, "context": CONTEXTS}
TEXT_MAX, TITLE_MAX = 2000, 300
# the build's cross-table checks name a column; on a form's single row each means one thing
CONSISTENCY_CODES = {
    "status": "derived_not_sourced",
    "basis_source_id": "basis_not_official",
    "basis_metric": "no_threshold",
    "level": "level_differs",
}


def _text(value: object, limit: int) -> str | None:
    typed = (
        " ".join(str(value).split())
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
        else ""
    )
    return typed[:limit] or None


def _clean(row: dict) -> dict:
    return {
        k: (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v) for k, v in row.items()
    }


def _optional_number(form: dict, name: str, locale: str, others: tuple[str, ...]) -> tuple[str | None, list]:
    """A number the form may leave empty, read as the reader writes it; as a CSV cell holds it."""
    if _text(form.get(name), 40) is None:
        return None, []
    number, problem = ff.read_number(form.get(name), locale, others)
    if problem is not None:
        return None, [replace(problem, field=name)]
    return ff.number_text(number), []


def current_hazard(hazards: pd.DataFrame, city_id: str, hazard_type: str | None) -> dict | None:
    """The dashboard's assessment of one hazard for the city, or None."""
    rows = hazards[(hazards["city_id"] == city_id) & (hazards["hazard_type"] == hazard_type)]
    return None if rows.empty else _clean(rows.iloc[0].to_dict())


def current_event(events: pd.DataFrame, city_id: str, event_id: str | None) -> dict | None:
    """The dashboard's record of one past disaster of the city, or None (another city's is never given)."""
    rows = events[(events["city_id"] == city_id) & (events["event_id"] == event_id)]
    return None if rows.empty else _clean(rows.iloc[0].to_dict())


def new_event_id(city_id: str, start_date: str | None, hazard_type: str | None, known: set[str]) -> str:
    """A readable, unused code for a new event: city, year and hazard (`osh_2024_mudflow`)."""
    year = (start_date or "")[:4]
    base = re.sub(
        r"[^a-z0-9]+", "_", "_".join(p for p in (city_id, year, hazard_type or "event") if p).lower()
    ).strip("_")
    code, n = base, 2
    while code in known:
        code, n = f"{base}_{n}", n + 1
    return code


def hazard_rows(
    form: dict, current: dict[str, pd.DataFrame], city_id: str, locale: str, others: tuple[str, ...]
) -> tuple[dict[str, list[dict]], list[ff.FieldProblem]]:
    """The hazards row the form stands for (over the dashboard's row, if any) and the problems of
    reading it; when the level changes, the coded index inputs of that hazard follow it."""
    problems: list[ff.FieldProblem] = []
    hazard_type = _text(form.get("hazard_type"), 120)
    held = current_hazard(current["hazards"], city_id, hazard_type) or {}
    value, found = _optional_number(form, "basis_value", locale, others)
    problems += found
    year = None
    if _text(form.get("basis_year"), 10) is not None:
        year, problem = ff.read_year(form.get("basis_year"))
        problems += [replace(problem, field="basis_year")] if problem else []
    row = {
        **{c: held.get(c) for c in wb.sheet_columns(current, "hazards")},
        "city_id": city_id,
        "hazard_type": hazard_type,
        "level": _text(form.get("level"), 40),
        "level_basis": _text(form.get("level_basis"), TITLE_MAX),
        "basis_metric": _text(form.get("basis_metric"), 120),
        "basis_value": value,
        "basis_year": year,
        "basis_scope": _text(form.get("basis_scope"), 40),
        "basis_source_id": _text(form.get("basis_source_id"), 120),
        "evidence_ru": _text(form.get("evidence_ru"), TEXT_MAX),
        "evidence_en": _text(form.get("evidence_en"), TEXT_MAX),
        "status": _text(form.get("status"), 40),
        "source_id": _text(form.get("source_id"), 120),
    }
    rows = {"hazards": [row]}
    coded = coded_inputs(current, city_id, row)
    if coded:
        rows["indicator_values"] = coded
    return rows, problems


def coded_inputs(current: dict[str, pd.DataFrame], city_id: str, hazard: dict) -> list[dict]:
    """The city's coded index inputs of the hazard (`hazard_level_<type>`) with the new level's rank,
    citing the basis figure as the data do; none when the level has no rank."""
    levels = current["hazard_levels"].set_index("level")["rank"]
    rank = levels.get(hazard.get("level"))
    if rank is None or pd.isna(rank):
        return []
    values = current["indicator_values"]
    held = values[
        (values["city_id"] == city_id)
        & (values["indicator_id"] == f"{HAZARD_LEVEL_PREFIX}{hazard['hazard_type']}")
    ]
    return [
        {
            **_clean(r),
            "year": ff.number_text(r["year"]),
            "value": ff.number_text(rank),
            "source_id": hazard.get("basis_source_id") or r["source_id"],
            "value_scope": hazard.get("basis_scope") or r["value_scope"],
        }
        for r in held.to_dict("records")
    ]


def event_rows(
    form: dict,
    current: dict[str, pd.DataFrame],
    city_id: str,
    locale: str,
    others: tuple[str, ...],
    taken_ids: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[dict]], list[ff.FieldProblem]]:
    """The events row the form stands for (a new event gets a free code) and the problems of reading it."""
    problems: list[ff.FieldProblem] = []
    chosen = _text(form.get("event_id"), 120)
    if chosen is None:
        problems.append(ff.FieldProblem("event_id", "required"))
    held = current_event(current["events"], city_id, chosen) if chosen != NEW_EVENT else None
    start, hazard_type = _text(form.get("start_date"), 10), _text(form.get("hazard_type"), 120)
    if chosen == NEW_EVENT:
        chosen = new_event_id(
            city_id, start, hazard_type, set(current["events"]["event_id"].astype(str)) | set(taken_ids)
        )
    elif chosen is not None and held is None:  # an event of another city, or none: never written from here
        problems.append(ff.FieldProblem("event_id", "unknown_code", {"value": chosen[:40]}))
    numbers = {}
    for name in EVENT_NUMBERS:
        numbers[name], found = _optional_number(form, name, locale, others)
        problems += found
    row = {
        **{c: (held or {}).get(c) for c in wb.sheet_columns(current, "events")},
        "event_id": chosen or "",
        "city_id": city_id,
        "start_date": start,
        "end_date": _text(form.get("end_date"), 10),
        "hazard_type": hazard_type,
        "title_ru": _text(form.get("title_ru"), TITLE_MAX),
        "title_en": _text(form.get("title_en"), TITLE_MAX),
        **numbers,
        "context": _text(form.get("context"), 40),
        "status": _text(form.get("status"), 40),
        "source_id": _text(form.get("source_id"), 120),
    }
    return {"events": [row]}, problems


def _field_of(problem: wb.SheetProblem, table: str, fields: tuple[str, ...]) -> str:
    if table == "indicator_values":
        return "level"
    return problem.column if problem.column in fields else "form"


def check_rows(
    rows: dict[str, list[dict]],
    current: dict[str, pd.DataFrame],
    city_id: str,
    fields: tuple[str, ...],
    read_problems: list[ff.FieldProblem],
) -> list[ff.FieldProblem]:
    """The figure form's row checks (ff.check_rows), with these forms' fields and cross-table checks."""
    return ff.check_rows(
        rows,
        current,
        city_id,
        read_problems,
        partial(_field_of, fields=fields),
        partial(_consistency, fields=fields),
    )


def _consistency(
    frames: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], fields: tuple[str, ...]
) -> list[ff.FieldProblem]:
    tables = {name: current[name] for name in ("hazard_thresholds", "hazard_levels", "sources")}
    for table, frame in frames.items():
        body = frame.drop(columns="__row__")
        numbers = [c for c in ("basis_value", "basis_year", "year", "value", *EVENT_NUMBERS) if c in body]
        tables[table] = body.astype({c: float for c in numbers})
    problems = []
    for p in check_consistency(tables):
        if p.file in ("hazards.csv", "events.csv"):
            column = p.column if p.column in fields else "form"
            problems.append(ff.FieldProblem(column, CONSISTENCY_CODES.get(p.column or "", "invalid")))
        elif p.file == "indicator_values.csv" and "indicator_values" in frames:
            problems.append(ff.FieldProblem("level", "index_input_held"))
    return problems


def check_hazard(
    form: dict, current: dict[str, pd.DataFrame], city_id: str, locale: str, others: tuple[str, ...]
) -> tuple[dict[str, list[dict]], list[ff.FieldProblem]]:
    """(changed rows per table, problems by field) for one hazard assessment; rows only when there is
    no problem and the assessment differs from the dashboard's."""
    rows, problems = hazard_rows(form, current, city_id, locale, others)
    hazard, unreadable = rows["hazards"][0], {p.field for p in problems}
    if hazard["level"] == NOT_ASSESSED and _has_coded_input(current, city_id, hazard):
        problems.append(ff.FieldProblem("level", "index_input_held"))
    elif (
        hazard["level"] and hazard["level"] != NOT_ASSESSED
    ):  # an assessed level rests on a figure, as the build requires
        problems += [
            ff.FieldProblem(c, "basis_needed")
            for c in BASIS_COLUMNS
            if hazard[c] is None and c not in unreadable
        ]
    problems = check_rows(rows, current, city_id, HAZARD_FIELDS, problems)
    return _changes(rows, current, "hazards", "level", problems)


def check_event(
    form: dict,
    current: dict[str, pd.DataFrame],
    city_id: str,
    locale: str,
    others: tuple[str, ...],
    taken_ids: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[dict]], list[ff.FieldProblem]]:
    """(changed rows per table, problems by field) for one past disaster; rows only when there is no
    problem and the record is new or differs from the dashboard's."""
    rows, problems = event_rows(form, current, city_id, locale, others, taken_ids)
    problems = check_rows(rows, current, city_id, EVENT_FIELDS, problems)
    return _changes(rows, current, "events", "title_en", problems)


def _has_coded_input(current: dict[str, pd.DataFrame], city_id: str, hazard: dict) -> bool:
    values = current["indicator_values"]
    return bool(
        (
            (values["city_id"] == city_id)
            & (values["indicator_id"] == f"{HAZARD_LEVEL_PREFIX}{hazard.get('hazard_type')}")
        ).any()
    )


def _changes(
    rows, current, table: str, field: str, problems
) -> tuple[dict[str, list[dict]], list[ff.FieldProblem]]:
    if problems:
        return {}, problems
    changes = wb.changed_rows({t: pd.DataFrame(r).assign(__row__=1) for t, r in rows.items()}, current)
    if table not in changes:
        return {}, [ff.FieldProblem(field, "nothing_changed")]
    return changes, []


def sent_event_ids(submissions: list[dict]) -> frozenset[str]:
    """The codes of events in submissions not yet published (so a new one never takes a code already sent)."""
    return frozenset(
        str(row.get("event_id")) for sub in submissions for row in sub["changes"].get("events", [])
    )
