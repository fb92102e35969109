"""A page's state in the browser: read from the address, notices in the user's language, one store
per page holding the canonical address, and one clientside callback (registered here, once) that
writes that address with `history.replaceState` (assets/page_state.js), so a reload or a shared
link reopens the same view without the page re-rendering on each change.

A page with state: declares its model with `domain.page_state`, calls `read_page` in `layout`,
puts `address_stores(...)` in its layout, and returns `address(...)` to `address_output(page)`
from the callback that redraws it (or, when its state changes in several callbacks, registers
`sync_address` once). Callbacks take their language from the same store with `lang_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, dcc

import ids
from components.page import PageContext, page_context
from domain import page_state
from i18n import DEFAULT_LANG, resolve_lang, t


def read_page(kwargs: dict, model: type, context: Any = None) -> tuple[PageContext, Any]:
    """The page's language, its state from the address and the notices about what was not understood."""
    ctx = page_context(kwargs, allowed=tuple(page_state.known_keys(model, kwargs)))
    parsed = page_state.parse(model, ctx.query, context)
    ctx.notices.extend(rejected_notices(parsed, ctx.lang))
    return ctx, parsed.state


def rejected_notices(parsed: page_state.Parsed, lang: str) -> list[str]:
    """One sentence per rejected value: the page's own wording if it declares one, else the common one."""
    out = []
    for r in parsed.rejections:
        name = t(r.label, lang) if r.label else r.key[:30]
        out.append(
            t(
                r.notice or "notice.bad_value",
                lang,
                name=name,
                value=r.asked[:40],
                names=r.asked[:60],
                values=r.asked[:60],
                default=r.used[:40],
            )
        )
    return list(dict.fromkeys(out))  # fields sharing one wording (a map's centre and zoom) say it once


def search(state: Any, lang: str, context: Any = None) -> str:
    """The canonical query string of a state, language first (no leading '?')."""
    return urlencode({"lang": lang, **page_state.query_of(state, context)}, safe=",:")


def href(path: str, state: Any, lang: str, context: Any = None) -> str:
    """A link to `path` showing `state` (the page's links come from its model too)."""
    return f"{path}?{search(state, lang, context)}"


def address(path: str, state: Any, lang: str, context: Any = None) -> dict:
    """What the page's address store holds: the path, the language and the canonical query."""
    return {"path": path, "lang": lang, "search": search(state, lang, context)}


def address_id(page: str) -> dict:
    return {"type": ids.PAGE_ADDRESS, "page": page}


def address_stores(page: str, path: str, state: Any, lang: str, context: Any = None) -> list:
    """The page's address store (read by callbacks for the language) and its write receipt."""
    return [
        dcc.Store(id=address_id(page), data=address(path, state, lang, context)),
        dcc.Store(id={"type": ids.PAGE_ADDRESS_WRITTEN, "page": page}),
    ]


def address_output(page: str) -> Output:
    return Output(address_id(page), "data")


def address_state(page: str) -> State:
    return State(address_id(page), "data")


def sync_address(
    page: str,
    path: str,
    model: type,
    controls: dict[str, tuple[str, str]],
    context: Callable[[], Any],
    fields: Callable[[dict], dict] | None = None,
) -> None:
    """For a page whose state changes in several callbacks: register the one callback that turns the
    controls' values ({name: (component id, property)}) into the page's canonical address;
    `fields` maps those values to the model's fields when they are not one to one."""

    @callback(
        output=address_output(page),
        inputs={
            "values": {name: Input(*dep) for name, dep in controls.items()},
            "stored": address_state(page),
        },
        prevent_initial_call=True,
    )
    def write_address(values: dict, stored: dict | None) -> dict:
        data = context()
        state = page_state.from_controls(model, fields(values) if fields else values, data)
        return address(path, state, lang_of(stored), data)


def lang_of(stored: dict | None) -> str:
    """The page's language, from its address store (the one default is `i18n.DEFAULT_LANG`)."""
    return resolve_lang((stored or {}).get("lang", DEFAULT_LANG))[0]


# One clientside callback for every page: whichever address store is on the page, write it.
dash.clientside_callback(
    ClientsideFunction(namespace="page_state", function_name="write"),
    Output({"type": ids.PAGE_ADDRESS_WRITTEN, "page": ALL}, "data"),
    Input({"type": ids.PAGE_ADDRESS, "page": ALL}, "data"),
)
