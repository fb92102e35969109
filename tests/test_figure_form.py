"""One figure at a time: a focal point enters or corrects one indicator value in the admin form.
The number is read as the reader writes it, the row is checked like a workbook row, stored as a
submission for the same review by another administrator, and published by the same build; another
city's figure is refused on the server, whatever the form says."""

from __future__ import annotations

import json
import uuid
from functools import partial

import pytest

from domain import figure_form as ff
from domain.queries import load_build
from i18n import LANGUAGES, LOCALES
from services import auth, db, publish
from tests import dash_http as h
from tests.db_helpers import forget_submissions
from tests.dmc_helpers import choose
from tests.test_actions_pages import PASSWORD as BROWSER_PASSWORD
from tests.test_actions_pages import sign_in as browser_sign_in
from tests.test_outlook_pages import axe_violations
from tests.test_submissions import review_body

RU, EN = LOCALES["ru"], LOCALES["en"]


def others(lang: str) -> tuple[str, ...]:
    return tuple(LOCALES[o] for o in LANGUAGES if o != lang)


@pytest.fixture(scope="module")
def figure(built_data) -> dict:
    """A value the dashboard holds (the first linearly scaled one in key order) and its city."""
    values = built_data["indicator_values"]
    linear = set(
        built_data["indicators"].loc[built_data["indicators"]["transform"] == "linear", "indicator_id"]
    )
    row = values[values["indicator_id"].isin(linear)].sort_values(["city_id", "indicator_id", "year"]).iloc[0]
    return row.to_dict()


def form_of(row: dict, **changes) -> dict:
    base = {
        "indicator_id": row["indicator_id"],
        "year": str(int(row["year"])),
        "value": "1 234,5",
        "status": "estimated",
        "value_scope": "city",
        "source_id": row["source_id"],
        "note": None,
        "source_title": None,
        "source_url": None,
        "source_kind": None,
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "lang, typed, expected",
    [
        ("ru", "1 234,5", "1234.5"),
        ("ru", "1\u00a0234,5", "1234.5"),
        ("ru", "-0,25", "-0.25"),
        ("ru", "7", "7"),
        ("en", "1,234.5", "1234.5"),
        ("en", "1234.5", "1234.5"),
        ("en", "-0.25", "-0.25"),
    ],
)
def test_a_number_is_read_as_the_reader_writes_it(lang, typed, expected):
    number, problem = ff.read_number(typed, LOCALES[lang], others(lang))
    assert problem is None and ff.number_text(number) == expected


@pytest.mark.parametrize(
    "lang, typed, code, suggestion",
    [
        ("ru", "1,234.5", "other_locale", "1\u00a0234,5"),
        ("en", "1 234,5", "other_locale", "1,234.5"),
        ("en", "1,5", "other_locale", "1.5"),  # never read as fifteen
        ("ru", "много", "not_number_locale", None),
        ("en", "NaN", "not_number_locale", None),
        ("en", " ", "required", None),
    ],
)
def test_a_number_written_another_way_is_refused_with_how_to_write_it(lang, typed, code, suggestion):
    number, problem = ff.read_number(typed, LOCALES[lang], others(lang))
    assert number is None and problem.field == "value" and problem.code == code
    if suggestion:
        assert problem.params["suggestion"] == suggestion


def test_the_form_row_gets_the_workbook_checks_and_the_builds_cross_checks(built_data, figure):
    city, tables = figure["city_id"], built_data.tables
    changes, problems = ff.check_figure(form_of(figure), tables, city, RU, others("ru"), "2026-12")
    assert problems == [] and changes["indicator_values"][0]["value"] == "1234.5"
    # the same figure as the dashboard holds: nothing to send
    same = form_of(
        figure,
        value=ff.shown_number(figure["value"], EN),
        status=figure["status"],
        value_scope=figure["value_scope"],
        note=figure.get("note") if isinstance(figure.get("note"), str) else None,
    )
    assert [p.code for p in ff.check_figure(same, tables, city, EN, others("en"), "2026-12")[1]] == [
        "nothing_changed"
    ]
    # schema, references and reading, all at once, each on its field
    bad = form_of(figure, year="1850", indicator_id="no-such-indicator", status=None, value="1,234.5")
    found = {(p.field, p.code) for p in ff.check_figure(bad, tables, city, RU, others("ru"), "2026-12")[1]}
    assert found == {
        ("year", "out_of_range"),
        ("indicator_id", "unknown_code"),
        ("status", "required"),
        ("value", "other_locale"),
    }
    assert (
        ff.check_figure(form_of(figure, year="20x4"), tables, city, RU, (), "2026-12")[1][0].code
        == "not_year"
    )
    # the build's cross-table checks: a derived source is not 'sourced'; a log-scaled value is above zero
    derived = built_data["sources"].loc[built_data["sources"]["kind"] == "derived", "source_id"].iloc[0]
    refused = ff.check_figure(
        form_of(figure, source_id=derived, status="sourced"), tables, city, RU, (), "2026-12"
    )[1]
    assert [(p.field, p.code) for p in refused] == [("status", "derived_not_sourced")]
    log_id = (
        built_data["indicators"].loc[built_data["indicators"]["transform"] == "log", "indicator_id"].iloc[0]
    )
    zero = ff.check_figure(form_of(figure, indicator_id=log_id, value="0"), tables, city, RU, (), "2026-12")[
        1
    ]
    assert [(p.field, p.code) for p in zero] == [("value", "not_log_scalable")]


