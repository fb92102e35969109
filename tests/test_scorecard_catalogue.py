"""The scorecard's question catalogue matches UNDRR's preliminary-level tool, and the build refuses
a catalogue whose codes are inconsistent.

The expected structure is a fact of the source (source `undrr-scorecard-prelim-tool-2017`: the
Disaster Resilience Scorecard for Cities, Preliminary Level Assessment Tool v.1.0, sheets E01-E10
and its Results sheet), not of the cities, so it is written out here.
"""

from __future__ import annotations

import pytest

from domain.build import read_source_tables, validate_tables
from domain.schemas import DataValidationError
from tests.source_tables import read_rows, set_cell

QUESTIONS_PER_ESSENTIAL = {1: 3, 2: 5, 3: 4, 4: 4, 5: 3, 6: 6, 7: 4, 8: 9, 9: 7, 10: 2}
# each question's topic heading in the tool, for the questions most easily confused
TOPICS = {
    "P3.1": "Knowledge of approaches for attracting new investment to the city",
    "P3.2": "Financial plan and budget for resilience, including contingency funds",
    "P8.5": "Transport",
    "P8.6": "Communications",
    "P9.6": "Interoperability and inter-agency working",
    "P9.7": "Drills",
}
SOURCE_ID = "undrr-scorecard-prelim-tool-2017"
MAX_SCORE_PER_QUESTION = 3
TOOL_MAXIMUM = 141  # "The overall score for this assessment is 0 / 141" in the tool's Results sheet


def test_counts_per_essential_match_the_undrr_tool(built_data):
    q = built_data["scorecard_questions"]
    assert q.groupby("essential").size().to_dict() == QUESTIONS_PER_ESSENTIAL
    assert len(q) == sum(QUESTIONS_PER_ESSENTIAL.values()) == 47
    assert len(q) * MAX_SCORE_PER_QUESTION == TOOL_MAXIMUM


def test_codes_are_unique_and_run_without_gaps_in_every_essential(built_data):
    q = built_data["scorecard_questions"]
    assert q["undrr_ref"].is_unique and q["question_code"].is_unique
    expected = {f"P{e}.{n}" for e, count in QUESTIONS_PER_ESSENTIAL.items() for n in range(1, count + 1)}
    assert set(q["undrr_ref"]) == expected
    for row in q.itertuples():
        essential, number = row.undrr_ref[1:].split(".")
        assert int(essential) == row.essential
        assert row.question_code == f"p{essential}-{number}"


def test_topics_titles_and_source_are_filled(built_data):
    q = built_data["scorecard_questions"].set_index("undrr_ref")
    for ref, topic in TOPICS.items():
        assert q.at[ref, "undrr_topic_en"] == topic
    for column in ("title_ru", "title_en", "guidance_ru", "guidance_en", "undrr_topic_en"):
        assert q[column].str.strip().str.len().gt(0).all(), column
    assert (q["source_id"] == SOURCE_ID).all()
    sources = built_data["sources"].set_index("source_id")
    assert SOURCE_ID in sources.index and sources.at[SOURCE_ID, "publisher"] == "UNDRR"


def _rewrite_ref(src, code: str, new_ref: str) -> None:
    rows = read_rows(src / "scorecard_questions.csv")[1]
    row = next(i for i, r in enumerate(rows) if r["question_code"] == code)
    set_cell(src, "scorecard_questions", row, "undrr_ref", new_ref)


def test_a_code_of_another_essential_is_refused(src_copy):
    _rewrite_ref(src_copy, "p9-7", "P8.10")
    with pytest.raises(DataValidationError) as err:
        validate_tables(read_source_tables(src_copy))
    text = str(err.value)
    assert "scorecard_questions.csv" in text and "'P8.10' is not a question of essential 9" in text


def test_a_gap_in_an_essential_is_refused(src_copy):
    _rewrite_ref(src_copy, "p3-4", "P3.5")
    with pytest.raises(DataValidationError, match=r"essential 3 do not run P3.1 to P3.4 without gaps"):
        validate_tables(read_source_tables(src_copy))
