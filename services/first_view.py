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
  Such a page that is not public (the sign-in form, which carries the visitor's form token; the
  admin page, whose refusal to an anonymous visitor is text and a link) is rendered for each
  request, session cookie or not, never cached, and gets Dash when this visitor's layout needs it.
- Charts (services/figure_svg.py) and dash-leaflet maps (services/map_svg.py) are drawn as SVG in
  a box of the size their component will take; page-state controls become fields of one native GET
  form and AG Grids plain tables (services/native_controls.py); anything else with a script (and a
  chart or map they cannot draw) becomes an empty box of its component's size; stores, locations,
  intervals and downloads become nothing.
- A view without any empty box (and without a running interval) is complete: it is sent with
  Dash's scripts deferred until the visitor needs them (services/deferred_dash.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
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
from services import data_access, deferred_dash, figure_svg, map_svg, native_controls, static_page
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
_boxes: ContextVar[list[str] | None] = ContextVar("first_view_boxes", default=None)  # per render


@dataclass(frozen=True)
class FirstView:
    """A page's first view: the language it is in, its title, the markup of the app's layout,
    whether it is sent without Dash (a script-free page, services/static_page.py), and whether it
    is complete (no component drawn as an empty box: Dash can wait, services/deferred_dash.py)."""

    lang: str
    title: str
    markup: str
    script_free: bool = False
    complete: bool = False


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
    """The HTML attributes of a component's set properties (all of them, or only `names` and aria-*):
    its own in Dash's order, then aria-* and data-* by name (Dash keeps those in no fixed order)."""
    keys = sorted(
        (
            k
            for k in props
            if k not in NOT_ATTRIBUTES and (names is None or k in names or (aria and k.startswith("aria-")))
        ),
        key=lambda k: (k.startswith(("aria-", "data-")), k if k.startswith(("aria-", "data-")) else ""),
    )
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


def mark_incomplete(reason: str) -> None:
    """Note, during a render, that the view needs Dash's scripts at load."""
    drawn = _boxes.get()
    if drawn is not None:
        drawn.append(reason)


def box(props: Mapping[str, object], extra_class: str, height: str | None = None) -> str:
    """An empty box with the component's id, classes and style: the room its script will fill.
    Drawing one makes the view incomplete."""
    mark_incomplete(extra_class)
    style = props.get("style") if isinstance(props.get("style"), Mapping) else {}
    shaped = {
        **props,
        "className": " ".join(filter(None, [extra_class, props.get("className")])),
        "style": {**style, **({"height": height} if height else {})},
    }
    return f"<div{attributes(shaped, BOX_ATTRIBUTES, aria=False)}></div>"  # empty: nothing to label


def chart(props: Mapping[str, object]) -> str | None:
    """A dcc.Graph's box holding its figure drawn as SVG (services/figure_svg.py), the size of the
    box it replaces; None when the figure cannot be drawn on the server."""
    height = figure_svg.chart_height(props.get("style"), props.get("figure"))
    key = str(props.get("id") or "")  # keeps the drawing's own ids unique in the page
    svg = (
        figure_svg.figure_svg(props.get("figure"), height, label=props.get("aria-label"), key=key)
        if height
        else None
    )
    if svg is None:
        return None
    style = props.get("style") if isinstance(props.get("style"), Mapping) else {}
    shaped = {
        **props,
        "className": " ".join(filter(None, ["dash-graph first-view-chart", props.get("className")])),
        "style": {**style, "height": style.get("height") or f"{height}px"},
    }
    return f"<div{attributes(shaped, BOX_ATTRIBUTES, aria=False)}>{svg}</div>"


def to_html(node: object, fills: Mapping[str, object] | None = None) -> str:
    """Static HTML for a Dash component tree; `fills` gives the children of components by id (the
    parts of the shell that callbacks fill), without changing the tree."""
    fills = fills or {}
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, float) and not math.isfinite(node):
        return ""  # Dash sends NaN as null, which React draws as nothing
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
        if kind == (DCC, "Interval") and not getattr(node, "disabled", False):
            mark_incomplete("interval")  # the page changes by itself: only Dash can do that
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
        return chart(props) or box(props, "dash-graph first-view-graph", graph_height(props))
    native = native_controls.render(node, props, style_text(props.get("style") or {}))
    if native is not None:  # a grid's table, a page-state control's form field
        return native
    if kind == map_svg.MAP_KIND and (drawn := map_svg.map_svg(props, map_svg.page_lang())) is not None:
        return f"<div{attributes(map_svg.box_props(props), BOX_ATTRIBUTES, aria=False)}>{drawn}</div>"
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
    """The first view of a public page or a script-free session page (None for any other): the
    app's layout with the shell's parts from `shell(pathname, search)` and the page's layout for
    the query."""
    page, variables = page_for(app, pathname)
    if not (page.get(MARK) or is_session_page_without_script(page)):
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
    boxes: list[str] = []
    token = _boxes.set(boxes)
    try:
        markup = to_html(root, fills)
    finally:
        _boxes.reset(token)
    return FirstView(lang, str(title), markup, is_script_free(app, page, layout), complete=not boxes)


