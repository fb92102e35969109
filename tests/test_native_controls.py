"""Before Dash has loaded, a public page's choices are native form fields and its grids plain tables
(services/native_controls.py, issue 21): each Mantine control kind becomes its native field with
its options, choice and label; every public page's first view holds one GET form whose fields,
submitted as a browser submits them, give back the page's state, and a changed value comes back
chosen; /data's grids are tables of their rows. Pages, fields and options come from the registry,
the state models and the data, never from a list of names."""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode

import dash
import dash_mantine_components as dmc
import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.wait import until
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By

from components.tables import data_grid
from domain import page_state
from i18n import LANGUAGES, format_money
from services import data_access, first_view, native_controls, static_page
from services.native_controls import FORM_ID, declare
from tests import dash_http as h
from tests.servers import free_port
from tests.test_accessibility import describe, run_axe

ENTRY = re.compile(r'<div id="react-entry-point">(.*?)<div class="dash-scripts">', re.S)


class Fields(HTMLParser):
    """The form fields of a piece of HTML (inputs, selects with their options), and tables' rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[dict] = []
        self.forms: list[dict] = []
        self.rows: dict[str, list[list[str]]] = defaultdict(list)
        self.heads: dict[str, list[str]] = defaultdict(list)
        self._select: dict | None = None
        self._grid: str | None = None
        self._cell: list[str] | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(a)
            self._in_form = a.get("id") == FORM_ID
        elif tag == "input":
            self.fields.append({"tag": "input", **a, **({"_in_form": True} if self._in_form else {})})
        elif tag == "select":
            self._select = {"tag": "select", **a, "options": []}
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a)
        elif tag == "div" and "first-view-grid" in (a.get("class") or ""):
            self._grid = a.get("id")
        elif tag == "tr" and self._grid:
            self._cells: list[str] = []
        elif tag in ("td", "th") and self._grid:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag in ("td", "th") and self._cell is not None:
            self._cells.append(("th:" if tag == "th" else "") + "".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._grid:
            if self._cells and all(c.startswith("th:") for c in self._cells):
                self.heads[self._grid] = [c[3:] for c in self._cells]
            else:
                self.rows[self._grid].append(self._cells)
        elif tag == "table":
            self._grid = None


def parsed(markup: str) -> Fields:
    fields = Fields()
    fields.feed(markup)
    return fields


def rendered(component) -> Fields:
    props = first_view.props_of(component)
    markup = native_controls.render(component, props, "")
    assert markup is not None
    return parsed(markup)


def state_fields(fields: Fields) -> list[dict]:
    """The fields that belong to the state form (by their form attribute or inside it)."""
    return [f for f in fields.fields if f.get("form") == FORM_ID or f.get("_in_form")]


def submission(fields: list[dict], changed: tuple[str, str, str] | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser sends for these fields, optionally after one change:
    (kind, name, value) ticks that checkbox, chooses that radio or option; the fields that follow
    the changed one are left out, as assets/native_controls.js does."""
    kind, name, value = changed or ("", "", "")
    out = []
    for f in fields:
        if "disabled" in f or not f.get("name"):
            continue
        if changed and name in (f.get("data-follows") or "").split():
            continue
        if f["tag"] == "select":
            choice = (
                value
                if f["name"] == name
                else next((o["value"] for o in f["options"] if "selected" in o), "")
            )
            out.append((f["name"], choice))
        elif f.get("type") in ("checkbox", "radio"):
            on = "checked" in f
            if f["name"] == name and kind == "radio":
                on = f.get("value") == value
            elif f["name"] == name and f.get("value") == value:
                on = not on
            if on:
                out.append((f["name"], f.get("value", "on")))
        else:
            out.append((f["name"], value if f["name"] == name and kind == "range" else f.get("value", "")))
    return out


