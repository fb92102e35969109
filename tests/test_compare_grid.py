"""/compare puts its AG Grid in the page only with the table view (issue 21): the page's layout,
its first view and the update callback's answer name no grid unless the table is shown, so a
visitor who never opens the table never downloads AG Grid. Counts come from the build."""

from __future__ import annotations

import json
import re

import pytest

from domain import compare
from i18n import LANGUAGES, grid_locale_text
from tests import dash_http as h
from tests.test_first_view import entry_of

GRID_ID = "compare-grid"


def components(node, namespace: str, type_: str) -> list[dict]:
    """Every component of a namespace and type in a layout as JSON (depth first)."""
    if isinstance(node, list):
        return [found for n in node for found in components(n, namespace, type_)]
    if not isinstance(node, dict):
        return []
    here = [node] if node.get("namespace") == namespace and node.get("type") == type_ else []
    children = node.get("props", {}).get("children")
    return here + components(children, namespace, type_)


def grids(layout) -> list[dict]:
    return components(layout, "dash_ag_grid", "AgGrid")


def expected_rows(built_data) -> int:
    """Rows of the default comparison: every member city by every indicator of the index."""
    return len(built_data["cities"]) * len(compare.indicators_under(built_data, "risk", None))


def page_layout(client, search: str):
    answer = h.route(client, "/compare", search)
    assert answer.status_code == 200
    return answer.get_json()["response"]["_pages_content"]["children"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("view", ["bar", "heatmap", "radar"])
def test_no_grid_in_the_layout_unless_the_table_is_shown(client, lang, view):
    layout = page_layout(client, f"?lang={lang}&view={view}")
    assert grids(layout) == []
    assert GRID_ID not in json.dumps(layout)
    assert "compare-export" not in json.dumps(layout)  # the CSV button comes with its grid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_table_view_brings_the_grid_with_its_rows_and_csv_button(client, built_data, lang):
    layout = page_layout(client, f"?lang={lang}&view=table")
    (grid,) = grids(layout)
    props = grid["props"]
    assert props["id"] == GRID_ID and len(props["rowData"]) == expected_rows(built_data)
    assert props["csvExportParams"]["fileName"] == "compare-risk.csv"
    assert props["dashGridOptions"]["localeText"] == grid_locale_text(lang)
    assert "compare-export" in json.dumps(layout)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_first_view_holds_the_grids_room_only_with_the_table_view(client, lang):
    chart = entry_of(client.get(f"/compare?lang={lang}").get_data(as_text=True))
    assert "page-title" in chart and f'id="{GRID_ID}"' not in chart
    table = entry_of(client.get(f"/compare?lang={lang}&view=table").get_data(as_text=True))
    box = re.search(rf'<div ([^>]*id="{GRID_ID}"[^>]*)><table class="[^"]*first-view-grid-table', table)
    assert box and "height:560px" in box.group(1)  # the grid's rows as a table, in the grid's room
