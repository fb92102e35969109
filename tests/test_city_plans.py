"""Plans that belong to the cities: an editor writes, changes and cancels the actions of their own
city's plan, then replaces the demonstration plan with it in one step. Domain checks, storage on
SQLite (and PostgreSQL when TEST_DATABASE_URL is set), and the whole flow through the app's
callbacks by HTTP, as the browser sends them."""

from __future__ import annotations

import json
import uuid
from functools import partial

import pandas as pd
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain import city_plans as cp
from services import db
from tests import dash_http as h
from tests.test_actions_storage import engine  # noqa: F401 - the migrated SQLite / PostgreSQL fixture

HAZARDS = {"earthquake", "river_flood"}
FUNDERS = {"city_budget"}
GOOD = {
    "title_ru": "Укрепление школ",
    "title_en": "Retrofitting schools",
    "hazards": ["earthquake"],
    "sendai_priority": 3,
    "sendai_target": "d",
    "mcr2030_essential": 8,
    "responsible_body_ru": "Управление образования",
    "responsible_body_en": "Education department",
    "planned_start": "2027-01-01",
    "planned_end": "2029-12-31",
    "budget_usd": "1 200 000",
    "funded_usd": 300000,
    "funder": "city_budget",
}


def test_a_good_action_is_read_and_every_problem_is_named_at_once():
    action, issues = cp.parse_plan_action(GOOD, HAZARDS, FUNDERS)
    assert issues == [] and action.budget_usd == 1_200_000 and action.hazards == ("earthquake",)
    assert action.as_record()["planned_end"] == "2029-12-31"
    bad = {
        **GOOD,
        "title_en": "  ",
        "hazards": ["tsunami"],
        "sendai_priority": 5,
        "sendai_target": "z",
        "planned_start": "2030-01-01",
        "planned_end": "2029-12-31",
        "budget_usd": "lots",
        "funder": None,
    }
    action, issues = cp.parse_plan_action(bad, HAZARDS, FUNDERS)
    assert action is None
    assert {(i.field, i.code) for i in issues} == {
        ("title_en", "plan_required"),
        ("hazards", "plan_choice"),
        ("sendai_priority", "plan_choice"),
        ("sendai_target", "plan_choice"),
        ("planned_end", "end_before_start"),
        ("budget_usd", "plan_number"),
        ("funder", "plan_funder_needed"),
    }


def test_the_public_sees_the_demonstration_plan_until_the_city_replaces_it(built_data):
    baseline = built_data["actions"]
    city = sorted(baseline["city_id"].unique())[0]
    authored = pd.DataFrame(
        [
            {
                "action_id": f"{city}-c01",
                "city_id": city,
                **cp.parse_plan_action(
                    GOOD, set(built_data["hazard_types"]["hazard_type"]), set(cp.funder_names(baseline))
                )[0].as_record(),
            }
        ]
    )
    funders = cp.funder_names(baseline)
    before = cp.public_plans(baseline, authored, set(), funders)
    assert len(before) == len(baseline) and cp.plan_kind(before, city) == "demonstration"
    after = cp.public_plans(baseline, authored, {city}, funders)
    mine = after[after["city_id"] == city]
    assert mine["action_id"].tolist() == [f"{city}-c01"] and cp.plan_kind(after, city) == "real"
    assert mine.iloc[0]["funder_en"] == funders["city_budget"][1] and mine.iloc[0]["status"] == "planned"
    others = baseline[baseline["city_id"] != city]
    assert len(after) == len(others) + 1 and cp.plan_kind(after) == "mixed"


def test_plan_actions_are_versioned_audited_and_replace_the_demonstration_plan(engine):  # noqa: F811 - the fixture imported above
    action, _ = cp.parse_plan_action(GOOD, HAZARDS, FUNDERS)
    assert db.replace_demo_plan(engine, "city-a", "focal-a").issues[0].code == "plan_empty"
    first = db.save_plan_action(engine, "city-a", None, 0, action, "focal-a")
    assert first.ok and first.action_id == "city-a-c01" and first.version == 1
    second = db.save_plan_action(engine, "city-a", None, 0, action, "focal-a")
    assert second.action_id == "city-a-c02"
    changed, _ = cp.parse_plan_action({**GOOD, "funded_usd": 600000}, HAZARDS, FUNDERS)
    assert db.save_plan_action(engine, "city-a", "city-a-c01", 1, changed, "focal-b").version == 2
    stale = db.save_plan_action(engine, "city-a", "city-a-c01", 1, action, "focal-a")
    assert not stale.ok and stale.conflict["by"] == "focal-b"
    assert (
        db.save_plan_action(engine, "city-a", "city-a-c01", 2, changed, "focal-a").issues[0].code
        == "no_change"
    )
    # an action is changed only as its own city's: another city id is refused
    assert db.save_plan_action(engine, "city-b", "city-a-c01", 2, action, "x").issues[0].code == "bad_request"
    frame = db.plan_actions_frame(engine, "city-a")
    assert frame["action_id"].tolist() == ["city-a-c01", "city-a-c02"] and frame["funded_usd"].tolist() == [
        600000,
        300000,
    ]
    audit = db.audit_frame(engine)
    assert (
        (audit["action_id"] == "city-a-c01") & (audit["field"] == "funded_usd") & (audit["new"] == "600000")
    ).sum() == 1
    stamp = db.stamp(engine)
    assert db.replace_demo_plan(engine, "city-a", "focal-a").ok
    assert db.replace_demo_plan(engine, "city-a", "focal-a").issues[0].code == "plan_already_real"
    assert set(db.real_plan_cities(engine)) == {"city-a"} and db.stamp(engine) != stamp
    assert (
        db.plan_action_city(engine, "city-a-c02") == "city-a" and db.plan_action_city(engine, "nope") is None
    )


