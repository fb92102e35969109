"""Presenter mode: deck tokens, slide contents in both languages, and the page in a browser
(keyboard, counter, URL, no chrome, no scrollbars, nothing from outside hosts, Escape, editor)."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from dash.testing.wait import until
from markupsafe import escape
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from domain import compare
from domain import exports as dx
from presentation import brief
from services import deferred_dash as dd
from tests import dash_http
from tests.test_accessibility import describe, run_axe
from tests.test_deferred_dash import DASH_DRAWN_JS, dash_requests, plan_of, sources

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
KEY_MARKER = re.compile(
    r"\b(?:app|present|export|outlook|trends|profile|status|index|overview|compare)\.[a-z_]+"
)


@pytest.fixture(scope="module")
def city(built_data) -> str:
    """A member city taken from the data (the one with most indicator values; ties: first by id)."""
    counts = built_data["indicator_values"].groupby("city_id").size()
    return sorted(counts.index, key=lambda c: (-counts[c], c))[0]


# --- deck tokens (pure) ---------------------------------------------------------------------------


def test_default_deck_has_every_view(built_data):
    refs, bad = dx.parse_slides(None, built_data)
    tokens = [r.token for r in refs]
    assert bad == []
    assert tokens[:2] == ["overview", "compare"]
    cities = [c for c in tokens if c.startswith("city:")]
    assert sorted(cities) == sorted(f"city:{c}" for c in built_data["cities"]["city_id"])
    ranked = built_data["risk"].sort_values("rank")["city_id"].tolist()
    assert cities == [f"city:{c}" for c in ranked], "cities ordered by risk, highest first"
    assert "trends" in tokens
    assert dx.has_outlook(built_data) and tokens.index("outlook") == tokens.index("trends") + 1, (
        "outlook after trends"
    )
    assert not [x for x in tokens if x.startswith("outlook:")], "a city's outlook is optional"
    assert ("actions" in tokens) == dx.has_actions(built_data)


def test_slides_parameter_keeps_order_and_reports_bad_tokens(built_data, city):
    refs, bad = dx.parse_slides(
        f"city:{city}, Overview,trends:tmean,city:atlantis,<script>,trends:precip,", built_data
    )
    assert [r.token for r in refs] == [f"city:{city}", "overview", "trends", "trends:precip"]
    assert bad == ["city:atlantis", "<script>"]
    assert dx.slides_param(refs) == f"city:{city},overview,trends,trends:precip"
    many, _ = dx.parse_slides(",".join(["overview"] * 100), built_data)
    assert len(many) == dx.MAX_SLIDES


def test_outlook_slides_parse_validate_and_need_the_outlook_tables(built_data, city):
    refs, bad = dx.parse_slides(
        f"outlook,outlook:{city}, Outlook:{city.upper()},outlook:nowhere,outlook:", built_data
    )
    assert [r.token for r in refs] == ["outlook", f"outlook:{city}", f"outlook:{city}"]
    assert bad == ["outlook:nowhere", "outlook:"]
    assert dx.is_valid(dx.SlideRef("outlook"), built_data) and not dx.is_valid(
        dx.SlideRef("outlook", "atlantis"), built_data
    )
    optional = [r.token for r in dx.optional_slides(built_data)]
    assert [x for x in optional if x.startswith("outlook:")] == [
        f"outlook:{c}" for c in dx.city_ids_by_rank(built_data)
    ]
    for missing in dx.OUTLOOK_TABLES:
        without = {k: v for k, v in built_data.tables.items() if k != missing}

        class Bare:
            tables = without

            def __getitem__(self, name):
                return self.tables[name]

        assert not dx.has_outlook(Bare()), missing
        assert "outlook" not in [r.token for r in dx.available_slides(Bare())]
        assert not [r for r in dx.optional_slides(Bare()) if r.kind == "outlook"]
        assert dx.parse_slides(f"overview,outlook,outlook:{city}", Bare()) == (
            [dx.SlideRef("overview")],
            ["outlook", f"outlook:{city}"],
        )


def test_auto_and_position_are_clipped():
    assert dx.parse_auto(None) == (0, True) and dx.parse_auto("20") == (20, True)
    assert dx.parse_auto("1") == (dx.AUTO_MIN, False) and dx.parse_auto("abc") == (0, False)
    for huge in ("inf", "-inf", "nan", "1e400", "9" * 400):  # once a 500 from int(float("inf"))
        assert dx.parse_auto(huge) == (0, False), huge
    assert dx.parse_position("9" * 5000, 9) == 1 and dx.parse_position("9" * 400, 9) == 9
    assert (
        dx.parse_position("3", 9) == 3 and dx.parse_position("42", 9) == 9 and dx.parse_position("x", 9) == 1
    )


def test_compare_choice_reads_the_comparison_query(built_data):
    two = sorted(built_data["cities"]["city_id"])[-2:][
        ::-1
    ]  # asked out of order: the answer is in the data's order
    choice = dx.compare_choice(
        {"cities": f"{two[0]},{two[1]},nowhere", "w_vulnerability": "2", "level": "bogus"}, built_data
    )
    assert choice.cities == [c for c in built_data["cities"]["city_id"] if c in two]
    assert choice.level == "risk" and choice.weights.dimensions["vulnerability"] == 2.0
    query = compare.comparison_query(choice, built_data)
    assert query["cities"] == ",".join(choice.cities) and query["w_vulnerability"] == "2"


# --- slide contents (cached queries, so inside the app) ---------------------------------------------


@pytest.fixture(scope="module")
def app_ctx(dash_app):
    with dash_app.server.app_context():
        yield


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_slide_says_something_sourced_in_its_language(app_ctx, built_data, city, lang):
    from presentation import exports

    refs, _ = exports.deck_refs(None)
    refs += [
        dx.SlideRef("stability"),
        dx.SlideRef("hazards", city),
        dx.SlideRef("trends", "hot_days_35"),
        dx.SlideRef("outlook", city),
    ]
    assert {"outlook", f"outlook:{city}"} <= {r.token for r in refs}
    for ref in refs:
        slide, figure = exports.build_slide(ref, lang)
        assert slide.title and slide.numbers and slide.points, ref
        assert slide.sources, f"{ref.token}: no sources"
        assert sum(slide.status_counts.get(s, 0) for s in dx.STATUSES) > 0, ref
        assert len(figure.data) > 0, ref
        text = " ".join([slide.title, slide.subtitle, *slide.points, slide.status_line])
        if lang == "ru":
            assert CYRILLIC.search(text), ref
        else:
            assert not CYRILLIC.search(slide.status_line + " ".join(label for _, label in slide.numbers)), ref
        words = [
            slide.title,
            slide.subtitle,
            *slide.points,
            *slide.details,
            slide.status_line,
            slide.summary,
            *[f"{v} {label}" for v, label in slide.numbers],
        ]
        assert not [w for w in words if KEY_MARKER.search(w)], f"{ref.token}: untranslated key"
    profile, _ = exports.build_slide(dx.SlideRef("city", city), lang)
    assert profile.title == built_data["cities"].set_index("city_id").at[city, f"name_{lang}"]
    notes = profile.notes(lang)
    assert ("Источники" if lang == "ru" else "Sources") in notes and f"/city/{city}" in notes


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_outlook_slides_say_what_the_outlook_computes(app_ctx, built_data, city, lang):
    from domain import outlook as ol
    from i18n import format_share
    from presentation import exports

    result = ol.project(built_data)  # computed here, not the cached one the slides use
    scen, year = dx.OUTLOOK_SCENARIO, dx.OUTLOOK_HORIZON
    assert (scen, year) == ("ssp245", 2050), "the /outlook page's defaults"
    slide, figure = exports.build_slide(dx.SlideRef("outlook"), lang)
    assert {tr.type for tr in figure.data} == {"scatter"}
    tab = ol.ranking_table(result, year)
    names = dict(zip(built_data["cities"]["city_id"], built_data["cities"][f"name_{lang}"]))
    top = tab.loc[tab[f"{scen}_risk"].idxmax()]
    assert slide.numbers[0][0] == f"{names[top['city_id']]} · {dx.num(top[f'{scen}_risk'], lang)}"
    share = result.order_change.set_index(["scenario", "horizon"]).at[(scen, year), "share"]
    assert slide.numbers[2][0] == format_share(float(share), lang)
    for _, r in tab.iterrows():  # every city in the notes: today and the projected range
        line = next(d for d in slide.details if d.startswith(names[r["city_id"]] + ":"))
        assert dx.span(r[f"{scen}_risk_p10"], r[f"{scen}_risk_p90"], lang) in line
        assert dx.num(r["today_risk"], lang) in line
    assert slide.status_counts["illustrative"] > 0 and slide.status_counts["sourced"] == 0, "projected values"
    assert slide.path == f"/outlook?lang={lang}&scen={scen}&h={year}"
    notes = slide.notes(lang)
    assert slide.path in notes and ("Источники" if lang == "ru" else "Sources") in notes

    one, figure = exports.build_slide(dx.SlideRef("outlook", city), lang)
    today = dx.outlook_score(result, city, ol.TODAY)
    assert one.numbers[0][0] == dx.num(today["risk"], lang)
    for (value, label), s in zip(one.numbers[1:], result.meta["scenarios"]):
        row = dx.outlook_score(result, city, s, year)
        assert value == f"{dx.num(row['risk'], lang)} ({dx.signed(row['change'], lang, 2)})"
        assert dx.span(row["risk_p10"], row["risk_p90"], lang) in label
    from components.outlook_panel import driver_sentence

    assert one.points[0] == driver_sentence(built_data, result, city, scen, year, lang), "the page's wording"
    assert one.path == f"/outlook?lang={lang}&cities={city}&scen={scen}&h={year}"
    assert len(figure.data) > 0 and {tr.type for tr in figure.data} == {"scatter"}
    label = f"Прогноз риска: {names[city]}" if lang == "ru" else f"Risk outlook: {names[city]}"
    assert option_label_of(exports, f"outlook:{city}", lang) == label


def option_label_of(exports, token: str, lang: str) -> str:
    return {o["value"]: o["label"] for o in exports.editor_options(lang)}[token]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_brief_html_has_the_outlook_with_the_outlook_numbers(app_ctx, built_data, city, lang):
    from datetime import date

    from components.outlook_panel import driver_sentence
    from domain import outlook as ol
    from services import data_access

    result = ol.project(built_data)
    decomp, drivers = data_access.city_explained(city)
    common = dict(
        city_id=city,
        ranked=data_access.ranking(lang),
        decomp=decomp,
        drivers=drivers,
        build_id="abcdef12",
        built_at="2026-01-01",
        today=date(2026, 1, 2),
    )
    driver = driver_sentence(built_data, result, city, "ssp245", 2050, lang)
    html = brief.brief_html(
        built_data, brief.BriefInputs(**common, outlook=result, outlook_driver=driver), lang
    )
    section = re.search(r'<section class="outlook">(.*?)</section>', html, re.S).group(1)
    from i18n import t

    assert t("outlook.panel.title", lang) in section
    today = dx.outlook_score(result, city, ol.TODAY)
    assert (
        escape(
            t(
                "outlook.panel.today",
                lang,
                value=dx.num(today["risk"], lang),
                range=dx.span(today["risk_p10"], today["risk_p90"], lang),
            )
        )
        in section
    )
    cells = re.findall(
        r'<td><span class="ol-value">([^<]*)</span><span class="ol-range">([^<]*)</span>'
        r'<span class="ol-range">([^<]*)</span></td>',
        section,
    )
    expected = []
    for s in result.meta["scenarios"]:
        for h in result.meta["horizons"]:
            r = dx.outlook_score(result, city, s, h)
            expected.append(
                (
                    dx.num(r["risk"], lang),
                    dx.span(r["risk_p10"], r["risk_p90"], lang),
                    f"{dx.signed(r['change_p10'], lang, 2)} … {dx.signed(r['change_p90'], lang, 2)}",
                )
            )
    assert [tuple(map(unescape, c)) for c in cells] == expected
    assert escape(driver) in section and escape(t("outlook.panel.caveat", lang)) in section
    assert escape(t("status.illustrative", lang)) in section and not KEY_MARKER.search(
        re.sub(r"<[^>]+>", " ", section)
    )
    without = brief.brief_html(built_data, brief.BriefInputs(**common), lang)
    assert '<section class="outlook">' not in without


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_actions_slide_only_when_the_build_has_plans(app_ctx, built_data, monkeypatch):
    from presentation import exports

    without = dict(built_data.tables)
    without.pop("actions", None)

    class Bare:
        tables = without

        def __getitem__(self, name):
            return without[name]

    assert "actions" not in [r.token for r in dx.available_slides(Bare())]
    monkeypatch.setattr(exports.data_access, "get_data", lambda: Bare())
    refs, bad = exports.deck_refs("overview,actions")
    assert [r.token for r in refs] == ["overview"] and bad == ["actions"]


# --- the page in a browser --------------------------------------------------------------------------


def _state(driver) -> dict:
    return driver.execute_script("""
        var d = document.getElementById('present-deck');
        var cur = document.querySelector('.slide.is-current');
        var de = document.documentElement;
        var header = document.querySelector('.site-header');
        return {counter: document.getElementById('present-counter').textContent,
                token: cur ? cur.dataset.token : null, index: d.dataset.index,
                search: window.location.search, path: window.location.pathname,
                headerShown: !!(header && header.offsetParent !== null),
                overflowX: de.scrollWidth > de.clientWidth, overflowY: de.scrollHeight > de.clientHeight,
                hosts: performance.getEntriesByType('resource').map(function (r) { return new URL(r.name).hostname; })};
    """)


def test_deck_keyboard_counter_url_offline_and_escape(dash_duo, dash_app, city):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(1280, 720)
    driver.get(
        dash_duo.server_url + f"/present?slides=overview,city:{city},trends,hazards:{city}&lang=en&auto=0"
    )
    dash_duo.wait_for_text_to_equal("#present-counter", "1 / 4", timeout=20)
    until(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".slide.is-current .main-svg")) > 0, timeout=15)
    state = _state(driver)
    assert state["token"] == "overview" and not state["headerShown"]
    assert not state["overflowX"] and not state["overflowY"], state
    body = driver.find_element(By.TAG_NAME, "body")

    def press(key, counter, token):
        body.send_keys(key)
        dash_duo.wait_for_text_to_equal("#present-counter", counter, timeout=5)
        s = _state(driver)
        assert s["token"] == token, s
        assert parse_qs(s["search"].lstrip("?"))["slide"] == [counter.split(" ")[0]]
        return s

    press(Keys.ARROW_RIGHT, "2 / 4", f"city:{city}")
    press(Keys.PAGE_DOWN, "3 / 4", "trends")
    press(Keys.SPACE, "4 / 4", f"hazards:{city}")
    press(Keys.ARROW_RIGHT, "4 / 4", f"hazards:{city}")  # stays on the last slide without auto-advance
    press(Keys.ARROW_LEFT, "3 / 4", "trends")
    press(Keys.PAGE_UP, "2 / 4", f"city:{city}")
    press(Keys.HOME, "1 / 4", "overview")
    state = press(Keys.END, "4 / 4", f"hazards:{city}")
    assert "slides=overview" in state["search"] and "lang=en" in state["search"]
    # The hidden slides' charts were drawn too; nothing was fetched from another host.
    assert len(driver.find_elements(By.CSS_SELECTOR, ".slide .main-svg")) >= 4
    hosts = set(state["hosts"])
    assert hosts and hosts <= {"127.0.0.1", "localhost"}, hosts
    # Reloading opens the same slide.
    driver.refresh()
    dash_duo.wait_for_text_to_equal("#present-counter", "4 / 4", timeout=20)
    assert _state(driver)["token"] == f"hazards:{city}"
    hosts = set(_state(driver)["hosts"])
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    until(lambda: driver.execute_script("return window.location.pathname") == "/", timeout=10)
    assert "lang=en" in driver.execute_script("return window.location.search")
    until(
        lambda: (
            driver.find_elements(By.CSS_SELECTOR, ".page-overview")
            and not driver.find_elements(By.ID, "present-deck")
        ),
        timeout=20,
    )
    until(lambda: driver.find_element(By.CSS_SELECTOR, ".site-header").is_displayed(), timeout=5)
    assert dash_duo.get_logs() == []


def test_editor_orders_slides_and_starts_the_deck(dash_duo, dash_app, city):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(1366, 900)
    driver.get(dash_duo.server_url + f"/present?lang=ru&edit=1&slides=overview,city:{city},trends&auto=20")
    dash_duo.wait_for_text_to_equal("#page-title", "Режим презентации", timeout=20)
    # read in one script: the list is re-rendered after each click, so element handles go stale

    def items():
        return driver.execute_script(
            "return [...document.querySelectorAll('#present-order li')].map(li => li.dataset.token)"
        )

    until(lambda: items() == ["overview", f"city:{city}", "trends"], timeout=5)
    assert driver.find_element(By.CSS_SELECTOR, ".site-header").is_displayed(), "the editor keeps the shell"
    driver.find_element(By.CSS_SELECTOR, "#present-order li:nth-child(3) a[title='Выше']").click()
    until(lambda: items() == ["overview", "trends", f"city:{city}"], timeout=10)
    driver.find_element(By.CSS_SELECTOR, "#present-order li:nth-child(1) a[title='Убрать']").click()
    until(lambda: items() == ["trends", f"city:{city}"], timeout=10)
    until(
        lambda: (
            f"slides=trends,city:{city}" in driver.find_element(By.ID, "present-start").get_attribute("href")
        ),
        timeout=5,
    )
    href = driver.find_element(By.ID, "present-start").get_attribute("href")
    assert "auto=20" in href and "lang=ru" in href
    driver.find_element(By.ID, "present-start").click()
    dash_duo.wait_for_text_to_equal("#present-counter", "1 / 2", timeout=20)
    assert (
        driver.execute_script("return document.querySelector('.slide.is-current').dataset.token") == "trends"
    )
    assert driver.execute_script("return document.getElementById('present-deck').dataset.auto") == "20"
    title = driver.find_element(By.CSS_SELECTOR, ".slide.is-current .slide-title").text
    assert CYRILLIC.search(title), title
    assert dash_duo.get_logs() == []


# --- the page without Dash at load (issue 21) ---------------------------------------------------------


@pytest.fixture()
def deferred(monkeypatch):
    """Dash deferred as in production (tests/conftest.py sets DASH_AT_LOAD=1 for other browser tests)."""
    monkeypatch.setattr(dd, "settings", dataclasses.replace(dd.settings, dash_at_load=False))


class Editor(HTMLParser):
    """The editor's first view: the deck's order, each slide's links, the forms and their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.order: list[str] = []
        self.links: dict[tuple[int, str], str] = {}  # (position, action) -> href
        self.forms: list[dict] = []
        self.anchors: dict[str, str] = {}  # id -> href of the page's other links
        self.notices: list[str] = []
        self._notice = 0
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "li" and "data-token" in a:
            self.order.append(a["data-token"])
        elif tag == "a" and "data-action" in a:
            self.links[(len(self.order) - 1, a["data-action"])] = a["href"]
        elif tag == "a" and a.get("id"):
            self.anchors[a["id"]] = a["href"]
        elif tag == "form" and "present-form" in a.get("class", ""):
            self.forms.append({"hidden": {}, "select": None, "options": [], "chosen": None, "attrs": a})
        elif tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1]["hidden"][a["name"]] = a.get("value", "")
        elif tag == "select" and self.forms:
            self.forms[-1]["select"] = a["name"]
        elif tag == "option" and self.forms:
            self.forms[-1]["options"].append(a["value"])
            if "selected" in a:
                self.forms[-1]["chosen"] = a["value"]
        elif tag == "div" and "notice" in a.get("class", "").split():
            self._notice = 1
        elif self._notice and tag == "div":
            self._notice += 1

    def handle_endtag(self, tag):
        if self._notice and tag == "div":
            self._notice -= 1

    def handle_data(self, data):
        if self._notice and data.strip():
            self.notices.append(data.strip())


