"""Access control, systematically: every private callback and route, called by direct HTTP POST
(Flask's test client, as a script would, bypassing the page) as an anonymous visitor, as another
city's editor, as the right editor and as an administrator. Only the last two get anything.

A guard test lists every callback the app registers: a new callback touching the editing pages
(`admin-*`) must be added to MATRIX, so nothing private is left unchecked."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain.actions import state_of
from services import auth, db
from tests import dash_http as h

ROLES = ("anonymous", "other_city", "right_editor", "admin")
ALLOWED = {"anonymous": False, "other_city": False, "right_editor": True, "admin": True}


@pytest.fixture(scope="module")
def world(dash_app, built_data):
    actions = built_data["actions"]
    cities = sorted(actions["city_id"].unique())
    mine, other = cities[0], cities[1]
    rows = actions[(actions["city_id"] == mine) & (actions["status"] == "in_progress") & actions["actual_start"].notna()]
    action = rows.sort_values("action_id").iloc[-1].to_dict()
    tag = uuid.uuid4().hex[:6]
    engine = db.get_engine()
    accounts = {"other_city": db.create_user(engine, f"mx-other-{tag}", h.PASSWORD, "editor", other),
                "right_editor": db.create_user(engine, f"mx-right-{tag}", h.PASSWORD, "editor", mine),
                "admin": db.create_user(engine, f"mx-admin-{tag}", h.PASSWORD, "admin")}
    yield {"city": mine, "action": action["action_id"], "state": state_of(action), "accounts": accounts}
    with Session(engine) as session, session.begin():  # the city's own plan written here is removed
        session.execute(delete(db.PlanActionRow).where(db.PlanActionRow.city_id == mine))
        session.execute(delete(db.CityPlanRow).where(db.CityPlanRow.city_id == mine))


def client_as(dash_app, world, role: str, n: int):
    auth.limiter.reset()
    client = dash_app.server.test_client()
    if role != "anonymous":
        response = h.sign_in(client, world["accounts"][role].username, environ_base={"REMOTE_ADDR": f"10.44.0.{n}"})
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin")
    return client


def version_of(world) -> int:
    return db.current_state(db.get_engine(), world["action"], world["state"])[0]


# Each entry: how to call it, and whether the answer gave the caller anything private.
def call_city_list(client, world):
    key = h.callback_key(client, "admin-city-actions.children")
    body = h.dash_post(client, key, [("admin-city", "value", world["city"])], [("admin-lang", "data", "en")]).get_json()
    return bool(body["response"]["admin-action"]["options"])


def call_load(client, world):
    key = h.callback_key(client, "admin-status.options")
    body = h.dash_post(client, key, [("admin-action", "value", world["action"]), ("admin-reload", "n_clicks", 1)],
                       [("admin-lang", "data", "en")]).get_json()["response"]
    return body["admin-loaded"]["data"] is not None and body["admin-progress"]["value"] is not None


def call_save(client, world):
    before = version_of(world)
    s = world["state"]
    response = client.post("/_dash-update-component", json=h.save_body(
        client, world["action"], before, s.status, s.progress_pct, s.actual_start.isoformat(), None,
        f"matrix {uuid.uuid4().hex[:6]}"))
    saved = h.message_id(response) == "admin-saved"
    assert saved == (version_of(world) == before + 1)  # the answer and the database agree
    return saved


def call_audit(client, world):
    key = h.callback_key(client, "admin-audit.rowData")
    rows = h.dash_post(client, key, [("admin-audit-refresh", "n_clicks", 1)], [("admin-lang", "data", "en")]).get_json()
    return bool(rows["response"]["admin-audit"]["rowData"])


def call_admin_page(client, world):
    layout = json.dumps(h.route(client, "/admin", f"?lang=en&city={world['city']}").get_json())
    return "admin-form" in layout


def call_plan_load(client, world):
    key = h.callback_key(client, "admin-plan-title-ru.value")
    body = h.dash_post(client, key, [("admin-plan-pick", "value", "__new__")],
                       [("admin-city", "value", world["city"]), ("admin-lang", "data", "en")]).get_json()["response"]
    return body["admin-plan-loaded"]["data"] is not None


def call_plan_save(client, world):
    from tests.test_city_plans import GOOD, plan_body

    key = h.callback_key(client, "admin-plan-message.children@")
    before = len(db.plan_actions_frame(db.get_engine(), world["city"]))
    body = h.dash_post(client, key, [("admin-plan-save", "n_clicks", 1)], plan_body(GOOD, world["city"])).get_json()
    saved = "admin-plan-saved" in json.dumps(body["response"])
    assert saved == (len(db.plan_actions_frame(db.get_engine(), world["city"])) == before + 1)
    return saved


def call_plan_replace(client, world):
    """Allowed means not refused (the second allowed caller finds the plan replaced already)."""
    key = h.callback_key(client, "admin-plan-state.children@")
    body = h.dash_post(client, key, [("admin-plan-replace", "n_clicks", 1)],
                       [("admin-city", "value", world["city"]), ("admin-lang", "data", "en")]).get_json()
    return "admin-refused" not in json.dumps(body["response"])


MATRIX = {
    "admin-action.options (city's action list)": (call_city_list, ALLOWED),
    "admin-status.options (load an action)": (call_load, ALLOWED),
    "admin-message.children (save)": (call_save, ALLOWED),
    "admin-audit.rowData (audit log)": (call_audit, {**ALLOWED, "right_editor": False}),
    "/admin (page layout)": (call_admin_page, {**ALLOWED, "other_city": True}),
    "admin-plan-title-ru.value (load a plan action)": (call_plan_load, ALLOWED),
    "admin-plan-message.children@ (save a plan action)": (call_plan_save, ALLOWED),
    "admin-plan-state.children@ (replace the demonstration plan)": (call_plan_replace, ALLOWED),
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
    covered = {h.callback_key(client, name.split(" ")[0]) for name in MATRIX if not name.startswith("/")}
    assert editing == covered