# --- through the app, by HTTP ---------------------------------------------------------------------

PLAN_STATES = [
    (f"admin-plan-{name.replace('_', '-')}", "value" if "planned" not in name else "date")
    for name in cp.PLAN_FIELDS
]


def plan_body(values: dict, city: str, loaded: dict | None = None) -> list[tuple]:
    return [
        ("admin-plan-loaded", "data", loaded or {"action_id": None, "version": 0}),
        ("admin-city", "value", city),
        *[(i, p, values.get(name)) for (i, p), name in zip(PLAN_STATES, cp.PLAN_FIELDS)],
        ("admin-lang", "data", "en"),
    ]


def post_plan(client, values: dict, city: str, loaded: dict | None = None) -> dict:
    key = h.callback_key(client, "admin-plan-message.children@")
    return h.dash_post(
        client, key, [("admin-plan-save", "n_clicks", 1)], plan_body(values, city, loaded)
    ).get_json()


def post_replace(client, city: str) -> dict:
    key = h.callback_key(client, "admin-plan-state.children@")
    return h.dash_post(
        client,
        key,
        [("admin-plan-replace", "n_clicks", 1)],
        [("admin-city", "value", city), ("admin-lang", "data", "en")],
    ).get_json()


@pytest.fixture()
def city_and_editor(dash_app, built_data):
    """A city of the data (the last one in id order) and its editor; the city's own plan is removed after."""
    from services import auth

    city = sorted(built_data["cities"]["city_id"])[-1]
    other = sorted(built_data["cities"]["city_id"])[0]
    database = db.get_engine()
    tag = uuid.uuid4().hex[:6]
    editor = db.create_user(database, f"plan-ed-{tag}", h.PASSWORD, "editor", city)
    intruder = db.create_user(database, f"plan-in-{tag}", h.PASSWORD, "editor", other)
    auth.reset_sign_in_limits()
    yield city, editor, intruder
    with Session(database) as session, session.begin():
        session.execute(delete(db.PlanActionRow).where(db.PlanActionRow.city_id == city))
        session.execute(delete(db.CityPlanRow).where(db.CityPlanRow.city_id == city))


signed_in = partial(h.signed_in, network="10.55.0")


def test_an_editor_writes_the_plan_and_replaces_the_demonstration_plan_in_one_step(dash_app, city_and_editor):
    from services import data_access

    city, editor, intruder = city_and_editor
    client = signed_in(dash_app, editor, 1)
    demo = data_access.actions_current()
    assert set(demo.loc[demo["city_id"] == city, "data_status"]) == {"illustrative"}
    bad = post_plan(client, {**GOOD, "title_en": "", "sendai_target": "q"}, city)["response"]
    issues = json.dumps(bad["admin-plan-message"])
    assert "admin-plan-issues" in issues and "Title (English)" in issues and "pick from the list" in issues
    saved = post_plan(client, GOOD, city)["response"]
    assert "admin-plan-saved" in json.dumps(saved["admin-plan-message"])
    action_id = saved["admin-plan-loaded"]["data"]["action_id"]
    assert action_id == f"{city}-c01" and db.plan_action_city(db.get_engine(), action_id) == city
    # a draft: the public still sees the demonstration plan
    public = data_access.actions_current()
    assert action_id not in set(public["action_id"])
    # another city's editor cannot change it, whatever city the browser names
    refused = post_plan(
        signed_in(dash_app, intruder, 2),
        {**GOOD, "title_en": "Hijacked"},
        city,
        {"action_id": action_id, "version": 1},
    )["response"]
    assert "admin-refused" in json.dumps(refused) and db.plan_actions_frame(db.get_engine(), city)[
        "title_en"
    ].tolist() == [GOOD["title_en"]]
    assert "admin-refused" in json.dumps(post_replace(signed_in(dash_app, intruder, 3), city))
    # one step: the city now shows only its own actions
    replaced = post_replace(client, city)["response"]
    assert "admin-plan-state-text" in json.dumps(replaced) and action_id in json.dumps(
        replaced["admin-action"]
    )
    public = data_access.actions_current()
    mine = public[public["city_id"] == city]
    assert mine["action_id"].tolist() == [action_id] and set(mine["data_status"]) == {"sourced"}
    # cancelling goes through the progress form, as for every action
    body = h.save_body(client, action_id, 0, "cancelled", 0, None, None, "not funded")
    assert h.message_id(client.post("/_dash-update-component", json=body)) == "admin-saved"
    public = data_access.actions_current()
    assert public.loc[public["action_id"] == action_id, "status"].item() == "cancelled"
    # the public page says which cities still show demonstration plans
    page = json.dumps(h.route(dash_app.server.test_client(), "/actions", "?lang=en").get_json())
    assert '"data-plans": "mixed"' in page and "actions-demo-cities" in page


def test_the_actions_page_says_plainly_when_every_plan_is_a_demonstration(dash_app):
    from services import data_access

    if set(data_access.actions_current()["data_status"]) != {"illustrative"}:
        pytest.skip("a city of the data has its real plan")
    for lang, words in (
        ("ru", "демонстрационные, не настоящие"),
        ("en", "demonstration plan (made up, not real)"),
    ):
        page = json.dumps(
            h.route(dash_app.server.test_client(), "/actions", f"?lang={lang}").get_json(), ensure_ascii=False
        )
        assert words in page and "условно" not in page
