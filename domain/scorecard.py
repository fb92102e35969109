"""MCR2030 Disaster Resilience Scorecard (preliminary level): essential scores per round, weakest
questions, change between rounds, and low-scoring essentials without an action in the city's plan.

Pure functions on DataFrames. A city without a round whose scores are published is "not assessed":
its values are missing (NaN / None), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ESSENTIALS = tuple(range(1, 11))
MAX_SCORE = 3
LOW_SCORE = 1.5  # an essential whose mean score is below this (half of the 0-3 scale) is low
NOT_ASSESSED, HELD, ASSESSED = "not_assessed", "held_not_published", "assessed"
OPEN_ACTION_STATUSES = ("planned", "in_progress", "delayed", "completed")


def question_order(questions: pd.DataFrame) -> pd.DataFrame:
    """The catalogue sorted as UNDRR numbers it (essential, then question number)."""
    number = questions["undrr_ref"].str.split(".").str[-1].astype(int)
    return questions.assign(_n=number).sort_values(["essential", "_n"]).drop(columns="_n")


def published_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    """Rounds whose scores are published, oldest first per city."""
    done = rounds[rounds["status"] == "scores_published"]
    return done.sort_values(["city_id", "date"]).reset_index(drop=True)


def latest_round_ids(rounds: pd.DataFrame) -> dict[str, str]:
    """city_id -> its latest round with published scores."""
    done = published_rounds(rounds)
    return dict(zip(done["city_id"], done["round_id"])) if len(done) else {}


def assessment_state(city_ids: list[str], rounds: pd.DataFrame) -> dict[str, str]:
    """city_id -> `assessed`, `held_not_published` (a workshop without published scores) or `not_assessed`."""
    published = set(rounds.loc[rounds["status"] == "scores_published", "city_id"])
    held = set(rounds["city_id"])
    return {c: ASSESSED if c in published else HELD if c in held else NOT_ASSESSED for c in city_ids}


def essential_scores(scores: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Mean score (0-3) per round and essential, with how many of its questions were answered."""
    asked = questions.groupby("essential").size().rename("questions")
    if scores.empty:
        return pd.DataFrame(columns=["round_id", "essential", "score", "answered", "questions"])
    joined = scores.merge(questions[["question_code", "essential"]], on="question_code")
    out = (
        joined.groupby(["round_id", "essential"])["score"]
        .agg(["mean", "size"])
        .rename(columns={"mean": "score", "size": "answered"})
        .reset_index()
    )
    out["essential"] = out["essential"].astype(int)
    return out.merge(asked, left_on="essential", right_index=True, how="left")


def essential_matrix(
    city_ids: list[str], rounds: pd.DataFrame, scores: pd.DataFrame, questions: pd.DataFrame
) -> pd.DataFrame:
    """Cities x essentials 1-10: the latest round's mean score; NaN where the city is not assessed."""
    latest = latest_round_ids(rounds)
    per_round = essential_scores(scores, questions)
    matrix = pd.DataFrame(index=pd.Index(city_ids, name="city_id"), columns=list(ESSENTIALS), dtype=float)
    for city, round_id in latest.items():
        if city not in matrix.index:
            continue
        mine = per_round[per_round["round_id"] == round_id]
        matrix.loc[city, mine["essential"].tolist()] = mine["score"].to_numpy(dtype=float)
    return matrix


def weakest_questions(
    scores: pd.DataFrame, questions: pd.DataFrame, round_id: str, limit: int = 5
) -> pd.DataFrame:
    """A round's lowest-scored questions (ties in catalogue order), with their essential and comment."""
    mine = scores[scores["round_id"] == round_id]
    ordered = question_order(questions).reset_index(drop=True).reset_index(names="order")
    joined = mine.merge(ordered, on="question_code")
    return joined.sort_values(["score", "order"]).head(limit).drop(columns="order").reset_index(drop=True)


def round_change(
    city_id: str, rounds: pd.DataFrame, scores: pd.DataFrame, questions: pd.DataFrame
) -> pd.DataFrame:
    """Per essential, the score in the city's previous and latest published rounds and the change.

    Empty when the city has fewer than two published rounds."""
    mine = published_rounds(rounds)
    mine = mine[mine["city_id"] == city_id]
    if len(mine) < 2:
        return pd.DataFrame(columns=["essential", "before", "after", "change"])
    before_id, after_id = mine["round_id"].iloc[-2], mine["round_id"].iloc[-1]
    per_round = essential_scores(scores, questions).set_index(["round_id", "essential"])["score"]
    rows = []
    for essential in ESSENTIALS:
        before = per_round.get((before_id, essential))
        after = per_round.get((after_id, essential))
        change = after - before if before is not None and after is not None else None
        rows.append({"essential": essential, "before": before, "after": after, "change": change})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Gap:
    """A low-scoring essential of a city and how many of its plan's actions address it."""

    essential: int
    score: float
    actions: int


def gaps_without_plan(
    city_id: str, matrix: pd.DataFrame, actions: pd.DataFrame, low: float = LOW_SCORE
) -> list[Gap]:
    """Essentials scored below `low` in the city's latest round with no (non-cancelled) action in its plan."""
    if city_id not in matrix.index:
        return []
    row = matrix.loc[city_id]
    mine = actions[(actions["city_id"] == city_id) & actions["status"].isin(OPEN_ACTION_STATUSES)]
    covered = mine["mcr2030_essential"].dropna().astype(int).value_counts()
    gaps = []
    for essential in ESSENTIALS:
        score = row.get(essential)
        if score is None or pd.isna(score) or score >= low:
            continue
        count = int(covered.get(essential, 0))
        if count == 0:
            gaps.append(Gap(essential, float(score), count))
    return gaps


def plan_is_demonstration(city_id: str, actions: pd.DataFrame) -> bool:
    """True when every action of the city's plan is illustrative (demonstration) data."""
    mine = actions[actions["city_id"] == city_id]
    return bool(len(mine)) and bool((mine["data_status"] == "illustrative").all())


@dataclass(frozen=True)
class ScorecardSummary:
    """The overview's line: how many cities are assessed and the weakest essential among them."""

    assessed: int
    cities: int
    weakest_essential: int | None
    weakest_score: float | None


def summary(matrix: pd.DataFrame) -> ScorecardSummary:
    """Count cities with a published round; the essential with the lowest mean over them."""
    assessed = matrix.dropna(how="all")
    if assessed.empty:
        return ScorecardSummary(0, len(matrix), None, None)
    means = assessed.mean(axis=0, skipna=True).dropna()
    essential = int(means.idxmin())
    return ScorecardSummary(len(assessed), len(matrix), essential, float(means[essential]))
