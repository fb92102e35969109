"""Access control, systematically: every private callback and route, called by direct HTTP POST
(Flask's test client, as a script would, bypassing the page) as an anonymous visitor, as another
city's editor, as the right editor and as an administrator. Only the last two get anything.

A guard test lists every callback the app registers: a new callback touching the editing pages
(`admin-*`) must be added to MATRIX, so nothing private is left unchecked."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain.actions import state_of
from domain.figure_form import FIELDS as FIGURE_FIELDS
from domain.record_forms import EVENT_FIELDS, HAZARD_FIELDS, NEW_EVENT
from services import auth, db
from tests import dash_http as h

ROLES = ("anonymous", "other_city", "right_editor", "admin")
ALLOWED = {"anonymous": False, "other_city": False, "right_editor": True, "admin": True}


@pytest.fixture(scope="module")
def world(dash_app, built_data):
    actions = built_data["actions"]
    cities = sorted(actions["city_id"].unique())
    mine, other = cities[0], cities[1]
    rows = actions[
        (actions["city_id"] == mine) & (actions["status"] == "in_progress") & actions["actual_start"].notna()
    ]
    action = rows.sort_values("action_id").iloc[-1].to_dict()
    tag = uuid.uuid4().hex[:6]
    engine = db.get_engine()
    accounts = {
        "other_city": db.create_user(engine, f"mx-other-{tag}", h.PASSWORD, "editor", other),
        "right_editor": db.create_user(engine, f"mx-right-{tag}", h.PASSWORD, "editor", mine),
        "admin": db.create_user(engine, f"mx-admin-{tag}", h.PASSWORD, "admin"),
    }
    yield {
        "city": mine,
        "data": built_data,
        "action": action["action_id"],
        "state": state_of(action),
        "accounts": accounts,
    }
    with Session(engine) as session, session.begin():  # the city's own plan written here is removed
        session.execute(delete(db.PlanActionRow).where(db.PlanActionRow.city_id == mine))
        session.execute(delete(db.CityPlanRow).where(db.CityPlanRow.city_id == mine))
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.city_id == mine))


def client_as(dash_app, world, role: str, n: int):
    auth.reset_sign_in_limits()
    client = dash_app.server.test_client()
    if role != "anonymous":
        response = h.sign_in(
            client, world["accounts"][role].username, environ_base={"REMOTE_ADDR": f"10.44.0.{n}"}
        )
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin")
    return client


def version_of(world) -> int:
    return db.current_state(db.get_engine(), world["action"], world["state"])[0]


# Each entry: how to call it, and whether the answer gave the caller anything private.
def call_city_list(client, world):
    key = h.callback_key(client, "admin-city-actions.children")
    body = h.dash_post(
        client, key, [("admin-city", "value", world["city"])], [("admin-lang", "data", "en")]
    ).get_json()
    return bool(body["response"]["admin-action"]["options"])


def call_load(client, world):
    key = h.callback_key(client, "admin-status.options")
    body = h.dash_post(
        client,
        key,
        [("admin-action", "value", world["action"]), ("admin-reload", "n_clicks", 1)],
        [("admin-lang", "data", "en")],
    ).get_json()["response"]
    return body["admin-loaded"]["data"] is not None and body["admin-progress"]["value"] is not None


def call_save(client, world):
    before = version_of(world)
    s = world["state"]
    response = client.post(
        "/_dash-update-component",
        json=h.note_body(client, world["action"], before, s, f"matrix {uuid.uuid4().hex[:6]}"),
    )
    saved = h.message_id(response) == "admin-saved"
    assert saved == (version_of(world) == before + 1)  # the answer and the database agree
    return saved


def call_audit(client, world):
    key = h.callback_key(client, "admin-audit.rowData")
    rows = h.dash_post(
        client, key, [("admin-audit-refresh", "n_clicks", 1)], [("admin-lang", "data", "en")]
    ).get_json()
    return bool(rows["response"]["admin-audit"]["rowData"])


def call_admin_page(client, world):
    layout = json.dumps(h.route(client, "/admin", f"?lang=en&city={world['city']}").get_json())
    return "admin-form" in layout


def call_plan_load(client, world):
    key = h.callback_key(client, "admin-plan-title-ru.value")
    body = h.dash_post(
        client,
        key,
        [("admin-plan-pick", "value", "__new__")],
        [("admin-city", "value", world["city"]), ("admin-lang", "data", "en")],
    ).get_json()["response"]
    return body["admin-plan-loaded"]["data"] is not None


def call_plan_save(client, world):
    from tests.test_city_plans import GOOD, plan_body

    key = h.callback_key(client, "admin-plan-message.children@")
    before = len(db.plan_actions_frame(db.get_engine(), world["city"]))
    body = h.dash_post(
        client, key, [("admin-plan-save", "n_clicks", 1)], plan_body(GOOD, world["city"])
    ).get_json()
    saved = "admin-plan-saved" in json.dumps(body["response"])
    assert saved == (len(db.plan_actions_frame(db.get_engine(), world["city"])) == before + 1)
    return saved


def call_plan_replace(client, world):
    """Allowed means not refused (the second allowed caller finds the plan replaced already)."""
    key = h.callback_key(client, "admin-plan-state.children@")
    body = h.dash_post(
        client,
        key,
        [("admin-plan-replace", "n_clicks", 1)],
        [("admin-city", "value", world["city"]), ("admin-lang", "data", "en")],
    ).get_json()
    return "admin-refused" not in json.dumps(body["response"])


def call_template(client, world):
    key = h.callback_key(client, "admin-template-download.data")
    body = h.dash_post(
        client,
        key,
        [("admin-template-button", "n_clicks", 1)],
        [("admin-city", "value", world["city"]), ("admin-lang", "data", "en")],
    ).get_json()
    return bool((body["response"].get("admin-template-download") or {}).get("data"))


def call_upload(client, world):
    """A workbook with one changed value: stored for review only for the city's editor or an admin."""
    from tests.test_submissions import as_bytes, column_of, workbook, xlsx_contents

    book = workbook(world["data"], world["city"])
    ws = book["Indicator values"]
    ws.cell(2, column_of(ws, "value")).value = 4321.5
    before = len(db.submissions_frame(db.get_engine()))
    key = h.callback_key(client, "admin-my-submissions.children")
    body = h.dash_post(
        client,
        key,
        [("admin-upload", "contents", xlsx_contents(as_bytes(book)))],
        [
            ("admin-upload", "filename", "x.xlsx"),
            ("admin-city", "value", world["city"]),
            ("admin-lang", "data", "en"),
        ],
    ).get_json()
    sent = "admin-upload-sent" in json.dumps(body["response"])
    assert sent == (len(db.submissions_frame(db.get_engine())) == before + 1)
    return sent