def editor(client, href: str) -> tuple[Editor, str]:
    """The editor at `href` (its fragment left to the browser), parsed, and the page's body."""
    response = client.get(href.split("#")[0])
    assert response.status_code == 200, href
    body = response.get_data(as_text=True)
    parsed = Editor()
    parsed.feed(body)
    return parsed, body


def submitted(form: dict, value: str) -> str:
    """The address a GET form of the editor goes to with `value` chosen in its list."""
    return form["attrs"]["action"] + "?" + urlencode({**form["hidden"], form["select"]: value})


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_editor_and_the_deck_come_complete_without_dash(client, deferred, built_data, lang):
    deck_tokens = editor(client, f"/present?lang={lang}")[0].order
    assert deck_tokens, "the standard deck"
    for path in (f"/present?lang={lang}", f"/present?lang={lang}&slides={','.join(deck_tokens)}"):
        body = client.get(path).get_data(as_text=True)
        assert plan_of(body), f"{path}: Dash deferred"
        at_load = [src.split("?")[0] for src in sources(body)]
        assert not [s for s in at_load if "dash_renderer" in s or "_dash-component-suites" in s], path
        assert "/assets/present.js" in at_load, f"{path}: the deck's keys work at load"
        assert not [s for s in plan_of(body)["scripts"] if s["src"].split("?")[0].endswith("/present.js")]
        assert "first-view-box" not in body and "first-view-graph" not in body, path
    # Every slide is there, each with its chart drawn as SVG in the slide's box.
    slides = re.findall(r'<section[^>]*class="slide( is-current)?"[^>]*>(.*?)</section>', body, re.S)
    assert len(slides) == len(deck_tokens)
    assert all('class="dash-graph first-view-chart slide-graph"' in s and "<svg" in s for _, s in slides)
    # The deck's own buttons are served by present.js; the export button starts Dash.
    for name in ("deck-prev", "deck-next", "deck-full"):
        assert re.search(rf'<button[^>]*class="deck-button {name}"[^>]*{dd.SERVED_BY_PAGE}=', body), name
    export = re.search(r'<button[^>]*id="export-pptx"[^>]*>', body).group(0)
    assert dd.SERVED_BY_PAGE not in export


