"""Action plans in headless Chromium: the public page in both languages (filters in the URL, the
detail view), signing in and editing one action so that the public page changes, and a save
refused because someone else saved first."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from domain.actions import state_of
from services import auth, db
from tests.dmc_helpers import choose

PASSWORD = "browser test password"


@pytest.fixture(autouse=True)
def fresh_limits(dash_app):
    auth.reset_sign_in_limits()
    yield


def pick(built_data, city: str, n: int = 0) -> dict:
    """An in-progress action of the city with room to progress, that no other test here edits."""
    actions = built_data["actions"]
    rows = actions[
        (actions["city_id"] == city) & (actions["status"] == "in_progress") & (actions["progress_pct"] < 85)
    ]
    return rows.iloc[n].to_dict()


def editable_cities(built_data) -> list[str]:
    """Cities with an in-progress action that has room to progress (the last ones are used here,
    so that tests in other files, which take the first ones, edit other actions)."""
    actions = built_data["actions"]
    ok = actions[(actions["status"] == "in_progress") & (actions["progress_pct"] < 85)]
    return sorted(set(ok["city_id"]))


def sign_in(dash_duo, username: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + "/login?lang=en")
    dash_duo.wait_for_text_to_equal("#page-title", "Sign in for focal points", timeout=15)
    dash_duo.find_element("#login-username").send_keys(username)
    dash_duo.find_element("#login-password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_text_to_equal("#page-title", "Editing action plans", timeout=15)
    dash_duo.wait_for_contains_text("#admin-who", username, timeout=10)


def open_action_form(dash_duo, row: dict) -> None:
    dash_duo.select_dcc_dropdown("#admin-action", f"{row['title_en']} (in progress)")
    dash_duo.wait_for_element("#admin-loaded-info", timeout=10)


def type_progress(dash_duo, value: int) -> None:
    box = dash_duo.find_element("#admin-progress")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(str(value))


def test_public_page_in_both_languages_with_filters_and_detail(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/actions")
    dash_duo.wait_for_text_to_equal("#page-title", "Планы действий городов", timeout=15)
    assert "демонстрационные, не настоящие" in dash_duo.find_element(".act-banner").text
    until(
        lambda: (
            len(dash_duo.find_elements("#actions-mcr tbody tr")) == built_data["actions"]["city_id"].nunique()
        ),
        timeout=10,
    )
    dash_duo.wait_for_element("#actions-timeline .main-svg")
    assert "мероприятий" in dash_duo.find_element("#actions-stats").text
    assert "Выполнение по городам" in dash_duo.find_element("#actions-content").text

    # English, filtered by a URL: only that city's delayed actions.
    actions = built_data["actions"]
    city = sorted(actions.loc[actions["status"] == "delayed", "city_id"])[0]
    delayed = actions[(actions["city_id"] == city) & (actions["status"] == "delayed")]
    dash_duo.driver.get(dash_duo.server_url + f"/actions?lang=en&city={city}&status=delayed&essential=99")
    dash_duo.wait_for_text_to_equal("#page-title", "City action plans", timeout=15)
    assert "ignored: 99" in dash_duo.find_element(".notice").text  # a bad value is named, not fatal
    until(lambda: len(dash_duo.find_elements("#actions-mcr tbody tr")) == 1, timeout=10)
    assert dash_duo.find_element("#actions-stat-0 .stat-value").text == str(len(delayed))
    until(
        lambda: (
            len(dash_duo.find_elements("#actions-grid .ag-center-cols-container .ag-row")) == len(delayed)
        ),
        timeout=10,
    )
    # A new filter choice redraws the views and goes into the address.
    choose(dash_duo, "#actions-status", "in progress")
    both = actions[(actions["city_id"] == city) & actions["status"].isin(["delayed", "in_progress"])]
    dash_duo.wait_for_text_to_equal("#actions-stat-0 .stat-value", str(len(both)), timeout=10)
    until(lambda: "status=delayed,in_progress" in dash_duo.driver.current_url, timeout=5)
    # Clicking a row opens the action with its history; the address names it.
    dash_duo.find_element("#actions-grid .ag-center-cols-container .ag-row .ag-cell").click()
    dash_duo.wait_for_element("#actions-detail-title", timeout=10)
    assert len(dash_duo.find_elements("#actions-history tbody tr")) >= 1
    until(lambda: any(f"action={a}" in dash_duo.driver.current_url for a in both["action_id"]), timeout=5)
    # Deep link to one action.
    first = built_data["actions"].iloc[0]
    dash_duo.driver.get(dash_duo.server_url + f"/actions?lang=en&action={first['action_id']}")
    dash_duo.wait_for_text_to_equal("#actions-detail-title", first["title_en"], timeout=15)
    assert dash_duo.get_logs() == []


def test_sign_in_edit_an_action_and_see_the_public_page_change(dash_duo, dash_app, built_data):
    city = editable_cities(built_data)[-1]
    username = f"editor-{uuid.uuid4().hex[:6]}"
    db.create_user(db.get_engine(), username, PASSWORD, "editor", city)
    row = pick(built_data, city)
    version = db.current_state(db.get_engine(), row["action_id"], state_of(row))[0]
    new_progress = int(row["progress_pct"]) + 7
    dash_duo.start_server(dash_app)
    sign_in(dash_duo, username)
    options = [o.text for o in dash_duo.find_elements("#admin-city")]
    assert options and built_data["cities"].set_index("city_id").loc[city, "name_en"] in options[0]
    open_action_form(dash_duo, row)
    type_progress(dash_duo, new_progress)
    dash_duo.find_element("#admin-note").send_keys("Pumps delivered")
    dash_duo.find_element("#admin-save").click()
    dash_duo.wait_for_element("#admin-saved", timeout=10)
    assert f"version {version + 1}" in dash_duo.find_element("#admin-saved").text
    # The public page shows the new progress and the focal point's report at once.
    dash_duo.driver.get(dash_duo.server_url + f"/actions?lang=en&action={row['action_id']}")
    dash_duo.wait_for_text_to_equal("#actions-detail-title", row["title_en"], timeout=15)
    assert dash_duo.find_element("#actions-detail .act-bar-text").text == f"{new_progress}%"
    latest = dash_duo.find_element("#actions-history tbody tr").text
    assert "Pumps delivered" in latest and "focal point's report" in latest
    # Signing out ends editing.
    dash_duo.driver.get(dash_duo.server_url + "/admin?lang=en")
    dash_duo.wait_for_element("#logout-button", timeout=10).click()
    dash_duo.wait_for_element("#login-signed-out", timeout=10)
    dash_duo.driver.get(dash_duo.server_url + "/admin?lang=en")
    dash_duo.wait_for_element("#admin-refused", timeout=10)
    assert dash_duo.get_logs() == []


def test_a_stale_save_is_refused_and_shows_the_other_change(dash_duo, dash_app, built_data):
    city = editable_cities(built_data)[-2]
    username = f"editor-{uuid.uuid4().hex[:6]}"
    db.create_user(db.get_engine(), username, PASSWORD, "editor", city)
    row = pick(built_data, city)
    dash_duo.start_server(dash_app)
    sign_in(dash_duo, username)
    open_action_form(dash_duo, row)
    # Meanwhile a colleague saves the same action.
    baseline = state_of(row)
    version, current, _ = db.current_state(db.get_engine(), row["action_id"], baseline)
    other = current.__class__(
        current.status, current.progress_pct + 3, current.actual_start, None, "colleague"
    )
    assert db.save_update(
        db.get_engine(), row["action_id"], version, baseline, other, "colleague-x", date.today()
    ).ok
    type_progress(dash_duo, current.progress_pct + 10)
    dash_duo.find_element("#admin-save").click()
    dash_duo.wait_for_element("#admin-conflict", timeout=10)
    text = dash_duo.find_element("#admin-conflict").text
    assert "colleague-x" in text and f"{current.progress_pct} → {current.progress_pct + 3}" in text
    assert db.current_state(db.get_engine(), row["action_id"], baseline)[1] == other  # not overwritten
    # Loading the current values lets the editor try again.
    dash_duo.find_element("#admin-reload").click()
    dash_duo.wait_for_contains_text("#admin-loaded-info", f"Version {version + 1} loaded", timeout=10)
    assert dash_duo.get_logs() == []