def test_a_submitted_row_is_shown_beside_the_value_it_replaces(built_data, figure):
    values = built_data["indicator_values"]
    row = {
        "city_id": figure["city_id"],
        "indicator_id": figure["indicator_id"],
        "year": str(int(figure["year"])),
    }
    assert ff.held_value(values, row) == figure["value"]
    assert (
        ff.held_value(values, {**row, "year": "1901"}) is None
        and ff.held_value(values, {**row, "year": "x"}) is None
    )
    sent = [
        {
            "id": 2,
            "status": "approved",
            "submitted_by": "b",
            "changes": {"indicator_values": [{**row, "value": "2"}]},
        },
        {
            "id": 1,
            "status": "pending",
            "submitted_by": "a",
            "changes": {"indicator_values": [{**row, "value": "1"}], "sources": []},
        },
    ]
    assert [
        s["id"] for s in ff.sent_figures(sent, row["city_id"], row["indicator_id"], int(row["year"]))
    ] == [1, 2]
    assert ff.sent_figures(sent, row["city_id"], row["indicator_id"], 1901) == []


def test_a_new_source_gets_a_free_code_and_needs_title_link_and_kind(built_data, figure):
    city, tables = figure["city_id"], built_data.tables
    url = "https://www.example.org/figures"
    changes, problems = ff.check_figure(
        form_of(
            figure,
            source_id=ff.NEW_SOURCE,
            source_title="City statistics 2025",
            source_url=url,
            source_kind="official_statistics",
            status="sourced",
        ),
        tables,
        city,
        RU,
        (),
        "2026-12",
    )
    assert problems == []
    source = changes["sources"][0]
    assert source["source_id"] not in set(built_data["sources"]["source_id"]) and source["url"] == url
    assert (
        changes["indicator_values"][0]["source_id"] == source["source_id"] and source["accessed"] == "2026-12"
    )
    # a code sent in a submission not yet published is not given again
    sent = [{"changes": {"sources": [source], "indicator_values": []}}]
    again = ff.check_figure(
        form_of(
            figure,
            source_id=ff.NEW_SOURCE,
            source_title="Another table",
            source_url=url,
            source_kind="official_statistics",
            status="sourced",
            value="2",
        ),
        tables,
        city,
        RU,
        (),
        "2026-12",
        ff.sent_source_ids(sent),
    )[0]
    assert again["sources"][0]["source_id"] not in {source["source_id"], *built_data["sources"]["source_id"]}
    missing = ff.check_figure(
        form_of(figure, source_id=ff.NEW_SOURCE, source_url="example.org"), tables, city, RU, (), "2026-12"
    )[1]
    assert {(p.field, p.code) for p in missing} == {
        ("source_url", "bad_url"),
        ("source_title", "required"),
        ("source_kind", "required"),
    }


# --- through the app, as the browser posts it ----------------------------------------------------------

FIELD_IDS = {name: f"admin-figure-{name.replace('_', '-')}" for name in ff.FIELDS}


def send(client, city: str, form: dict, lang: str = "en") -> dict:
    key = h.callback_key(client, "admin-figure-message.children")
    state = [
        ("admin-city", "value", city),
        *[(FIELD_IDS[n], "value", form.get(n)) for n in ff.FIELDS],
        ("admin-lang", "data", lang),
    ]
    response = h.dash_post(client, key, [("admin-figure-send", "n_clicks", 1)], state)
    assert response.status_code == 200
    return response.get_json()["response"]


def fill_response(
    client, city: str, indicator_id: str, year, trigger: str = "admin-figure-indicator-id", lang: str = "en"
):
    key = h.callback_key(client, "admin-figure-now.children")
    body = h.callback_body(
        key,
        [
            ("admin-figure-indicator-id", "value", indicator_id),
            ("admin-figure-year", "value", year),
            ("admin-city", "value", city),
        ],
        [("admin-lang", "data", lang)],
    )
    body["changedPropIds"] = [f"{trigger}.value"]
    return client.post("/_dash-update-component", json=body)


