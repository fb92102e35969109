"""The requested page's first view as plain HTML in the index page, readable before any script runs.

On a phone over a slow network the index HTML arrives long before React has downloaded, run and
asked the server for the layout and the page (Lighthouse mobile: 4-6 s of "Loading..."). Here a
public page's layout, inside the app's shell with its header and footer filled, is turned into
static markup and written into `#react-entry-point`. assets/first_view.js moves that markup into
a shadow root in front of the entry point before React mounts (React would otherwise replace it
with "Loading..." first), so it stays on screen, with each id once in the document, while Dash
renders beneath it, and removes it once Dash shows the page's own content.

- `FIRST_VIEW=0` turns it off (Dash's plain entry, as before).
- Only pages registered with `public_answer=True` (the same rule as the callback cache, with
  Dash's own path resolution), and never for a request that carries a session cookie: signed-in
  visitors get Dash's plain entry. A render during which the session was read is dropped.
- A layout that raises falls back to Dash's plain entry (logged once per page).
- The markup is cached like a public callback answer: by code version, data build, editing
  database stamp, day, path and query.
- A page registered with `script_free=True` whose layout needs no script is sent as this markup
  alone, without Dash's scripts (services/static_page.py); a wrong declaration gets Dash (logged).
- Charts, maps and controls become empty boxes of the size their component will take; grids and
  the controls of a page's state become plain tables and native form fields of the same size
  (services/native_controls.py); stores, locations, intervals and downloads become nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import dash
import flask
from dash._pages import _path_to_page  # Dash's own path resolution: the page it will render
from dash.development.base_component import Component
from dash.exceptions import UnsupportedRelativePath
from markupsafe import escape

from i18n import resolve_lang
from services import data_access, native_controls, static_page
from services.callback_cache import CODE_VERSION, MARK, carries_session, session_was_read
from services.config import settings

log = logging.getLogger(__name__)
ENTRY_ID = "react-entry-point"
VIEW_CLASS = "first-view"
CONTENT_ID = "_pages_content"  # dash.page_container's content, which Dash's router fills
HTML = "dash_html_components"
DCC = "dash_core_components"
RENDERS_NOTHING = frozenset({(DCC, "Store"), (DCC, "Location"), (DCC, "Interval"), (DCC, "Download")})
CHILDREN_ONLY = frozenset({("dash_mantine_components", "MantineProvider")})
CHILDREN_IN_DIV = frozenset({(DCC, "Loading"), ("dash_mantine_components", "Group")})
TAG_NAMES = {"MapEl": "map", "ObjectEl": "object"}
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
NOT_ATTRIBUTES = frozenset(
    {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state", "setProps", "key"}
)
ATTRIBUTE_NAMES = {"className": "class", "htmlFor": "for"}
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "cite"})
BOX_ATTRIBUTES = ("id", "className", "style", "title", "role", "hidden")
INPUT_ATTRIBUTES = ("type", "value", "placeholder", "min", "max", "step", "name", "disabled", "readOnly")
UNITLESS = frozenset(
    {"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity", "order", "zIndex", "zoom"}
)
PLOTLY_DEFAULT_HEIGHT = 450  # px: what plotly.js draws when neither the style nor the figure sets one
_logged_failures: set[str] = set()
_logged_not_script_free: set[str] = set()


@dataclass(frozen=True)
class FirstView:
    """A page's first view: the language it is in, its title, the markup of the app's layout, and
    whether it is sent without Dash (a script-free page, services/static_page.py)."""

    lang: str
    title: str
    markup: str
    script_free: bool = False


def kebab(name: str) -> str:
    """A React style name as CSS (`minHeight` -> `min-height`; custom properties stay as they are)."""
    return name if name.startswith("--") else re.sub(r"([A-Z])", r"-\1", name).lower()


def style_text(style: Mapping[str, object]) -> str:
    """A React style object as a CSS declaration list (numbers get `px` as React gives them)."""
    parts = []
    for name, value in style.items():
        if value is None or isinstance(value, bool):
            continue
        if (
            isinstance(value, (int, float))
            and name not in UNITLESS
            and not name.startswith("--")
            and value != 0
        ):
            value = f"{value}px"
        parts.append(f"{kebab(name)}:{value}")
    return ";".join(parts)


def attribute(name: str, value: object) -> str:
    """One HTML attribute from a component property (empty when the browser would not show it)."""
    if value is None or (name == "id" and not isinstance(value, str)):
        return ""  # pattern-matching ids are objects: nothing links to them
    data_like = name.startswith(("aria-", "data-"))
    html_name = name if data_like else ATTRIBUTE_NAMES.get(name, name.lower())
    if isinstance(value, bool):
        if data_like:
            return f' {html_name}="{str(value).lower()}"'
        return f" {html_name}" if value else ""
    if name == "style":
        return f' style="{escape(style_text(value))}"' if isinstance(value, Mapping) and value else ""
    if not isinstance(value, (str, int, float)):
        return ""
    if html_name in URL_ATTRIBUTES and str(value).strip().lower().startswith("javascript:"):
        value = "about:blank"  # as Dash's components do with script addresses
    return f' {html_name}="{escape(str(value))}"'


def attributes(props: Mapping[str, object], names: tuple[str, ...] | None = None, aria: bool = True) -> str:
    """The HTML attributes of a component's set properties (all of them, or only `names` and aria-*)."""
    keys = [
        k
        for k in props
        if k not in NOT_ATTRIBUTES and (names is None or k in names or (aria and k.startswith("aria-")))
    ]
    return "".join(attribute(k, props[k]) for k in keys)


