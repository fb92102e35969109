"""Editing `/admin` (signed in): a city focal point reports progress on their city's actions;
an administrator may edit every city and reads the audit log.

Every callback here checks the session on the server (`services.auth`) before it reads or writes
anything: the city of an action is looked up from the data, never taken from the browser. A save
names the version it was based on; if the action changed in the meantime it is refused and the
other change is shown (optimistic locking, `services.db.save_update`).
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import date

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components import action_views as av
from components.auth_forms import logout_form
from components.forms import labelled_field, submit_row
from components.ops_notice import save_unavailable
from components.page import page_context, page_header, page_title, with_mantine
from components.shell import link_with
from components.tables import data_grid
from domain import actions as act
from domain import city_plans as cp
from domain import figure_form as ff
from domain import record_forms as rf
from domain import workbook as wb
from domain.palette import MUTED
from domain.queries import city_names
from i18n import LANGUAGES, LOCALES, catalog, format_day, format_int, t
from services import auth, data_access, db, publish, submissions

log = logging.getLogger(__name__)
dash.register_page(
    __name__,
    path="/admin",
    title=page_title("title.admin"),
    name="admin",
    # Rendered per visitor: an anonymous visitor's refusal (text and a link) comes without Dash,
    # a signed-in editor's forms with it (services/first_view.py).
    script_free=True,
)

LANG, CITY, ACTION, RELOAD = "admin-lang", "admin-city", "admin-action", "admin-reload"
STATUS, PROGRESS, START, END, NOTE = (
    "admin-status",
    "admin-progress",
    "admin-start",
    "admin-end",
    "admin-note",
)
SAVE, MESSAGE, LOADED, TABLE = "admin-save", "admin-message", "admin-loaded", "admin-city-actions"
AUDIT, AUDIT_REFRESH = "admin-audit", "admin-audit-refresh"
FORM_OUTPUTS = (STATUS, PROGRESS, START, END, NOTE)
# the city's own plan: write, change and (through the progress form) cancel its actions
PLAN_PICK, PLAN_SAVE, PLAN_MESSAGE, PLAN_LOADED = (
    "admin-plan-pick",
    "admin-plan-save",
    "admin-plan-message",
    "admin-plan-loaded",
)
PLAN_REPLACE, PLAN_STATE, PLAN_TABLE = "admin-plan-replace", "admin-plan-state", "admin-plan-table"
PLAN_INPUTS = {name: f"admin-plan-{name.replace('_', '-')}" for name in cp.PLAN_FIELDS}
NEW_ACTION = "__new__"


def today() -> date:
    return date.today()


def refusal(reason: str, lang: str) -> html.Div:
    """What a refused request sees: nothing private, only what to do."""
    return html.Div(
        [
            html.P(t(f"auth.refused.{reason}", lang)),
            dcc.Link(t("auth.sign_in", lang), href=link_with("/login", {"lang": lang})),
        ],
        className="notice form-error",
        role="alert",
        id="admin-refused",
    )


def city_of(action_id: str | None) -> str | None:
    """The city an action belongs to, from the data build or the city's own plan in the database
    (the browser's word is never taken)."""
    if not action_id:
        return None
    actions = data_access.get_data()["actions"]
    hit = actions.loc[actions["action_id"] == action_id, "city_id"]
    if not hit.empty:
        return str(hit.iloc[0])
    return db.plan_action_city(db.get_engine(), str(action_id))


def baseline_state(action_id: str) -> act.ActionState:
    """The state before any saved update: the build's row, or 'planned' for a city's own action."""
    actions = data_access.get_data()["actions"]
    rows = actions[actions["action_id"] == action_id]
    return act.state_of(rows.iloc[0]) if len(rows) else act.ActionState("planned", 0)


def city_actions(city_id: str) -> pd.DataFrame:
    return data_access.city_plan_actions(city_id).sort_values("action_id")


def action_options(city_id: str, lang: str) -> list[dict]:
    return [
        {"value": r["action_id"], "label": f"{r[f'title_{lang}']} ({av.status_name(r['status'], lang)})"}
        for _, r in city_actions(city_id).iterrows()
    ]


def actions_table(city_id: str, lang: str) -> html.Div:
    """The city's actions now, with version and who saved last (signed-in users only)."""
    states = db.states_frame(db.get_engine()).set_index("action_id")
    rows = []
    for _, r in city_actions(city_id).iterrows():
        saved = states.loc[r["action_id"]] if r["action_id"] in states.index else None
        who = (
            f"{saved['updated_by']}, {format_day(saved['updated_at'].date(), lang, 'medium')}"
            if saved is not None
            else "—"
        )
        rows.append(
            html.Tr(
                [
                    html.Td(r[f"title_{lang}"]),
                    html.Td(av.status_chip(r["status"], lang)),
                    html.Td(av.percent(r["progress_pct"], lang)),
                    html.Td(str(int(r["version"]))),
                    html.Td(who),
                ],
                **{"data-action": r["action_id"]},
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"admin.col.{k}", lang), scope="col")
                for k in ("title", "status", "progress", "version", "saved")
            ]
        )
    )
    return html.Div(
        html.Table([head, html.Tbody(rows)], className="simple-table admin-table"), className="table-scroll"
    )


def status_options(current: str, lang: str) -> list[dict]:
    allowed = act.TRANSITIONS.get(current, frozenset(act.STATUSES))
    return [
        {"value": s, "label": av.status_name(s, lang), "disabled": s not in allowed} for s in act.STATUSES
    ]


def audit_rows(lang: str) -> list[dict]:
    frame = db.audit_frame(db.get_engine(), limit=500)
    frame["at"] = frame["at"].map(lambda v: v.strftime("%Y-%m-%d %H:%M UTC") if v is not None else "")
    frame["field"] = frame["field"].map(lambda f: t(f"admin.field.{f}", lang))
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def audit_section(lang: str) -> html.Section:
    columns = [
        {"field": f, "headerName": t(f"admin.audit.{f}", lang)}
        for f in ("at", "username", "action_id", "version", "field", "old", "new")
    ]
    users = db.list_users(db.get_engine())
    user_rows = [
        html.Tr(
            [
                html.Td(u["username"]),
                html.Td(t(f"admin.role.{u['role']}", lang)),
                html.Td(u["city_id"] or "—"),
                html.Td(t("admin.yes" if u["active"] else "admin.no", lang)),
            ]
        )
        for _, u in users.iterrows()
    ]
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("admin.audit_title", lang)),
                    html.Button(t("admin.refresh", lang), id=AUDIT_REFRESH, className="button", n_clicks=0),
                ],
                className="panel-head",
            ),
            html.P(t("admin.audit_help", lang), className="note"),
            data_grid(AUDIT, audit_rows(lang), columns, lang, height="420px", column_options={"flex": 1}),
            html.H3(t("admin.users_title", lang)),
            html.P(t("admin.users_help", lang), className="note"),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(t(f"admin.user.{k}", lang), scope="col")
                                for k in ("username", "role", "city", "active")
                            ]
                        )
                    ),
                    html.Tbody(user_rows),
                ],
                className="simple-table admin-users",
                id="admin-users",
            ),
        ],
        className="panel",
        id="admin-audit-section",
    )


