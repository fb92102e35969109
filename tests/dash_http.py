"""Talking to the app over HTTP as a browser would, with Flask's test client (or `requests`):
sign in through the form post, call a callback by a direct POST to `/_dash-update-component`,
and render a page through Dash's routing callback (`_pages_content`)."""

from __future__ import annotations

import secrets

from services import auth

PASSWORD = "a long test password"


def csrf(client) -> str:
    """The anti-forgery token of a test client's session (the sign-in form's hidden field)."""
    with client.session_transaction() as session:
        token = session.setdefault("csrf", secrets.token_urlsafe(32))
    return token


def sign_in(client, username: str, password: str = PASSWORD, **kw):
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "lang": "en", auth.CSRF_FIELD: csrf(client)},
        **kw,
    )


def signed_in(dash_app, account, n: int, *, network: str):
    """A test client of the app signed in as ``account`` from the address ``<network>.<n>`` (each test
    file signs in from its own network, so that their sign-in limits stay apart)."""
    client = dash_app.server.test_client()
    assert (
        sign_in(client, account.username, environ_base={"REMOTE_ADDR": f"{network}.{n}"}).status_code == 303
    )
    return client


_KEYS: dict[str, str] = {}


def callback_key(client, output: str) -> str:
    """The callback's output key as `/_dash-dependencies` lists it (by a fragment of the output)."""
    if output not in _KEYS:
        deps = client.get("/_dash-dependencies").get_json()
        keys = [d["output"] for d in deps if output in d["output"]]
        first = [k for k in keys if k.lstrip(".").startswith(output)]  # the callback whose FIRST output it is
        _KEYS[output] = (first or keys)[0]
    return _KEYS[output]


def callback_body(key: str, inputs: list[tuple], state: list[tuple]) -> dict:
    outputs = []
    for part in key.strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        outputs.append({"id": ident, "property": prop.split("@")[0]})
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }


def dash_post(client, key: str, inputs: list[tuple], state: list[tuple], **kw):
    return client.post("/_dash-update-component", json=callback_body(key, inputs, state), **kw)


ROUTE_KEY = ".._pages_content.children..._pages_store.data.."


def route_body(pathname, search, stored_lang=None) -> dict:
    return callback_body(
        ROUTE_KEY,
        [("_pages_location", "pathname", pathname), ("_pages_location", "search", search)],
        [("lang-store", "data", stored_lang)],
    )


def route(client, pathname, search="", stored_lang=None, **kw):
    """Render a page as the browser's router does (the layout comes back as JSON)."""
    return client.post("/_dash-update-component", json=route_body(pathname, search, stored_lang), **kw)


def save_body(
    client, action_id: str, version: int, status: str, progress, start, end, note, lang="en"
) -> dict:
    key = callback_key(client, "admin-message.children@")
    return callback_body(
        key,
        [("admin-save", "n_clicks", 1)],
        [
            ("admin-loaded", "data", {"action_id": action_id, "version": version}),
            ("admin-status", "value", status),
            ("admin-progress", "value", progress),
            ("admin-start", "date", start),
            ("admin-end", "date", end),
            ("admin-note", "value", note),
            ("admin-lang", "data", lang),
        ],
    )


def note_body(client, action_id: str, version: int, state, note: str) -> dict:
    """A save of an action that keeps its state (status, progress, start; no end) and writes a note."""
    return save_body(
        client,
        action_id,
        version,
        state.status,
        state.progress_pct,
        state.actual_start.isoformat(),
        None,
        note,
    )


def message_id(response) -> str | None:
    """The id of the admin message a save callback answered with (admin-saved, admin-conflict, ...)."""
    children = response.get_json()["response"]["admin-message"]["children"]
    return (children or {}).get("props", {}).get("id")


PAGE_ASSETS = ("/_dash-", "/assets/", "/geo/", "/download/", "/api/")


def console_errors(logs: list[dict]) -> list[dict]:
    """Browser console entries, less the one a deliberate visit to an unknown page causes: the
    document itself answered 404 (as it must); a missing script, style or data file still counts."""

    def unknown_page(entry: dict) -> bool:
        message = str(entry.get("message", ""))
        url = message.split(" ", 1)[0]
        path = "/" + url.split("//", 1)[-1].split("/", 1)[-1] if "//" in url else url
        return (
            entry.get("source") == "network"
            and "status of 404" in message
            and not path.startswith(PAGE_ASSETS)
        )

    return [entry for entry in logs if not unknown_page(entry)]


def export_body(key: str, inputs: list[dict], state: list[dict], city: str, lang: str) -> dict:
    """The body the download button posts for a city's PDF brief (key, inputs and state from
    `/_dash-dependencies`)."""
    context = {"kind": "city", "lang": lang, "city": city, "override": {}}
    values = {
        "export-request.data": {"fmt": "pdf", "search": f"?lang={lang}", "context": context, "at": 1},
        "export-context.data": context,
    }
    return {
        "output": key,
        "outputs": [
            {"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in key.strip(".").split("...")
        ],
        "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in inputs],
        "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in state],
        "changedPropIds": ["export-request.data"],
    }