def test_the_editor_s_links_and_forms_give_the_next_address(client, deferred, city):
    start = f"/present?lang=en&edit=1&slides=overview,city:{city},trends&auto=20&w_vulnerability=2"
    page, _ = editor(client, start)
    assert page.order == ["overview", f"city:{city}", "trends"]
    assert (0, "up") not in page.links and (2, "down") not in page.links, "nowhere to move"
    up = page.links[(2, "up")]
    assert up.endswith("#present-item-2"), "the browser scrolls back to the moved slide"
    q = query_of(up)
    assert q["slides"] == [f"overview,trends,city:{city}"]
    assert (
        q["auto"] == ["20"] and q["lang"] == ["en"] and q["edit"] == ["1"] and q["w_vulnerability"] == ["2"]
    )
    page, _ = editor(client, up)
    assert page.order == ["overview", "trends", f"city:{city}"]
    page, _ = editor(client, page.links[(0, "down")])
    assert page.order == ["trends", "overview", f"city:{city}"]
    page, _ = editor(client, page.links[(0, "remove")])
    assert page.order == ["overview", f"city:{city}"]
    assert (
        page.anchors["present-start"]
        == f"/present?slides=overview,city:{city}&lang=en&auto=20&w_vulnerability=2"
    )
    # Adding: the form's hidden fields keep the deck, `add` joins it; a reload gives the same deck.
    add = next(f for f in page.forms if f["select"] == "add")
    assert add["options"][0] == "" and "compare" in add["options"]
    added_href = submitted(add, "compare")
    for _ in range(2):
        page, _ = editor(client, added_href)
        assert page.order == ["overview", f"city:{city}", "compare"] and not page.notices
    assert "slides=overview,city:" in page.anchors["present-start"]
    page, _ = editor(client, submitted(add, ""))  # nothing chosen: the deck as it was
    assert page.order == ["overview", f"city:{city}"] and not page.notices
    # The interval: a list with the current choice, sent with the deck.
    auto = next(f for f in page.forms if f["select"] == "auto")
    assert auto["chosen"] == "20" and "auto" not in auto["hidden"]
    page, _ = editor(client, submitted(auto, "30"))
    assert query_of(page.anchors["present-start"])["auto"] == ["30"]
    assert next(f for f in page.forms if f["select"] == "auto")["chosen"] == "30"
    # The standard deck, and an empty one (its last slide removed) that cannot start.
    page, _ = editor(client, page.anchors["present-default"])
    assert page.order == editor(client, "/present?lang=en")[0].order
    page, body = editor(client, "/present?lang=en&edit=1&slides=trends")
    page, body = editor(client, page.links[(0, "remove")])
    assert page.order == [] and "present-start" not in page.anchors
    assert "The presentation can start once the deck holds at least one slide." in body


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("slides=overview&add=city:atlantis", "is not one of the slides on offer"),
        ("slides=overview&add=%3Cscript%3E", "is not one of the slides on offer"),
        (
            f"slides={','.join(['overview'] * dx.MAX_SLIDES)}&add=compare",
            f"already holds {dx.MAX_SLIDES} slides",
        ),
        ("slides=overview&auto=abc", "auto-advance interval"),
        ("slides=overview&auto=inf", "auto-advance interval"),
        ("slides=overview,nowhere", "not understood"),
        ("slides=overview&add=compare&add=trends", None),
    ],
)
def test_bad_editor_input_says_so_and_keeps_the_deck(client, deferred, query, notice):
    page, body = editor(client, f"/present?lang=en&edit=1&{query}")
    assert "<script>alert" not in body
    if notice is None:
        return  # 200 is all that is asked of a repeated parameter
    assert any(notice in n for n in page.notices), page.notices
    assert page.order and set(page.order) <= {"overview"}


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [(1, "1 слайд", "1 slide"), (3, "3 слайда", "3 slides"), (5, "5 слайдов", "5 slides")],
)
def test_the_count_says_the_plural_of_each_language(client, deferred, count, ru, en):
    slides = ",".join(["overview"] * count)
    for lang, words in (("ru", ru), ("en", en)):
        body = editor(client, f"/present?lang={lang}&edit=1&slides={slides}")[1]
        assert re.search(rf'<span id="present-count"[^>]*>[^<]*\b{words}\b', body), (lang, words)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_slide_s_chart_draws_on_the_server_to_fill_its_box(app_ctx, built_data, lang):
    """Any deck's first view is complete: every slide the editor offers draws its chart as SVG at
    the sizes of the boxes it fills (a slide's chart has style height 100%)."""
    from components import slide_charts as sc
    from presentation import exports
    from services import figure_svg

    refs = exports.deck_refs(None)[0] + list(dx.optional_slides(built_data))
    assert figure_svg.chart_height({"height": "100%"}, None) == figure_svg.FILL_SIZES
    for ref in refs:
        _, figure = exports.build_slide(ref, lang)
        svg = figure_svg.figure_svg(sc.for_projector(figure), figure_svg.FILL_SIZES, lang)
        assert svg is not None, ref.token
        boxes = re.findall(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg)
        assert [(float(w), float(h)) for w, h in boxes] == [
            tuple(map(float, figure_svg.FILL_SIZES[k])) for k in figure_svg.WIDTHS
        ], ref.token


