"""Figures from the cities: the workbook template, the checking of an upload (every problem at once,
named by sheet, row, column and reason in the reader's language; nothing partial saved), review by
another administrator, and publishing as a new validated build that never replaces a good one
with a bad one."""

from __future__ import annotations

import base64
import json
import shutil
import uuid
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain.build import build
from domain.queries import load_build
from services import db, publish
from services import submissions as sb
from tests import dash_http as h
from tests.workbooks import as_bytes, column_of, workbook


@pytest.fixture(scope="module")
def city(built_data) -> str:
    """A city of the data that has indicator values and events (the first such in id order)."""
    values, events = built_data["indicator_values"], built_data["events"]
    return sorted(set(values["city_id"]) & set(events["city_id"]))[0]


def test_the_template_holds_what_the_dashboard_shows_with_headers_in_the_language(built_data, city):
    for lang, sheet in (("ru", "Значения показателей"), ("en", "Indicator values")):
        book = workbook(built_data, city, lang)
        ws = book[sheet]
        mine = built_data["indicator_values"][built_data["indicator_values"]["city_id"] == city]
        assert ws.max_row - 1 == len(mine)
        assert ws.cell(1, column_of(ws, "year", lang)).value == sb.column_label("year", lang)
    # the template as it is changes nothing
    assert [p.code for p in sb.check_upload(as_bytes(book), built_data, city)[1]] == ["nothing_changed"]


def test_every_problem_is_named_at_once_in_plain_words(built_data, city):
    book = workbook(built_data, city)
    ws, ev = book["Indicator values"], book["Past disasters"]
    value, city_col = column_of(ws, "value"), column_of(ws, "city_id")
    other = sorted(set(built_data["cities"]["city_id"]) - {city})[0]
    ws.cell(2, value).value = "many"
    ws.cell(3, value).value = "=2*2"
    ws.cell(4, city_col).value = other
    ws.cell(1, ws.max_column + 1).value = "My extra column"
    ev.cell(2, column_of(ev, "start_date")).value = "12.05.2020"
    ev.cell(2, column_of(ev, "status")).value = "maybe"
    changes, problems = sb.check_upload(as_bytes(book), built_data, city)
    assert changes == {}
    found = {(p.sheet, p.row, p.column, p.code) for p in problems}
    assert found == {
        ("Indicator values", 2, "value", "not_number"),
        ("Indicator values", 3, "value", "formula"),
        ("Indicator values", 4, "city_id", "other_city"),
        ("Indicator values", 1, "My extra column", "unknown_column"),
        ("Past disasters", 2, "start_date", "date_as_text"),
        ("Past disasters", 2, "status", "not_allowed"),
    }
    texts = [sb.problem_text(p, "en") for p in problems] + [sb.problem_text(p, "ru") for p in problems]
    assert "Sheet 'Indicator values', row 2, column 'Value': 'many' is not a number." in texts
    assert any(t.startswith("Лист «Past disasters», строка 2, столбец «Статус") for t in texts)
    assert not any(w in " ".join(texts) for w in ("str_matches", "float64", "isin(", "coerce"))


def test_a_missing_column_or_a_file_that_is_no_workbook_is_refused(built_data, city):
    book = workbook(built_data, city)
    book["Hazard assessments"].delete_cols(column_of(book["Hazard assessments"], "level"))
    problems = sb.check_upload(as_bytes(book), built_data, city)[1]
    assert [(p.column, p.code) for p in problems] == [("level", "missing_column")]
    assert [p.code for p in sb.check_upload(b"%PDF-1.4 not a workbook", built_data, city)[1]] == [
        "not_workbook"
    ]
    assert [p.code for p in sb.check_upload(b"PK" + b"0" * (50 * 1024 * 1024), built_data, city)[1]] == [
        "too_large"
    ]


def test_a_change_is_read_as_the_rows_that_differ(built_data, city):
    book = workbook(built_data, city)
    ws = book["Indicator values"]
    ws.cell(2, column_of(ws, "value")).value = 12.5
    ws.cell(2, column_of(ws, "year")).value = 2026
    changes, problems = sb.check_upload(as_bytes(book), built_data, city)
    assert problems == [] and list(changes) == ["indicator_values"]
    row = changes["indicator_values"][0]
    assert len(changes["indicator_values"]) == 1 and row["value"] == "12.5" and row["year"] == "2026"