def fill(client, city: str, indicator_id: str, year, **kw) -> dict:
    """What choosing an indicator (or typing a year) puts into the form."""
    return fill_response(client, city, indicator_id, year, **kw).get_json()["response"]


@pytest.fixture(scope="module")
def people(dash_app, built_data, figure):
    engine = db.get_engine()
    tag = uuid.uuid4().hex[:6]
    other = min(set(built_data["cities"]["city_id"]) - {figure["city_id"]})
    made = {
        "editor": db.create_user(engine, f"fig-ed-{tag}", h.PASSWORD, "editor", figure["city_id"]),
        "other": db.create_user(engine, f"fig-ot-{tag}", h.PASSWORD, "editor", other),
        "admin": db.create_user(engine, f"fig-ad-{tag}", h.PASSWORD, "admin"),
        "other_city": other,
    }
    auth.reset_sign_in_limits()
    yield made
    forget_submissions(f"fig-%-{tag}")


signed_in = partial(h.signed_in, network="10.67.0")


def test_editing_shows_the_current_figure_and_puts_it_into_the_form(dash_app, built_data, figure, people):
    editor = signed_in(dash_app, people["editor"], 1)
    latest = built_data["indicator_values"]
    rows = latest[
        (latest["city_id"] == figure["city_id"]) & (latest["indicator_id"] == figure["indicator_id"])
    ]
    newest = rows.sort_values("year").iloc[-1]
    answer = fill(editor, figure["city_id"], figure["indicator_id"], None)
    assert answer["admin-figure-year"]["value"] == int(
        newest["year"]
    )  # a new indicator starts at its latest year
    assert answer["admin-figure-value"]["value"] == ff.shown_number(newest["value"], EN)
    assert answer["admin-figure-status"]["value"] == newest["status"]
    assert "Now on the dashboard for" in json.dumps(answer["admin-figure-now"])
    assert ru_now(editor, figure) == ff.shown_number(newest["value"], RU)
    empty = fill(editor, figure["city_id"], figure["indicator_id"], "1901", trigger="admin-figure-year")
    assert "No value for 1901 yet" in json.dumps(empty["admin-figure-now"])
    assert "admin-figure-value" not in empty  # what the user typed stays
    refused = fill(signed_in(dash_app, people["other"], 2), figure["city_id"], figure["indicator_id"], None)
    assert "admin-refused" in json.dumps(refused["admin-figure-now"]) and "admin-figure-value" not in refused


def ru_now(client, figure) -> str:
    return fill(client, figure["city_id"], figure["indicator_id"], None, lang="ru")["admin-figure-value"][
        "value"
    ]


def test_a_wrongly_written_number_gets_its_message_next_to_the_field_in_both_languages(
    dash_app, figure, people
):
    editor = signed_in(dash_app, people["editor"], 3)
    before = len(db.submissions_frame(db.get_engine()))
    en = send(editor, figure["city_id"], form_of(figure, value="1 234,5"), "en")
    assert (
        en["admin-figure-value-error"]["children"]
        == "'1 234,5' is written the Russian way: in English write 1,234.5."
    )
    assert en["admin-figure-year-error"]["children"] is None
    assert "admin-figure-problems" in json.dumps(en["admin-figure-message"])
    ru = send(editor, figure["city_id"], form_of(figure, value="1,234.5", year="двадцать"), "ru")
    assert (
        ru["admin-figure-value-error"]["children"]
        == "«1,234.5» записано по-английски: по-русски пишите 1\u00a0234,5."
    )
    assert ru["admin-figure-year-error"]["children"].startswith("«двадцать» — не год")
    assert len(db.submissions_frame(db.get_engine())) == before  # nothing saved


def test_another_citys_figure_is_refused_on_the_server(dash_app, figure, people):
    count = len(db.submissions_frame(db.get_engine()))
    editor = signed_in(dash_app, people["editor"], 4)
    stranger = signed_in(dash_app, people["other"], 5)
    for client, city in (
        (editor, people["other_city"]),
        (stranger, figure["city_id"]),
        (dash_app.server.test_client(), figure["city_id"]),
    ):
        answer = send(client, city, form_of(figure))
        assert "admin-refused" in json.dumps(answer["admin-figure-message"])
    assert len(db.submissions_frame(db.get_engine())) == count


