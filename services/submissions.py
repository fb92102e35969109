"""Figures from the cities: the workbook template of a city, the checking of an uploaded workbook
(in the reader's language), and the signed ticket that lets the background publish job act for
the administrator who asked for it (the job runs outside the request, without its session)."""

from __future__ import annotations

import hashlib
import hmac
import time

from domain import workbook as wb
from domain.queries import BuildData
from i18n import LANGUAGES, t
from services.config import settings

TICKET_SECONDS = 120


def sheet_names() -> dict[str, list[str]]:
    """table -> the sheet's name in every language, and the table id itself."""
    return {
        table: [*(t(f"upload.sheet.{table}", lang) for lang in LANGUAGES), table]
        for table in ("about", *wb.TABLES)
    }


def column_label(column: str, lang: str) -> str:
    """A column's header in one language (the column id itself for a column without a name yet)."""
    key = f"upload.col.{column}"
    text = t(key, lang)
    return column if text == key else text


def column_names(data: BuildData) -> dict[str, list[str]]:
    columns = {c for table in wb.TABLES for c in wb.sheet_columns(data.tables, table)}
    return {c: [*(column_label(c, lang) for lang in LANGUAGES), c] for c in columns}


def template_bytes(data: BuildData, city_id: str, lang: str) -> bytes:
    """The city's workbook, pre-filled with what the dashboard holds, headers in `lang`."""
    city = data["cities"].set_index("city_id").loc[city_id, f"name_{lang}"]
    lines = [t("upload.help.1", lang, city=city), *(t(f"upload.help.{i}", lang) for i in range(2, 6))]
    return wb.template(
        data.tables, city_id, lambda s: t(f"upload.sheet.{s}", lang), lambda c: column_label(c, lang), lines
    )


def check_upload(
    content: bytes, data: BuildData, city_id: str
) -> tuple[dict[str, list[dict]], list[wb.SheetProblem]]:
    """(changed rows per table, problems): every problem at once; rows only when there is none."""
    frames, problems = wb.read_workbook(content, data.tables, sheet_names(), column_names(data))
    sheet_of = {table: names[0] for table, names in sheet_names().items()}
    problems = list(
        dict.fromkeys(problems + wb.check_tables(frames, data.tables, city_id, sheet_of, problems))
    )
    if problems:
        return {}, problems
    changes = wb.changed_rows(frames, data.tables)
    if not changes:
        return {}, [wb.SheetProblem(None, None, None, "nothing_changed")]
    return changes, []


def problem_text(problem: wb.SheetProblem, lang: str, data: BuildData | None = None) -> str:
    """One problem in plain words: where (sheet, row, column header as written) and why."""
    column = column_label(problem.column, lang) if problem.column else None
    if problem.code in ("unknown_column", "repeated_column"):
        column = problem.column
    where = ""
    if problem.sheet and problem.row and column:
        where = t("upload.where", lang, sheet=problem.sheet, row=problem.row, column=column)
    elif problem.sheet and problem.row:
        where = t("upload.where_sheet_row", lang, sheet=problem.sheet, row=problem.row)
    elif problem.sheet and column:
        where = t("upload.where_sheet_column", lang, sheet=problem.sheet, column=column)
    elif problem.sheet:
        where = t("upload.where_sheet", lang, sheet=problem.sheet)
    return where + t(f"upload.error.{problem.code}", lang, **problem.params)


# --- the publish job's ticket ------------------------------------------------------------------------


def _signature(username: str, issued: int) -> str:
    return hmac.new(
        settings.secret_key.encode(), f"publish|{username}|{issued}".encode(), hashlib.sha256
    ).hexdigest()


def publish_ticket(username: str, now: float | None = None) -> dict:
    """A short-lived ticket, signed with the app's secret, naming the administrator who asked."""
    issued = int(now if now is not None else time.time())
    return {"by": username, "issued": issued, "sig": _signature(username, issued)}


def ticket_user(ticket: object, now: float | None = None) -> str | None:
    """The administrator a ticket was issued to, if it is genuine and fresh; None otherwise."""
    if not isinstance(ticket, dict):
        return None
    by, issued, sig = ticket.get("by"), ticket.get("issued"), ticket.get("sig")
    if not isinstance(by, str) or not isinstance(issued, int) or not isinstance(sig, str):
        return None
    now = now if now is not None else time.time()
    if not 0 <= now - issued <= TICKET_SECONDS:
        return None
    return by if hmac.compare_digest(sig, _signature(by, issued)) else None
