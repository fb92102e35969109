"""Presenter mode `/present`: full-screen slides for coalition meetings, keyboard driven, offline.

`/present?slides=overview,compare,city:osh,trends&lang=en&auto=20` shows the deck: one slide per
token (see `domain/exports.py`), in that order, with no navigation chrome (the page root's class
`page-present` hides the shell, `assets/present.css`). `assets/present.js` moves between slides
(→ ← PageDown PageUp Space Home End), toggles full screen (F), leaves with Escape, advances every
`auto` seconds, and keeps the slide number in the address (`slide=3`) with
`history.replaceState`. Every slide is rendered at once, stacked, so moving is instant and works
with no connection; charts come from the app's own plotly.js.

Without `slides` (or with `edit=1`) the page shows a small deck editor inside the normal shell:
choose and order the slides, an auto-advance interval, then start. The comparison slides use the
comparison's parameters when the address carries them (`cities`, `level`, `item`, `scale`,
`spread`, `w_<key>`), so a deck can show the weights chosen on `/compare`.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, callback_context, dcc, html, no_update

import ids
from components import slide_charts as sc
from components.page import page_context, page_header, page_title, with_mantine
from components.shell import link_with
from domain import compare
from domain import exports as dx
from i18n import format_int, resolve_lang, t
from presentation import exports as ex
from presentation.export_button import export_group
from services import data_access
from services.callback_cache import public_answer

dash.register_page(
    __name__,
    path="/present",
    order=90,
    nav_key="nav.present",
    title=page_title("title.present"),
    name="present",
    public_answer=True,
    dash_at_load=True,  # slides move by keys, clicks and a timer at once: Dash never waits (services/deferred_dash.py)
)

DECK_PARAMS = ("slides", "auto", "slide", "edit")
COMPARE_PARAMS = ("cities", "level", "item", "scale", "spread")


def allowed_params(data) -> tuple[str, ...]:
    keys = list(data["dimensions"]["dimension"]) + list(data["categories"]["category_id"])
    return DECK_PARAMS + COMPARE_PARAMS + tuple(compare.WEIGHT_PREFIX + k for k in keys)


def passthrough(query: dict[str, str]) -> dict[str, str]:
    """The comparison's parameters carried by the deck's address."""
    return {k: v for k, v in query.items() if k in COMPARE_PARAMS or k.startswith(compare.WEIGHT_PREFIX)}


def deck_href(lang: str, tokens: list[str], auto: int, extra: dict[str, str]) -> str:
    query = {"slides": ",".join(tokens), "lang": lang, **({"auto": str(auto)} if auto else {}), **extra}
    return "/present?" + urlencode(query, safe=",:")


# --- the deck ------------------------------------------------------------------------------------


def value_size(value: str) -> str:
    """A smaller size for long key numbers, and smaller still when one word is long (a city name),
    so that a word never has to break."""
    longest = max((len(w) for w in value.split()), default=0)
    if longest > 10 or len(value) > 16:
        return " long xlong"
    return " long" if len(value) > 9 else ""


def points_density(slide: dx.Slide) -> str:
    """Smaller type for the points when the slide says a lot, so that nothing is cut off."""
    chars = sum(len(p) for p in slide.points[:3]) + sum(len(label) for _, label in slide.numbers[:4]) // 2
    return " very-dense" if chars > 560 else " dense" if chars > 400 else ""


def slide_section(number: int, total: int, slide: dx.Slide, figure, lang: str, current: bool) -> html.Section:
    """One full-screen slide: title, chart, key numbers, points, data status and sources."""
    numbers = [
        html.Div(
            [
                html.Div(value, className="slide-number-value" + value_size(value)),
                html.Div(label, className="slide-number-label"),
            ],
            className="slide-number",
        )
        for value, label in slide.numbers[:4]
    ]
    statuses = [s for s in dx.STATUSES if slide.status_counts.get(s)]
    foot = [
        html.Span(
            [html.Span(t(f"status.{s}", lang), className=f"badge badge-{s}") for s in statuses],
            className="slide-badges",
        ),
        html.Span(slide.status_line, className="slide-status"),
    ]
    if slide.illustrative:
        foot.append(html.Span(t("present.illustrative_warning", lang), className="slide-warning"))
    if slide.sources:
        first = slide.sources[0].split(". http")[0] + ("…" if len(slide.sources) > 1 else "")
        foot.append(
            html.Span(
                [
                    f"{t('export.sources', lang)}: {format_int(len(slide.sources), lang)} — ",
                    html.Span(first, **({} if re.search("[А-Яа-яЁё]", first) else {"lang": "en"})),
                ],
                className="slide-sources",
                title="\n".join(slide.sources[:40]),
            )
        )
    graph = dcc.Graph(
        figure=sc.for_projector(figure),
        className="slide-graph",
        responsive=True,
        config={
            "displayModeBar": False,
            "locale": lang,
            "responsive": True,
            "showLink": False,
            "scrollZoom": False,
        },
        style={"height": "100%", "width": "100%"},
    )
    return html.Section(
        [
            html.Header(
                [
                    html.H2(slide.title, className="slide-title"),
                    html.P(slide.subtitle, className="slide-subtitle") if slide.subtitle else None,
                ],
                className="slide-head",
            ),
            html.Div(
                [
                    html.Figure(
                        [graph, html.Figcaption(slide.summary, className="visually-hidden")],
                        className="slide-chart",
                    ),
                    html.Aside(
                        [
                            html.Div(numbers, className="slide-numbers"),
                            html.Ul(
                                [html.Li(p) for p in slide.points[:3]],
                                className="slide-points" + points_density(slide),
                            ),
                        ],
                        className="slide-side",
                    ),
                ],
                className="slide-body",
            ),
            html.Footer(foot, className="slide-foot"),
        ],
        className="slide" + (" is-current" if current else ""),
        id=f"slide-{number}",
        **{
            "data-token": slide.ref.token,
            "aria-hidden": "false" if current else "true",
            "aria-roledescription": "slide",
            "aria-label": f"{number} / {total}: {slide.title}",
        },
    )


def icon(symbol: str, label: str) -> list:
    """A symbol for the eye and its words for screen readers."""
    return [html.Span(symbol, **{"aria-hidden": "true"}), html.Span(label, className="visually-hidden")]


def deck_layout(ctx, refs: list[dx.SlideRef], auto: int, notices: list[str]) -> html.Div:
    lang = ctx.lang
    extra = passthrough(ctx.query)
    total = len(refs)
    position = dx.parse_position(ctx.query.get("slide"), total)
    sections = []
    for i, ref in enumerate(refs, 1):
        slide, figure = ex.build_slide(ref, lang, extra)
        sections.append(slide_section(i, total, slide, figure, lang, i == position))
    tokens = [r.token for r in refs]
    edit_href = "/present?" + urlencode(
        {
            "edit": "1",
            "slides": ",".join(tokens),
            "lang": lang,
            **({"auto": str(auto)} if auto else {}),
            **extra,
        },
        safe=",:",
    )
    controls = html.Nav(
        [
            html.Button(
                "←",
                className="deck-button deck-prev",
                title=t("present.prev", lang),
                type="button",
                **{"aria-label": t("present.prev", lang)},
            ),
            html.Span(
                f"{position} / {total}",
                id=ids.PRESENT_COUNTER,
                className="deck-counter",
                **{"aria-live": "polite", "aria-label": t("present.counter", lang)},
            ),
            html.Button(
                "→",
                className="deck-button deck-next",
                title=t("present.next", lang),
                type="button",
                **{"aria-label": t("present.next", lang)},
            ),
            html.Span(t("present.auto_on", lang, seconds=auto), className="deck-auto") if auto else None,
            html.Button(
                "⬚",
                className="deck-button deck-full",
                title=t("present.fullscreen", lang),
                type="button",
                **{"aria-label": t("present.fullscreen", lang)},
            ),
            dcc.Link(
                icon("✎", t("present.edit", lang)),
                href=edit_href,
                className="deck-button deck-edit",
                title=t("present.edit", lang),
            ),
            dcc.Link(
                icon("×", t("present.exit", lang)),
                href=link_with("/", {"lang": lang}),
                className="deck-button deck-exit",
                title=t("present.exit", lang),
            ),
            export_group(
                "deck", lang, override={"slides": ",".join(tokens)}, pptx_label="PPTX", compact=True
            ),
        ],
        className="deck-controls",
        **{"aria-label": t("present.deck_label", lang)},
    )
    notice = (
        [html.Div([html.P(n) for n in notices], className="deck-notice", role="status")] if notices else []
    )
    return html.Div(
        [
            html.H1(t("title.present", lang), id="page-title", className="visually-hidden"),
            *notice,
            html.Div(sections, className="deck-slides"),
            controls,
        ],
        id=ids.PRESENT_DECK,
        className="page page-present",
        lang=lang,
        **{
            "data-count": str(total),
            "data-index": str(position),
            "data-auto": str(auto),
            "data-lang": lang,
            "data-exit": link_with("/", {"lang": lang}),
            "role": "region",
            "aria-roledescription": "carousel",
            "aria-label": t("present.deck_label", lang),
        },
    )


# --- the deck editor ---------------------------------------------------------------------------------


def auto_options(lang: str, auto: int = 0) -> list[dict]:
    choices = list(dx.AUTO_CHOICES) + ([] if auto in dx.AUTO_CHOICES else [auto])
    return [
        {
            "label": t("present.editor.auto_off", lang)
            if s == 0
            else t("present.editor.auto_seconds", lang, seconds=s),
            "value": str(s),
        }
        for s in choices
    ]


def order_button(
    symbol: str, action: str, key: str, index: int, label: str, lang: str, disabled: bool = False
) -> html.Button:
    """One button that moves the slide at `index` up or down, or removes it."""
    return html.Button(
        symbol,
        id={"type": ids.PRESENT_MOVE, "index": index, "action": action},
        n_clicks=0,
        type="button",
        disabled=disabled,
        className="button order-button",
        title=t(key, lang),
        **{"aria-label": f"{t(key, lang)}: {label}"},
    )


def order_items(tokens: list[str], labels: dict[str, str], lang: str) -> list:
    """The deck in order, each slide with buttons to move it up or down or remove it."""
    items = []
    for i, token in enumerate(tokens):
        label = labels.get(token, token)
        items.append(
            html.Li(
                [
                    html.Span(label, className="order-label"),
                    html.Span(
                        [
                            order_button("↑", "up", "present.editor.up", i, label, lang, i == 0),
                            order_button(
                                "↓", "down", "present.editor.down", i, label, lang, i == len(tokens) - 1
                            ),
                            order_button("✕", "remove", "present.editor.remove", i, label, lang),
                        ],
                        className="order-buttons",
                    ),
                ],
                className="order-item",
                **{"data-token": token},
            )
        )
    return items


def editor_layout(ctx, refs: list[dx.SlideRef], auto: int) -> html.Div:
    lang = ctx.lang
    tokens = [r.token for r in refs]
    extra = passthrough(ctx.query)
    options = ex.editor_options(lang)
    labels = {o["value"]: o["label"] for o in options}
    tokens = [x for x in tokens if x in labels]
    default = [r.token for r in ex.deck_refs(None)[0]]
    href = deck_href(lang, tokens, auto, extra)
    return html.Div(
        [
            *page_header("title.present", "present.intro", ctx),
            dcc.Store(id="present-extra", data=extra),
            dcc.Store(id="present-lang", data=lang),
            dcc.Store(id="present-labels", data=labels),
            dcc.Store(id="present-default-tokens", data=default),
            dcc.Store(id=ids.PRESENT_SLIDES, data=tokens),
            html.Section(
                [
                    html.H2(t("present.editor.title", lang)),
                    html.H3(t("present.editor.slides", lang), className="control-label"),
                    html.Ol(
                        order_items(tokens, labels, lang), id=ids.PRESENT_ORDER, className="present-order"
                    ),
                    html.Div(
                        [
                            dmc.Select(
                                id=ids.PRESENT_ADD,
                                data=options,
                                label=t("present.editor.add", lang),
                                placeholder=t("present.editor.placeholder", lang),
                                clearable=True,
                                searchable=True,
                                nothingFoundMessage="—",
                                className="present-add",
                            ),
                            html.Button(
                                t("present.editor.add", lang),
                                id=ids.PRESENT_ADD_BUTTON,
                                n_clicks=0,
                                type="button",
                                className="button",
                            ),
                            html.Button(
                                t("present.editor.default", lang),
                                id=ids.PRESENT_DEFAULT,
                                n_clicks=0,
                                type="button",
                                className="button button-secondary",
                            ),
                        ],
                        className="present-row",
                    ),
                    dmc.Select(
                        id=ids.PRESENT_AUTO,
                        value=str(auto),
                        allowDeselect=False,
                        label=t("present.editor.auto", lang),
                        data=auto_options(lang, auto),
                        className="present-auto",
                    ),
                    html.Div(
                        [
                            dcc.Link(
                                t("present.editor.start", lang),
                                href=href,
                                id=ids.PRESENT_START,
                                className="button present-start",
                            ),
                            html.Span(
                                t("present.editor.count", lang, count=len(tokens)),
                                id="present-count",
                                className="note",
                                role="status",
                            ),
                        ],
                        className="present-row",
                    ),
                    html.P(
                        [t("present.editor.link", lang), " ", html.Code(href, id=ids.PRESENT_LINK)],
                        className="note present-link",
                    ),
                    html.P(t("present.editor.keys", lang), className="note"),
                ],
                className="panel",
                id=ids.PRESENT_EDITOR,
            ),
            html.Section(
                [
                    html.H2(t("present.editor.downloads", lang)),
                    export_group(
                        "deck",
                        lang,
                        override={"slides": ",".join(tokens)},
                        pptx_label=t("export.pptx_deck", lang),
                    ),
                    html.P(t("export.help", lang), className="note"),
                ],
                className="panel",
            ),
        ],
        className="page page-present-editor",
    )


@with_mantine
def layout(**kwargs):
    data = data_access.get_data()
    ctx = page_context(kwargs, allowed=allowed_params(data))
    lang = ctx.lang
    refs, bad = ex.deck_refs(ctx.query.get("slides"))
    notices = list(ctx.notices)
    if bad:
        notices.append(t("present.notice.bad_slides", lang, names=", ".join(bad[:6])))
    if not refs:
        refs, _ = ex.deck_refs(None)
        notices.append(t("present.notice.empty", lang))
    auto, auto_ok = dx.parse_auto(ctx.query.get("auto"))
    if not auto_ok:
        notices.append(t("present.notice.bad_auto", lang, value=str(ctx.query.get("auto"))[:20]))
    if "slides" not in ctx.query or ctx.query.get("edit") == "1":
        ctx.notices = notices
        return editor_layout(ctx, refs, auto)
    return deck_layout(ctx, refs, auto, notices)


@callback(
    Output(ids.PRESENT_SLIDES, "data"),
    Output(ids.PRESENT_ORDER, "children"),
    Output(ids.PRESENT_ADD, "value"),
    Input({"type": ids.PRESENT_MOVE, "index": ALL, "action": ALL}, "n_clicks"),
    Input(ids.PRESENT_ADD_BUTTON, "n_clicks"),
    Input(ids.PRESENT_DEFAULT, "n_clicks"),
    State(ids.PRESENT_ADD, "value"),
    State(ids.PRESENT_SLIDES, "data"),
    State("present-labels", "data"),
    State("present-default-tokens", "data"),
    State("present-lang", "data"),
    prevent_initial_call=True,
)
@public_answer
def edit_deck(_moves, _add, _default, adding, tokens, labels, default, lang):
    """Move a slide up or down, remove it, add one, or go back to the standard deck."""
    triggered = callback_context.triggered
    trigger = triggered[0] if triggered else {}
    if not trigger.get("value"):
        return no_update, no_update, no_update  # buttons appearing, not clicked
    lang = resolve_lang(lang)[0]
    tokens = [x for x in (tokens or []) if isinstance(x, str) and x in (labels or {})]
    which = callback_context.triggered_id
    clear = no_update
    if which == ids.PRESENT_DEFAULT:
        tokens = list(default or [])
    elif which == ids.PRESENT_ADD_BUTTON:
        if adding in (labels or {}) and len(tokens) < dx.MAX_SLIDES:
            tokens.append(adding)
            clear = None
    elif (
        isinstance(which, dict) and isinstance(which.get("index"), int) and 0 <= which["index"] < len(tokens)
    ):
        i, action = which["index"], which.get("action")
        if action == "up" and i > 0:
            tokens[i - 1], tokens[i] = tokens[i], tokens[i - 1]
        elif action == "down" and i < len(tokens) - 1:
            tokens[i + 1], tokens[i] = tokens[i], tokens[i + 1]
        elif action == "remove":
            tokens.pop(i)
    return tokens, order_items(tokens, labels or {}, lang), clear


@callback(
    Output(ids.PRESENT_START, "href"),
    Output(ids.PRESENT_LINK, "children"),
    Output("present-count", "children"),
    Output(ids.EXPORT_CONTEXT, "data"),
    Input(ids.PRESENT_SLIDES, "data"),
    Input(ids.PRESENT_AUTO, "value"),
    State("present-extra", "data"),
    State("present-lang", "data"),
    State(ids.EXPORT_CONTEXT, "data"),
    prevent_initial_call=True,
)
@public_answer
def update_editor(tokens, auto, extra, lang, context):
    """The start link, the shareable address and the export's slides follow the choices."""
    lang = resolve_lang(lang)[0]
    tokens = [x for x in (tokens or []) if isinstance(x, str)]
    try:
        auto = int(auto or 0)
    except (TypeError, ValueError):
        auto = 0
    href = deck_href(lang, tokens, auto, extra or {}) if tokens else no_update
    count = t("present.editor.count", lang, count=len(tokens)) if tokens else t("present.editor.none", lang)
    if isinstance(context, dict):
        context = {**context, "override": {"slides": ",".join(tokens)}}
    else:
        context = no_update
    return href, deck_href(lang, tokens, auto, extra or {}) if tokens else "—", count, context