def counter(driver) -> str:
    return driver.execute_script("return document.getElementById('present-counter').textContent")


def test_the_deck_moves_without_dash_and_keeps_its_slide_when_dash_starts(dash_duo, dash_app, city, deferred):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(1280, 720)
    deck = f"/present?slides=overview,city:{city},trends&lang=ru&auto=0"
    driver.get(dash_duo.server_url + deck)
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    assert counter(driver) == "1 / 3"
    assert driver.find_elements(By.CSS_SELECTOR, ".slide.is-current .first-view-chart svg"), "the SVG chart"
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    until(lambda: counter(driver) == "2 / 3", 5)
    driver.find_element(By.CSS_SELECTOR, ".deck-next").click()  # one move, by present.js alone
    until(lambda: counter(driver) == "3 / 3", 5)
    driver.find_element(By.CSS_SELECTOR, ".deck-prev").click()
    until(lambda: counter(driver) == "2 / 3", 5)
    assert parse_qs(urlsplit(driver.current_url).query)["slide"] == ["2"]
    assert _state(driver)["token"] == f"city:{city}"
    assert dash_requests(driver) == [], "the deck's keys and buttons need no Dash"
    assert not _state(driver)["overflowX"] and not _state(driver)["overflowY"]
    violations = run_axe(driver)
    assert not violations, describe(violations)
    # Escape leaves for the overview with a plain navigation (Dash is not running).
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    until(lambda: driver.execute_script("return window.location.pathname") == "/", 15)
    assert "lang=ru" in driver.execute_script("return window.location.search")
    # Dash starting mid-presentation (a hover on the chart) keeps the slide shown.
    driver.get(dash_duo.server_url + deck + "&slide=2")
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)
    assert counter(driver) == "2 / 3"
    chart = driver.find_element(By.CSS_SELECTOR, ".slide.is-current .first-view-chart")
    ActionChains(driver).move_to_element(chart).perform()
    until(lambda: driver.execute_script(DASH_DRAWN_JS), 30)
    until(lambda: driver.find_elements(By.CSS_SELECTOR, ".slide.is-current .main-svg"), 15)
    assert counter(driver) == "2 / 3" and _state(driver)["token"] == f"city:{city}"
    driver.find_element(By.CSS_SELECTOR, ".deck-next").click()
    until(lambda: counter(driver) == "3 / 3", 5)
    assert dash_http.console_errors(dash_duo.get_logs()) == []