@with_mantine
def layout(**kwargs):
    ctx = page_context(kwargs, allowed=("city",))
    lang = ctx.lang
    account = auth.current_user()
    if account is None:
        reason = "unavailable" if auth.database_unavailable() else "signin"
        return html.Div(
            [*page_header("title.admin", "admin.intro", ctx), refusal(reason, lang)],
            className="page page-admin",
        )
    names = city_names(data_access.get_data(), lang)
    if account.is_admin:
        city = ctx.query.get("city") if ctx.query.get("city") in names else sorted(names, key=names.get)[0]
        city_choices = [{"value": c, "label": n} for c, n in sorted(names.items(), key=lambda x: x[1])]
        role_text = t("admin.role_admin", lang)
    else:
        city = account.city_id
        city_choices = [{"value": city, "label": names.get(city, city)}]
        role_text = t("admin.role_editor", lang, city=names.get(city, city))
    return html.Div(
        [
            *page_header("title.admin", "admin.intro", ctx),
            html.Div(
                [
                    html.P(
                        [t("auth.signed_in_as", lang, user=account.username), " · ", role_text],
                        id="admin-who",
                    ),
                    logout_form(lang, auth.CSRF_FIELD, auth.csrf_token()),
                ],
                className="admin-who",
            ),
            html.Section(
                [
                    html.H2(t("admin.edit_title", lang)),
                    html.Div(
                        [
                            labelled_field(
                                t("admin.city", lang),
                                CITY,
                                dcc.Dropdown(
                                    id=CITY,
                                    options=city_choices,
                                    value=city,
                                    clearable=False,
                                    disabled=not account.is_admin,
                                ),
                            ),
                            labelled_field(
                                t("admin.action", lang),
                                ACTION,
                                dcc.Dropdown(
                                    id=ACTION,
                                    options=action_options(city, lang),
                                    value=None,
                                    placeholder=t("admin.choose_action", lang),
                                ),
                            ),
                        ],
                        className="controls admin-controls",
                    ),
                    html.Div(
                        [
                            labelled_field(
                                t("admin.status", lang),
                                STATUS,
                                dcc.Dropdown(
                                    id=STATUS,
                                    options=status_options("planned", lang),
                                    clearable=False,
                                    disabled=True,
                                ),
                            ),
                            labelled_field(
                                t("admin.progress", lang),
                                PROGRESS,
                                dcc.Input(
                                    id=PROGRESS,
                                    type="number",
                                    disabled=True,
                                    inputMode="numeric",
                                    className="text-input",
                                ),
                            ),
                            *[
                                labelled_field(
                                    t(key, lang),
                                    input_id,
                                    dcc.DatePickerSingle(
                                        id=input_id,
                                        clearable=True,
                                        display_format="YYYY-MM-DD",
                                        first_day_of_week=1,
                                        max_date_allowed=today().isoformat(),
                                        disabled=True,
                                        placeholder="YYYY-MM-DD",
                                    ),
                                )
                                for key, input_id in (
                                    ("admin.actual_start", START),
                                    ("admin.actual_end", END),
                                )
                            ],
                            labelled_field(
                                t("admin.note", lang),
                                NOTE,
                                dcc.Textarea(
                                    id=NOTE, maxLength=act.NOTE_MAX, disabled=True, className="text-area"
                                ),
                                class_name="admin-note",
                            ),
                        ],
                        className="admin-form",
                        id="admin-form",
                    ),
                    html.Div(
                        [
                            html.Button(
                                t("admin.save", lang),
                                id=SAVE,
                                className="button button-primary",
                                n_clicks=0,
                                disabled=True,
                            ),
                            html.Button(t("admin.reload", lang), id=RELOAD, className="button", n_clicks=0),
                        ],
                        className="admin-buttons",
                    ),
                    html.Div(id=MESSAGE, **{"aria-live": "polite"}),
                ],
                className="panel",
            ),
            html.Section(
                [html.H2(t("admin.city_actions", lang)), html.Div(actions_table(city, lang), id=TABLE)],
                className="panel",
            ),
            plan_section(city, lang),
            figure_section(lang),
            records_section(city, lang),
            figures_section(city, lang),
            publish_section(lang) if account.is_admin else None,
            new_city_section(lang) if account.is_admin else None,
            audit_section(lang) if account.is_admin else None,
            dcc.Store(id=LANG, data=lang),
            dcc.Store(id=LOADED),
        ],
        className="page page-admin",
    )


