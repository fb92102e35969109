"""Scorecard rounds, scores and Sendai loss records arrive through the city's workbook, with the
same checks, review and publication as its other figures; a workbook never changes another city's."""

from __future__ import annotations

from pathlib import Path

from domain.build import build
from domain.queries import load_build
from services import db, publish
from services import submissions as sb
from tests.workbooks import as_bytes, column_of, workbook


def sheet(book, table: str, lang: str = "en"):
    return book[sb.t(f"upload.sheet.{table}", lang)]


def append_row(ws, values: dict, lang: str = "en") -> int:
    row = ws.max_row + 1
    for column, value in values.items():
        ws.cell(row, column_of(ws, column, lang)).value = value
    return row


def first_question(data) -> str:
    return str(data["scorecard_questions"]["question_code"].iloc[0])


def new_round(data, city: str) -> dict:
    source = str(data["sources"]["source_id"].iloc[0])
    return {
        "round_id": f"{city}-2026-test",
        "city_id": city,
        "date": "2026-11-20",
        "participants_ru": "Рабочая группа",
        "participants_en": "Working group",
        "status": "scores_published",
        "data_status": "sourced",
        "source_id": source,
    }


def test_the_template_has_the_scorecard_and_loss_sheets_with_the_citys_rows(built_data):
    for city in built_data["cities"]["city_id"]:
        book = workbook(built_data, city)
        rounds = built_data["scorecard_rounds"]
        losses = built_data["losses"]
        assert sheet(book, "scorecard_rounds").max_row - 1 == int((rounds["city_id"] == city).sum())
        assert sheet(book, "losses").max_row - 1 == int((losses["city_id"] == city).sum())
        mine = set(rounds.loc[rounds["city_id"] == city, "round_id"])
        scores = built_data["scorecard_scores"]
        assert sheet(book, "scorecard_scores").max_row - 1 == int(scores["round_id"].isin(mine).sum())
    ru = workbook(built_data, city, "ru")
    assert sb.t("upload.sheet.scorecard_scores", "ru") in ru.sheetnames


def test_a_city_sends_a_scorecard_round_that_is_reviewed_and_published(tmp_path, built_data, src_copy):
    city = str(built_data["cities"]["city_id"].iloc[-1])
    book = workbook(built_data, city)
    append_row(sheet(book, "scorecard_rounds"), new_round(built_data, city))
    append_row(
        sheet(book, "scorecard_scores"),
        {
            "round_id": f"{city}-2026-test",
            "question_code": first_question(built_data),
            "score": 2,
            "comment": "plan adopted",
            "evidence_url": "https://example.org/plan",
        },
    )
    changes, problems = sb.check_upload(as_bytes(book), built_data, city)
    assert problems == [] and set(changes) == {"scorecard_rounds", "scorecard_scores"}

    url = f"sqlite:///{tmp_path / 'pub.db'}"
    db.upgrade(url)
    engine = db.get_engine(url)
    out = tmp_path / "data" / "build"
    build(src_copy, out)
    sid = db.create_submission(engine, city, "workbook", changes, "focal")
    assert db.review_submission(engine, sid, "chief", True).ok
    assert publish.publish(engine, "chief", src=src_copy, out=out)["ok"]
    published = load_build(Path(out))
    scores = published["scorecard_scores"]
    hit = scores[scores["round_id"] == f"{city}-2026-test"]
    assert hit["score"].tolist() == [2]
    db.dispose_all()


def test_bad_scores_and_rows_of_another_city_are_named(built_data):
    cities = list(built_data["cities"]["city_id"])
    city, other = cities[0], cities[1]
    book = workbook(built_data, city)
    rounds = sheet(book, "scorecard_rounds")
    theirs = {**new_round(built_data, other), "round_id": f"{other}-2026-theirs"}
    row_theirs = append_row(rounds, theirs)
    row_mine = append_row(rounds, new_round(built_data, city))
    scores = sheet(book, "scorecard_scores")
    row_high = append_row(
        scores, {"round_id": f"{city}-2026-test", "question_code": first_question(built_data), "score": 5}
    )
    row_for_them = append_row(
        scores, {"round_id": f"{other}-2026-theirs", "question_code": first_question(built_data), "score": 1}
    )
    _, problems = sb.check_upload(as_bytes(book), built_data, city)
    found = {(p.sheet, p.row, p.column, p.code) for p in problems}
    assert (rounds.title, row_theirs, "city_id", "other_city") in found
    assert (scores.title, row_high, "score", "not_allowed") in found
    assert (scores.title, row_for_them, "round_id", "other_city") in found
    assert not any(p.sheet == rounds.title and p.row == row_mine for p in problems)
    texts = " ".join(sb.problem_text(p, lang) for p in problems for lang in ("ru", "en"))
    assert "Traceback" not in texts and "in_range" not in texts


def test_a_workbook_cannot_take_over_another_citys_event_or_loss_by_its_code(built_data):
    events = built_data["events"]
    city = str(built_data["cities"]["city_id"].iloc[0])
    theirs = events[events["city_id"] != city].iloc[0]
    book = workbook(built_data, city)
    ws = sheet(book, "events")
    record = {
        c: theirs[c]
        for c in ("event_id", "start_date", "hazard_type", "title_ru", "title_en", "status", "source_id")
    }
    row = append_row(ws, {**record, "city_id": city, "start_date": str(theirs["start_date"])})
    _, problems = sb.check_upload(as_bytes(book), built_data, city)
    assert (row, "event_id", "other_city") in {(p.row, p.column, p.code) for p in problems}