def as_query(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The query a page reads from those pairs (repeated names joined, as components.page does)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for k, v in pairs:
        grouped[k].append(v)
    return {k: page_state.query_text(v[0] if len(v) == 1 else v) for k, v in grouped.items()}


# --- each control kind ---------------------------------------------------------------------------


OPTIONS = [
    {"value": "a", "label": "Альфа"},
    {"value": "b", "label": "Бета"},
    {"value": "c", "label": "Гамма"},
]


def test_a_select_is_a_select_with_its_options_the_choice_and_its_label():
    component = dmc.Select(id="s", label="Выбор", data=OPTIONS, value="b", className="x", **declare("p"))
    markup = native_controls.render(component, first_view.props_of(component), "width:10px")
    fields = parsed(markup)
    (select,) = fields.fields
    assert select["name"] == "p" and select["form"] == FORM_ID
    assert [o["value"] for o in select["options"]] == ["a", "b", "c"]
    assert [o["value"] for o in select["options"] if "selected" in o] == ["b"]
    assert '<div id="s" class="first-view-native first-view-select x" style="width:10px">' in markup
    assert re.search(r"<label[^>]*><span[^>]*>Выбор</span><select", markup)
    assert ">Бета</option>" in markup


def test_a_select_without_a_valid_choice_shows_its_placeholder_and_a_disabled_one_is_not_sent():
    fields = rendered(
        dmc.Select(id="s", data=OPTIONS, value=None, placeholder="—", disabled=True, **declare("p"))
    )
    (select,) = fields.fields
    assert select["options"][0] == {"value": "", "selected": None}
    assert "disabled" in select and submission(fields.fields) == []


@pytest.mark.parametrize("kind", [dmc.MultiSelect, dmc.CheckboxGroup])
def test_several_choices_are_checkboxes_after_an_empty_field_of_the_same_name(kind):
    if kind is dmc.MultiSelect:
        component = kind(id="m", label="Города", data=OPTIONS, value=["a", "c"], **declare("cities"))
    else:
        boxes = [dmc.Checkbox(label=o["label"], value=o["value"]) for o in OPTIONS]
        component = kind(dmc.Group(boxes), id="m", label="Города", value=["a", "c"], **declare("cities"))
    fields = rendered(component)
    boxes = [f for f in fields.fields if f.get("type") == "checkbox"]
    assert [b["value"] for b in boxes] == ["a", "b", "c"]
    assert [b["value"] for b in boxes if "checked" in b] == ["a", "c"]
    assert fields.fields[0] == {
        "tag": "input",
        "type": "hidden",
        "name": "cities",
        "form": FORM_ID,
        "value": "",
    }
    assert as_query(submission(fields.fields)) == {"cities": "a,c"}
    assert as_query(submission(fields.fields, ("checkbox", "cities", "a"))) == {"cities": "c"}
    assert as_query(submission(fields.fields, ("checkbox", "cities", "b"))) == {"cities": "a,b,c"}
    nothing = [f for f in fields.fields if f.get("type") != "checkbox" or f.get("value") not in ("a", "c")]
    assert as_query(submission(nothing)) == {"cities": ""}  # none ticked: none, not the default
    markup = native_controls.render(component, first_view.props_of(component), "")
    assert "<legend" in markup and ">Города</legend>" in markup


def test_an_option_can_be_a_parameter_of_its_own():
    boxes = [dmc.Checkbox(label=v, value=v) for v in ("rivers", "osm")]
    group = dmc.CheckboxGroup(
        dmc.Group(boxes), id="g", value=["osm"], **declare("layers", options={"osm": "tiles"})
    )
    fields = rendered(group)
    assert as_query(submission(fields.fields)) == {"layers": "", "tiles": "osm"}
    assert native_controls.covered_params(group) == {"layers", "tiles"}


@pytest.mark.parametrize("kind", [dmc.SegmentedControl, dmc.RadioGroup])
def test_one_choice_among_a_few_is_a_named_radio_group(kind):
    if kind is dmc.SegmentedControl:
        component = kind(id="v", data=OPTIONS, value="c", **{"aria-label": "Вид"}, **declare("view"))
    else:
        radios = [dmc.Radio(label=o["label"], value=o["value"]) for o in OPTIONS]
        component = kind(dmc.Group(radios), id="v", value="c", label="Вид", **declare("view"))
    markup = native_controls.render(component, first_view.props_of(component), "")
    radios = [f for f in parsed(markup).fields if f.get("type") == "radio"]
    assert [r["value"] for r in radios] == ["a", "b", "c"] and [
        r["value"] for r in radios if "checked" in r
    ] == ["c"]
    assert 'role="radiogroup" aria-label="Вид"' in markup or ">Вид</legend>" in markup
    assert markup.count("<label") == 3 and ">Бета</span></label>" in markup
    assert as_query(submission(parsed(markup).fields, ("radio", "view", "a"))) == {"view": "a"}


@pytest.mark.parametrize("kind", [dmc.Checkbox, dmc.Switch])
def test_a_yes_or_no_choice_is_a_labelled_checkbox(kind):
    fields = rendered(kind(id="k", label="Плитки", checked=True, **declare("tiles")))
    (box,) = fields.fields
    assert box["type"] == "checkbox" and "checked" in box and box["name"] == "tiles"
    assert submission(fields.fields) == [("tiles", "1")]


def test_a_slider_is_a_range_input_named_as_its_thumb():
    component = dmc.Slider(
        id={"type": "w", "id": "x"}, min=0.1, max=3, step=0.1, value=1.5, thumbLabel="Вес", **declare("w_x")
    )
    markup = native_controls.render(component, first_view.props_of(component), "")
    (field,) = parsed(markup).fields
    assert (field["type"], field["min"], field["max"], field["step"], field["value"]) == (
        "range",
        "0.1",
        "3",
        "0.1",
        "1.5",
    )
    assert field["aria-label"] == "Вес" and field["name"] == "w_x"
    assert 'id="' not in markup.split(">")[0]  # a pattern-matching id links to nothing


def test_a_control_that_declares_nothing_is_left_to_its_box():
    component = dmc.Select(id="fmt", data=OPTIONS, value="a")
    assert native_controls.render(component, first_view.props_of(component), "") is None
    assert 'class="first-view-box' in first_view.to_html(component)


# --- grids -------------------------------------------------------------------------------------


def test_a_grid_is_a_table_of_its_shown_columns_with_the_grid_s_formatting():
    rows = [
        {
            "name": "Альфа",
            "score": 1234.5,
            "score_text": "1,2 тыс.",
            "budget": 148000,
            "url": "[site](https://a.org)",
            "year": 2024,
            "hidden": "x",
        },
        {
            "name": "Бета",
            "score": None,
            "score_text": "—",
            "budget": None,
            "url": "",
            "year": 2020,
            "hidden": "y",
        },
    ]
    columns = [
        {"field": "name", "headerName": "Название"},
        {"field": "score", "headerName": "Балл", "valueFormatter": {"function": "params.data.score_text"}},
        {
            "field": "budget",
            "headerName": "Бюджет",
            "valueFormatter": {
                "function": "new Intl.NumberFormat('ru-RU', {style: 'currency', currency: 'USD'}).format(params.value)"
            },
        },
        {"field": "url", "headerName": "Ссылка", "cellRenderer": "markdown"},
        {"field": "year", "headerName": "Год"},
        {"field": "hidden", "headerName": "Скрыто", "hide": True},
    ]
    grid = data_grid("g", rows, columns, "ru", height="300px")
    markup = first_view.to_html(grid)
    table = parsed(markup)
    assert table.heads["g"] == ["Название", "Балл", "Бюджет", "Ссылка", "Год"]
    assert table.rows["g"][0] == ["Альфа", "1,2 тыс.", format_money(148000, "ru"), "site", "2024"]
    assert table.rows["g"][1] == ["Бета", "—", "", "", "2020"]
    assert '<a href="https://a.org">site</a>' in markup
    assert 'id="g"' in markup and "height:300px" in markup and 'tabindex="0"' in markup


def test_a_long_grid_shows_its_first_rows_and_says_how_many_there_are():
    total = native_controls.MAX_ROWS + 7
    grid = data_grid("g", [{"n": i} for i in range(total)], [{"field": "n", "headerName": "N"}], "en")
    markup = first_view.to_html(grid)
    assert len(parsed(markup).rows["g"]) == native_controls.MAX_ROWS
    assert f"1 to {native_controls.MAX_ROWS} of {total}" in markup


# --- the pages ---------------------------------------------------------------------------------


def state_model(page: dict) -> type | None:
    """The page's state model: the dataclass of its module read from the query string."""
    module = importlib.import_module(page["module"])
    models = [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and dataclasses.is_dataclass(v)
        and v.__module__ == module.__name__
        and page_state.params(v)
    ]
    return models[0] if len(models) == 1 else None


def pages_with_state() -> list[tuple[str, type]]:
    """Every public page run by Dash whose layout reads a state model, with that model."""
    out = []
    for page in dash.page_registry.values():
        if page.get(first_view.MARK) and not page.get(static_page.FLAG) and "<" not in page["path"]:
            model = state_model(page)
            if model is not None:
                out.append((page["path"], model))
    return sorted(out, key=lambda p: p[0])


def first_view_of(client, path: str, query: list[tuple[str, str]]) -> Fields:
    body = client.get(f"{path}?{urlencode(query)}").get_data(as_text=True)
    entry = ENTRY.search(body)
    assert entry, path
    return parsed(entry.group(1))


def choices(fields: list[dict]) -> list[tuple[str, str, str]]:
    """Every change a visitor can make: each option of each select, radio and checkbox, and one
    value of each range (its maximum)."""
    out = []
    for f in fields:
        if "disabled" in f or not f.get("name"):
            continue
        if f["tag"] == "select":
            out += [("option", f["name"], o["value"]) for o in f["options"] if o.get("value")]
        elif f.get("type") in ("checkbox", "radio"):
            out.append((f["type"], f["name"], f["value"]))
        elif f.get("type") == "range":
            out.append(("range", f["name"], f["max"]))
    return out


def shown(fields: list[dict], name: str) -> set[str]:
    """The values a page's first view shows as chosen for a parameter."""
    out = set()
    for f in fields:
        if f.get("name") != name:
            continue
        if f["tag"] == "select":
            out |= {o["value"] for o in f["options"] if "selected" in o}
        elif f.get("type") in ("checkbox", "radio"):
            out |= {f["value"]} if "checked" in f else set()
        elif f.get("type") == "range":
            out.add(f["value"])
    return out


def test_the_pages_with_state_are_found(dash_app):
    paths = [p for p, _ in pages_with_state()]
    assert "/compare" in paths and len(paths) >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_s_form_gives_back_its_state(client, lang):
    data = data_access.get_data()
    for path, model in pages_with_state():
        fields = first_view_of(client, path, [("lang", lang)])
        (form,) = [f for f in fields.forms if f.get("id") == FORM_ID]
        assert (form["method"], form["action"]) == ("get", path)
        own = state_fields(fields)
        assert own, path
        hidden_lang = [f for f in fields.fields if f.get("name") == "lang" and f.get("type") == "hidden"]
        assert [f["value"] for f in hidden_lang] == [lang], path
        query = as_query(submission(own))
        assert query.pop("lang") == lang
        result = page_state.parse(model, query, data)
        assert result.rejections == [] and result.unknown == [], (path, result.rejections, result.unknown)
        assert result.state == page_state.parse(model, {}, data).state, path


def starting_views(client, path: str) -> list[list[dict]]:
    """The page's default first view and, for each choice that other fields follow (their options
    depend on it: /compare's level), the view after it."""
    default = state_fields(first_view_of(client, path, [("lang", "ru")]))
    followed = {n for f in default for n in (f.get("data-follows") or "").split()}
    views = [default]
    for change in choices(default):
        if (
            change[1] in followed
            and change[0] in ("radio", "option")
            and change[2] not in shown(default, change[1])
        ):
            views.append(state_fields(first_view_of(client, path, submission(default, change))))
    return views


def test_every_choice_of_every_page_is_read_by_its_model(client):
    data = data_access.get_data()
    for path, model in pages_with_state():
        for fields in starting_views(client, path):
            check_choices(path, model, fields, data)


def check_choices(path: str, model: type, fields: list[dict], data) -> None:
    """Each change of these fields, submitted, is read by the model as chosen."""
    assert choices(fields), path
    for change in choices(fields):
        kind, name, value = change
        query = as_query(submission(fields, change))
        result = page_state.parse(model, query, data)
        assert result.unknown == [], (path, change, result.unknown)
        claimed = any(p.claims(name) for _, p in page_state.params(model))
        assert claimed, (path, name)  # every field is a parameter of the page's state
        if not (kind == "checkbox" and query.get(name) == ""):
            assert [k for k, _ in result.rejected if k == name] == [], (path, change, result.rejected)
            written = page_state.query_of(result.state, data)
            if kind in ("radio", "option") and name in written:
                assert written[name] == value, (path, change, written)
            if kind == "range":
                assert float(written.get(name, value)) == float(value), (path, change, written)


def test_a_changed_value_comes_back_chosen_from_the_server(client):
    for path, _model in pages_with_state():
        page = first_view_of(client, path, [("lang", "en")])
        fields = state_fields(page)
        done: set[str] = set()
        for change in choices(fields):
            kind, name, value = change
            if name in done or (kind != "checkbox" and value in shown(fields, name)):
                continue
            done.add(name)
            again = first_view_of(client, path, submission(fields, change))
            expected = shown(fields, name) ^ {value} if kind == "checkbox" else {value}
            after = shown(state_fields(again), name)
            if kind == "range":
                assert {float(v) for v in after} == {float(value)}, (path, change)
            else:
                assert after == expected, (path, change, after)
        assert done, path


def test_data_grids_are_tables_of_their_rows(client, built_data):
    for lang in LANGUAGES:
        page = first_view_of(client, "/data", [("lang", lang), ("tab", "catalogue")])
        rows = page.rows.get("data-catalogue")
        assert rows is not None and len(rows) == len(data_access.catalogue(lang))
        names = {r[0] for r in rows}  # the grid's pinned column first, as AG Grid shows it
        assert set(built_data["indicators"][f"name_{lang}"]) <= names
    sources = first_view_of(client, "/data", [("lang", "en"), ("tab", "sources")])
    assert len(sources.rows["data-sources"]) == len(data_access.sources())
    assert "first-view-box" not in client.get("/data?lang=en&tab=sources").get_data(as_text=True)


# --- in a browser ------------------------------------------------------------------------------


def chromium(javascript: bool, width: int = 1366, height: int = 900) -> webdriver.Chrome:
    """Headless Chromium at a viewport of `width` CSS pixels, with or without JavaScript."""
    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}}
    )
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options)


