"""Figures from the cities as an Excel workbook: the template of one city (pre-filled with what the
dashboard holds, headers in the reader's language) and the reading and checking of an uploaded
one with the same pandera schemas as the build (`domain.schemas`).

Every problem names the sheet, the row, the column and a reason code with its values
(`SheetProblem`); the pages turn the code into plain words in the reader's language. All
problems are found at once; a workbook with any problem gives no rows at all.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from pandera.errors import SchemaErrors

from domain.schemas import REFERENCES, SCHEMAS

# The tables a city submits, in sheet order; `sources` holds the new sources its rows cite.
TABLES = (
    "indicator_values",
    "hazards",
    "events",
    "losses",
    "scorecard_rounds",
    "scorecard_scores",
    "sources",
)
KEYS = {
    "indicator_values": ("city_id", "indicator_id", "year"),
    "hazards": ("city_id", "hazard_type"),
    "events": ("event_id",),
    "losses": ("loss_id",),
    "scorecard_rounds": ("round_id",),
    "scorecard_scores": ("round_id", "question_code"),
    "sources": ("source_id",),
    "cities": ("city_id",),
}
CITED_BY = ("indicator_values", "hazards", "events", "losses", "scorecard_rounds")  # tables with a source_id
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
DATE_COLUMNS = {"start_date", "end_date"}
ISO_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
Label = Callable[[str], str]  # column or table id -> its name in one language


@dataclass(frozen=True)
class SheetProblem:
    """One reason an upload is refused: where (sheet, row, column as the reader sees them) and why."""

    sheet: str | None
    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict, compare=False)


def sheet_columns(current: dict[str, pd.DataFrame], table: str) -> list[str]:
    """The columns of a sheet: those of the built source table (so new source columns follow)."""
    return [c for c in current[table].columns]


def city_rows(current: dict[str, pd.DataFrame], table: str, city_id: str) -> pd.DataFrame:
    """What the dashboard holds for the city in one table (for `sources`: the sources its rows cite)."""
    if table == "sources":
        used = set()
        for name in CITED_BY:
            frame = current[name]
            used |= set(frame.loc[frame["city_id"] == city_id, "source_id"].dropna())
        return current["sources"][current["sources"]["source_id"].isin(used)]
    frame = current[table]
    if table == "scorecard_scores":  # scores belong to a city through their assessment round
        return frame[frame["round_id"].isin(city_rounds(current, city_id))]
    return frame[frame["city_id"] == city_id]


def city_rounds(tables: dict[str, pd.DataFrame], city_id: str) -> set[str]:
    """The ids of the city's scorecard rounds."""
    rounds = tables["scorecard_rounds"]
    return set(rounds.loc[rounds["city_id"] == city_id, "round_id"].dropna().astype(str))


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return int(value)
    return value