def test_a_publish_ticket_is_signed_and_short_lived():
    ticket = sb.publish_ticket("chief", now=1000)
    assert sb.ticket_user(ticket, now=1030) == "chief"
    assert sb.ticket_user({**ticket, "by": "intruder"}, now=1030) is None
    assert sb.ticket_user(ticket, now=1000 + sb.TICKET_SECONDS + 1) is None
    assert sb.ticket_user({"by": "chief", "issued": 1000, "sig": "0" * 64}, now=1001) is None


# --- through the app: upload, review, publish ------------------------------------------------------


def upload_body(client, contents: str, city: str) -> dict:
    key = h.callback_key(client, "admin-my-submissions.children")
    return h.dash_post(
        client,
        key,
        [("admin-upload", "contents", contents)],
        [
            ("admin-upload", "filename", "figures.xlsx"),
            ("admin-city", "value", city),
            ("admin-lang", "data", "en"),
        ],
    ).get_json()


def review_body(client, submission_id, approve: bool, comment: str = "") -> dict:
    key = h.callback_key(client, "admin-review-message.children")
    inputs = [
        ("admin-review-approve", "n_clicks", int(approve)),
        ("admin-review-return", "n_clicks", int(not approve)),
    ]
    body = h.callback_body(
        key,
        inputs,
        [
            ("admin-review-pick", "value", submission_id),
            ("admin-review-comment", "value", comment),
            ("admin-lang", "data", "en"),
        ],
    )
    body["changedPropIds"] = ["admin-review-approve.n_clicks" if approve else "admin-review-return.n_clicks"]
    return client.post("/_dash-update-component", json=body).get_json()


def xlsx_contents(data: bytes) -> str:
    return (
        "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
        + base64.b64encode(data).decode()
    )


@pytest.fixture()
def people(dash_app, city, built_data):
    from services import auth

    engine = db.get_engine()
    tag = uuid.uuid4().hex[:6]
    other = sorted(set(built_data["cities"]["city_id"]) - {city})[0]
    made = {
        "editor": db.create_user(engine, f"sub-ed-{tag}", h.PASSWORD, "editor", city),
        "other": db.create_user(engine, f"sub-ot-{tag}", h.PASSWORD, "editor", other),
        "admin": db.create_user(engine, f"sub-ad-{tag}", h.PASSWORD, "admin"),
    }
    auth.reset_sign_in_limits()
    yield made
    with Session(engine) as session, session.begin():
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.submitted_by.like(f"sub-%-{tag}")))


client_of = partial(h.signed_in, network="10.66.0")


def test_an_upload_waits_for_review_by_an_administrator_who_did_not_send_it(
    dash_app, built_data, city, people
):
    editor = client_of(dash_app, people["editor"], 1)
    count = len(db.submissions_frame(db.get_engine()))
    # bad uploads: a clear message, nothing saved
    for bad in ("data:text/plain;base64," + base64.b64encode(b"hello").decode(), "data:x;base64,!!!"):
        answer = json.dumps(upload_body(editor, bad, city))
        assert "admin-upload-problems" in answer and "not an Excel workbook" in answer
    big = "data:x;base64," + "A" * 7_400_000  # 5.5 MB once decoded: the upload's own limit
    assert "larger than 5 MB" in json.dumps(upload_body(editor, big, city))
    key = h.callback_key(editor, "admin-my-submissions.children")
    huge = editor.post(
        "/_dash-update-component",
        headers={"Accept-Language": "en"},
        json=h.callback_body(
            key,
            [("admin-upload", "contents", "data:x;base64," + "A" * (70 * 1024 * 1024))],
            [
                ("admin-upload", "filename", "figures.xlsx"),
                ("admin-city", "value", city),
                ("admin-lang", "data", "en"),
            ],
        ),
    )
    assert (
        huge.status_code == 413 and "larger than 8 MB" in huge.get_json()["detail"]
    )  # refused before it is read
    book = workbook(built_data, city)
    ws = book["Indicator values"]
    ws.cell(2, column_of(ws, "value")).value = "n/a"
    ws.cell(3, column_of(ws, "value")).value = 1.25
    assert "row 2, column 'Value'" in json.dumps(upload_body(editor, xlsx_contents(as_bytes(book)), city))
    assert len(db.submissions_frame(db.get_engine())) == count  # nothing partial
    # another city's editor and a visitor without a session are refused, whatever city they name
    ws.cell(2, column_of(ws, "value")).value = 7.75
    good = xlsx_contents(as_bytes(book))
    assert "admin-refused" in json.dumps(upload_body(client_of(dash_app, people["other"], 2), good, city))
    assert "admin-refused" in json.dumps(upload_body(dash_app.server.test_client(), good, city))
    assert len(db.submissions_frame(db.get_engine())) == count
    sent = json.dumps(upload_body(editor, good, city))
    assert "admin-upload-sent" in sent
    submission = db.submissions_frame(db.get_engine()).iloc[0]
    assert submission["status"] == "pending" and submission["submitted_by"] == people["editor"].username
    # the editor cannot approve; the administrator returns without a comment: refused; then approves
    assert "admin-refused" in json.dumps(review_body(editor, int(submission["id"]), True))
    admin = client_of(dash_app, people["admin"], 3)
    assert "Say in a comment" in json.dumps(review_body(admin, int(submission["id"]), False, ""))
    assert "admin-review-done" in json.dumps(review_body(admin, int(submission["id"]), True))
    assert db.get_submission(db.get_engine(), int(submission["id"]))["status"] == "approved"
    audit = db.audit_frame(db.get_engine())
    assert {"submitted", "review"} <= set(
        audit.loc[audit["action_id"] == f"submission:{submission['id']}", "field"]
    )
    # an administrator never reviews their own submission
    own = db.create_submission(
        db.get_engine(), city, "workbook", {"indicator_values": []}, people["admin"].username
    )
    assert "another administrator must review it" in json.dumps(review_body(admin, own, True))
    with Session(db.get_engine()) as session, session.begin():  # approved here, published by no one
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.id.in_([own, int(submission["id"])])))