@pytest.fixture(scope="module")
def server_url(dash_app):
    with ThreadedRunner() as runner:
        runner.start(dash_app, port=free_port())
        yield runner.url.rstrip("/")


def test_without_scripts_the_controls_are_accessible_and_submit_the_new_state(server_url):
    paths = [p for p, _ in pages_with_state()] + ["/data?tab=catalogue"]
    problems = []
    for width in (390, 1366):
        driver = chromium(True, width)  # axe needs scripts; the page's own are blocked
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*.js", "*.js?*"]})
        try:
            for path in paths:
                driver.get(server_url + path + ("&" if "?" in path else "?") + "lang=ru")
                assert driver.find_elements(By.ID, FORM_ID) or "/data" in path, path
                found = run_axe(driver)
                if found:
                    problems.append(f"{path} at {width}px:\n{describe(found)}")
        finally:
            driver.quit()
    assert not problems, "\n".join(problems)
    driver = chromium(False, 390, 844)
    try:
        driver.get(f"{server_url}/compare?lang=en")
        radio = next(
            r
            for r in driver.find_elements(By.CSS_SELECTOR, "input[type=radio][name=view]")
            if not r.is_selected()
        )
        chosen = radio.get_attribute("value")
        # WebDriver's own click waits for page scripts that never run here: the elements' click()
        driver.execute_script("arguments[0].click()", radio.find_element(By.XPATH, ".."))  # its label
        driver.execute_script(
            "arguments[0].click()", driver.find_element(By.CSS_SELECTOR, ".first-view-apply")
        )
        until(lambda: f"view={chosen}" in driver.current_url, timeout=10)
        assert "lang=en" in driver.current_url
        again = driver.find_element(By.CSS_SELECTOR, f"input[type=radio][name=view][value={chosen}]")
        assert again.is_selected()
    finally:
        driver.quit()