def pending_submission(world) -> int:
    return db.create_submission(
        db.get_engine(), world["city"], "workbook", {"indicator_values": []}, "someone-else"
    )


def call_show_submission(client, world):
    key = h.callback_key(client, "admin-review-detail.children")
    body = h.dash_post(
        client,
        key,
        [("admin-review-pick", "value", pending_submission(world))],
        [("admin-lang", "data", "en")],
    ).get_json()
    return "admin-review-rows" in json.dumps(body["response"])


def call_review(client, world):
    number = pending_submission(world)
    key = h.callback_key(client, "admin-review-message.children")
    body = h.dash_post(
        client,
        key,
        [("admin-review-approve", "n_clicks", 1), ("admin-review-return", "n_clicks", 0)],
        [
            ("admin-review-pick", "value", number),
            ("admin-review-comment", "value", ""),
            ("admin-lang", "data", "en"),
        ],
    ).get_json()
    approved = "admin-review-done" in json.dumps(body["response"])
    assert approved == (db.get_submission(db.get_engine(), number)["status"] == "approved")
    with Session(db.get_engine()) as session, session.begin():  # approved here, never published
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.id == number))
    return approved


def call_publish(client, world):
    """Ask for a ticket (administrators only), then run the background job with whatever came back."""
    key = h.callback_key(client, "admin-publish-ticket.data")
    ticket = h.dash_post(
        client, key, [("admin-publish", "n_clicks", 1)], [("admin-lang", "data", "en")]
    ).get_json()
    ticket = ticket["response"]["admin-publish-ticket"]["data"] or {
        "by": "x",
        "issued": 0,
        "sig": "",
        "lang": "en",
    }
    job_key = h.callback_key(client, "admin-publish-message.children@")
    body = h.callback_body(job_key, [("admin-publish-ticket", "data", ticket)], [])
    job = client.post("/_dash-update-component", json=body).get_json()
    for _ in range(120):
        answer = client.post(
            f"/_dash-update-component?cacheKey={job['cacheKey']}&job={job['job']}", json=body
        ).get_json()
        if answer and "response" in answer:
            return "admin-publish-done" in json.dumps(answer["response"])
        time.sleep(0.25)
    raise AssertionError("the publish job did not finish")