def is_script_free(app: dash.Dash, page: Mapping, layout: object) -> bool:
    """Whether a page declared script-free is (its layout needs no script); a public page declared
    wrongly is logged once and gets Dash. A session page gets Dash, unlogged, for the visitors whose
    layout needs it (a signed-in editor's admin forms)."""
    if not page.get(static_page.FLAG):
        return False
    reason = static_page.obstacle(layout, static_page.all_callbacks(app))
    if reason is None:
        return True
    module = str(page.get("module"))
    if page.get(MARK) and module not in _logged_not_script_free:
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
    if isinstance(cached, tuple) and len(cached) == 5:
        return FirstView(*cached)
    view = render_page(app, pathname, args, shell)
    if session_was_read():
        log.error("a public page's layout read the session; no first view for %s", pathname[:80])
        return None
    if view is not None and key is not None and not data_access.updates_unavailable():
        try:
            data_access.cache.set(key, (view.lang, view.title, view.markup, view.script_free, view.complete))
        except Exception as err:  # noqa: BLE001 - the view is sent anyway
            log.warning("first view not stored (%s)", type(err).__name__)
    return view


def is_session_page_without_script(page: Mapping) -> bool:
    """A page declared script-free that is not public (it reads the session, e.g. the sign-in form
    with its form token): rendered for each request, with or without a session, never cached."""
    return bool(page.get(static_page.FLAG)) and not page.get(MARK)


def session_page_render(app: dash.Dash, shell: Callable[[str, str], dict]) -> FirstView | None:
    """This visitor's own view of a script-free session page, or None when its layout, as drawn for
    this visitor, needs a script (then Dash's plain entry, as for any private page)."""
    view = render_page(app, flask.request.path, flask.request.args.to_dict(flat=False), shell)
    if view is None or not view.script_free:
        return None

    @flask.after_this_request
    def not_stored(response: flask.Response) -> flask.Response:
        response.headers["Cache-Control"] = "no-store"  # this visitor's page (its form token)
        return response

    return view


def first_view(app: dash.Dash, shell: Callable[[str, str], dict]) -> FirstView | None:
    """This request's first view, or None (private page, session cookie, or a render error)."""
    if not settings.first_view:
        return None
    try:
        if is_session_page_without_script(page_for(app, flask.request.path)[0]):
            return session_page_render(app, shell)
        if carries_session(app.server):
            return None
        return cached_render(app, shell)
    except Exception:  # a broken layout must not break the index page: Dash's plain entry instead
        page = str(page_for(app, flask.request.path)[0].get("module", flask.request.path))
        if page not in _logged_failures:
            _logged_failures.add(page)
            log.exception("first view of %s failed; Dash's plain entry is sent", page)
        return None


def with_lang(page: str, lang: str) -> str:
    """The index page with `<html lang>` in the view's language."""
    return re.sub(r"<html lang=\"[a-z]+\"", f'<html lang="{lang}"', page, count=1)


def install(app: dash.Dash, shell: Callable[[str, str], dict]) -> None:
    """Write each public page's first view into the index page Dash sends (and `<html lang>`), and
    send a script-free page's as the whole document, without Dash's scripts, and a complete one's
    with Dash's scripts deferred (services/deferred_dash.py).

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
        if view.complete and deferred_dash.wanted(page_for(app, flask.request.path)[0]):
            deferred = deferred_dash.parts(app, parts, view.lang, view.markup)
            flask.g.deferred_page = with_lang(interpolate(**deferred), view.lang)
        return with_lang(interpolate(**parts), view.lang)

    def index_with_static_pages(*args: object, **kwargs: object) -> str:
        page = index(*args, **kwargs)  # Dash checks that its index has its scripts: made, then replaced
        return flask.g.pop("script_free_page", None) or flask.g.pop("deferred_page", None) or page

    app.interpolate_index = interpolate_with_first_view  # Dash's documented override, per app
    app.index = index_with_static_pages  # Dash's index routes call app.index at each request
