"""Schemas of the MCR2030 scorecard and Sendai loss tables, merged into `domain.schemas`.

- `scorecard_questions`: the preliminary-level question catalogue (essential 1-10, UNDRR's
  reference code and topic heading, short title and guidance in RU and EN written for this
  project). Each essential's codes run P<essential>.1, .2, ... without gaps, as in UNDRR's tool.
- `scorecard_rounds`: one self-assessment per city and date; `scores_published` rounds have
  their scores in `scorecard_scores`, `scores_not_published` rounds record that a workshop was
  held without publishing scores.
- `scorecard_scores`: a round's score (0-3) per question, with a comment and an evidence link.
- `event_figure_scopes`: the scope (city, region, country) of the figures in `events.csv`; a
  figure without one has scope `unknown` and is never counted as the city's.
- `losses`: Sendai loss figures per event (or dated record) and city, one figure per row.

Kept apart so the tables join the build with one-line changes to `SCHEMAS`, `REFERENCES` and
`check_consistency`. The meaning is applied by `domain/scorecard.py` and `domain/losses.py`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from domain.provenance import SCOPES, STATUSES

ROUND_STATUSES = ("scores_published", "scores_not_published")
# figures of events.csv -> the loss field they fill
EVENT_FIGURES = {
    "deaths": "deaths",
    "affected": "affected",
    "evacuated": "evacuated",
    "damage_usd": "economic_loss_usd",
}
LOSS_FIELDS = (
    "deaths",
    "missing",
    "injured",
    "affected",
    "evacuated",
    "houses_damaged",
    "houses_destroyed",
    "economic_loss_usd",
    "critical_facilities_damaged",
    "services_disrupted",
)
_SLUG = r"^[a-z0-9][a-z0-9_\-]*$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _slug(unique: bool = False, nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(_SLUG), unique=unique, nullable=nullable, coerce=True)


def _text(nullable: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable, coerce=True)


RESILIENCE_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "scorecard_questions": pa.DataFrameSchema(
        {
            "question_code": _slug(unique=True),
            "essential": pa.Column(int, pa.Check.in_range(1, 10), coerce=True),
            "undrr_ref": pa.Column(
                str, pa.Check.str_matches(r"^P\d{1,2}\.\d{1,2}$"), unique=True, coerce=True
            ),
            "undrr_topic_en": _text(),
            "title_ru": _text(),
            "title_en": _text(),
            "guidance_ru": _text(),
            "guidance_en": _text(),
            "source_id": _slug(),
        },
        strict=False,
    ),
    "scorecard_rounds": pa.DataFrameSchema(
        {
            "round_id": _slug(unique=True),
            "city_id": _slug(),
            "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), coerce=True),
            "participants_ru": _text(),
            "participants_en": _text(),
            "status": pa.Column(str, pa.Check.isin(list(ROUND_STATUSES)), coerce=True),
            "data_status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "source_id": _slug(),
        },
        unique=["city_id", "date"],
        strict=False,
    ),
    "scorecard_scores": pa.DataFrameSchema(
        {
            "round_id": _slug(),
            "question_code": _slug(),
            "score": pa.Column(int, pa.Check.isin([0, 1, 2, 3]), coerce=True),
            "comment": _text(nullable=True),
            "evidence_url": pa.Column(
                str, pa.Check.str_matches(r"^https?://\S+$"), nullable=True, coerce=True
            ),
        },
        unique=["round_id", "question_code"],
        strict=False,
    ),
    "event_figure_scopes": pa.DataFrameSchema(
        {
            "event_id": _slug(),
            "figure": pa.Column(str, pa.Check.isin(list(EVENT_FIGURES)), coerce=True),
            "scope": pa.Column(str, pa.Check.isin(list(SCOPES)), coerce=True),
            "note_ru": _text(nullable=True),
            "note_en": _text(nullable=True),
        },
        unique=["event_id", "figure"],
        strict=False,
    ),
    "losses": pa.DataFrameSchema(
        {
            "loss_id": _slug(unique=True),
            "event_id": _slug(nullable=True),
            "city_id": _slug(),
            "date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True, coerce=True),
            "hazard_type": _slug(nullable=True),
            "field": pa.Column(str, pa.Check.isin(list(LOSS_FIELDS)), coerce=True),
            "value": pa.Column(float, pa.Check.ge(0), coerce=True),
            "scope": pa.Column(str, pa.Check.isin(list(SCOPES)), coerce=True),
            "status": pa.Column(str, pa.Check.isin(list(STATUSES)), coerce=True),
            "source_id": _slug(),
            "note_ru": _text(nullable=True),
            "note_en": _text(nullable=True),
        },
        strict=False,
    ),
}

RESILIENCE_REFERENCES: list[tuple[str, str, str, str]] = [
    ("scorecard_questions", "source_id", "sources", "source_id"),
    ("scorecard_rounds", "city_id", "cities", "city_id"),
    ("scorecard_rounds", "source_id", "sources", "source_id"),
    ("scorecard_scores", "round_id", "scorecard_rounds", "round_id"),
    ("scorecard_scores", "question_code", "scorecard_questions", "question_code"),
    ("event_figure_scopes", "event_id", "events", "event_id"),
    ("losses", "event_id", "events", "event_id"),
    ("losses", "city_id", "cities", "city_id"),
    ("losses", "hazard_type", "hazard_types", "hazard_type"),
    ("losses", "source_id", "sources", "source_id"),
]


def _catalogue_problems(questions: pd.DataFrame, problem: Callable, csv_line: Callable) -> list:
    """A question's UNDRR code names its own essential, and each essential's codes run 1..n."""
    out: list = []
    parts = questions["undrr_ref"].str.extract(r"^P(\d+)\.(\d+)$").astype(int)
    for index, row in questions.iterrows():
        if parts.at[index, 0] != int(row["essential"]):
            out.append(
                problem(
                    "scorecard_questions.csv",
                    csv_line(index),
                    "undrr_ref",
                    f"'{row['undrr_ref']}' is not a question of essential {row['essential']}",
                )
            )
    for essential, numbers in parts.groupby(0)[1]:
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            out.append(
                problem(
                    "scorecard_questions.csv",
                    csv_line(numbers.index[0]),
                    "undrr_ref",
                    f"the codes of essential {essential} do not run P{essential}.1 to "
                    f"P{essential}.{len(numbers)} without gaps: {sorted(numbers)}",
                )
            )
    return out


def check_resilience(tables: dict[str, pd.DataFrame], problem: Callable, csv_line: Callable) -> list:
    """Rules across rows: the catalogue's codes are consistent; published rounds have scores and
    others none; a loss row names its event's city, or has its own date when it names no event.
    (An event figure without a row in event_figure_scopes is allowed: its scope is unknown and it
    never counts as the city's.)"""
    out: list = []
    questions = tables.get("scorecard_questions")
    if questions is not None:
        out += _catalogue_problems(questions, problem, csv_line)
    rounds, scores = tables.get("scorecard_rounds"), tables.get("scorecard_scores")
    if rounds is not None and scores is not None:
        status = dict(zip(rounds["round_id"], rounds["status"]))
        scored = set(scores["round_id"])
        for index, row in scores.iterrows():
            if status.get(row["round_id"]) == "scores_not_published":
                out.append(
                    problem(
                        "scorecard_scores.csv",
                        csv_line(index),
                        "round_id",
                        f"round '{row['round_id']}' is marked scores_not_published but has scores",
                    )
                )
        for index, row in rounds.iterrows():
            if row["status"] == "scores_published" and row["round_id"] not in scored:
                out.append(
                    problem(
                        "scorecard_rounds.csv",
                        csv_line(index),
                        "status",
                        f"round '{row['round_id']}' is scores_published but has no scores",
                    )
                )
    events = tables.get("events")
    losses = tables.get("losses")
    if losses is not None and events is not None:
        event_city = dict(zip(events["event_id"], events["city_id"]))
        for index, row in losses.iterrows():
            event = row["event_id"]
            if pd.isna(event) or event == "":
                if pd.isna(row["date"]) or row["date"] == "":
                    out.append(
                        problem(
                            "losses.csv",
                            csv_line(index),
                            "date",
                            "a loss that names no event needs its own date",
                        )
                    )
            elif event in event_city and event_city[event] != row["city_id"]:
                out.append(
                    problem(
                        "losses.csv",
                        csv_line(index),
                        "city_id",
                        f"'{row['city_id']}' is not the city of event '{event}' ({event_city[event]})",
                    )
                )
    return out