def test_publishing_builds_with_the_approved_rows_and_a_bad_build_changes_nothing(
    tmp_path, built_data, city, src_copy
):
    url = f"sqlite:///{tmp_path / 'pub.db'}"
    db.upgrade(url)
    engine = db.get_engine(url)
    out = tmp_path / "data" / "build"
    build(src_copy, out)
    first = Path(out).resolve()
    indicator = built_data["indicator_values"][built_data["indicator_values"]["city_id"] == city].iloc[0]
    row = {
        "city_id": city,
        "indicator_id": indicator["indicator_id"],
        "year": "2026",
        "value": "1",
        "status": "sourced",
        "source_id": indicator["source_id"],
        "value_scope": "city",
        "note": "test",
    }
    sid = db.create_submission(engine, city, "workbook", {"indicator_values": [row]}, "focal")
    assert db.review_submission(engine, sid, "chief", True).ok
    steps = []
    result = publish.publish(
        engine, "chief", lambda done, total, step: steps.append(step), src=src_copy, out=out
    )
    assert result["ok"] and [s for s in steps] == ["collect", "build", "record", "done"]
    published = load_build(out)
    hit = published["indicator_values"]
    assert ((hit["city_id"] == city) & (hit["year"] == 2026) & (hit["note"] == "test")).sum() == 1
    assert db.get_submission(engine, sid)["status"] == "published"
    builds = db.published_builds_frame(engine)
    assert builds["build_id"].tolist() == [Path(out).resolve().name] and city in builds.iloc[0]["ranks"]
    # a bad approved row: the build fails, the published build keeps serving
    bad = {**row, "year": "2027", "value_scope": "planet"}
    sid2 = db.create_submission(engine, city, "workbook", {"indicator_values": [bad]}, "focal")
    db.review_submission(engine, sid2, "chief", True)
    serving = Path(out).resolve()
    failed = publish.publish(engine, "chief", src=src_copy, out=out)
    assert not failed["ok"] and "value_scope" in " ".join(failed["problems"])
    assert Path(out).resolve() == serving and len(db.published_builds_frame(engine)) == 1
    # every published build stays on disk, even after more builds
    build(src_copy, out)
    build(src_copy, out)
    assert serving.exists() and (serving / "PUBLISHED").exists() and first != serving
    db.dispose_all()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_the_index_history_names_a_missing_score_and_moves_of_rank():
    import pandas as pd

    from domain.publications import index_history

    builds = pd.DataFrame(
        [
            {
                "build_id": "b1",
                "published_at": pd.Timestamp("2026-12-01", tz="UTC"),
                "ranks": {"a": [5.0, 1], "b": [4.0, 2]},
            },
            {
                "build_id": "b2",
                "published_at": pd.Timestamp("2026-12-02", tz="UTC"),
                "ranks": {"a": [3.0, 3], "b": [4.0, 2], "new": [4.5, 1]},
            },
        ]
    )
    new = index_history(builds, "new")
    assert pd.isna(new.loc[0, "score"]) and pd.isna(new.loc[0, "rank"]) and new.loc[1, "score"] == 4.5
    a = index_history(builds, "a")
    assert a.loc[1, "score_change"] == -2.0 and a.loc[1, "rank_change"] == -2 and a.loc[1, "total"] == 3
