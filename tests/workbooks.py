"""The city's workbook template as a test opens, edits and sends it (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services import submissions as sb


def workbook(data, city: str, lang: str = "en"):
    """The city's template, opened for editing (headers in ``lang``)."""
    return load_workbook(io.BytesIO(sb.template_bytes(data, city, lang)))


def as_bytes(book) -> bytes:
    """An edited workbook as the file an editor uploads."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(ws, column_id: str, lang: str = "en") -> int:
    """The 1-based column of a sheet that holds ``column_id`` (found by its header in ``lang``)."""
    header = [c.value for c in ws[1]]
    return header.index(sb.column_label(column_id, lang)) + 1
