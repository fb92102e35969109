"""Fixture scorecard rounds and loss rows for tests, derived from the data (no city named in code).

The scores are made up to exercise the views: they are marked `illustrative` and live only in the
test's temporary copy of the source tables.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

FIXTURE_SOURCE = "fixture-scorecard-2026"


def fixture_scores(questions: pd.DataFrame, round_id: str, shift: int) -> list[dict]:
    """A deterministic score per question: (essential + question number + shift) mod 4."""
    rows = []
    for q in questions.itertuples():
        number = int(q.undrr_ref.split(".")[-1])
        rows.append(
            {
                "round_id": round_id,
                "question_code": q.question_code,
                "score": (q.essential + number + shift) % 4,
                "comment": f"fixture {q.undrr_ref}",
                "evidence_url": "https://example.org/evidence",
            }
        )
    return rows


def append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


def add_fixture_rounds(src: Path, city_ids: list[str], questions: pd.DataFrame) -> list[str]:
    """Two published rounds for the first city, one for the second; returns the round ids."""
    append_rows(
        src / "sources.csv",
        [
            {
                "source_id": FIXTURE_SOURCE,
                "title": "Test fixture scorecard",
                "publisher": "tests",
                "year": "2026",
                "kind": "institutional",
            }
        ],
    )
    specs = [(city_ids[0], "2024-03-01", 0), (city_ids[0], "2026-03-01", 1), (city_ids[1], "2025-06-01", 2)]
    rounds, scores = [], []
    for city, day, shift in specs:
        round_id = f"fixture-{city}-{day[:4]}"
        rounds.append(
            {
                "round_id": round_id,
                "city_id": city,
                "date": day,
                "participants_ru": "Тестовая группа",
                "participants_en": "Test group",
                "status": "scores_published",
                "data_status": "illustrative",
                "source_id": FIXTURE_SOURCE,
            }
        )
        scores += fixture_scores(questions, round_id, shift)
    append_rows(src / "scorecard_rounds.csv", rounds)
    append_rows(src / "scorecard_scores.csv", scores)
    return [r["round_id"] for r in rounds]