def test_the_editor_moves_and_adds_slides_without_dash(dash_duo, dash_app, city, deferred):
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.set_window_size(1366, 900)
    driver.get(dash_duo.server_url + f"/present?lang=en&edit=1&slides=overview,city:{city},trends")
    until(lambda: driver.execute_script("return document.readyState") == "complete", 30)

    def items():
        return driver.execute_script(
            "return [...document.querySelectorAll('#present-order li')].map(li => li.dataset.token)"
        )

    assert items() == ["overview", f"city:{city}", "trends"]
    link = driver.find_element(By.CSS_SELECTOR, "#present-order li:nth-child(3) a[data-action='up']")
    assert link.get_attribute("aria-label").startswith("Move up: ")
    link.send_keys(Keys.ENTER)  # the keyboard, as a keyboard user would
    until(lambda: items() == ["overview", "trends", f"city:{city}"], 15)
    assert driver.execute_script("return location.hash") == "#present-item-2"
    Select(driver.find_element(By.ID, "present-add")).select_by_value("compare")
    driver.find_element(By.ID, "present-add-button").click()
    until(lambda: items() == ["overview", "trends", f"city:{city}", "compare"], 15)
    Select(driver.find_element(By.ID, "present-auto")).select_by_value("30")  # sent on change
    until(lambda: "auto=30" in driver.find_element(By.ID, "present-start").get_attribute("href"), 15)
    assert items() == ["overview", "trends", f"city:{city}", "compare"]
    assert dash_requests(driver) == []
    violations = run_axe(driver)
    assert not violations, describe(violations)
    assert dash_http.console_errors(dash_duo.get_logs()) == []