def test_one_figure_is_reviewed_by_another_administrator_and_published(
    dash_app, figure, people, src_copy, tmp_path
):
    editor = signed_in(dash_app, people["editor"], 6)
    year = str(int(figure["year"]) + 1) if int(figure["year"]) < 2100 else "1999"
    form = form_of(
        figure,
        year=year,
        value="12,345.75",
        status="estimated",
        value_scope="region",
        note="typed in the form",
    )
    answer = send(editor, figure["city_id"], form)
    assert "admin-figure-sent" in json.dumps(answer["admin-figure-message"])
    assert "admin-my-submissions-table" in json.dumps(answer["admin-my-submissions"])
    pending = db.submissions_frame(db.get_engine(), statuses=("pending",), city_id=figure["city_id"])
    sub = pending[pending["submitted_by"] == people["editor"].username].iloc[0]
    assert sub["kind"] == "form" and sub["changes"]["indicator_values"][0]["value"] == "12345.75"
    # the form and the reviewer see it beside what the dashboard holds
    waiting = json.dumps(
        fill(editor, figure["city_id"], figure["indicator_id"], year, trigger="admin-figure-year")
    )
    assert f"Sent as #{sub['id']} by {people['editor'].username}, waiting for review: 12,345.75" in waiting
    admin = signed_in(dash_app, people["admin"], 7)
    key = h.callback_key(admin, "admin-review-detail.children")
    detail = json.dumps(
        h.dash_post(
            admin, key, [("admin-review-pick", "value", int(sub["id"]))], [("admin-lang", "data", "en")]
        ).get_json()
    )
    assert "Now on the dashboard" in detail and "12345.75" in detail
    # the editor cannot approve their own figure; another administrator does
    assert "admin-refused" in json.dumps(review_body(editor, int(sub["id"]), True))
    assert "admin-review-done" in json.dumps(review_body(admin, int(sub["id"]), True))
    out = tmp_path / "data" / "build"
    result = publish.publish(db.get_engine(), people["admin"].username, src=src_copy, out=out)
    assert result["ok"], result["problems"]
    values = load_build(out)["indicator_values"]
    hit = values[
        (values["city_id"] == figure["city_id"])
        & (values["indicator_id"] == figure["indicator_id"])
        & (values["year"] == int(year))
    ]
    assert hit[["value", "status", "value_scope", "note"]].values.tolist() == [
        [12345.75, "estimated", "region", "typed in the form"]
    ]
    assert db.get_submission(db.get_engine(), int(sub["id"]))["status"] == "published"
    log = json.dumps(h.route(admin, "/data", "?lang=en&tab=changes").get_json())
    assert result["build_id"] in log and people["editor"].username in log and people["admin"].username in log


def test_the_form_in_the_browser_names_the_problem_beside_the_field(
    dash_duo, dash_app, built_data, figure, people
):
    account = db.create_user(
        db.get_engine(), f"fig-br-{uuid.uuid4().hex[:6]}", BROWSER_PASSWORD, "editor", figure["city_id"]
    )
    dash_duo.start_server(dash_app)
    browser_sign_in(dash_duo, account.username)
    dash_duo.driver.get(dash_duo.server_url + "/admin?lang=en")
    dash_duo.wait_for_element("#admin-figure-section", timeout=15)
    indicator = built_data["indicators"].set_index("indicator_id").loc[figure["indicator_id"]]
    category = built_data["categories"].set_index("category_id").loc[indicator["category_id"], "name_en"]
    choose(dash_duo, "#admin-figure-indicator-id", f"{indicator['name_en']} — {category}")
    dash_duo.wait_for_contains_text("#admin-figure-now", "Now on the dashboard for", timeout=10)
    box = dash_duo.find_element("#admin-figure-value")
    dash_duo.driver.execute_script("arguments[0].select()", box)
    box.send_keys("1 234,5")
    dash_duo.find_element("#admin-figure-send").click()
    dash_duo.wait_for_contains_text("#admin-figure-value-error", "in English write 1,234.5", timeout=10)
    assert axe_violations(dash_duo, "#admin-figure-section") == []
    dash_duo.driver.set_window_size(390, 844)  # on a phone: still no violation, nothing scrolls sideways
    dash_duo.wait_for_contains_text("#admin-figure-value-error", "in English write 1,234.5", timeout=5)
    assert axe_violations(dash_duo, "#admin-figure-section") == []
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert h.console_errors(dash_duo.get_logs()) == []


HOSTILE = [["a", "b"], {"x": 1}, 10**30, "<b>1</b>", "9" * 5000, "", None, True]


def test_hostile_values_get_a_message_never_a_failure(dash_app, figure, people):
    admin = signed_in(dash_app, people["admin"], 8)
    before = len(db.submissions_frame(db.get_engine()))
    for city, hostile in [(c, v) for v in HOSTILE for c in (figure["city_id"], v)]:
        form = {name: hostile for name in ff.FIELDS}
        answer = json.dumps(send(admin, city, form))
        assert "admin-figure-problems" in answer or "admin-refused" in answer
        assert (
            "Markdown" not in answer and "dangerously_allow_html" not in answer
        )  # typed markup comes back as text
        assert fill_response(admin, city, hostile, hostile, lang=hostile).status_code in (200, 204)
    assert len(db.submissions_frame(db.get_engine())) == before
