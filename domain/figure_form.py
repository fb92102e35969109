"""One indicator value entered in the admin form rather than a workbook: the number read as the
reader writes it (Babel: `1 234,5` in Russian, `1,234.5` in English), the row it becomes (text, as
a source CSV holds it), the new source it may cite, and every problem by form field.

The rows are checked exactly as an uploaded workbook's (`domain.workbook.check_tables`: the
build's pandera schemas and references) plus the build's cross-table checks on them
(`domain.schemas.check_consistency`), so a figure that passes here cannot break a publication.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import pandas as pd
from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal

from domain import workbook as wb
from domain.provenance import SCOPES, SOURCE_KINDS
from domain.schemas import STATUSES, check_consistency

NEW_SOURCE = "__new__"
CHOICES = {"status": tuple(STATUSES), "value_scope": SCOPES, "source_kind": SOURCE_KINDS}
FIELDS = (
    "indicator_id",
    "year",
    "value",
    "status",
    "value_scope",
    "source_id",
    "note",
    "source_title",
    "source_url",
    "source_kind",
)
NOTE_MAX, TITLE_MAX, URL_MAX = 500, 300, 500
SHEET = "form"  # the name the workbook checks give the single row; never shown
# a problem of the new source's row -> the form field it belongs to
SOURCE_FIELDS = {
    "title": "source_title",
    "url": "source_url",
    "kind": "source_kind",
    "source_id": "source_title",
}
# the build's cross-table checks name a column; on a form's single row each means one thing
CONSISTENCY_CODES = {"status": "derived_not_sourced", "value": "not_log_scalable", "source_id": "required"}


@dataclass(frozen=True)
class FieldProblem:
    """Why a form field is refused: the field and a reason code with its values."""

    field: str
    code: str
    params: dict = field(default_factory=dict, compare=False)


def number_text(value: Decimal | float) -> str:
    """A number as a CSV cell holds it: no grouping, a point, no exponent, no trailing zeros."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_number(value: Decimal | float, locale: str) -> str:
    """A number as a reader of `locale` writes it (`1 234,5` / `1,234.5`), every decimal kept."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    return format_decimal(number, format="#,##0.##########", locale=locale)


def _strict(text: str, locale: str) -> Decimal | None:
    group = get_group_symbol(locale)
    candidate = text.replace(" ", group) if group.isspace() else text  # a typed space groups as the locale's
    try:
        number = parse_decimal(candidate, locale=locale, strict=True)
    except NumberFormatError:
        return None
    return number if number.is_finite() else None


def read_number(
    text: object, locale: str, other_locales: tuple[str, ...] = ()
) -> tuple[Decimal | None, FieldProblem | None]:
    """The number typed in `locale`; when it only reads in another locale, a problem that shows how
    to write it here (`1,234.5` typed in Russian: write `1 234,5`)."""
    typed = " ".join(str(text if text is not None else "").split())
    if not typed:
        return None, FieldProblem("value", "required")
    number = _strict(typed, locale)
    if number is not None:
        return number, None
    for other in other_locales:
        elsewhere = _strict(typed, other)
        if elsewhere is not None:
            return None, FieldProblem(
                "value", "other_locale", {"value": typed[:40], "suggestion": shown_number(elsewhere, locale)}
            )
    return None, FieldProblem(
        "value", "not_number_locale", {"value": typed[:40], "example": shown_number(1234.5, locale)}
    )


def read_year(text: object) -> tuple[str | None, FieldProblem | None]:
    """A whole year as text (the range is the schema's to check)."""
    typed = " ".join(str(text if text is not None else "").split())
    if not typed:
        return None, FieldProblem("year", "required")
    if not re.fullmatch(r"\d{4}", typed):
        return None, FieldProblem("year", "not_year", {"value": typed[:40]})
    return typed, None


def new_source_id(url: str, accessed: str, known: set[str]) -> str:
    """A readable, unused code for a new source: its web address's host and the month it was added."""
    host = (urlsplit(url).hostname or "source").removeprefix("www.")
    base = re.sub(r"[^a-z0-9]+", "-", f"{host}-{accessed}".lower()).strip("-")[:60] or "source"
    code, n = base, 2
    while code in known:
        code, n = f"{base}-{n}", n + 1
    return code


def _text(value: object, limit: int) -> str | None:
    typed = " ".join(str(value).split()) if value is not None else ""
    return typed[:limit] or None


def source_row(form: dict, accessed: str, known: set[str]) -> tuple[dict, list[FieldProblem]]:
    """The sources-table row of a new source given by title, link and kind (its code made here)."""
    title, url = _text(form.get("source_title"), TITLE_MAX), _text(form.get("source_url"), URL_MAX)
    problems = []
    if url and not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", url):
        problems.append(FieldProblem("source_url", "bad_url", {"value": url[:60]}))
    if not url:
        problems.append(FieldProblem("source_url", "required"))
    row = {
        "source_id": new_source_id(url or "", accessed, known),
        "title": title,
        "publisher": None,
        "year": None,
        "url": url,
        "licence": None,
        "accessed": accessed,
        "kind": _text(form.get("source_kind"), 40),
    }
    return row, problems


def figure_rows(
    form: dict,
    city_id: str,
    locale: str,
    other_locales: tuple[str, ...],
    accessed: str,
    known_sources: set[str],
) -> tuple[dict[str, list[dict]], list[FieldProblem]]:
    """The rows a filled-in form stands for (`indicator_values`, and `sources` for a new source),
    and the problems of reading it (a number or year that cannot be read, a link that is none)."""
    problems: list[FieldProblem] = []
    number, problem = read_number(form.get("value"), locale, other_locales)
    problems += [problem] if problem else []
    year, problem = read_year(form.get("year"))
    problems += [problem] if problem else []
    rows: dict[str, list[dict]] = {}
    source_id = _text(form.get("source_id"), 120)
    if source_id == NEW_SOURCE:
        source, found = source_row(form, accessed, known_sources)
        problems += found
        rows["sources"] = [source]
        source_id = source["source_id"]
    rows["indicator_values"] = [
        {
            "city_id": city_id,
            "indicator_id": _text(form.get("indicator_id"), 120),
            "year": year,
            "value": number_text(number) if number is not None else None,
            "status": _text(form.get("status"), 40),
            "source_id": source_id,
            "value_scope": _text(form.get("value_scope"), 40),
            "note": _text(form.get("note"), NOTE_MAX),
        }
    ]
    return rows, problems


def _field_of(problem: wb.SheetProblem, table: str) -> str:
    if table == "sources":
        return SOURCE_FIELDS.get(problem.column or "") or "form"
    return problem.column if problem.column in FIELDS else "form"


def check_rows(
    rows: dict[str, list[dict]],
    current: dict[str, pd.DataFrame],
    city_id: str,
    read_problems: list[FieldProblem],
    field_of: Callable[[wb.SheetProblem, str], str],
    consistency: Callable[[dict[str, pd.DataFrame], dict[str, pd.DataFrame]], list[FieldProblem]],
) -> list[FieldProblem]:
    """The workbook's checks, then (when those pass) the form's cross-table checks on a form's rows, by
    field (``field_of`` names it from a sheet problem and its table); no second reason for a field
    that could not be read. Every admin form checks its rows here."""
    frames = {}
    for table, records in rows.items():
        frame = pd.DataFrame(records).reindex(columns=wb.sheet_columns(current, table))
        frame["__row__"] = 1
        frame.attrs["sheet"] = f"{SHEET}:{table}"
        frames[table] = frame
    found = [
        FieldProblem(field_of(p, (p.sheet or "").split(":", 1)[-1]), p.code, p.params)
        for p in wb.check_tables(frames, current, city_id, {})
    ]
    if not found and not read_problems:
        found += consistency(frames, current)
    unreadable = {p.field for p in read_problems}
    return [*read_problems, *(p for p in found if p.field not in unreadable)]


def _consistency(frames: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame]) -> list[FieldProblem]:
    values = frames["indicator_values"].drop(columns="__row__").astype({"year": float, "value": float})
    sources = current["sources"]
    if "sources" in frames:
        sources = pd.concat([sources, frames["sources"].drop(columns="__row__")], ignore_index=True)
    tables = {"indicator_values": values, "indicators": current["indicators"], "sources": sources}
    return [
        FieldProblem(p.column or "form", CONSISTENCY_CODES.get(p.column or "", "invalid"))
        for p in check_consistency(tables)
        if p.file == "indicator_values.csv"
    ]