def call_add_city(client, world):
    """A new city (a fresh code each call) sent for review: administrators only."""
    from domain.workbook import CITY_FIELDS

    code = f"mx-city-{uuid.uuid4().hex[:6]}"
    values = dict(
        city_id=code,
        name_ru="Матрица",
        name_en="Matrix",
        country_iso3="TST",
        country_ru="Тест",
        country_en="Test",
        admin1_ru="Область",
        admin1_en="Region",
        lat=40,
        lon=70,
        membership="candidate",
        member_since="2026-12-01",
    )
    states = [
        (f"admin-newcity-{n.replace('_', '-')}", "date" if n == "member_since" else "value", values[n])
        for n in CITY_FIELDS
    ]
    states += [
        ("admin-newcity-focal-user", "value", ""),
        ("admin-newcity-focal-password", "value", ""),
        ("admin-lang", "data", "en"),
    ]
    key = h.callback_key(client, "admin-newcity-message.children")
    body = h.dash_post(client, key, [("admin-newcity-add", "n_clicks", 1)], states).get_json()
    sent = "admin-newcity-sent" in json.dumps(body["response"])
    stored = db.submissions_frame(db.get_engine(), city_id=code)
    assert sent == (len(stored) == 1)
    with Session(db.get_engine()) as session, session.begin():
        session.execute(delete(db.SubmissionRow).where(db.SubmissionRow.city_id == code))
    return sent


def figure_form(world, **changes) -> list[tuple]:
    values = world["data"]["indicator_values"]
    row = values[values["city_id"] == world["city"]].sort_values(["indicator_id", "year"]).iloc[0]
    form = {
        "indicator_id": row["indicator_id"],
        "year": str(int(row["year"])),
        "value": str(float(row["value"]) + 1),
        "status": "estimated",
        "value_scope": "city",
        "source_id": row["source_id"],
        **changes,
    }
    return [(f"admin-figure-{n.replace('_', '-')}", "value", form.get(n)) for n in FIGURE_FIELDS]


def call_figure_fill(client, world):
    """What the dashboard holds for an indicator, put into the form: the city's editor or an admin."""
    values = world["data"]["indicator_values"]
    indicator = values.loc[values["city_id"] == world["city"], "indicator_id"].iloc[0]
    key = h.callback_key(client, "admin-figure-now.children")
    body = h.dash_post(
        client,
        key,
        [
            ("admin-figure-indicator-id", "value", indicator),
            ("admin-figure-year", "value", None),
            ("admin-city", "value", world["city"]),
        ],
        [("admin-lang", "data", "en")],
    ).get_json()
    return "admin-figure-value" in body["response"]


def call_figure_send(client, world):
    """One figure sent for review: stored only for the city's editor or an admin."""
    before = len(db.submissions_frame(db.get_engine()))
    key = h.callback_key(client, "admin-figure-message.children")
    body = h.dash_post(
        client,
        key,
        [("admin-figure-send", "n_clicks", 1)],
        [("admin-city", "value", world["city"]), *figure_form(world), ("admin-lang", "data", "en")],
    ).get_json()
    sent = "admin-figure-sent" in json.dumps(body["response"])
    assert sent == (len(db.submissions_frame(db.get_engine())) == before + 1)
    return sent


def record_state(kind: str, form: dict) -> list[tuple]:
    fields = HAZARD_FIELDS if kind == "hazard" else EVENT_FIELDS
    return [(f"admin-{kind}-{n.replace('_', '-')}", "value", form.get(n)) for n in fields]


def city_hazard(world) -> dict:
    hazards = world["data"]["hazards"]
    row = hazards[hazards["city_id"] == world["city"]].sort_values("hazard_type").iloc[0].to_dict()
    return {
        k: (
            None
            if isinstance(v, float) and v != v
            else str(int(v))
            if isinstance(v, float) and v == int(v)
            else v
        )
        for k, v in row.items()
    }


def call_record_fill(kind: str):
    def call(client, world):
        """A hazard assessment or past disaster of the city put into the form: the city's editor or an admin."""
        chosen = (
            ("hazard_type", city_hazard(world)["hazard_type"])
            if kind == "hazard"
            else ("event_id", NEW_EVENT)
        )
        key = h.callback_key(client, f"admin-{kind}-now.children")
        body = h.dash_post(
            client,
            key,
            [
                (f"admin-{kind}-{chosen[0].replace('_', '-')}", "value", chosen[1]),
                ("admin-city", "value", world["city"]),
            ],
            [("admin-lang", "data", "en")],
        ).get_json()
        return "admin-refused" not in json.dumps(body["response"]) and len(body["response"]) > 1

    return call


