"""Breaking a test's private copy of the source tables (data/src) one cell at a time, and the
problems the build then reports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from domain.build import build
from domain.schemas import DataValidationError


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """A source table's header and rows, as text."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, fields: list[str], rows: list[dict]) -> None:
    """Write a source table back as the sources are written (UTF-8, ``\\n`` line ends)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(src: Path, table: str, row: int, column: str, value: str) -> None:
    """Change one cell; ``row`` counts data rows from 0 (CSV line = row + 2)."""
    fields, rows = read_rows(src / f"{table}.csv")
    rows[row][column] = value
    write_rows(src / f"{table}.csv", fields, rows)


def problems_of(src: Path, tmp_path: Path) -> list:
    """The problems for which the build of ``src`` refuses (it must refuse)."""
    with pytest.raises(DataValidationError) as info:
        build(src, tmp_path / "out" / "build")
    return info.value.problems