def template(
    current: dict[str, pd.DataFrame],
    city_id: str,
    sheet_name: Label,
    column_name: Label,
    help_lines: list[str],
) -> bytes:
    """An .xlsx for one city: a sheet per table with headers in one language, pre-filled with the
    city's rows, and a first sheet that says how to fill it in."""
    wb = Workbook()
    about = wb.active
    about.title = sheet_name("about")
    for line in help_lines:
        about.append([line])
    about.column_dimensions["A"].width = 120
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6EE")
    for table in TABLES:
        ws = wb.create_sheet(sheet_name(table))
        columns = sheet_columns(current, table)
        ws.append([column_name(c) for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        for record in city_rows(current, table, city_id).to_dict("records"):
            ws.append([_cell(record.get(c)) for c in columns])
        for i, name in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(
                12, min(40, len(column_name(name)) + 4)
            )
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _by_name(names: dict[str, list[str]]) -> dict[str, str]:
    """Every accepted spelling (any language, or the id itself; case and spaces ignored) -> id."""
    return {" ".join(n.split()).casefold(): key for key, spellings in names.items() for n in spellings}


def read_workbook(
    content: bytes,
    current: dict[str, pd.DataFrame],
    sheet_names: dict[str, list[str]],
    column_names: dict[str, list[str]],
) -> tuple[dict[str, pd.DataFrame], list[SheetProblem]]:
    """The workbook's tables as text columns (as the build reads CSV files), or every problem of form:
    not a workbook, too large, unknown or missing sheets and columns, formulas, dates written as
    text, too many rows. A sheet may be left out; then the city's rows of that table stay as they are."""
    if len(content) > MAX_BYTES:
        return {}, [SheetProblem(None, None, None, "too_large", {"mb": MAX_BYTES // (1024 * 1024)})]
    try:
        wb = load_workbook(io.BytesIO(content), data_only=False, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return {}, [SheetProblem(None, None, None, "not_workbook")]
    sheets, columns = _by_name(sheet_names), _by_name(column_names)
    frames: dict[str, pd.DataFrame] = {}
    problems: list[SheetProblem] = []
    for ws in wb.worksheets:
        table = sheets.get(" ".join(str(ws.title).split()).casefold())
        if table == "about":
            continue
        if table is None:
            problems.append(SheetProblem(ws.title, None, None, "unknown_sheet"))
            continue
        frame, found = _read_sheet(ws, table, sheet_columns(current, table), columns)
        problems += found
        if frame is not None:
            frame.attrs["sheet"] = ws.title
            frames[table] = frame
    if not frames and not problems:
        problems.append(SheetProblem(None, None, None, "no_sheets"))
    return frames, problems


def _read_sheet(
    ws, table: str, expected: list[str], columns: dict[str, str]
) -> tuple[pd.DataFrame | None, list[SheetProblem]]:
    problems: list[SheetProblem] = []
    rows = list(ws.iter_rows())
    if not rows:
        return None, [SheetProblem(ws.title, 1, None, "no_header")]
    header = rows[0]
    ids: list[str | None] = []
    for cell in header:
        text = "" if cell.value is None else " ".join(str(cell.value).split())
        if not text:
            ids.append(None)
            continue
        column = columns.get(text.casefold())
        if column is None or column not in expected:
            problems.append(SheetProblem(ws.title, 1, text, "unknown_column"))
            ids.append(None)
        elif column in ids:
            problems.append(SheetProblem(ws.title, 1, text, "repeated_column"))
            ids.append(None)
        else:
            ids.append(column)
    for column in expected:
        if column not in ids:
            problems.append(SheetProblem(ws.title, 1, column, "missing_column"))
    if len(rows) - 1 > MAX_ROWS:
        problems.append(SheetProblem(ws.title, None, None, "too_many_rows", {"max": MAX_ROWS}))
        return None, problems
    records = []
    for row in rows[1:]:
        values = {}
        for cell, column in zip(row, ids):
            if column is None:
                if cell.value not in (None, ""):
                    values["__extra__"] = True
                continue
            text, problem = _cell_text(cell, column)
            if problem:  # the cell counts as empty for the later checks, which skip it
                problems.append(
                    SheetProblem(ws.title, cell.row, column, problem, {"value": str(cell.value)[:40]})
                )
            values[column] = text
        if any(v not in (None, "") for k, v in values.items() if k != "__extra__"):
            values.pop("__extra__", None)
            values["__row__"] = row[0].row
            records.append(values)
    return pd.DataFrame(records, columns=[*expected, "__row__"]), problems


def _cell_text(cell, column: str) -> tuple[str | None, str | None]:
    """A cell as the text a CSV would hold, or a problem code (formula, date written as text)."""
    value = cell.value
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        return None, "formula"
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, bool):
        return str(value).lower(), None
    if isinstance(value, float):
        return (str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)), None
    if isinstance(value, int):
        return str(value), None
    text = " ".join(str(value).split())
    if column in DATE_COLUMNS and text and not ISO_PARTIAL.match(text):
        return None, "date_as_text"
    return (text or None), None


# --- checking the rows against the schemas and the data -------------------------------------------


def check_tables(
    frames: dict[str, pd.DataFrame],
    current: dict[str, pd.DataFrame],
    city_id: str,
    sheet_of: dict[str, str],
    known_problems: list[SheetProblem] = (),
) -> list[SheetProblem]:
    """Every problem of the rows: another city, the build's schema, duplicates, and references to
    codes neither the data nor the workbook knows; none again where reading found one already
    (`known_problems`: a cell read as a formula, a missing column)."""
    found = _check_tables(frames, current, city_id, sheet_of)
    cells = {(p.sheet, p.row, p.column) for p in known_problems}
    columns = {(p.sheet, p.column) for p in known_problems if p.code == "missing_column"}
    return [
        p for p in found if (p.sheet, p.row, p.column) not in cells and (p.sheet, p.column) not in columns
    ]


def _check_tables(
    frames: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], city_id: str, sheet_of: dict[str, str]
) -> list[SheetProblem]:
    problems: list[SheetProblem] = []
    for table, frame in frames.items():
        sheet = frame.attrs.get("sheet") or sheet_of.get(table, table)
        rows = frame["__row__"].tolist()
        body = frame.drop(columns="__row__").reset_index(drop=True)
        if "city_id" in body:
            for i, value in body["city_id"].items():
                if value != city_id:
                    problems.append(
                        SheetProblem(sheet, rows[i], "city_id", "other_city", {"value": str(value)[:40]})
                    )
        problems += _schema_problems(table, body, sheet, rows)
    problems += _rows_of_other_cities(frames, current, city_id, sheet_of)
    known = {name: frame for name, frame in current.items()}
    for table, frame in frames.items():
        if table in known:  # the workbook's rows count as known (a new source cited by a new value)
            known[table] = pd.concat([known[table], frame.drop(columns="__row__")], ignore_index=True)
    for table, column, target, target_column in REFERENCES:
        if table not in frames or target not in known or column not in frames[table]:
            continue
        allowed = set(known[target][target_column].dropna().astype(str))
        frame = frames[table]
        for value, row in zip(frame[column], frame["__row__"]):
            if isinstance(value, str) and value and value not in allowed:
                problems.append(
                    SheetProblem(
                        frame.attrs.get("sheet") or sheet_of.get(table, table),
                        row,
                        column,
                        "unknown_code",
                        {"value": value[:40]},
                    )
                )
    return problems


def _rows_of_other_cities(
    frames: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame], city_id: str, sheet_of: dict[str, str]
) -> list[SheetProblem]:
    """Rows whose key names another city's record (an event, a loss, a scorecard round), and
    scores for a round that is not the city's: a workbook never changes another city's data."""
    problems = []
    for table, frame in frames.items():
        keys = list(KEYS[table])
        sheet = frame.attrs.get("sheet") or sheet_of.get(table, table)
        if table == "scorecard_scores":
            if "round_id" not in frame:
                continue
            rounds = pd.concat([current["scorecard_rounds"], frames.get("scorecard_rounds", pd.DataFrame())])
            others = set(rounds.loc[rounds["city_id"] != city_id, "round_id"].dropna().astype(str))
            taken = [
                (row, "round_id", value)
                for value, row in zip(frame["round_id"], frame["__row__"])
                if isinstance(value, str) and value in others
            ]
        elif "city_id" in keys or "city_id" not in current[table] or not all(k in frame for k in keys):
            continue
        else:
            held = current[table]
            owned = set(held.loc[held["city_id"] != city_id, keys].astype(str).agg("\x1f".join, axis=1))
            mine = frame[keys].astype(str).agg("\x1f".join, axis=1)
            taken = [(row, keys[0], value) for value, row in zip(mine, frame["__row__"]) if value in owned]
        problems += [
            SheetProblem(sheet, row, column, "other_city", {"value": str(value)[:40]})
            for row, column, value in taken
        ]
    return problems


def _schema_problems(table: str, frame: pd.DataFrame, sheet: str, rows: list[int]) -> list[SheetProblem]:
    try:
        SCHEMAS[table].validate(frame, lazy=True)
        return []
    except SchemaErrors as err:
        cases = err.failure_cases
    problems = []
    for rec in cases.to_dict("records"):
        index, column, check = rec.get("index"), rec.get("column"), str(rec.get("check"))
        row = (
            rows[int(index)] if index is not None and not pd.isna(index) and int(index) < len(rows) else None
        )
        column = None if column is None or pd.isna(column) else str(column)
        code, params = plain_reason(check, rec.get("failure_case"))
        if code == "missing_column":
            continue  # reported while reading the header
        problems.append(SheetProblem(sheet, row, column, code, params))
    return problems


def plain_reason(check: str, value: object) -> tuple[str, dict]:
    """A pandera check name (`str_matches(...)`, `in_range(0, 10)`, `float64`) as a reason code."""
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)[:40]
    if check == "column_in_dataframe":
        return "missing_column", {}
    if check.startswith(("coerce_dtype", "dtype")):
        return "not_number", {"value": shown}
    if check == "not_nullable":
        return "required", {}
    if check == "field_uniqueness" or check.startswith("multiple_fields_uniqueness"):
        return "duplicate", {"value": shown}
    if check.startswith("isin"):
        allowed = re.findall(r"'([^']*)'|(\d+(?:\.\d+)?)", check[len("isin") :])
        return "not_allowed", {"value": shown, "allowed": ", ".join(a or b for a, b in allowed)}
    if check.startswith("in_range"):
        low, high = re.findall(r"-?\d+(?:\.\d+)?", check)[:2]
        return "out_of_range", {"value": shown, "low": low, "high": high}
    if check.startswith("greater_than_or_equal_to"):
        return "too_small", {"value": shown, "low": re.findall(r"-?\d+(?:\.\d+)?", check)[0]}
    if check.startswith("greater_than"):
        return "not_above", {"value": shown, "low": re.findall(r"-?\d+(?:\.\d+)?", check)[0]}
    if check.startswith("str_matches"):
        if "\\d{4}" in check:
            return "bad_date", {"value": shown}
        return "bad_code", {"value": shown}
    return "invalid", {"value": shown}


def changed_rows(frames: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """Only the rows that are new or differ from the dashboard's (by each table's key), as text."""
    out: dict[str, list[dict]] = {}
    for table, frame in frames.items():
        keys = KEYS[table]
        have = {}
        for record in current[table].to_dict("records"):
            have[tuple(_norm(record.get(k)) for k in keys)] = {c: _norm(v) for c, v in record.items()}
        rows = []
        for record in frame.drop(columns="__row__").to_dict("records"):
            clean = {c: _norm(v) for c, v in record.items()}
            old = have.get(tuple(clean.get(k) for k in keys))
            if old is None or any(old.get(c) != v for c, v in clean.items()):
                rows.append(clean)
        if rows:
            out[table] = rows
    return out


def _norm(value: object) -> str | None:
    """One text form of a value, so 2024, 2024.0 and '2024' compare equal."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number == int(number) else repr(number)
    text = str(value).strip()
    try:
        number = float(text)
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return str(int(number)) if number == int(number) else repr(number)
    except ValueError:
        pass
    return text or None


def row_keys(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Each row's key columns joined into one text, to compare rows of two tables by key."""
    return frame[keys].astype(str).agg("\x1f".join, axis=1)


def overlay(src: dict[str, pd.DataFrame], changes: list[dict[str, list[dict]]]) -> dict[str, pd.DataFrame]:
    """The source tables (as text, as read from CSV) with approved changes laid over them in order:
    a row replaces the row with the same key, or is added."""
    out = dict(src)
    for change in changes:
        for table, rows in change.items():
            frame = out[table]
            keys = list(KEYS[table])
            columns = [*frame.columns, *(c for c in pd.DataFrame(rows).columns if c not in frame.columns)]
            frame = frame.reindex(columns=columns)
            new = pd.DataFrame(rows).reindex(columns=columns)
            new = new.astype(object).where(new.notna(), None)
            keep = (
                frame[~row_keys(frame, keys).isin(set(row_keys(new.fillna(""), keys)))]
                if len(frame)
                else frame
            )
            out[table] = pd.concat([keep, new], ignore_index=True)
    return out


CITY_FIELDS = (
    "city_id",
    "name_ru",
    "name_en",
    "country_iso3",
    "country_ru",
    "country_en",
    "admin1_ru",
    "admin1_en",
    "lat",
    "lon",
    "membership",
    "member_since",
)


def new_city_row(raw: dict) -> dict:
    """The cities-table row of a city an administrator adds (text, as a CSV holds it; the figures
    it has none of yet stay empty, never zero)."""
    row = {}
    for name in CITY_FIELDS:
        value = raw.get(name)
        text = " ".join(str(value).split()) if value is not None else ""
        row[name] = text or None
    if row["member_since"]:
        row["member_since"] = row["member_since"][:10]
    if row["country_iso3"]:
        row["country_iso3"] = row["country_iso3"].upper()
    return row


def check_new_city(row: dict, current: dict[str, pd.DataFrame]) -> list[SheetProblem]:
    """Every problem of a new city's row: the build's `cities` schema, the required names and
    place, a known country code format, and an id no city has yet."""
    problems: list[SheetProblem] = []
    for name in CITY_FIELDS:
        if not row.get(name):
            problems.append(SheetProblem(None, None, name, "required"))
    if row.get("city_id") and row["city_id"] in set(current["cities"]["city_id"]):
        problems.append(SheetProblem(None, None, "city_id", "duplicate", {"value": row["city_id"]}))
    if row.get("member_since") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["member_since"]):
        problems.append(SheetProblem(None, None, "member_since", "bad_date", {"value": row["member_since"]}))
    frame = pd.DataFrame([row]).reindex(
        columns=[*current["cities"].columns, *(c for c in row if c not in current["cities"].columns)]
    )
    seen = {(p.column, p.code) for p in problems}
    for problem in _schema_problems("cities", frame, "", [1]):
        if (
            problem.code == "required"
            and (problem.column, "required") not in seen
            and problem.column not in row
        ):
            continue  # figures a new city does not have yet
        if (problem.column, "required") not in seen:
            problems.append(SheetProblem(None, None, problem.column, problem.code, problem.params))
    not_numbers = {p.column for p in problems if p.code == "not_number"}
    kept, done = [], set()
    for problem in problems:  # one reason per field and kind; no range check of what is not a number
        if (problem.column, problem.code) in done or (
            problem.code == "out_of_range" and problem.column in not_numbers
        ):
            continue
        done.add((problem.column, problem.code))
        kept.append(problem)
    return kept