def call_record_send(kind: str):
    def call(client, world):
        """One hazard assessment or past disaster sent for review: stored only for the city's editor or an admin."""
        hazard = city_hazard(world)
        if kind == "hazard":
            form = {**hazard, "evidence_en": f"{hazard['evidence_en']} (checked {uuid.uuid4().hex[:6]})"}
        else:
            form = {
                "event_id": NEW_EVENT,
                "start_date": "2024",
                "hazard_type": hazard["hazard_type"],
                "title_ru": "Проверка доступа",
                "title_en": "Access check",
                "context": "city",
                "status": "estimated",
                "source_id": hazard["source_id"],
            }
        before = len(db.submissions_frame(db.get_engine()))
        key = h.callback_key(client, f"admin-{kind}-message.children")
        body = h.dash_post(
            client,
            key,
            [(f"admin-{kind}-send", "n_clicks", 1)],
            [("admin-city", "value", world["city"]), *record_state(kind, form), ("admin-lang", "data", "en")],
        ).get_json()
        sent = f"admin-{kind}-sent" in json.dumps(body["response"])
        assert sent == (len(db.submissions_frame(db.get_engine())) == before + 1)
        return sent

    return call


MATRIX = {
    "admin-action.options (city's action list)": (call_city_list, ALLOWED),
    "admin-status.options (load an action)": (call_load, ALLOWED),
    "admin-message.children (save)": (call_save, ALLOWED),
    "admin-audit.rowData (audit log)": (call_audit, {**ALLOWED, "right_editor": False}),
    "/admin (page layout)": (call_admin_page, {**ALLOWED, "other_city": True}),
    "admin-plan-title-ru.value (load a plan action)": (call_plan_load, ALLOWED),
    "admin-plan-message.children@ (save a plan action)": (call_plan_save, ALLOWED),
    "admin-plan-state.children@ (replace the demonstration plan)": (call_plan_replace, ALLOWED),
    "admin-template-download.data (the city's workbook)": (call_template, ALLOWED),
    "admin-upload-message.children (upload a workbook)": (call_upload, ALLOWED),
    "admin-review-detail.children (a submission's rows)": (
        call_show_submission,
        {**ALLOWED, "right_editor": False},
    ),
    "admin-review-message.children (approve or return)": (call_review, {**ALLOWED, "right_editor": False}),
    "admin-publish-ticket.data+admin-publish-message.children@ (ask to publish, then the job)": (
        call_publish,
        {**ALLOWED, "right_editor": False},
    ),
    "admin-newcity-message.children (a city joins)": (call_add_city, {**ALLOWED, "right_editor": False}),
    "admin-figure-now.children (the figure the dashboard holds)": (call_figure_fill, ALLOWED),
    "admin-figure-message.children (send one figure)": (call_figure_send, ALLOWED),
    "admin-hazard-now.children (the hazard assessment the dashboard holds)": (
        call_record_fill("hazard"),
        ALLOWED,
    ),
    "admin-event-event-id.data+admin-event-now.children (the city's past disasters)": (
        call_record_fill("event"),
        ALLOWED,
    ),
    "admin-hazard-message.children (send one hazard assessment)": (call_record_send("hazard"), ALLOWED),
    "admin-event-message.children (send one past disaster)": (call_record_send("event"), ALLOWED),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_private_callbacks_and_routes_by_role(dash_app, world, name):
    call, allowed = MATRIX[name]
    got = {}
    for n, role in enumerate(ROLES):
        got[role] = call(client_as(dash_app, world, role, n), world)
    assert got == allowed, name


def test_another_citys_editor_sees_only_their_own_city_on_the_admin_page(dash_app, world, built_data):
    client = client_as(dash_app, world, "other_city", 9)
    layout = json.dumps(h.route(client, "/admin", f"?lang=en&city={world['city']}").get_json())
    mine = set(built_data["actions"].loc[built_data["actions"]["city_id"] == world["city"], "action_id"])
    assert not any(f'"{a}"' in layout for a in mine)  # the ?city= of someone else is ignored


def test_sign_out_needs_a_session_and_the_token(dash_app, world):
    anonymous = dash_app.server.test_client()
    assert anonymous.post("/auth/logout", data={"lang": "en"}).headers["Location"].endswith("error=expired")
    editor = client_as(dash_app, world, "right_editor", 7)
    assert editor.post("/auth/logout", data={"lang": "en"}).headers["Location"].endswith("error=expired")
    with editor.session_transaction() as session:
        assert "uid" in session


def test_every_editing_callback_is_in_the_matrix(dash_app):
    client = dash_app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    editing = {d["output"] for d in deps if "admin-" in d["output"]}
    covered = {
        h.callback_key(client, part)
        for name in MATRIX
        if not name.startswith("/")
        for part in name.split(" ")[0].split("+")
    }
    assert editing == covered
