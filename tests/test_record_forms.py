"""One hazard assessment or one past disaster at a time: a focal point enters or corrects it in the admin
form; the row is checked like a workbook row plus the build's cross-table checks (an assessed level
rests on a basis figure whose threshold rule gives it), stored as a submission for review, and
another city's record is refused on the server, whatever the form says."""

from __future__ import annotations

import json
import os
import uuid
from functools import partial
from pathlib import Path

import pytest

from domain import record_forms as rf
from domain.provenance import BASIS_KINDS, HAZARD_LEVEL_PREFIX, NOT_ASSESSED
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


def cell(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


@pytest.fixture(scope="module")
def hazard(built_data) -> dict:
    """An assessed hazard whose basis metric has threshold rules and whose city has a coded index input."""
    hazards, values = built_data["hazards"], built_data["indicator_values"]
    coded = set(zip(values["city_id"], values["indicator_id"]))
    rules = set(built_data["hazard_thresholds"]["metric"])
    rows = hazards[(hazards["level"] != NOT_ASSESSED) & hazards["basis_metric"].isin(rules)]
    rows = rows[
        [(c, f"{HAZARD_LEVEL_PREFIX}{t}") in coded for c, t in zip(rows["city_id"], rows["hazard_type"])]
    ]
    return rows.sort_values(["city_id", "hazard_type"]).iloc[0].to_dict()


@pytest.fixture(scope="module")
def event(built_data) -> dict:
    return built_data["events"].sort_values("event_id").iloc[0].to_dict()


def hazard_form(row: dict, **changes) -> dict:
    return {**{name: cell(row.get(name)) for name in rf.HAZARD_FIELDS}, **changes}


def event_form(row: dict, **changes) -> dict:
    return {**{name: cell(row.get(name)) for name in rf.EVENT_FIELDS}, **changes}


def other_level(built_data, hazard: dict) -> tuple[str, str]:
    """Another assessed level of the same metric and a basis value inside its rule."""
    rules = built_data["hazard_thresholds"]
    rule = rules[(rules["metric"] == hazard["basis_metric"]) & (rules["level"] != hazard["level"])].iloc[0]
    value = rule["lower"] if rule["lower"] == rule["lower"] else rule["upper"] - 1
    return rule["level"], cell(float(value))


def test_an_unchanged_hazard_is_nothing_to_send_and_a_new_level_needs_its_figure(built_data, hazard):
    tables, city = built_data.tables, hazard["city_id"]
    assert [p.code for p in rf.check_hazard(hazard_form(hazard), tables, city, EN, ())[1]] == [
        "nothing_changed"
    ]
    level, value = other_level(built_data, hazard)
    # the level alone, with the old basis figure: the threshold rule gives another level
    refused = rf.check_hazard(hazard_form(hazard, level=level), tables, city, EN, ())[1]
    assert [(p.field, p.code) for p in refused] == [("level", "level_differs")]
    changes, problems = rf.check_hazard(
        hazard_form(hazard, level=level, basis_value=value), tables, city, EN, ()
    )
    assert problems == [] and changes["hazards"][0]["level"] == level
    # the coded index input of the hazard follows the level, so the build's cross-check holds
    rank = built_data["hazard_levels"].set_index("level").loc[level, "rank"]
    coded = changes["indicator_values"]
    assert coded and {r["indicator_id"] for r in coded} == {f"{HAZARD_LEVEL_PREFIX}{hazard['hazard_type']}"}
    assert {float(r["value"]) for r in coded} == {float(rank)} and {r["city_id"] for r in coded} == {city}
    # the columns the form does not show are kept from the dashboard's row
    assert changes["hazards"][0]["evidence_en"] == hazard["evidence_en"]


def test_a_hazard_level_rests_on_an_official_basis_figure(built_data, hazard):
    tables, city = built_data.tables, hazard["city_id"]
    missing = rf.check_hazard(hazard_form(hazard, basis_metric=None, basis_value=" "), tables, city, EN, ())[
        1
    ]
    assert {(p.field, p.code) for p in missing} == {
        ("basis_metric", "basis_needed"),
        ("basis_value", "basis_needed"),
    }
    sources = built_data["sources"]
    media = sources.loc[~sources["kind"].isin(BASIS_KINDS), "source_id"].iloc[0]
    refused = rf.check_hazard(
        hazard_form(hazard, basis_source_id=media, evidence_en="A news report."), tables, city, EN, ()
    )[1]
    assert [(p.field, p.code) for p in refused] == [("basis_source_id", "basis_not_official")]
    # read as the reader writes it; schema and references on their fields
    bad = hazard_form(
        hazard, basis_value="9,5", basis_year="1850", level="no-such-level", hazard_type="no-such-hazard"
    )
    found = {(p.field, p.code) for p in rf.check_hazard(bad, tables, city, EN, others("en"))[1]}
    assert found == {
        ("basis_value", "other_locale"),
        ("basis_year", "out_of_range"),
        ("level", "unknown_code"),
        ("hazard_type", "unknown_code"),
    }


def test_not_assessed_is_refused_while_the_risk_index_holds_the_level(built_data, hazard):
    form = hazard_form(hazard, level=NOT_ASSESSED, basis_metric=None, basis_value=None, basis_source_id=None)
    problems = rf.check_hazard(form, built_data.tables, hazard["city_id"], EN, ())[1]
    assert [(p.field, p.code) for p in problems] == [("level", "index_input_held")]


def test_a_past_disaster_new_or_corrected(built_data, event):
    tables, city = built_data.tables, event["city_id"]
    assert [p.code for p in rf.check_event(event_form(event), tables, city, EN, ())[1]] == ["nothing_changed"]
    changes, problems = rf.check_event(event_form(event, affected="1 200"), tables, city, RU, others("ru"))
    assert problems == [] and changes["events"][0]["affected"] == "1200"
    assert changes["events"][0]["event_id"] == event["event_id"]
    assert changes["events"][0]["description_en"] == event["description_en"]  # kept, though not on the form
    new, problems = rf.check_event(
        event_form(event, event_id=rf.NEW_EVENT, start_date="2024-05"), tables, city, EN, ()
    )
    made = new["events"][0]["event_id"]
    assert problems == [] and made not in set(built_data["events"]["event_id"]) and made.startswith(city)
    assert made.startswith(f"{city}_2024")
    again = rf.check_event(
        event_form(event, event_id=rf.NEW_EVENT, start_date="2024-05"),
        tables,
        city,
        EN,
        (),
        rf.sent_event_ids([{"changes": new}]),
    )[0]
    assert again["events"][0]["event_id"] not in {made, *built_data["events"]["event_id"]}
    bad = event_form(
        event, start_date="May 2024", deaths="-3", context="planet", title_en=None, affected="1,5"
    )
    found = {(p.field, p.code) for p in rf.check_event(bad, tables, city, EN, others("en"))[1]}
    assert {f for f, _ in found} == {"start_date", "deaths", "context", "title_en", "affected"}
    assert ("affected", "other_locale") in found and ("title_en", "required") in found


def test_another_citys_event_cannot_be_rewritten(built_data, event):
    other = min(set(built_data["cities"]["city_id"]) - {event["city_id"]})
    problems = rf.check_event(event_form(event, affected="5"), built_data.tables, other, EN, ())[1]
    assert ("event_id", "unknown_code") in {(p.field, p.code) for p in problems}


# --- through the app, as the browser posts it ----------------------------------------------------------


def field_id(kind: str, name: str) -> str:
    return f"admin-{kind}-{name.replace('_', '-')}"


def send(client, kind: str, city: str, form: dict, lang: str = "en") -> dict:
    fields = rf.HAZARD_FIELDS if kind == "hazard" else rf.EVENT_FIELDS
    key = h.callback_key(client, f"admin-{kind}-message.children")
    state = [
        ("admin-city", "value", city),
        *[(field_id(kind, n), "value", form.get(n)) for n in fields],
        ("admin-lang", "data", lang),
    ]
    response = h.dash_post(client, key, [(f"admin-{kind}-send", "n_clicks", 1)], state)
    assert response.status_code == 200
    return response.get_json()["response"]


def fill(client, kind: str, city: str, chosen, lang: str = "en") -> dict:
    first = "hazard_type" if kind == "hazard" else "event_id"
    key = h.callback_key(client, f"admin-{kind}-now.children")
    body = h.callback_body(
        key,
        [(field_id(kind, first), "value", chosen), ("admin-city", "value", city)],
        [("admin-lang", "data", lang)],
    )
    body["changedPropIds"] = [f"{field_id(kind, first)}.value"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()["response"]


@pytest.fixture(scope="module")
def people(dash_app, built_data, hazard, event):
    engine = db.get_engine()
    tag = uuid.uuid4().hex[:6]
    made = {}
    for city in {hazard["city_id"], event["city_id"]}:
        made[city] = db.create_user(engine, f"rec-ed-{city[:6]}-{tag}", h.PASSWORD, "editor", city)
    made["stranger"] = db.create_user(
        engine,
        f"rec-ot-{tag}",
        h.PASSWORD,
        "editor",
        min(set(built_data["cities"]["city_id"]) - {hazard["city_id"], event["city_id"]}),
    )
    made["admin"] = db.create_user(engine, f"rec-ad-{tag}", h.PASSWORD, "admin")
    auth.reset_sign_in_limits()
    yield made
    forget_submissions(f"rec-%-{tag}")


signed_in = partial(h.signed_in, network="10.68.0")


def test_choosing_a_hazard_or_an_event_puts_its_record_into_the_form(
    dash_app, built_data, hazard, event, people
):
    editor = signed_in(dash_app, people[hazard["city_id"]], 1)
    answer = fill(editor, "hazard", hazard["city_id"], hazard["hazard_type"])
    assert answer["admin-hazard-level"]["value"] == hazard["level"]
    assert answer["admin-hazard-basis-year"]["value"] == cell(hazard["basis_year"])
    assert "Now on the dashboard" in json.dumps(answer["admin-hazard-now"])
    editor = signed_in(dash_app, people[event["city_id"]], 2)
    answer = fill(editor, "event", event["city_id"], event["event_id"], lang="ru")
    assert answer["admin-event-title-ru"]["value"] == event["title_ru"]
    mine = set(built_data["events"].loc[built_data["events"]["city_id"] == event["city_id"], "event_id"])
    assert {o["value"] for o in answer["admin-event-event-id"]["data"]} == {rf.NEW_EVENT, *mine}
    stranger = signed_in(dash_app, people["stranger"], 3)
    refused = fill(stranger, "event", event["city_id"], event["event_id"])
    assert "admin-refused" in json.dumps(refused["admin-event-now"]) and "admin-event-title-ru" not in refused


def test_a_hazard_and_an_event_are_sent_for_review_with_the_right_rows(
    dash_app, built_data, hazard, event, people
):
    level, value = other_level(built_data, hazard)
    editor = signed_in(dash_app, people[hazard["city_id"]], 4)
    answer = send(editor, "hazard", hazard["city_id"], hazard_form(hazard, level=level, basis_value=value))
    assert "admin-hazard-sent" in json.dumps(answer["admin-hazard-message"])
    editor = signed_in(dash_app, people[event["city_id"]], 5)
    answer = send(
        editor,
        "event",
        event["city_id"],
        event_form(event, event_id=rf.NEW_EVENT, start_date="2024-05-02", title_en="Test flood", deaths="3"),
        "en",
    )
    assert "admin-event-sent" in json.dumps(answer["admin-event-message"])
    pending = db.submissions_frame(db.get_engine(), statuses=("pending",))
    mine = pending[pending["submitted_by"].isin({a.username for a in people.values()})]
    changes = {t: rows for sub in mine["changes"] for t, rows in sub.items()}
    assert set(mine["kind"]) == {"form"}
    assert changes["hazards"][0]["level"] == level and changes["hazards"][0]["city_id"] == hazard["city_id"]
    assert changes["events"][0]["deaths"] == "3" and changes["events"][0]["event_id"].startswith(
        f"{event['city_id']}_2024"
    )


def test_a_wrong_field_gets_its_message_beneath_it_and_nothing_is_saved(dash_app, hazard, event, people):
    before = len(db.submissions_frame(db.get_engine()))
    editor = signed_in(dash_app, people[hazard["city_id"]], 6)
    en = send(
        editor, "hazard", hazard["city_id"], hazard_form(hazard, basis_value="9,5", basis_metric=None), "en"
    )
    assert (
        en["admin-hazard-basis-value-error"]["children"]
        == "'9,5' is written the Russian way: in English write 9.5."
    )
    assert en["admin-hazard-basis-metric-error"]["children"].startswith(
        "An assessed level rests on a published figure"
    )
    assert en["admin-hazard-level-error"]["children"] is None and "admin-hazard-problems" in json.dumps(en)
    editor = signed_in(dash_app, people[event["city_id"]], 7)
    ru = send(editor, "event", event["city_id"], event_form(event, deaths="много", title_ru=None), "ru")
    assert ru["admin-event-deaths-error"]["children"].startswith("«много»")
    assert ru["admin-event-title-ru-error"]["children"] and ru["admin-event-status-error"]["children"] is None
    assert len(db.submissions_frame(db.get_engine())) == before


def test_another_citys_record_is_refused_on_the_server(dash_app, built_data, hazard, event, people):
    before = len(db.submissions_frame(db.get_engine()))
    stranger = signed_in(dash_app, people["stranger"], 8)
    own = people["stranger"].city_id
    level, value = other_level(built_data, hazard)
    for client, kind, city, form in (
        (stranger, "hazard", hazard["city_id"], hazard_form(hazard, level=level, basis_value=value)),
        (stranger, "event", event["city_id"], event_form(event, affected="7")),
        (dash_app.server.test_client(), "event", event["city_id"], event_form(event, affected="7")),
    ):
        assert "admin-refused" in json.dumps(send(client, kind, city, form)[f"admin-{kind}-message"])
    # the stranger's own city, naming the other city's event: refused on the event, never rewritten
    answer = send(stranger, "event", own, event_form(event, affected="7"))
    assert answer["admin-event-event-id-error"]["children"]
    assert len(db.submissions_frame(db.get_engine())) == before


def test_a_hazard_and_an_event_are_reviewed_by_another_administrator_and_published(
    dash_app, built_data, hazard, event, people, src_copy, tmp_path
):
    level, value = other_level(built_data, hazard)
    sent = []
    for n, (kind, city, form) in enumerate(
        (
            ("hazard", hazard["city_id"], hazard_form(hazard, level=level, basis_value=value)),
            (
                "event",
                event["city_id"],
                event_form(
                    event,
                    event_id=rf.NEW_EVENT,
                    start_date="2023-07",
                    title_en="Form flood",
                    title_ru="Паводок из формы",
                    deaths=None,
                    affected="1 234",
                ),
            ),
        ),
        10,
    ):
        assert f"admin-{kind}-sent" in json.dumps(
            send(signed_in(dash_app, people[city], n), kind, city, form, "ru")
        )
        pending = db.submissions_frame(db.get_engine(), statuses=("pending",), city_id=city)
        sent.append(int(pending[pending["submitted_by"] == people[city].username]["id"].max()))
    admin = signed_in(dash_app, people["admin"], 12)
    for number in sent:
        assert "admin-review-done" in json.dumps(review_body(admin, number, True))
    out = tmp_path / "data" / "build"
    result = publish.publish(db.get_engine(), people["admin"].username, src=src_copy, out=out)
    assert result["ok"], result["problems"]
    build = load_build(out)
    hazards = build["hazards"].set_index(["city_id", "hazard_type"])
    assert hazards.loc[(hazard["city_id"], hazard["hazard_type"]), "level"] == level
    values = build["indicator_values"]
    coded = values[
        (values["city_id"] == hazard["city_id"])
        & (values["indicator_id"] == f"{HAZARD_LEVEL_PREFIX}{hazard['hazard_type']}")
    ]
    rank = built_data["hazard_levels"].set_index("level").loc[level, "rank"]
    assert not coded.empty and set(coded["value"]) == {float(rank)}
    events = build["events"]
    made = events[(events["city_id"] == event["city_id"]) & (events["title_en"] == "Form flood")]
    assert made[["start_date", "affected", "status"]].values.tolist() == [
        ["2023-07", 1234.0, event["status"]]
    ]
    assert all(db.get_submission(db.get_engine(), n)["status"] == "published" for n in sent)


HOSTILE = [["a", "b"], {"x": 1}, 10**30, "<b>1</b>", "9" * 5000, "", None, True]


@pytest.mark.parametrize("kind", ["hazard", "event"])
def test_hostile_values_get_a_message_never_a_failure(dash_app, hazard, people, kind):
    editor = signed_in(dash_app, people[hazard["city_id"]], 9)
    before = len(db.submissions_frame(db.get_engine()))
    fields = rf.HAZARD_FIELDS if kind == "hazard" else rf.EVENT_FIELDS
    for hostile in HOSTILE:
        answer = json.dumps(send(editor, kind, hazard["city_id"], {n: hostile for n in fields}))
        assert f"admin-{kind}-problems" in answer
        fill(editor, kind, hazard["city_id"], hostile, lang=hostile)
    assert len(db.submissions_frame(db.get_engine())) == before


SHOTS = Path(os.environ.get("SHOTS_DIR", "")) if os.environ.get("SHOTS_DIR") else None


def test_the_hazard_form_in_the_browser_names_the_problem_beside_the_field(
    dash_duo, dash_app, built_data, hazard
):
    account = db.create_user(
        db.get_engine(), f"rec-br-{uuid.uuid4().hex[:6]}", BROWSER_PASSWORD, "editor", hazard["city_id"]
    )
    dash_duo.start_server(dash_app)
    browser_sign_in(dash_duo, account.username)
    dash_duo.driver.set_window_size(1366, 768)
    dash_duo.driver.get(dash_duo.server_url + "/admin?lang=en")
    dash_duo.wait_for_element("#admin-records-section", timeout=15)
    dash_duo.find_element("#admin-hazard-details summary").click()
    name = built_data["hazard_types"].set_index("hazard_type").loc[hazard["hazard_type"], "name_en"]
    choose(dash_duo, "#admin-hazard-hazard-type", name)
    dash_duo.wait_for_contains_text("#admin-hazard-now", "Now on the dashboard", timeout=10)
    box = dash_duo.find_element("#admin-hazard-basis-value")
    dash_duo.driver.execute_script("arguments[0].select()", box)
    box.send_keys("9,5")
    dash_duo.find_element("#admin-hazard-send").click()
    dash_duo.wait_for_contains_text("#admin-hazard-basis-value-error", "in English write 9.5", timeout=10)
    dash_duo.find_element("#admin-event-details summary").click()
    dash_duo.wait_for_element("#admin-event-event-id")
    assert axe_violations(dash_duo, "#admin-records-section") == []
    if SHOTS:
        dash_duo.driver.execute_script("document.getElementById('admin-records-section').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / "records-desktop-en.png"))
    dash_duo.driver.set_window_size(390, 844)  # on a phone: still no violation, nothing scrolls sideways
    dash_duo.wait_for_contains_text("#admin-hazard-basis-value-error", "in English write 9.5", timeout=5)
    assert axe_violations(dash_duo, "#admin-records-section") == []
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    if SHOTS:
        dash_duo.driver.execute_script("document.getElementById('admin-hazard-basis-value').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / "records-phone-en.png"))
    assert h.console_errors(dash_duo.get_logs()) == []