def test_with_scripts_a_change_submits_before_dash_has_loaded(server_url):
    driver = chromium(True)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*dash_renderer*"]})  # Dash never mounts
        driver.get(f"{server_url}/compare?lang=ru")
        pick = (
            "var root = document.querySelector('.first-view-host').shadowRoot;"
            "var r = Array.from(root.querySelectorAll('input[type=radio][name=view]')).filter(function (x) { return !x.checked; })[0];"
            "r.click(); return r.value;"
        )
        until(
            lambda: driver.execute_script("return !!document.querySelector('.first-view-host')"), timeout=10
        )
        chosen = driver.execute_script(pick)
        until(lambda: f"view={chosen}" in driver.current_url, timeout=10)
        assert "w_" not in driver.current_url and "cities=" not in driver.current_url  # defaults left out
        focused = "var root = document.querySelector('.first-view-host').shadowRoot; var a = root.activeElement; return a && a.name + '=' + a.value;"
        until(lambda: driver.execute_script(focused) == f"view={chosen}", timeout=10)  # the focus stays on it
        logs = driver.get_log("browser")
        mine = [e for e in logs if "native_controls" in e["message"] or "first_view" in e["message"]]
        assert not mine, mine  # (Dash's own scripts complain of the renderer blocked here)
    finally:
        driver.quit()


def test_with_scripts_dash_takes_over_without_a_console_error(server_url):
    driver = chromium(True)
    try:
        for path in ("/compare?lang=en&level=dimension", "/data?lang=ru&tab=catalogue", "/map?lang=ru"):
            driver.get(server_url + path)
            until(
                lambda: driver.execute_script("return !document.querySelector('.first-view-host')"),
                timeout=30,
            )
            until(
                lambda: driver.find_elements(By.CSS_SELECTOR, ".mantine-Select-root, .ag-root-wrapper"),
                timeout=30,
            )
            assert not driver.execute_script(f"return document.getElementById('{FORM_ID}')"), path
            errors = h.console_errors([e for e in driver.get_log("browser") if e["level"] == "SEVERE"])
            assert not errors, (path, errors)
    finally:
        driver.quit()