@callback(
    Output(ACTION, "options"),
    Output(ACTION, "value"),
    Output(TABLE, "children"),
    Output(PLAN_PICK, "options", allow_duplicate=True),
    Output(PLAN_STATE, "children", allow_duplicate=True),
    Input(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def choose_city(city_id, lang):
    """The chosen city's actions and own plan (administrators switch city; editors only ever have their own)."""
    lang = lang or "ru"
    try:
        auth.require_city(city_id)
    except auth.Refused as refused:
        return [], None, refusal(refused.reason, lang), [], None
    return (
        action_options(city_id, lang),
        None,
        actions_table(city_id, lang),
        plan_pick_options(city_id, lang),
        plan_state(city_id, lang),
    )


NO_FORM = ([], None, None, None, None, "", None)


@callback(
    Output(STATUS, "options"),
    Output(STATUS, "value"),
    Output(PROGRESS, "value"),
    Output(START, "date"),
    Output(END, "date"),
    Output(NOTE, "value"),
    Output(LOADED, "data"),
    Output(MESSAGE, "children"),
    *[Output(x, "disabled") for x in (STATUS, PROGRESS, START, END, NOTE, SAVE)],
    Input(ACTION, "value"),
    Input(RELOAD, "n_clicks"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def load_action(action_id, _reload, lang):
    """Fill the form with the action's current state and remember the version it is based on."""
    lang = lang or "ru"
    if not action_id:
        return (*NO_FORM, None, *[True] * 6)
    try:
        auth.require_city(city_of(action_id))
    except auth.Refused as refused:
        return (*NO_FORM, refusal(refused.reason, lang), *[True] * 6)
    version, state, meta = db.current_state(db.get_engine(), action_id, baseline_state(action_id))
    info = t("admin.loaded", lang, version=version)
    if meta:
        info += " " + t(
            "admin.loaded_by", lang, user=meta["by"], when=meta["at"].strftime("%Y-%m-%d %H:%M UTC")
        )
    closed = state.status in act.FINAL
    message = html.P(
        info + (" " + t("admin.closed", lang) if closed else ""), className="note", id="admin-loaded-info"
    )
    return (
        status_options(state.status, lang),
        state.status,
        state.progress_pct,
        act.day_text(state.actual_start),
        act.day_text(state.actual_end),
        state.note,
        {"action_id": action_id, "version": version},
        message,
        *[closed] * 4,
        False,
        False,
    )  # a closed action keeps only its note editable


def describe_issues(issues: list[act.Issue], lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("admin.refused_save", lang)),
            html.Ul(
                [
                    html.Li(
                        t(
                            f"actions.error.{i.code}",
                            lang,
                            **{
                                k: av.status_name(v, lang) if k in ("old", "new", "status") else v
                                for k, v in i.params.items()
                            },
                        )
                    )
                    for i in issues
                ]
            ),
        ],
        className="notice form-error",
        role="alert",
        id="admin-issues",
    )


def describe_conflict(conflict: dict, lang: str) -> html.Div:
    changes = []
    for name, (old, new) in (conflict.get("changes") or {}).items():
        show = (
            (lambda v: av.status_name(v, lang) if v else "—")
            if name == "status"
            else (lambda v: v if v else "—")
        )
        changes.append(html.Li(f"{t(f'admin.field.{name}', lang)}: {show(old)} → {show(new)}"))
    when = conflict["at"].strftime("%Y-%m-%d %H:%M UTC") if conflict.get("at") else "—"
    return html.Div(
        [
            html.P(
                t(
                    "admin.conflict",
                    lang,
                    user=conflict.get("by") or "—",
                    when=when,
                    version=conflict.get("version") or "—",
                )
            ),
            html.Ul(changes),
            html.P(t("admin.conflict_help", lang)),
        ],
        className="notice form-error",
        role="alert",
        id="admin-conflict",
    )


@callback(
    Output(MESSAGE, "children", allow_duplicate=True),
    Output(LOADED, "data", allow_duplicate=True),
    Output(TABLE, "children", allow_duplicate=True),
    Output(STATUS, "options", allow_duplicate=True),
    Input(SAVE, "n_clicks"),
    State(LOADED, "data"),
    State(STATUS, "value"),
    State(PROGRESS, "value"),
    State(START, "date"),
    State(END, "date"),
    State(NOTE, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def save(n_clicks, loaded, status, progress, start, end, note, lang):
    """Validate and save the form if the user may edit the action's city and nobody saved meanwhile."""
    lang = lang or "ru"
    nothing = dash.no_update
    if not n_clicks or not isinstance(loaded, dict) or not loaded.get("action_id"):
        return nothing, nothing, nothing, nothing
    action_id = str(loaded["action_id"])
    city = city_of(action_id)
    try:
        account = auth.require_city(city)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), nothing, nothing, nothing
    try:
        expected = int(loaded.get("version"))
    except (TypeError, ValueError):
        return describe_issues([act.Issue("", "bad_request")], lang), nothing, nothing, nothing
    proposed, issues = act.parse_update(
        {"status": status, "progress_pct": progress, "actual_start": start, "actual_end": end, "note": note}
    )
    if issues:
        return describe_issues(issues, lang), nothing, nothing, nothing
    try:  # one transaction: on a database failure nothing of the save remains
        result = db.save_update(
            db.get_engine(),
            action_id,
            expected,
            baseline_state(action_id),
            proposed,
            account.username,
            today(),
        )
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), nothing, nothing, nothing
    if result.conflict is not None:
        return describe_conflict(result.conflict, lang), nothing, nothing, nothing
    if not result.ok:
        return describe_issues(result.issues, lang), nothing, nothing, nothing
    message = html.P(
        t("admin.saved", lang, version=result.version), className="form-ok", role="status", id="admin-saved"
    )
    return (
        message,
        {"action_id": action_id, "version": result.version},
        actions_table(city, lang),
        status_options(proposed.status, lang),
    )


@callback(
    Output(AUDIT, "rowData"), Input(AUDIT_REFRESH, "n_clicks"), State(LANG, "data"), prevent_initial_call=True
)
def refresh_audit(_n, lang):
    """The newest audit entries: administrators only."""
    try:
        auth.require_admin()
    except auth.Refused:
        return []
    return audit_rows(lang or "ru")


# --- the city's own plan ------------------------------------------------------------------------


def plan_choices(lang: str) -> dict[str, list[dict]]:
    """Options of the plan form's lists: hazards, Sendai priorities and targets, essentials, funders."""
    data = data_access.get_data()
    hazards = data["hazard_types"]
    funders = cp.funder_names(data["actions"])
    return {
        "hazards": [
            {"value": h, "label": n} for h, n in zip(hazards["hazard_type"], hazards[f"name_{lang}"])
        ],
        "sendai_priority": [
            {"value": p, "label": f"{p}. {t(f'actions.sendai.p{p}.short', lang)}"}
            for p in act.SENDAI_PRIORITIES
        ],
        "sendai_target": [
            {"value": x, "label": f"{x.upper()}. {t(f'actions.sendai.t.{x}.short', lang)}"}
            for x in act.SENDAI_TARGETS
        ],
        "mcr2030_essential": [
            {"value": e, "label": f"{e}. {t(f'actions.essential.{e}', lang)}"} for e in act.ESSENTIALS
        ],
        "funder": [
            {"value": f, "label": names[0 if lang == "ru" else 1] or f}
            for f, names in sorted(funders.items())
        ],
    }


def plan_pick_options(city_id: str, lang: str) -> list[dict]:
    own = db.plan_actions_frame(db.get_engine(), city_id)
    return [
        {"value": NEW_ACTION, "label": t("admin.plan.new", lang)},
        *[{"value": r["action_id"], "label": r[f"title_{lang}"]} for _, r in own.iterrows()],
    ]


def plan_state(city_id: str, lang: str) -> html.Div:
    """Which plan the public sees for the city now, and the one step that replaces the demonstration plan."""
    engine = db.get_engine()
    real = db.real_plan_cities(engine).get(city_id)
    count = len(db.plan_actions_frame(engine, city_id))
    actions = data_access.get_data()["actions"]
    has_demo = bool((actions["city_id"] == city_id).any())
    if real is not None:
        return html.Div(
            html.P(
                t(
                    "admin.plan.real",
                    lang,
                    when=real["since"].strftime("%Y-%m-%d"),
                    user=real["by"],
                    count=count,
                ),
                className="form-ok",
            ),
            id="admin-plan-state-text",
        )
    return html.Div(
        [
            html.P(
                [
                    t("admin.plan.demo" if has_demo else "admin.plan.none", lang),
                    " ",
                    t("admin.plan.drafts", lang, count=count),
                ],
                className="note",
            ),
            html.Button(
                t("admin.plan.replace" if has_demo else "admin.plan.publish_first", lang),
                id=PLAN_REPLACE,
                className="button button-primary",
                n_clicks=0,
                disabled=count == 0,
            ),
        ],
        id="admin-plan-state-text",
    )


def plan_field(name: str, lang: str, choices: dict) -> html.Div:
    """One labelled input of the plan form."""
    input_id = PLAN_INPUTS[name]
    if name in choices:
        control = dcc.Dropdown(
            id=input_id,
            options=choices[name],
            multi=name == "hazards",
            clearable=name in ("funder", "hazards"),
        )
    elif name in ("planned_start", "planned_end"):
        control = dcc.DatePickerSingle(
            id=input_id,
            clearable=True,
            display_format="YYYY-MM-DD",
            first_day_of_week=1,
            placeholder="YYYY-MM-DD",
        )
    elif name in ("budget_usd", "funded_usd"):
        control = dcc.Input(id=input_id, type="number", min=0, className="text-input")
    else:
        control = dcc.Input(id=input_id, type="text", maxLength=cp.TEXT_MAX, className="text-input")
    return labelled_field(t(f"admin.plan.field.{name}", lang), input_id, control)


def plan_section(city_id: str, lang: str) -> html.Section:
    choices = plan_choices(lang)
    return html.Section(
        [
            html.H2(t("admin.plan.title", lang)),
            html.P(t("admin.plan.help", lang), className="note"),
            html.Div(plan_state(city_id, lang), id=PLAN_STATE),
            labelled_field(
                t("admin.plan.pick", lang),
                PLAN_PICK,
                dcc.Dropdown(
                    id=PLAN_PICK, options=plan_pick_options(city_id, lang), value=NEW_ACTION, clearable=False
                ),
            ),
            html.Div(
                [plan_field(name, lang, choices) for name in cp.PLAN_FIELDS],
                className="admin-form",
                id="admin-plan-form",
            ),
            *submit_row(t("admin.plan.save", lang), PLAN_SAVE, PLAN_MESSAGE),
            dcc.Store(id=PLAN_LOADED, data={"action_id": None, "version": 0}),
        ],
        className="panel",
        id="admin-plan-section",
    )


def describe_plan_issues(issues: list[act.Issue], lang: str) -> html.Div:
    items = []
    for issue in issues:
        where = t(f"admin.plan.field.{issue.field}", lang) + ": " if issue.field else ""
        items.append(html.Li(where + t(f"actions.error.{issue.code}", lang, **issue.params)))
    return html.Div(
        [html.P(t("admin.refused_save", lang)), html.Ul(items)],
        className="notice form-error",
        role="alert",
        id="admin-plan-issues",
    )


def _plan_values(row: dict | None) -> list:
    if row is None:
        return [None] * len(cp.PLAN_FIELDS)
    values = []
    for name in cp.PLAN_FIELDS:
        value = row.get(name)
        if name == "hazards":
            value = [h for h in str(value or "").split(";") if h]
        elif isinstance(value, float) and value != value:
            value = None
        values.append(value)
    return values


@callback(
    *[
        Output(PLAN_INPUTS[n], "value" if n not in ("planned_start", "planned_end") else "date")
        for n in cp.PLAN_FIELDS
    ],
    Output(PLAN_LOADED, "data"),
    Output(PLAN_MESSAGE, "children"),
    Input(PLAN_PICK, "value"),
    State(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def load_plan_action(action_id, city_id, lang):
    """Fill the plan form with one of the city's own actions (or empty it for a new one)."""
    lang = lang or "ru"
    blank = (*_plan_values(None), {"action_id": None, "version": 0})
    city = city_of(action_id) if action_id and action_id != NEW_ACTION else city_id
    try:
        auth.require_city(city)
    except auth.Refused as refused:
        return (*_plan_values(None), None, refusal(refused.reason, lang))
    if not action_id or action_id == NEW_ACTION:
        return (*blank, None)
    own = db.plan_actions_frame(db.get_engine(), city)
    rows = own[own["action_id"] == action_id]
    if rows.empty:
        return (*blank, None)
    row = rows.iloc[0].to_dict()
    return (
        *_plan_values(row),
        {"action_id": action_id, "version": int(row["version"])},
        html.P(t("admin.loaded", lang, version=int(row["version"])), className="note"),
    )


@callback(
    Output(PLAN_MESSAGE, "children", allow_duplicate=True),
    Output(PLAN_LOADED, "data", allow_duplicate=True),
    Output(PLAN_PICK, "options"),
    Output(PLAN_STATE, "children"),
    Output(PLAN_PICK, "value"),
    Input(PLAN_SAVE, "n_clicks"),
    State(PLAN_LOADED, "data"),
    State(CITY, "value"),
    *[
        State(PLAN_INPUTS[n], "value" if n not in ("planned_start", "planned_end") else "date")
        for n in cp.PLAN_FIELDS
    ],
    State(LANG, "data"),
    prevent_initial_call=True,
)
def save_plan_action(n_clicks, loaded, city_id, *values_and_lang):
    """Write a new action of the city's own plan, or change one (the city of an existing action is
    taken from the database, never from the browser)."""
    *values, lang = values_and_lang
    lang = lang or "ru"
    nothing = dash.no_update
    if not n_clicks:
        return nothing, nothing, nothing, nothing, nothing
    loaded = loaded if isinstance(loaded, dict) else {}
    action_id = loaded.get("action_id") or None
    city = city_of(action_id) if action_id else city_id
    try:
        account = auth.require_city(city)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), nothing, nothing, nothing, nothing
    if city not in set(data_access.get_data()["cities"]["city_id"]):
        return describe_plan_issues([act.Issue("", "bad_request")], lang), nothing, nothing, nothing, nothing
    data = data_access.get_data()
    action, issues = cp.parse_plan_action(
        dict(zip(cp.PLAN_FIELDS, values)),
        set(data["hazard_types"]["hazard_type"]),
        set(cp.funder_names(data["actions"])),
    )
    if issues:
        return describe_plan_issues(issues, lang), nothing, nothing, nothing, nothing
    try:
        expected = int(loaded.get("version") or 0)
        result = db.save_plan_action(db.get_engine(), city, action_id, expected, action, account.username)
    except (TypeError, ValueError):
        return describe_plan_issues([act.Issue("", "bad_request")], lang), nothing, nothing, nothing, nothing
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), nothing, nothing, nothing, nothing
    if result.conflict is not None:
        return describe_conflict(result.conflict, lang), nothing, nothing, nothing, nothing
    if not result.ok:
        return describe_plan_issues(result.issues, lang), nothing, nothing, nothing, nothing
    message = html.P(
        t("admin.plan.saved", lang, version=result.version),
        className="form-ok",
        role="status",
        id="admin-plan-saved",
    )
    return (
        message,
        {"action_id": result.action_id, "version": result.version},
        plan_pick_options(city, lang),
        plan_state(city, lang),
        result.action_id,
    )  # the picker names the action now being edited


@callback(
    Output(PLAN_STATE, "children", allow_duplicate=True),
    Output(ACTION, "options", allow_duplicate=True),
    Input(PLAN_REPLACE, "n_clicks"),
    State(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def replace_demo_plan(n_clicks, city_id, lang):
    """One step: the city's own actions replace its demonstration plan on every public page."""
    lang = lang or "ru"
    if not n_clicks:
        return dash.no_update, dash.no_update
    try:
        account = auth.require_city(city_id)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), dash.no_update
    try:
        result = db.replace_demo_plan(db.get_engine(), city_id, account.username)
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), dash.no_update
    if not result.ok:
        return html.Div(
            [plan_state(city_id, lang), describe_plan_issues(result.issues, lang)]
        ), dash.no_update
    return plan_state(city_id, lang), action_options(city_id, lang)


# --- figures from the cities: workbook template and upload --------------------------------------

TEMPLATE_BUTTON, TEMPLATE_DOWNLOAD = "admin-template-button", "admin-template-download"
UPLOAD, UPLOAD_MESSAGE, MY_SUBMISSIONS = "admin-upload", "admin-upload-message", "admin-my-submissions"
REVIEW_PICK, REVIEW_DETAIL, REVIEW_COMMENT = (
    "admin-review-pick",
    "admin-review-detail",
    "admin-review-comment",
)
REVIEW_APPROVE, REVIEW_RETURN, REVIEW_MESSAGE = (
    "admin-review-approve",
    "admin-review-return",
    "admin-review-message",
)
PUBLISH, PUBLISH_TICKET, PUBLISH_PROGRESS = "admin-publish", "admin-publish-ticket", "admin-publish-progress"
PUBLISH_TEXT, PUBLISH_MESSAGE = "admin-publish-text", "admin-publish-message"
MAX_UPLOAD_CHARS = (wb.MAX_BYTES * 4) // 3 + 1024  # the base64 text of the largest accepted file


def change_counts(changes: dict, lang: str) -> str:
    return "; ".join(
        f"{t(f'upload.sheet.{table}', lang)}: {format_int(len(rows), lang)}"
        for table, rows in changes.items()
    )


def submissions_table(frame: pd.DataFrame, lang: str, table_id: str) -> html.Div:
    """Submissions with their state, who sent and reviewed them, and the reviewer's comment."""
    names = city_names(data_access.get_data(), lang)
    rows = [
        html.Tr(
            [
                html.Td(f"#{r['id']}"),
                html.Td(names.get(r["city_id"], r["city_id"])),
                html.Td(change_counts(r["changes"], lang)),
                html.Td(t(f"review.status.{r['status']}", lang)),
                html.Td(f"{r['submitted_by']}, {r['submitted_at'].strftime('%Y-%m-%d %H:%M')}"),
                html.Td(
                    f"{r['reviewed_by']}, {r['reviewed_at'].strftime('%Y-%m-%d %H:%M')}"
                    if isinstance(r["reviewed_by"], str) and pd.notna(r["reviewed_at"])
                    else "—"
                ),
                html.Td(r["comment"] if isinstance(r["comment"], str) else "—"),
            ]
        )
        for _, r in frame.iterrows()
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"review.col.{k}", lang), scope="col")
                for k in ("id", "city", "changes", "status", "submitted", "reviewed", "comment")
            ]
        )
    )
    if not rows:
        return html.P(t("review.none", lang), className="note", id=table_id)
    return html.Div(
        html.Table([head, html.Tbody(rows)], className="simple-table", id=table_id), className="table-scroll"
    )


