"""Dash's scripts wait until the visitor needs them, on pages whose first view is complete.

A public page's first view (services/first_view.py) is complete when no component in it had to be
drawn as an empty box: its text, figures, tables, links and page-state choices all work as plain
HTML. Such a page is sent with its first view and, instead of Dash's script tags and renderer
start-up, a JSON list of those scripts (in Dash's order) and a small loader, assets/deferred_dash.js
(left out of Dash's own asset list by app.py's `assets_ignore`). Reading, scrolling, following a
link, opening a `<details>` or changing a choice in a native page-state form need no script. The
loader adds Dash's scripts (in order) and starts the renderer as Dash's page does, on the
visitor's first:

- pointerdown, touchstart, keydown or focusin on something only Dash can serve: an element a
  callback listens to (ids listed here), a button or form control, or anything inside a chart,
  grid or map; never a link, a `<summary>`, the phone menu, a field or submit button of a
  native page-state form (a GET `<form>`), even one with the id of a control Dash listens to, or
  an element marked `data-served-by-page` (a button the page's own script serves at load, e.g.
  the presenter's previous / next / full-screen buttons, assets/present.js);
- pointerover on a chart, grid or map (where hovering shows values);
- click on such an element: the click is replayed on Dash's element with the same id once Dash
  has drawn it, so the visitor need not click twice.

A polite live region says that the interactive part is loading when that takes over a second.

Also sent as before (Dash at load): an incomplete first view, a page registered with
`dash_at_load=True`, `DASH_AT_LOAD=1`, and every request without a
first view (private pages, session cookies). Dash's inline scripts (clientside callbacks' code,
allowed by their hash in the CSP) stay in the page: they only define functions. The language
memory and the phone menu work as on script-free pages (assets/script_free.js).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

import dash
from markupsafe import escape

from i18n import t
from services import static_page
from services.config import settings

FLAG = "dash_at_load"  # register_page(..., dash_at_load=True): this page always starts Dash with itself
SCRIPT = "deferred_dash.js"  # under assets/, left out of Dash's pages by app.py's assets_ignore
# Dash assets that the first view itself needs (its native page-state form submits on a change;
# the presenter's slides move by keys, buttons and a timer): sent at load, and left out of the
# deferred list so that they run once.
FIRST_VIEW_ASSETS = ("native_controls.js", "present.js")
# On an element: the page's own script (sent at load) serves it, so it never starts Dash and a
# click on it is not replayed on Dash's element.
SERVED_BY_PAGE = "data-served-by-page"
SPEC_ID = "deferred-dash"
STATUS_ID = "deferred-dash-status"
ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


class ScriptTags(HTMLParser):
    """The `<script>` elements of an HTML fragment: attributes and text, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[dict[str, str], str]] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = {k: v or "" for k, v in attrs}, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


@lru_cache(maxsize=8)
def split_scripts(scripts_html: str) -> tuple[tuple[tuple[tuple[str, str], ...], ...], tuple[str, ...]]:
    """Dash's script tags: the external ones as attribute pairs, in order, and the inline ones as
    Dash wrote them (their text is what the CSP's hashes allow)."""
    parser = ScriptTags()
    parser.feed(scripts_html)
    parser.close()
    external = tuple(tuple(attrs.items()) for attrs, _ in parser.found if attrs.get("src"))
    inline = tuple(f"<script>{text}</script>" for attrs, text in parser.found if not attrs.get("src"))
    return external, inline


def listened_ids(callbacks: Mapping[str, Mapping]) -> frozenset[str]:
    """The component ids that callbacks take as an Input (pattern-matching ids left out)."""
    found = (str(d.get("id")) for entry in callbacks.values() for d in entry.get("inputs", []))
    return frozenset(i for i in found if not i.startswith("{"))


def markup_ids(markup: str) -> set[str]:
    """The ids of the elements in a first view's markup."""
    return {unescape(found) for found in ID_ATTRIBUTE.findall(markup)}


def spec_block(scripts: tuple[tuple[tuple[str, str], ...], ...], listened: list[str]) -> str:
    """The JSON block the loader reads: Dash's scripts in order, and the page's ids that callbacks
    listen to (data, never run: no CSP hash needed)."""
    plan = {"scripts": [dict(attrs) for attrs in scripts], "listened": listened}
    text = json.dumps(plan, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script id="{SPEC_ID}" type="application/json">{text}</script>'


def status_region(lang: str) -> str:
    """The polite live region that says, in the page's language, that the interactive part is
    loading (empty, and hidden, until the loader fills it)."""
    loading, failed = escape(t("deferred.loading", lang)), escape(t("deferred.failed", lang))
    return (
        f'<div id="{STATUS_ID}" class="deferred-dash-status" role="status" aria-live="polite"'
        f' data-loading="{loading}" data-failed="{failed}"></div>'
    )


def is_first_view_asset(attrs: Mapping[str, str]) -> bool:
    """Whether a script tag of Dash's loads one of the assets the first view needs at once."""
    path = attrs.get("src", "").split("?")[0]
    return any(path.endswith(f"/assets/{name}") for name in FIRST_VIEW_ASSETS)


def wanted(page: Mapping) -> bool:
    """Whether a complete first view of `page` is sent with Dash deferred."""
    return not settings.dash_at_load and not page.get(FLAG)


def parts(app: dash.Dash, index_parts: Mapping[str, str], lang: str, markup: str) -> dict[str, str]:
    """The index page's parts with Dash's scripts deferred: its inline scripts, the loader's plan,
    the status region, the script-free pages' small script and the loader; no renderer start-up."""
    external, inline = split_scripts(index_parts.get("scripts", ""))
    early = tuple(tag for tag in external if is_first_view_asset(dict(tag)))
    later = tuple(tag for tag in external if tag not in early)
    listened = sorted(markup_ids(markup) & listened_ids(static_page.all_callbacks(app)))
    scripts = [
        *inline,
        spec_block(later, listened),
        status_region(lang),
        *(f'<script src="{escape(dict(tag)["src"])}"></script>' for tag in early),
        f'<script src="{escape(static_page.script_url(app))}"></script>',
        f'<script src="{escape(static_page.script_url(app, SCRIPT))}"></script>',
    ]
    return {**index_parts, "scripts": "\n".join(scripts), "renderer": ""}
