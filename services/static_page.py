"""Script-free pages: a page that needs no script is sent as finished HTML without Dash's scripts.

A page registered with `script_free=True` (opt-in, like `public_answer=True`) whose whole content
is text, links and plain tables is sent, where the first view applies (services/first_view.py:
public page, no session cookie, `FIRST_VIEW` on), as a finished document: the markup the first
view renders, straight in the body inside the app's shell, with the app's style sheets and one
small script (assets/script_free.js: the remembered language and the phone menu), and no Dash
renderer, component scripts or `_dash-layout` request. Links to other pages are plain `<a href>`:
following one loads that page whole, with its first view and Dash as usual.

The declaration is checked on every render: a layout with a component that needs its script
(anything but `html.*` elements other than form controls, and `dcc.Link`; form controls and
`dcc.Input` are fine inside an `html.Form` with an `action`, which the browser sends), an id that
a callback reads or writes, or a pattern-matching id, is sent as a normal first view with Dash
(services/first_view.py logs it once per public page). A page that is not public (it reads the
session) may be declared too: it is sent without Dash to the visitors whose layout allows it (the
sign-in form; the admin page's refusal to an anonymous visitor) and with Dash to the others.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping

import dash
from dash import _callback
from dash.development.base_component import Component
from markupsafe import escape

FLAG = "script_free"
SCRIPT = "script_free.js"  # under assets/, left out of Dash's pages by app.py's assets_ignore
HTML = "dash_html_components"
LINK = ("dash_core_components", "Link")
NATIVE_INPUT = ("dash_core_components", "Input")  # drawn as a plain <input> (services/first_view.py)
PROVIDER = ("dash_mantine_components", "MantineProvider")  # the first view draws only its children
FORM_CONTROLS = frozenset({"Button", "Input", "Select", "Textarea", "Form", "Canvas"})
DOCUMENT = """<!DOCTYPE html>
<html lang="{lang}">
    <head>
        {metas}
        <title>{title}</title>
        {favicon}
        {css}
    </head>
    <body class="script-free">
        {markup}
        <script src="{script}"></script>
    </body>
</html>"""


def components(node: object) -> Iterator[Component]:
    """Every component of a layout tree, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from components(child)
    elif isinstance(node, Component):
        yield node
        yield from components(getattr(node, "children", None))


def callback_ids(callback_map: Mapping[str, Mapping]) -> frozenset[str]:
    """The component ids that any callback reads or writes (pattern-matching ids left out)."""
    found = set()
    for key, entry in callback_map.items():
        for part in key.strip(".").split("..."):
            found.add(part.rsplit(".", 1)[0])
        for dependency in [*entry.get("inputs", []), *entry.get("state", [])]:
            found.add(str(dependency.get("id")))
    return frozenset(i for i in found if not i.startswith("{"))


def all_callbacks(app: dash.Dash) -> dict[str, Mapping]:
    """The app's callbacks, those registered before its first request included."""
    return {**_callback.GLOBAL_CALLBACK_MAP, **app.callback_map}


def native_form_parts(node: object) -> set[int]:
    """The components (by `id()`) inside an `html.Form` with an `action`: a form the browser itself
    sends to the server, whose fields and buttons work without any script."""
    inside: set[int] = set()
    for form in components(node):
        if (form._namespace, form._type) == (HTML, "Form") and getattr(form, "action", None):
            inside.add(id(form))
            inside.update(id(part) for part in components(getattr(form, "children", None)))
    return inside


def obstacle(layout: object, callbacks: Mapping[str, Mapping]) -> str | None:
    """Why a page's layout needs Dash's scripts (None when it reads and works without them). What
    decides is the layout itself: a page module's callbacks matter only through the ids they use
    (the admin page's forms have callbacks; its refusal to an anonymous visitor needs none)."""
    used = callback_ids(callbacks)
    native = native_form_parts(layout)
    for node in components(layout):
        kind = (node._namespace, node._type)
        in_native_form = id(node) in native and (node._namespace == HTML or kind == NATIVE_INPUT)
        plain = kind in (LINK, PROVIDER) or in_native_form
        if not plain and (node._namespace != HTML or node._type in FORM_CONTROLS):
            return f"{node._namespace}.{node._type} needs its script"
        node_id = getattr(node, "id", None)
        if node_id is not None and not isinstance(node_id, str):
            return f"pattern-matching id {json.dumps(node_id, sort_keys=True)[:80]}"
        if node_id in used:
            return f"a callback uses the id {node_id}"
    return None


def script_url(app: dash.Dash, name: str = SCRIPT) -> str:
    """The address of an asset (assets/script_free.js unless named), with its modification time
    so browsers fetch a new one."""
    modified = int(os.path.getmtime(os.path.join(app.config.assets_folder, name)))
    return f"{app.get_asset_url(name)}?m={modified}"


def document(lang: str, title: str, markup: str, parts: Mapping[str, str], script: str) -> str:
    """The finished page: Dash's metas, favicon and style sheets, the page's markup and one script."""
    return DOCUMENT.format(
        lang=escape(lang),
        title=escape(title),
        metas=parts.get("metas", ""),
        favicon=parts.get("favicon", ""),
        css=parts.get("css", ""),
        markup=markup,
        script=escape(script),
    )


def declared(pages: Iterable[Mapping]) -> list[Mapping]:
    """The registered pages that declare themselves script-free."""
    return [page for page in pages if page.get(FLAG)]
