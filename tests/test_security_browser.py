"""Pages under the Content-Security-Policy in headless Chromium: no script, style, image, font or
worker is refused (a refusal is a SEVERE console entry), clientside callbacks still run, and the
policy is enforced (an inline script injected into the page does not execute).

`make test` walks a few pages with the heaviest client side (the other browser tests load every
page under the same policy and also assert an empty console); `make soak` walks every page in
both languages."""

from __future__ import annotations

import pytest

from tests import dash_http as h

QUICK = ["/", "/actions", "/present", "/login"]
ALL = [
    "/",
    "/compare",
    "/map",
    "/trends",
    "/outlook",
    "/actions",
    "/data",
    "/glossary",
    "/present",
    "/login",
    "/admin",
    "/no-such-page",
]


def walk(dash_duo, paths: list[str]) -> dict:
    problems = {}
    for path in paths:
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element("#page-title", timeout=20)
        logs = h.console_errors(dash_duo.get_logs())  # an unknown page answering 404 is expected
        if logs:
            problems[path] = logs
    return problems


def known_paths(paths: list[str]) -> list[str]:
    from dash import page_registry

    known = {p["path"] for p in page_registry.values()}
    return [p for p in paths if p in known or p == "/no-such-page"]


def assert_enforced(dash_duo) -> None:
    executed = dash_duo.driver.execute_script(
        "const s = document.createElement('script'); s.text = 'window.__csp_probe = 1';"
        "document.body.appendChild(s); return window.__csp_probe === 1;"
    )
    assert executed is False
    refusals = [e for e in dash_duo.get_logs() if "Content Security Policy" in e.get("message", "")]
    assert refusals, "the refused probe is reported on the console"


def test_pages_run_under_the_csp(dash_duo, dash_app, built_data):
    from datetime import date

    from domain.actions import state_of
    from services import db

    # A note with markup, saved as a city editor could: the public page shows it as text only.
    actions = built_data["actions"]
    row = (
        actions[(actions["status"] == "in_progress") & actions["actual_start"].notna()]
        .sort_values("action_id")
        .iloc[2]
    )
    base = state_of(row.to_dict())
    version = db.current_state(db.get_engine(), row["action_id"], base)[0]
    note = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> \' OR 1=1 --'
    from dataclasses import replace

    assert db.save_update(
        db.get_engine(),
        row["action_id"],
        version,
        base,
        replace(base, note=note),
        "browser-check",
        date.today(),
    ).ok
    dash_duo.start_server(dash_app)
    assert walk(dash_duo, known_paths(QUICK)) == {}
    dash_duo.driver.get(f"{dash_duo.server_url}/actions?lang=en&action={row['action_id']}")
    dash_duo.wait_for_contains_text("#actions-history", "<script>window.__xss=1</script>", timeout=20)
    assert dash_duo.driver.execute_script("return window.__xss === undefined")
    assert not dash_duo.find_elements("#actions-history img")
    assert_enforced(dash_duo)


@pytest.mark.soak
def test_every_page_in_both_languages_runs_under_the_csp(dash_duo, dash_app, built_data):
    dash_duo.start_server(dash_app)
    city = built_data["cities"]["city_id"].iloc[0]
    paths = known_paths(ALL) + [f"/city/{city}"]
    paths += [p + ("&" if "?" in p else "?") + "lang=en" for p in paths]
    assert walk(dash_duo, paths) == {}
    assert_enforced(dash_duo)