def figures_section(city_id: str, lang: str) -> html.Section:
    mine = db.submissions_frame(db.get_engine(), city_id=city_id).head(20)
    return html.Section(
        [
            html.H2(t("upload.title", lang)),
            html.P(t("upload.lead", lang), className="note"),
            html.Div(
                [
                    html.Button(
                        t("upload.template", lang), id=TEMPLATE_BUTTON, className="button", n_clicks=0
                    ),
                    dcc.Download(id=TEMPLATE_DOWNLOAD),
                ],
                className="admin-buttons",
            ),
            dcc.Upload(
                html.Div([t("upload.drop", lang)]),
                id=UPLOAD,
                accept=".xlsx",
                multiple=False,
                className="upload-box",
                style={
                    "border": f"2px dashed {MUTED}",
                    "padding": "1rem",
                    "textAlign": "center",
                    "cursor": "pointer",
                    "margin": "0.5rem 0",
                },
            ),
            dcc.Loading(html.Div(id=UPLOAD_MESSAGE, **{"aria-live": "polite"}), type="dot"),
            html.H3(t("upload.mine", lang)),
            html.Div(submissions_table(mine, lang, "admin-my-submissions-table"), id=MY_SUBMISSIONS),
        ],
        className="panel",
        id="admin-figures-section",
    )


@callback(
    Output(TEMPLATE_DOWNLOAD, "data"),
    Output(UPLOAD_MESSAGE, "children", allow_duplicate=True),
    Input(TEMPLATE_BUTTON, "n_clicks"),
    State(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def download_template(n_clicks, city_id, lang):
    """The city's workbook, pre-filled, headers in the reader's language (own city only)."""
    lang = lang or "ru"
    if not n_clicks:
        return dash.no_update, dash.no_update
    try:
        auth.require_city(city_id)
    except auth.Refused as refused:
        return None, refusal(refused.reason, lang)
    data = data_access.get_data()
    if city_id not in set(data["cities"]["city_id"]):
        return None, refusal("forbidden", lang)
    content = submissions.template_bytes(data, city_id, lang)
    return dcc.send_bytes(content, f"{city_id}-{lang}.xlsx"), None


def upload_refused(problems: list, lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("upload.refused", lang, count=len(problems))),
            html.Ul([html.Li(submissions.problem_text(p, lang)) for p in problems[:200]]),
        ],
        className="notice form-error",
        role="alert",
        id="admin-upload-problems",
    )