def props_of(component: Component) -> dict[str, object]:
    """The properties set on a component (as Dash sends them to the browser)."""
    return dict(component.to_plotly_json()["props"])


def graph_height(props: Mapping[str, object]) -> str | None:
    """The height a dcc.Graph will take when its style does not say: its figure's, else plotly's default."""
    style = props.get("style") or {}
    if isinstance(style, Mapping) and style.get("height") is not None:
        return None
    figure = props.get("figure")
    layout = figure.get("layout") if isinstance(figure, Mapping) else getattr(figure, "layout", None)
    height = layout.get("height") if isinstance(layout, Mapping) else getattr(layout, "height", None)
    return f"{height or PLOTLY_DEFAULT_HEIGHT}px"


def box(props: Mapping[str, object], extra_class: str, height: str | None = None) -> str:
    """An empty box with the component's id, classes and style: the room its script will fill."""
    style = props.get("style") if isinstance(props.get("style"), Mapping) else {}
    shaped = {
        **props,
        "className": " ".join(filter(None, [extra_class, props.get("className")])),
        "style": {**style, **({"height": height} if height else {})},
    }
    return f"<div{attributes(shaped, BOX_ATTRIBUTES, aria=False)}></div>"  # empty: nothing to label


def to_html(node: object, fills: Mapping[str, object] | None = None) -> str:
    """Static HTML for a Dash component tree; `fills` gives the children of components by id (the
    parts of the shell that callbacks fill), without changing the tree."""
    fills = fills or {}
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return str(escape(str(node)))
    if isinstance(node, (list, tuple)):
        return "".join(to_html(child, fills) for child in node)
    if not isinstance(node, Component):
        return ""
    kind = (node._namespace, node._type)
    node_id = getattr(node, "id", None)
    children = (
        fills[node_id] if isinstance(node_id, str) and node_id in fills else getattr(node, "children", None)
    )
    if kind in RENDERS_NOTHING:
        return ""
    if kind in CHILDREN_ONLY:
        return to_html(children, fills)
    props = props_of(node)
    if kind in CHILDREN_IN_DIV:
        return f"<div{attributes(props, BOX_ATTRIBUTES)}>{to_html(children, fills)}</div>"
    if node._namespace == HTML:
        tag = TAG_NAMES.get(node._type, node._type.lower())
        if tag in VOID_TAGS:
            return f"<{tag}{attributes(props)}>"
        return f"<{tag}{attributes(props)}>{to_html(children, fills)}</{tag}>"
    if kind == (DCC, "Link"):
        return f"<a{attributes(props, (*BOX_ATTRIBUTES, 'href', 'target'))}>{to_html(children, fills)}</a>"
    if kind == (DCC, "Input"):
        return f"<input{attributes(props, (*BOX_ATTRIBUTES, *INPUT_ATTRIBUTES))}>"
    if kind == (DCC, "Markdown"):  # the app writes none; its text is better than nothing
        return f"<div{attributes(props, BOX_ATTRIBUTES)}>{to_html(children, fills)}</div>"
    if kind == (DCC, "Graph"):
        return box(props, "dash-graph first-view-graph", graph_height(props))
    native = native_controls.render(node, props, style_text(props.get("style") or {}))
    if native is not None:  # a grid's table, a page-state control's form field
        return native
    label = props.get("label")  # a control's own label (Mantine's Select, MultiSelect...)
    said = f'<div class="first-view-label">{escape(label)}</div>' if isinstance(label, str) else ""
    return said + box(props, "first-view-box")


def page_for(app: dash.Dash, pathname: str) -> tuple[dict, dict]:
    """The registered page Dash renders for `pathname` (the not-found page when none matches) and
    its path variables."""
    try:
        page, variables = _path_to_page(app.strip_relative_path(pathname))
    except UnsupportedRelativePath:
        return {}, {}
    if not page:
        page = next((p for m, p in dash.page_registry.items() if m.split(".")[-1] == "not_found_404"), {})
    return page, variables or {}


def query_arguments(args: Mapping[str, list[str]]) -> dict[str, object]:
    """The query string as Dash's router passes it to a layout (one value, or a list of several)."""
    return {k: v[0] if len(v) == 1 else v for k, v in args.items()}