def check_figure(
    form: dict,
    current: dict[str, pd.DataFrame],
    city_id: str,
    locale: str,
    other_locales: tuple[str, ...],
    accessed: str,
    taken_source_ids: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[dict]], list[FieldProblem]]:
    """(changed rows per table, problems by field): rows only when there is no problem and the
    figure differs from what the dashboard holds. A new source's code is one neither the data nor
    `taken_source_ids` (new sources of submissions not yet published) use."""
    rows, problems = figure_rows(
        form,
        city_id,
        locale,
        other_locales,
        accessed,
        set(current["sources"]["source_id"].astype(str)) | set(taken_source_ids),
    )
    problems = check_rows(rows, current, city_id, problems, _field_of, _consistency)
    if problems:
        return {}, problems
    changes = wb.changed_rows({t: pd.DataFrame(r).assign(__row__=1) for t, r in rows.items()}, current)
    if "indicator_values" not in changes:
        return {}, [FieldProblem("value", "nothing_changed")]
    return changes, []


def current_figure(
    values: pd.DataFrame, city_id: str, indicator_id: str | None, year: int | None
) -> dict | None:
    """The dashboard's row for the city, indicator and year (the latest year when `year` is None)."""
    if not indicator_id:
        return None
    rows = values[(values["city_id"] == city_id) & (values["indicator_id"] == indicator_id)]
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1].to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def held_value(values: pd.DataFrame, row: dict) -> float | None:
    """The value the dashboard holds for a submitted row's city, indicator and year (None if new)."""
    try:
        year = int(float(str(row.get("year"))))
    except ValueError:
        return None
    held = current_figure(values, str(row.get("city_id")), str(row.get("indicator_id")), year)
    return None if held is None else held["value"]


def sent_figures(submissions: list[dict], city_id: str, indicator_id: str, year: int) -> list[dict]:
    """The rows for this city, indicator and year in submissions not yet published, oldest first:
    {id, status, by, value}."""
    found = []
    for sub in sorted(submissions, key=lambda s: s["id"]):
        for row in sub["changes"].get("indicator_values", []):
            if (row.get("city_id"), row.get("indicator_id"), str(row.get("year"))) == (
                city_id,
                indicator_id,
                str(year),
            ):
                found.append(
                    {
                        "id": sub["id"],
                        "status": sub["status"],
                        "by": sub["submitted_by"],
                        "value": row.get("value"),
                    }
                )
    return found


def sent_source_ids(submissions: list[dict]) -> frozenset[str]:
    """The codes of the new sources in submissions (so a new one never takes a code already sent)."""
    return frozenset(
        str(row.get("source_id")) for sub in submissions for row in sub["changes"].get("sources", [])
    )