@callback(
    Output(UPLOAD_MESSAGE, "children"),
    Output(MY_SUBMISSIONS, "children"),
    Output(UPLOAD, "contents"),
    Input(UPLOAD, "contents"),
    State(UPLOAD, "filename"),
    State(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def upload_workbook(contents, filename, city_id, lang):
    """Check an uploaded workbook against the build's schemas; store it for review only when every
    row is right (nothing partial), for the signed-in editor's own city."""
    lang = lang or "ru"
    if not contents:
        return dash.no_update, dash.no_update, dash.no_update
    try:
        account = auth.require_city(city_id)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), dash.no_update, None
    data = data_access.get_data()
    if city_id not in set(data["cities"]["city_id"]):
        return refusal("forbidden", lang), dash.no_update, None
    if not isinstance(contents, str) or len(contents) > MAX_UPLOAD_CHARS:
        problem = wb.SheetProblem(None, None, None, "too_large", {"mb": wb.MAX_BYTES // (1024 * 1024)})
        return upload_refused([problem], lang), dash.no_update, None
    try:
        content = base64.b64decode(contents.split(",", 1)[-1], validate=False)
    except (ValueError, binascii.Error):
        return upload_refused([wb.SheetProblem(None, None, None, "not_workbook")], lang), dash.no_update, None
    changes, problems = submissions.check_upload(content, data, city_id)
    if problems:
        return upload_refused(problems, lang), dash.no_update, None
    try:
        number = db.create_submission(db.get_engine(), city_id, "workbook", changes, account.username)
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), dash.no_update, None
    message = html.P(
        t("upload.sent", lang, id=number, changes=change_counts(changes, lang)),
        className="form-ok",
        role="status",
        id="admin-upload-sent",
    )
    mine = db.submissions_frame(db.get_engine(), city_id=city_id).head(20)
    return message, submissions_table(mine, lang, "admin-my-submissions-table"), None


# --- review and publish (administrators; never one's own submission) ----------------------------


def review_options(lang: str) -> list[dict]:
    pending = db.submissions_frame(db.get_engine(), statuses=("pending",))
    names = city_names(data_access.get_data(), lang)
    return [
        {
            "value": int(r["id"]),
            "label": f"#{r['id']} · {names.get(r['city_id'], r['city_id'])} · {r['submitted_by']}",
        }
        for _, r in pending.iterrows()
    ]


def held_text(value: float | None, lang: str) -> str:
    return t("figure.held_none", lang) if value is None else ff.shown_number(value, LOCALES[lang])


def review_detail(submission: dict, lang: str) -> html.Div:
    """What a submission changes, row by row, next to what the dashboard holds now."""
    parts = [
        html.P(
            t(
                "review.detail",
                lang,
                id=submission["id"],
                user=submission["submitted_by"],
                when=submission["submitted_at"].strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
    ]
    values = data_access.get_data()["indicator_values"]
    for table, rows in submission["changes"].items():
        columns = list(rows[0].keys()) if rows else []
        held = table == "indicator_values"  # the value each row replaces, beside it
        parts.append(html.H4(f"{t(f'upload.sheet.{table}', lang)} ({format_int(len(rows), lang)})"))
        head = html.Thead(
            html.Tr(
                [html.Th(submissions.column_label(c, lang), scope="col") for c in columns]
                + ([html.Th(t("figure.col.held", lang), scope="col")] if held else [])
            )
        )
        body = html.Tbody(
            [
                html.Tr(
                    [html.Td("—" if r.get(c) is None else str(r.get(c))) for c in columns]
                    + ([html.Td(held_text(ff.held_value(values, r), lang))] if held else [])
                )
                for r in rows[:100]
            ]
        )
        parts.append(html.Div(html.Table([head, body], className="simple-table"), className="table-scroll"))
    return html.Div(parts, id="admin-review-rows")


def publish_section(lang: str) -> html.Section:
    builds = db.published_builds_frame(db.get_engine())
    last = builds.iloc[-1] if len(builds) else None
    approved = db.submissions_frame(db.get_engine(), statuses=("approved",))
    return html.Section(
        [
            html.H2(t("review.title", lang)),
            html.P(t("review.lead", lang), className="note"),
            labelled_field(
                t("review.pick", lang),
                REVIEW_PICK,
                dcc.Dropdown(
                    id=REVIEW_PICK,
                    options=review_options(lang),
                    value=None,
                    placeholder=t("review.pick_placeholder", lang),
                ),
            ),
            html.Div(id=REVIEW_DETAIL),
            labelled_field(
                t("review.comment", lang),
                REVIEW_COMMENT,
                dcc.Textarea(id=REVIEW_COMMENT, maxLength=2000, className="text-area"),
            ),
            html.Div(
                [
                    html.Button(
                        t("review.approve", lang),
                        id=REVIEW_APPROVE,
                        className="button button-primary",
                        n_clicks=0,
                    ),
                    html.Button(t("review.return", lang), id=REVIEW_RETURN, className="button", n_clicks=0),
                ],
                className="admin-buttons",
            ),
            html.Div(id=REVIEW_MESSAGE, **{"aria-live": "polite"}),
            html.H3(t("publish.title", lang)),
            html.P(
                [
                    t("publish.lead", lang, approved=format_int(len(approved), lang)),
                    " ",
                    t(
                        "publish.last",
                        lang,
                        build=last["build_id"],
                        when=last["published_at"].strftime("%Y-%m-%d %H:%M UTC"),
                    )
                    if last is not None
                    else t("publish.never", lang),
                ],
                className="note",
                id="admin-publish-state",
            ),
            html.Div(
                [
                    html.Button(
                        t("publish.button", lang), id=PUBLISH, className="button button-primary", n_clicks=0
                    ),
                    html.Progress(
                        id=PUBLISH_PROGRESS,
                        max=4,
                        value=0,
                        hidden=True,
                        className="export-progress",
                        **{"aria-label": t("publish.title", lang)},
                    ),
                    html.Span(id=PUBLISH_TEXT, hidden=True),
                ],
                className="admin-buttons",
            ),
            html.Div(id=PUBLISH_MESSAGE, **{"aria-live": "polite"}),
            dcc.Store(id=PUBLISH_TICKET),
        ],
        className="panel",
        id="admin-review-section",
    )


@callback(
    Output(REVIEW_DETAIL, "children"),
    Input(REVIEW_PICK, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_submission(submission_id, lang):
    """A pending submission's rows (administrators only)."""
    lang = lang or "ru"
    try:
        auth.require_admin()
    except auth.Refused as refused:
        return refusal(refused.reason, lang)
    try:
        submission = (
            db.get_submission(db.get_engine(), int(submission_id)) if submission_id is not None else None
        )
    except (TypeError, ValueError):
        submission = None
    return review_detail(submission, lang) if submission else None


@callback(
    Output(REVIEW_MESSAGE, "children"),
    Output(REVIEW_PICK, "options"),
    Output(REVIEW_PICK, "value"),
    Input(REVIEW_APPROVE, "n_clicks"),
    Input(REVIEW_RETURN, "n_clicks"),
    State(REVIEW_PICK, "value"),
    State(REVIEW_COMMENT, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def review(approve_clicks, return_clicks, submission_id, comment, lang):
    """Approve a pending submission or return it with a comment: an administrator, never its submitter."""
    lang = lang or "ru"
    nothing = dash.no_update
    if not (approve_clicks or return_clicks):
        return nothing, nothing, nothing
    try:
        account = auth.require_admin()
    except auth.Refused as refused:
        return refusal(refused.reason, lang), nothing, nothing
    try:
        number = int(submission_id)
    except (TypeError, ValueError):
        return describe_plan_issues([act.Issue("", "review_not_pending")], lang), nothing, nothing
    approve = dash.ctx.triggered_id == REVIEW_APPROVE
    try:
        result = db.review_submission(db.get_engine(), number, account.username, approve, str(comment or ""))
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), nothing, nothing
    if not result.ok:
        return describe_plan_issues(result.issues, lang), nothing, nothing
    message = html.P(
        t("review.approved" if approve else "review.returned", lang, id=number),
        className="form-ok",
        role="status",
        id="admin-review-done",
    )
    return message, review_options(lang), None


@callback(
    Output(PUBLISH_TICKET, "data"),
    Output(PUBLISH_MESSAGE, "children"),
    Input(PUBLISH, "n_clicks"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def request_publish(n_clicks, lang):
    """An administrator asks for a new build: a signed, short-lived ticket starts the background job."""
    lang = lang or "ru"
    if not n_clicks:
        return dash.no_update, dash.no_update
    try:
        account = auth.require_admin()
    except auth.Refused as refused:
        return None, refusal(refused.reason, lang)
    return {**submissions.publish_ticket(account.username), "lang": lang}, html.P(
        t("publish.started", lang), className="note"
    )


@callback(
    Output(PUBLISH_MESSAGE, "children", allow_duplicate=True),
    Input(PUBLISH_TICKET, "data"),
    background=True,
    running=[
        (Output(PUBLISH, "disabled"), True, False),
        (Output(PUBLISH_PROGRESS, "hidden"), False, True),
        (Output(PUBLISH_TEXT, "hidden"), False, True),
    ],
    progress=[Output(PUBLISH_PROGRESS, "value"), Output(PUBLISH_TEXT, "children")],
    interval=500,
    prevent_initial_call=True,
)
def run_publish(set_progress, ticket):
    """Build and publish in the background (validated and atomic; a failed build leaves the served one)."""
    lang = ticket.get("lang") if isinstance(ticket, dict) and ticket.get("lang") in ("ru", "en") else "ru"
    username = submissions.ticket_user(
        {k: v for k, v in ticket.items() if k != "lang"} if isinstance(ticket, dict) else None
    )
    if username is None:
        return refusal("signin", lang)
    engine = db.get_engine()
    engine.dispose(close=False)  # a forked job opens its own connections
    admins = db.list_users(engine)
    if not ((admins["username"] == username) & (admins["role"] == "admin") & admins["active"]).any():
        return refusal("forbidden", lang)

    def progress(done: int, total: int, step: str) -> None:
        set_progress((done, t(f"publish.step.{step}", lang)))

    try:
        result = publish.publish(engine, username, progress)
    except Exception as err:  # the administrator gets a message, the log the traceback
        log.exception("publishing failed")
        result = {
            "ok": False,
            "problems": [str(err).splitlines()[0][:200] if str(err) else type(err).__name__],
        }
    if not result["ok"]:
        return html.Div(
            [html.P(t("publish.failed", lang)), html.Ul([html.Li(p) for p in result["problems"]])],
            className="notice form-error",
            role="alert",
            id="admin-publish-failed",
        )
    return html.P(
        t("publish.done", lang, build=result["build_id"]),
        className="form-ok",
        role="status",
        id="admin-publish-done",
    )


# --- a city joins (administrators) -------------------------------------------------------------------

CITY_INPUTS = {name: f"admin-newcity-{name.replace('_', '-')}" for name in wb.CITY_FIELDS}
FOCAL_USER, FOCAL_PASSWORD = "admin-newcity-focal-user", "admin-newcity-focal-password"
ADD_CITY, ADD_CITY_MESSAGE = "admin-newcity-add", "admin-newcity-message"


def new_city_section(lang: str) -> html.Section:
    def field(name: str) -> html.Div:
        input_id = CITY_INPUTS[name]
        if name == "membership":
            control = dcc.Dropdown(
                id=input_id,
                options=[
                    {"value": m, "label": t(f"newcity.membership.{m}", lang)} for m in ("candidate", "member")
                ],
                value="candidate",
                clearable=False,
            )
        elif name == "member_since":
            control = dcc.DatePickerSingle(
                id=input_id, display_format="YYYY-MM-DD", first_day_of_week=1, placeholder="YYYY-MM-DD"
            )
        else:
            control = dcc.Input(
                id=input_id,
                type="number" if name in ("lat", "lon") else "text",
                step="any" if name in ("lat", "lon") else None,
                className="text-input",
            )
        return labelled_field(t(f"newcity.field.{name}", lang), input_id, control)

    return html.Section(
        [
            html.H2(t("newcity.title", lang)),
            html.P(t("newcity.lead", lang), className="note"),
            html.Div(
                [field(name) for name in wb.CITY_FIELDS], className="admin-form", id="admin-newcity-form"
            ),
            html.H3(t("newcity.focal", lang)),
            html.Div(
                [
                    labelled_field(
                        t("auth.username", lang),
                        FOCAL_USER,
                        dcc.Input(id=FOCAL_USER, type="text", className="text-input", autoComplete="off"),
                    ),
                    labelled_field(
                        t("newcity.focal_password", lang),
                        FOCAL_PASSWORD,
                        dcc.Input(
                            id=FOCAL_PASSWORD,
                            type="password",
                            className="text-input",
                            autoComplete="new-password",
                        ),
                    ),
                ],
                className="admin-form",
            ),
            *submit_row(t("newcity.add", lang), ADD_CITY, ADD_CITY_MESSAGE),
        ],
        className="panel",
        id="admin-newcity-section",
    )


def city_problems(problems: list, lang: str) -> html.Div:
    return html.Div(
        [
            html.P(t("admin.refused_save", lang)),
            html.Ul(
                [
                    html.Li(
                        f"{t(f'newcity.field.{p.column}', lang) if p.column in CITY_INPUTS else p.column}: "
                        + t(f"upload.error.{p.code}", lang, **p.params)
                    )
                    for p in problems
                ]
            ),
        ],
        className="notice form-error",
        role="alert",
        id="admin-newcity-problems",
    )


@callback(
    Output(ADD_CITY_MESSAGE, "children"),
    Input(ADD_CITY, "n_clicks"),
    *[State(CITY_INPUTS[n], "date" if n == "member_since" else "value") for n in wb.CITY_FIELDS],
    State(FOCAL_USER, "value"),
    State(FOCAL_PASSWORD, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def add_city(n_clicks, *values):
    """An administrator adds a city (candidate or member) and its focal point: the city row waits
    for review by another administrator like any submission; the focal point can sign in at once."""
    *fields, focal_user, focal_password, lang = values
    lang = lang or "ru"
    if not n_clicks:
        return dash.no_update
    try:
        account = auth.require_admin()
    except auth.Refused as refused:
        return refusal(refused.reason, lang)
    row = wb.new_city_row(dict(zip(wb.CITY_FIELDS, fields)))
    problems = wb.check_new_city(row, data_access.get_data().tables)
    username = (focal_user or "").strip().lower()
    engine = db.get_engine()
    if username:
        for problem in db.check_new_user(username, focal_password or "", "editor", row["city_id"] or "x"):
            problems.append(wb.SheetProblem(None, None, "focal", "invalid", {"value": problem}))
        if username in set(db.list_users(engine)["username"]):
            problems.append(wb.SheetProblem(None, None, "focal", "duplicate", {"value": username}))
    pending = db.submissions_frame(engine, statuses=("pending", "approved"))
    if row["city_id"] and any(
        row["city_id"] in {r.get("city_id") for r in c.get("cities", [])} for c in pending["changes"]
    ):
        problems.append(wb.SheetProblem(None, None, "city_id", "duplicate", {"value": row["city_id"]}))
    if problems:
        return city_problems(problems, lang)
    try:
        number = db.create_submission(engine, row["city_id"], "city", {"cities": [row]}, account.username)
        if username:
            db.create_user(engine, username, focal_password, "editor", row["city_id"])
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang)
    except ValueError as err:
        return city_problems([wb.SheetProblem(None, None, "focal", "invalid", {"value": str(err)})], lang)
    return html.P(
        t("newcity.sent", lang, id=number, city=row["name_" + lang] or row["city_id"]),
        className="form-ok",
        role="status",
        id="admin-newcity-sent",
    )


# --- one figure at a time (the same checks, review and publication as a workbook) -----------------

FIGURE_INPUTS = {name: f"admin-figure-{name.replace('_', '-')}" for name in ff.FIELDS}
FIGURE_ERRORS = {name: f"{input_id}-error" for name, input_id in FIGURE_INPUTS.items()}
FIGURE_NOW, FIGURE_UNIT = "admin-figure-now", "admin-figure-unit"
FIGURE_SEND, FIGURE_MESSAGE = "admin-figure-send", "admin-figure-message"
FIGURE_PREFILLED = ("value", "status", "value_scope", "source_id", "note")


def other_locales(lang: str) -> tuple[str, ...]:
    return tuple(LOCALES[other] for other in LANGUAGES if other != lang)


def indicator_options(lang: str) -> list[dict]:
    """Every indicator of the catalogue by its name, with its category, in catalogue order."""
    data = data_access.get_data()
    categories = dict(zip(data["categories"]["category_id"], data["categories"][f"name_{lang}"]))
    return [
        {"value": r["indicator_id"], "label": f"{r[f'name_{lang}']} — {categories.get(r['category_id'], '')}"}
        for _, r in data["indicators"].iterrows()
    ]


def source_options(lang: str) -> list[dict]:
    """The sources the dashboard knows, by title (publisher, year); first the choice of a new one."""
    sources = data_access.get_data()["sources"].sort_values("title", key=lambda s: s.str.casefold())
    options = [{"value": ff.NEW_SOURCE, "label": t("figure.new_source_option", lang)}]
    for _, r in sources.iterrows():
        year = str(int(r["year"])) if pd.notna(r["year"]) else None
        extra = ", ".join(v for v in (r["publisher"], year) if isinstance(v, str) and v)
        label = f"{r['title']} ({extra})" if extra else str(r["title"])
        options.append({"value": r["source_id"], "label": label if len(label) <= 140 else label[:139] + "…"})
    return options


def choice_options(name: str, lang: str) -> list[dict]:
    key = {"status": "status.{}", "value_scope": "figure.scope.{}", "source_kind": "kind.{}"}[name]
    return [{"value": v, "label": t(key.format(v), lang)} for v in ff.CHOICES[name]]


def figure_field(name: str, lang: str, control, class_name: str = "") -> html.Div:
    return labelled_field(
        t(f"figure.field.{name}", lang), FIGURE_INPUTS[name], control, FIGURE_ERRORS[name], class_name
    )


def figure_section(lang: str) -> html.Section:
    ids = FIGURE_INPUTS

    def dropdown(name: str, options: list[dict], placeholder: str | None = None) -> dmc.Select:
        return dmc.Select(
            id=ids[name],
            data=options,
            value=None,
            placeholder=placeholder,
            searchable=True,
            allowDeselect=False,
            nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
            maxDropdownHeight=320,
        )

    example = ff.shown_number(1234.5, LOCALES[lang])
    return html.Section(
        [
            html.H2(t("figure.title", lang)),
            html.P(t("figure.lead", lang), className="note"),
            html.Div(
                [
                    figure_field(
                        "indicator_id",
                        lang,
                        dropdown("indicator_id", indicator_options(lang), t("figure.pick_indicator", lang)),
                        "control-wide",
                    ),
                    figure_field(
                        "year",
                        lang,
                        dcc.Input(
                            id=ids["year"],
                            type="text",
                            inputMode="numeric",
                            maxLength=4,
                            debounce=True,
                            placeholder=t("figure.year_hint", lang),
                            className="text-input",
                        ),
                    ),
                    figure_field(
                        "value",
                        lang,
                        html.Div(
                            [
                                dcc.Input(
                                    id=ids["value"],
                                    type="text",
                                    inputMode="decimal",
                                    maxLength=40,
                                    placeholder=example,
                                    className="text-input",
                                ),
                                html.Span(id=FIGURE_UNIT, className="figure-unit"),
                            ],
                            className="figure-value",
                        ),
                    ),
                    html.Div(id=FIGURE_NOW, className="figure-now control-wide", **{"aria-live": "polite"}),
                    figure_field("status", lang, dropdown("status", choice_options("status", lang))),
                    figure_field(
                        "value_scope", lang, dropdown("value_scope", choice_options("value_scope", lang))
                    ),
                    figure_field(
                        "source_id",
                        lang,
                        dropdown("source_id", source_options(lang), t("figure.pick_source", lang)),
                        "control-wide",
                    ),
                    figure_field(
                        "note",
                        lang,
                        dcc.Input(id=ids["note"], type="text", maxLength=ff.NOTE_MAX, className="text-input"),
                        "control-wide",
                    ),
                ],
                className="admin-form",
                id="admin-figure-form",
            ),
            html.Fieldset(
                [
                    html.Legend(t("figure.new_source", lang)),
                    html.Div(
                        [
                            figure_field(
                                "source_title",
                                lang,
                                dcc.Input(
                                    id=ids["source_title"],
                                    type="text",
                                    maxLength=ff.TITLE_MAX,
                                    className="text-input",
                                ),
                                "control-wide",
                            ),
                            figure_field(
                                "source_url",
                                lang,
                                dcc.Input(
                                    id=ids["source_url"],
                                    type="text",
                                    inputMode="url",
                                    maxLength=ff.URL_MAX,
                                    placeholder="https://",
                                    className="text-input",
                                ),
                            ),
                            figure_field(
                                "source_kind",
                                lang,
                                dropdown("source_kind", choice_options("source_kind", lang)),
                            ),
                        ],
                        className="admin-form",
                    ),
                ],
                className="figure-new-source",
            ),
            *submit_row(t("figure.send", lang), FIGURE_SEND, FIGURE_MESSAGE),
        ],
        className="panel",
        id="admin-figure-section",
    )


def figure_now(
    row: dict | None, latest: dict | None, year: str | None, unit: str, lang: str
) -> html.Div | None:
    """What the dashboard holds for the chosen indicator and year, shown beside the new value."""
    if row is None and latest is None:
        return html.P(t("figure.none", lang), className="note", id="admin-figure-now-text")
    if row is None:
        value = f"{ff.shown_number(latest['value'], LOCALES[lang])} {unit}".strip()
        return html.P(
            t("figure.none_for_year", lang, year=year or "—", value=value, latest=int(latest["year"])),
            className="note",
            id="admin-figure-now-text",
        )
    sources = data_access.get_data()["sources"].set_index("source_id")["title"]
    value = f"{ff.shown_number(row['value'], LOCALES[lang])} {unit}".strip()
    return html.P(
        [
            html.Strong(t("figure.now", lang, year=int(row["year"]), value=value)),
            " (",
            t(
                "figure.now_details",
                lang,
                status=t(f"status.{row['status']}", lang),
                scope=t(f"figure.scope.{row['value_scope']}", lang),
                source=sources.get(row["source_id"], row["source_id"]),
            ),
            ")",
        ],
        className="note",
        id="admin-figure-now-text",
    )


@callback(
    Output(FIGURE_NOW, "children"),
    Output(FIGURE_UNIT, "children"),
    Output(FIGURE_INPUTS["year"], "value"),
    *[Output(FIGURE_INPUTS[n], "value") for n in FIGURE_PREFILLED],
    Input(FIGURE_INPUTS["indicator_id"], "value"),
    Input(FIGURE_INPUTS["year"], "value"),
    Input(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def fill_figure(indicator_id, year, city_id, lang):
    """Show (and put into the form) what the dashboard holds for the city, indicator and year; a
    new indicator or city starts from its latest year."""
    lang = lang if lang in LANGUAGES else "ru"
    keep = dash.no_update
    try:
        auth.require_city(city_id)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), "", keep, *[keep] * len(FIGURE_PREFILLED)
    data = data_access.get_data()
    indicators = data["indicators"].set_index("indicator_id")
    if (
        not isinstance(city_id, str)
        or not isinstance(indicator_id, str)
        or city_id not in set(data["cities"]["city_id"])
        or indicator_id not in indicators.index
    ):
        return None, "", keep, *[keep] * len(FIGURE_PREFILLED)
    unit = str(indicators.loc[indicator_id, f"unit_{lang}"])
    values = data["indicator_values"]
    latest = ff.current_figure(values, city_id, indicator_id, None)
    fresh = dash.ctx.triggered_id != FIGURE_INPUTS["year"]
    typed, _ = ff.read_year(year)
    row = latest if fresh else ff.current_figure(values, city_id, indicator_id, int(typed)) if typed else None
    year_out = int(row["year"]) if fresh and row is not None else keep
    if row is not None:
        fields = [
            ff.shown_number(row["value"], LOCALES[lang]),
            row["status"],
            row["value_scope"],
            row["source_id"],
            row.get("note"),
        ]
    else:  # a figure not held yet: the value and note are new, status, scope and source often the same
        fields = [None, keep, keep, keep, None] if fresh else [keep] * len(FIGURE_PREFILLED)
    shown_year = year_out if year_out is not keep else int(typed) if typed else None
    now = figure_now(row, latest, str(shown_year or ""), unit, lang)
    if shown_year is not None:
        try:
            waiting = db.submissions_frame(db.get_engine(), statuses=("pending", "approved"), city_id=city_id)
        except data_access.DATABASE_ERRORS:  # what the dashboard holds is still worth showing
            waiting = pd.DataFrame(columns=db.SUBMISSION_COLUMNS)
        sent = ff.sent_figures(waiting.to_dict("records"), city_id, indicator_id, shown_year)
        now = html.Div(
            [
                now,
                *[
                    html.P(
                        t(
                            f"figure.sent_{s['status']}",
                            lang,
                            id=s["id"],
                            user=s["by"],
                            value=f"{ff.shown_number(s['value'], LOCALES[lang])} {unit}".strip(),
                        ),
                        className="note figure-waiting",
                    )
                    for s in sent
                    if s["value"] is not None
                ],
            ]
        )
    return now, t("figure.unit", lang, unit=unit), year_out, *fields


def figure_problem_text(problem: ff.FieldProblem, lang: str) -> str:
    """One reason in the reader's language (the form's own wording first, then the workbook's)."""
    key = f"figure.error.{problem.code}"
    return t(key if key in catalog(lang) else f"upload.error.{problem.code}", lang, **problem.params)


def register_sender(kind: str, fields: tuple[str, ...], inputs: dict, errors: dict, send: str, message: str):
    """Wire one form's send button to submit_form: its fields' values in, its message and errors out."""

    @callback(
        Output(message, "children"),
        *[Output(errors[n], "children") for n in fields],
        Output(MY_SUBMISSIONS, "children", allow_duplicate=True),
        Input(send, "n_clicks"),
        State(CITY, "value"),
        *[State(inputs[n], "value") for n in fields],
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def send_form(n_clicks, city_id, *values_and_lang):
        *values, lang = values_and_lang
        return submit_form(kind, fields, n_clicks, city_id, values, lang)

    return send_form


def submit_form(kind: str, fields: tuple[str, ...], n_clicks, city_id, values: list, lang) -> tuple:
    """The answer of a form's send button: the message, one error per field, the editor's own list.
    The row is checked as a workbook row and stored for review, for the signed-in editor's own city
    only (the session decides, never the form)."""
    lang = lang if lang in LANGUAGES else "ru"
    nothing, cleared = dash.no_update, [None] * len(fields)
    if not n_clicks:
        return nothing, *[nothing] * len(fields), nothing
    try:
        account = auth.require_city(city_id)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), *cleared, nothing
    data = data_access.get_data()
    if not isinstance(city_id, str) or city_id not in set(data["cities"]["city_id"]):
        return refusal("forbidden", lang), *cleared, nothing
    try:
        changes, problems = check_form(kind, dict(zip(fields, values)), data, city_id, lang)
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), *cleared, nothing
    if problems:
        return *form_problems(kind, fields, problems, lang), nothing
    try:
        number = db.create_submission(db.get_engine(), city_id, "form", changes, account.username)
    except data_access.DATABASE_ERRORS:
        return save_unavailable(lang), *cleared, nothing
    message = html.P(
        sent_text(kind, changes, number, data, lang),
        className="form-ok",
        role="status",
        id=f"admin-{kind}-sent",
    )
    mine = db.submissions_frame(db.get_engine(), city_id=city_id).head(20)
    return message, *cleared, submissions_table(mine, lang, "admin-my-submissions-table")


def unpublished_submissions() -> list[dict]:
    """The submissions sent but not published yet (their new sources and events are taken)."""
    return db.submissions_frame(db.get_engine(), statuses=("pending", "approved")).to_dict("records")


def check_form(kind: str, form: dict, data, city_id: str, lang: str) -> tuple[dict, list]:
    """The changes one form asks for and the problems that stop them (a figure, hazard or event)."""
    if kind == "hazard":
        return rf.check_hazard(form, data.tables, city_id, LOCALES[lang], other_locales(lang))
    if kind == "event":
        sent = rf.sent_event_ids(unpublished_submissions())
        return rf.check_event(form, data.tables, city_id, LOCALES[lang], other_locales(lang), sent)
    return ff.check_figure(
        form,
        data.tables,
        city_id,
        LOCALES[lang],
        other_locales(lang),
        today().strftime("%Y-%m"),
        ff.sent_source_ids(unpublished_submissions()),
    )


def form_problems(kind: str, fields: tuple[str, ...], problems: list, lang: str) -> tuple:
    """A refused form: the summary of its problems, then each field's own reasons (or None)."""
    explain = figure_problem_text if kind == "figure" else record_problem_text
    label = "figure.field" if kind == "figure" else "record.field"
    by_field = {name: [explain(p, lang) for p in problems if p.field == name] for name in fields}
    summary = html.Div(
        [
            html.P(t("figure.refused", lang)),
            html.Ul([html.Li(f"{t(f'{label}.{p.field}', lang)}: {explain(p, lang)}") for p in problems]),
        ],
        className="notice form-error",
        role="alert",
        id=f"admin-{kind}-problems",
    )
    return summary, *[" ".join(by_field[n]) or None for n in fields]


def sent_text(kind: str, changes: dict, number: int, data, lang: str) -> str:
    """The thanks for a stored form, naming what was sent."""
    if kind == "figure":
        row = changes["indicator_values"][0]
        names = data["indicators"].set_index("indicator_id")[f"name_{lang}"]
        return t(
            "figure.sent",
            lang,
            id=number,
            indicator=names.get(row["indicator_id"], row["indicator_id"]),
            year=row["year"],
            value=ff.shown_number(row["value"], LOCALES[lang]),
        )
    if kind == "hazard":
        row = changes["hazards"][0]
        names = dict(zip(data["hazard_types"]["hazard_type"], data["hazard_types"][f"name_{lang}"]))
        return t("record.sent", lang, id=number, what=names.get(row["hazard_type"]) or "")
    return t("record.sent", lang, id=number, what=changes["events"][0][f"title_{lang}"] or "")


# --- one hazard assessment or one past disaster (the same checks, review and publication) -----------------

RECORD_FIELDS = {"hazard": rf.HAZARD_FIELDS, "event": rf.EVENT_FIELDS}
RECORD_INPUTS = {
    kind: {name: f"admin-{kind}-{name.replace('_', '-')}" for name in fields}
    for kind, fields in RECORD_FIELDS.items()
}
RECORD_ERRORS = {
    kind: {name: f"{input_id}-error" for name, input_id in ids.items()} for kind, ids in RECORD_INPUTS.items()
}
RECORD_NOW = {kind: f"admin-{kind}-now" for kind in RECORD_FIELDS}
RECORD_SEND = {kind: f"admin-{kind}-send" for kind in RECORD_FIELDS}
RECORD_MESSAGE = {kind: f"admin-{kind}-message" for kind in RECORD_FIELDS}
RECORD_TEXTS = {"evidence_ru", "evidence_en"}
RECORD_NUMBERS = {"basis_value", *rf.EVENT_NUMBERS}
RECORD_WIDE = {
    "hazard_type",
    "level_basis",
    "basis_metric",
    "basis_source_id",
    "evidence_ru",
    "evidence_en",
    "source_id",
    "event_id",
    "title_ru",
    "title_en",
}


def hazard_type_options(lang: str) -> list[dict]:
    types = data_access.get_data()["hazard_types"].sort_values("sort_order")
    return [{"value": r["hazard_type"], "label": r[f"name_{lang}"]} for _, r in types.iterrows()]


def record_choices(name: str, lang: str) -> list[dict]:
    """The named choices of a hazard or event field, from the data or the fixed lists."""
    data = data_access.get_data()
    if name == "hazard_type":
        return hazard_type_options(lang)
    if name == "level":
        levels = data["hazard_levels"].sort_values("rank", ascending=False, na_position="last")
        return [{"value": r["level"], "label": r[f"name_{lang}"]} for _, r in levels.iterrows()]
    if name == "basis_metric":
        rules = data["hazard_thresholds"].drop_duplicates("metric")
        return [
            {"value": r["metric"], "label": f"{r[f'name_{lang}']} ({r[f'unit_{lang}']})"}
            for _, r in rules.iterrows()
        ]
    if name in ("source_id", "basis_source_id"):
        return [o for o in source_options(lang) if o["value"] != ff.NEW_SOURCE]
    key = {"status": "status.{}", "basis_scope": "figure.scope.{}", "context": "profile.context.{}"}[name]
    return [{"value": v, "label": t(key.format(v), lang)} for v in rf.CHOICES[name]]


def event_options(city_id: str | None, lang: str) -> list[dict]:
    """A new event first, then the city's past disasters by title and date, newest first."""
    events = data_access.get_data()["events"]
    mine = events[events["city_id"] == city_id].sort_values("start_date", ascending=False)
    return [
        {"value": rf.NEW_EVENT, "label": t("record.new_event", lang)},
        *[
            {"value": r["event_id"], "label": f"{r[f'title_{lang}']} ({r['start_date']})"}
            for _, r in mine.iterrows()
        ],
    ]


def record_control(kind: str, name: str, lang: str, city_id: str | None):
    input_id = RECORD_INPUTS[kind][name]
    if name == "event_id":
        return dmc.Select(
            id=input_id,
            data=event_options(city_id, lang),
            value=None,
            searchable=True,
            allowDeselect=False,
            placeholder=t("record.pick_event", lang),
            maxDropdownHeight=320,
            nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
        )
    if name in (
        "hazard_type",
        "level",
        "basis_metric",
        "source_id",
        "basis_source_id",
        "status",
        "basis_scope",
        "context",
    ):
        return dmc.Select(
            id=input_id,
            data=record_choices(name, lang),
            value=None,
            searchable=True,
            allowDeselect=False,
            placeholder=t("record.pick", lang) if name in ("hazard_type", "source_id") else None,
            nothingFoundMessage=t("compare.dropdown.no_options_found", lang),
            maxDropdownHeight=320,
        )
    if name in RECORD_TEXTS:
        return dcc.Textarea(id=input_id, maxLength=rf.TEXT_MAX, className="text-area")
    if name in RECORD_NUMBERS:
        return dcc.Input(
            id=input_id,
            type="text",
            inputMode="decimal",
            maxLength=40,
            placeholder=ff.shown_number(1234.5, LOCALES[lang]),
            className="text-input",
        )
    if name in ("basis_year",):
        return dcc.Input(
            id=input_id,
            type="text",
            inputMode="numeric",
            maxLength=4,
            placeholder=t("figure.year_hint", lang),
            className="text-input",
        )
    if name in ("start_date", "end_date"):
        return dcc.Input(
            id=input_id,
            type="text",
            maxLength=10,
            placeholder=t("record.date_hint", lang),
            className="text-input",
        )
    return dcc.Input(id=input_id, type="text", maxLength=rf.TITLE_MAX, className="text-input")


def record_form(kind: str, lang: str, city_id: str | None) -> html.Details:
    """One form (a hazard assessment or a past disaster), folded under its title."""
    fields = [
        labelled_field(
            t(f"record.field.{name}", lang),
            RECORD_INPUTS[kind][name],
            record_control(kind, name, lang, city_id),
            RECORD_ERRORS[kind][name],
            "control-wide" if name in RECORD_WIDE else "",
        )
        for name in RECORD_FIELDS[kind]
    ]
    first, rest = fields[0], fields[1:]
    return html.Details(
        [
            html.Summary(t(f"record.{kind}.title", lang)),
            html.P(t(f"record.{kind}.lead", lang), className="note"),
            html.Div(
                [
                    first,
                    html.Div(
                        id=RECORD_NOW[kind], className="figure-now control-wide", **{"aria-live": "polite"}
                    ),
                    *rest,
                ],
                className="admin-form",
                id=f"admin-{kind}-form",
            ),
            *submit_row(t("figure.send", lang), RECORD_SEND[kind], RECORD_MESSAGE[kind]),
        ],
        className="record-form",
        id=f"admin-{kind}-details",
    )


def records_section(city_id: str, lang: str) -> html.Section:
    return html.Section(
        [
            html.H2(t("record.title", lang)),
            html.P(t("record.lead", lang), className="note"),
            record_form("hazard", lang, city_id),
            record_form("event", lang, city_id),
        ],
        className="panel",
        id="admin-records-section",
    )


def record_value(name: str, value: object, lang: str) -> object:
    """A held value as the form shows it (numbers as the reader writes them, years whole)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if name in RECORD_NUMBERS:
        return ff.shown_number(value, LOCALES[lang])
    if name == "basis_year":
        return str(int(float(value)))
    return value


@callback(
    Output(RECORD_NOW["hazard"], "children"),
    *[Output(RECORD_INPUTS["hazard"][n], "value") for n in rf.HAZARD_FIELDS[1:]],
    Input(RECORD_INPUTS["hazard"]["hazard_type"], "value"),
    Input(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def fill_hazard(hazard_type, city_id, lang):
    """Put the city's current assessment of the chosen hazard into the form (empty when none)."""
    lang = lang if lang in LANGUAGES else "ru"
    keep = [dash.no_update] * (len(rf.HAZARD_FIELDS) - 1)
    try:
        auth.require_city(city_id)
    except auth.Refused as refused:
        return refusal(refused.reason, lang), *keep
    data = data_access.get_data()
    if (
        not isinstance(city_id, str)
        or not isinstance(hazard_type, str)
        or hazard_type not in set(data["hazard_types"]["hazard_type"])
    ):
        return None, *keep
    row = rf.current_hazard(data["hazards"], city_id, hazard_type)
    if row is None:
        return html.P(t("record.hazard.none", lang), className="note"), *[None] * len(keep)
    level = data["hazard_levels"].set_index("level")[f"name_{lang}"].get(row["level"], row["level"])
    now = html.P(
        t("record.hazard.now", lang, level=level, status=t(f"status.{row['status']}", lang)),
        className="note",
        id="admin-hazard-now-text",
    )
    return now, *[record_value(n, row.get(n), lang) for n in rf.HAZARD_FIELDS[1:]]


@callback(
    Output(RECORD_INPUTS["event"]["event_id"], "data"),
    Output(RECORD_NOW["event"], "children"),
    *[Output(RECORD_INPUTS["event"][n], "value") for n in rf.EVENT_FIELDS[1:]],
    Input(RECORD_INPUTS["event"]["event_id"], "value"),
    Input(CITY, "value"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def fill_event(event_id, city_id, lang):
    """The city's past disasters to choose from, and the chosen one's record in the form."""
    lang = lang if lang in LANGUAGES else "ru"
    keep = [dash.no_update] * (len(rf.EVENT_FIELDS) - 1)
    try:
        auth.require_city(city_id)
    except auth.Refused as refused:
        return [], refusal(refused.reason, lang), *keep
    data = data_access.get_data()
    if not isinstance(city_id, str) or city_id not in set(data["cities"]["city_id"]):
        return [], None, *keep
    options = event_options(city_id, lang)
    if event_id == rf.NEW_EVENT:
        return options, html.P(t("record.event.new", lang), className="note"), *[None] * len(keep)
    row = rf.current_event(data["events"], city_id, event_id) if isinstance(event_id, str) else None
    if row is None:
        return options, None, *keep
    now = html.P(
        t("record.event.now", lang, id=row["event_id"], status=t(f"status.{row['status']}", lang)),
        className="note",
        id="admin-event-now-text",
    )
    return options, now, *[record_value(n, row.get(n), lang) for n in rf.EVENT_FIELDS[1:]]


def record_problem_text(problem: ff.FieldProblem, lang: str) -> str:
    """One reason in the reader's language (these forms' wording, then the figure form's, then the workbook's)."""
    for key in (f"record.error.{problem.code}", f"figure.error.{problem.code}"):
        if key in catalog(lang):
            return t(key, lang, **problem.params)
    return t(f"upload.error.{problem.code}", lang, **problem.params)


register_sender("figure", ff.FIELDS, FIGURE_INPUTS, FIGURE_ERRORS, FIGURE_SEND, FIGURE_MESSAGE)
for _kind, _fields in RECORD_FIELDS.items():
    register_sender(
        _kind, _fields, RECORD_INPUTS[_kind], RECORD_ERRORS[_kind], RECORD_SEND[_kind], RECORD_MESSAGE[_kind]
    )