def render_page(
    app: dash.Dash, pathname: str, args: Mapping[str, list[str]], shell: Callable[[str, str], dict]
) -> FirstView | None:
    """The first view of a public page (None for any other): the app's layout with the shell's
    parts from `shell(pathname, search)` and the page's layout for the query."""
    page, variables = page_for(app, pathname)
    if not page.get(MARK):
        return None
    query = query_arguments(args)
    lang = resolve_lang(query.get("lang"))[0]
    layout = page.get("layout")
    if callable(layout):
        states = {name: None for name in app.routing_callback_inputs}  # nothing remembered yet
        layout = layout(**{**variables, **query, **states})
    title = page.get("title", app.title)
    title = title(**variables) if callable(title) else title
    root = app.layout() if callable(app.layout) else app.layout
    search = f"?{urlencode(args, doseq=True)}" if args else ""
    fills = {**shell(pathname, search), CONTENT_ID: native_controls.with_state_form(layout)}
    return FirstView(lang, str(title), to_html(root, fills), is_script_free(app, page, layout))


def is_script_free(app: dash.Dash, page: Mapping, layout: object) -> bool:
    """Whether a page declared script-free is (its layout needs no script); a wrong declaration is
    logged once per page and the page gets Dash."""
    if not page.get(static_page.FLAG):
        return False
    reason = static_page.obstacle(layout, str(page.get("module")), static_page.all_callbacks(app))
    if reason is None:
        return True
    module = str(page.get("module"))
    if module not in _logged_not_script_free:
        _logged_not_script_free.add(module)
        log.error("%s is declared script-free but is not (%s); it gets Dash", module, reason)
    return False


def cache_key(pathname: str, args: Mapping[str, list[str]]) -> str:
    """Key of a first view: code, data build, editing database stamp, day, path and query."""
    canonical = json.dumps([pathname, sorted(args.items())], ensure_ascii=False, separators=(",", ":"))
    stamp = data_access.actions_stamp()
    build = data_access.get_data().build_id
    text = f"{CODE_VERSION}\n{build}\n{stamp}\n{date.today().isoformat()}\n{canonical}"
    return "first-view:" + hashlib.sha256(text.encode()).hexdigest()


def cached_render(app: dash.Dash, shell: Callable[[str, str], dict]) -> FirstView | None:
    """This request's first view, from the cache when another visitor asked for it before."""
    pathname, args = flask.request.path, flask.request.args.to_dict(flat=False)
    try:
        key = cache_key(pathname, args)
        cached = data_access.cache.get(key)
    except Exception as err:  # noqa: BLE001 - database or cache down: render it here, do not store it
        log.debug("first view not cached (%s)", type(err).__name__)
        key, cached = None, None
    if isinstance(cached, tuple) and len(cached) == 4:
        return FirstView(*cached)
    view = render_page(app, pathname, args, shell)
    if session_was_read():
        log.error("a public page's layout read the session; no first view for %s", pathname[:80])
        return None
    if view is not None and key is not None and not data_access.updates_unavailable():
        try:
            data_access.cache.set(key, (view.lang, view.title, view.markup, view.script_free))
        except Exception as err:  # noqa: BLE001 - the view is sent anyway
            log.warning("first view not stored (%s)", type(err).__name__)
    return view


def first_view(app: dash.Dash, shell: Callable[[str, str], dict]) -> FirstView | None:
    """This request's first view, or None (private page, session cookie, or a render error)."""
    if not settings.first_view or carries_session(app.server):
        return None
    try:
        return cached_render(app, shell)
    except Exception:  # a broken layout must not break the index page: Dash's plain entry instead
        page = str(page_for(app, flask.request.path)[0].get("module", flask.request.path))
        if page not in _logged_failures:
            _logged_failures.add(page)
            log.exception("first view of %s failed; Dash's plain entry is sent", page)
        return None


def install(app: dash.Dash, shell: Callable[[str, str], dict]) -> None:
    """Write each public page's first view into the index page Dash sends (and `<html lang>`), and
    send a script-free page's as the whole document, without Dash's scripts.

    `shell(pathname, search)` gives the children of the shell's parts that callbacks fill, by id."""
    interpolate = app.interpolate_index
    index = app.index
    script = static_page.script_url(app)

    def interpolate_with_first_view(**parts: str) -> str:
        view = first_view(app, shell) if flask.has_request_context() else None
        if view is None:
            return interpolate(**parts)
        if view.script_free:  # Dash's page as it is; index_with_static_pages sends the document instead
            flask.g.script_free_page = static_page.document(view.lang, view.title, view.markup, parts, script)
            return interpolate(**parts)
        parts["app_entry"] = f'<div id="{ENTRY_ID}"><div class="{VIEW_CLASS}">{view.markup}</div></div>'
        parts["title"] = str(escape(view.title))
        page = interpolate(**parts)
        return re.sub(r"<html lang=\"[a-z]+\"", f'<html lang="{view.lang}"', page, count=1)

    def index_with_static_pages(*args: object, **kwargs: object) -> str:
        page = index(*args, **kwargs)  # Dash checks that its index has its scripts: made, then replaced
        return flask.g.pop("script_free_page", None) or page

    app.interpolate_index = interpolate_with_first_view  # Dash's documented override, per app
    app.index = index_with_static_pages  # Dash's index routes call app.index at each request
