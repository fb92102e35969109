"""MCR2030 scorecard: essential means, not-assessed handling, weakest questions, change between
rounds, gaps without a plan, and the tables' schema rules (hand-computed cases)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from domain import scorecard as sc
from domain.build import read_source_tables, validate_tables
from domain.schemas import DataValidationError
from tests.resilience_fixtures import add_fixture_rounds, append_rows


def _questions(built_data) -> pd.DataFrame:
    return built_data["scorecard_questions"]


def _scores(round_id: str, values: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"round_id": round_id, "question_code": q, "score": s, "comment": None, "evidence_url": None}
            for q, s in values.items()
        ]
    )


def _round(round_id: str, city: str, day: str, status: str = "scores_published") -> dict:
    return {
        "round_id": round_id,
        "city_id": city,
        "date": day,
        "status": status,
        "data_status": "illustrative",
        "source_id": "x",
        "participants_ru": "-",
        "participants_en": "-",
    }


def test_catalogue_has_47_questions_over_ten_essentials(built_data):
    q = _questions(built_data)
    assert len(q) == 47 and set(q["essential"]) == set(range(1, 11))
    assert q["undrr_ref"].is_unique and all(
        r.startswith(f"P{e}.") for r, e in zip(q["undrr_ref"], q["essential"])
    )


def test_essential_mean_is_hand_computed_and_missing_cities_are_not_zero(built_data):
    q = _questions(built_data)
    cities = list(built_data["cities"]["city_id"])
    e1 = list(sc.question_order(q[q["essential"] == 1])["question_code"])
    e2 = list(sc.question_order(q[q["essential"] == 2])["question_code"])
    scores = _scores("r1", {e1[0]: 0, e1[1]: 1, e1[2]: 3, e2[0]: 2})
    rounds = pd.DataFrame(
        [
            _round("r1", cities[0], "2025-01-01"),
            _round("held", cities[1], "2025-02-01", "scores_not_published"),
        ]
    )
    per = sc.essential_scores(scores, q).set_index("essential")
    assert per.at[1, "score"] == pytest.approx(4 / 3) and per.at[1, "answered"] == 3
    assert (
        per.at[2, "score"] == 2
        and per.at[2, "answered"] == 1
        and per.at[2, "questions"] == (q["essential"] == 2).sum()
    )
    matrix = sc.essential_matrix(cities, rounds, scores, q)
    assert matrix.loc[cities[0], 1] == pytest.approx(4 / 3)
    assert math.isnan(matrix.loc[cities[0], 3])  # unanswered essential: missing, not 0
    assert matrix.loc[cities[1:]].isna().all().all()  # not assessed / scores not published
    state = sc.assessment_state(cities, rounds)
    assert state[cities[0]] == sc.ASSESSED and state[cities[1]] == sc.HELD
    assert all(state[c] == sc.NOT_ASSESSED for c in cities[2:])
    summary = sc.summary(matrix)
    assert (summary.assessed, summary.cities) == (1, len(cities))
    assert summary.weakest_essential == 1 and summary.weakest_score == pytest.approx(4 / 3)


def test_nobody_assessed_gives_no_weakest_essential(built_data):
    cities = list(built_data["cities"]["city_id"])
    empty = built_data["scorecard_scores"].iloc[0:0]
    no_rounds = built_data["scorecard_rounds"].iloc[0:0]
    matrix = sc.essential_matrix(cities, no_rounds, empty, _questions(built_data))
    assert matrix.isna().all().all()
    assert sc.summary(matrix) == sc.ScorecardSummary(0, len(cities), None, None)


def test_weakest_questions_lowest_first_ties_in_catalogue_order(built_data):
    q = sc.question_order(_questions(built_data))
    codes = list(q["question_code"])
    scores = _scores("r", {codes[5]: 2, codes[3]: 0, codes[1]: 0, codes[0]: 3, codes[7]: 1})
    weak = sc.weakest_questions(scores, q, "r", limit=3)
    assert list(weak["question_code"]) == [codes[1], codes[3], codes[7]]


def test_change_between_the_last_two_rounds(built_data):
    q = _questions(built_data)
    city = built_data["cities"]["city_id"].iloc[0]
    e1 = list(q.loc[q["essential"] == 1, "question_code"])
    rounds = pd.DataFrame(
        [
            _round("old", city, "2023-01-01"),
            _round("mid", city, "2024-01-01"),
            _round("new", city, "2025-01-01"),
        ]
    )
    scores = pd.concat(
        [
            _scores("old", {e1[0]: 3}),
            _scores("mid", {c: 1 for c in e1}),
            _scores("new", {e1[0]: 3, e1[1]: 2, e1[2]: 1}),
        ]
    )
    change = sc.round_change(city, rounds, scores, q).set_index("essential")
    assert change.at[1, "before"] == 1 and change.at[1, "after"] == 2 and change.at[1, "change"] == 1
    assert change.at[2, "change"] is None or pd.isna(change.at[2, "change"])
    assert sc.round_change(city, rounds.iloc[:1], scores, q).empty  # one round: nothing to compare


def test_gaps_without_plan_ignore_cancelled_actions(built_data):
    city = built_data["cities"]["city_id"].iloc[0]
    matrix = pd.DataFrame([[0.5, 1.0, 2.5] + [float("nan")] * 7], index=[city], columns=list(range(1, 11)))
    actions = pd.DataFrame(
        [
            {"city_id": city, "mcr2030_essential": 1, "status": "in_progress", "data_status": "illustrative"},
            {"city_id": city, "mcr2030_essential": 2, "status": "cancelled", "data_status": "illustrative"},
            {"city_id": "elsewhere", "mcr2030_essential": 2, "status": "planned", "data_status": "sourced"},
        ]
    )
    gaps = sc.gaps_without_plan(city, matrix, actions)
    assert gaps == [sc.Gap(2, 1.0, 0)]  # 1 has an action; 3 scores 2.5; 4-10 not assessed
    assert sc.plan_is_demonstration(city, actions) and not sc.plan_is_demonstration("elsewhere", actions)
    assert sc.gaps_without_plan("not-in-matrix", matrix, actions) == []


def test_fixture_rounds_build_and_schema_rejects_bad_scores(src_copy, built_data):
    cities = list(built_data["cities"]["city_id"])
    add_fixture_rounds(src_copy, cities, _questions(built_data))
    tables = validate_tables(read_source_tables(src_copy))
    matrix = sc.essential_matrix(
        cities, tables["scorecard_rounds"], tables["scorecard_scores"], tables["scorecard_questions"]
    )
    assert matrix.loc[cities[:2]].notna().all().all() and matrix.loc[cities[2:]].isna().all().all()
    append_rows(
        src_copy / "scorecard_scores.csv",
        [{"round_id": f"fixture-{cities[1]}-2025", "question_code": "p1-1", "score": "4"}],
    )
    with pytest.raises(DataValidationError) as err:
        validate_tables(read_source_tables(src_copy))
    text = str(err.value)
    assert "scorecard_scores.csv" in text and "score" in text and "duplicate" in text


def test_scores_of_an_unpublished_round_are_refused(src_copy, built_data):
    city = built_data["cities"]["city_id"].iloc[0]
    append_rows(
        src_copy / "scorecard_rounds.csv",
        [{**_round("held-x", city, "2020-01-01", "scores_not_published"), "source_id": "coalition-analysis"}],
    )
    append_rows(
        src_copy / "scorecard_scores.csv", [{"round_id": "held-x", "question_code": "p1-1", "score": "2"}]
    )
    with pytest.raises(DataValidationError, match="scores_not_published but has scores"):
        validate_tables(read_source_tables(src_copy))
