"""Presenter mode `/present`: full-screen slides for coalition meetings, keyboard driven, offline.

`/present?slides=overview,compare,city:osh,trends&lang=en&auto=20` shows the deck: one slide per
token (see `domain/exports.py`), in that order, with no navigation chrome (the page root's class
`page-present` hides the shell, `assets/present.css`). `assets/present.js` moves between slides
(→ ← PageDown PageUp Space Home End), toggles full screen (F), leaves with Escape, advances every
`auto` seconds, and keeps the slide number in the address (`slide=3`) with
`history.replaceState`. Every slide is rendered at once, stacked, so moving is instant and works
with no connection. The deck arrives complete as HTML, its charts drawn as SVG on the server
(services/figure_svg.py), and present.js runs at load, so Dash's scripts wait until the visitor
needs them (a hover on a chart, an export; services/deferred_dash.py); Plotly then redraws the
charts in the same boxes, on the slide the address says.

Without `slides` (or with `edit=1`) the page shows a small deck editor inside the normal shell:
choose and order the slides, an auto-advance interval, then start. Each of its states is an
address, reached by links and GET forms, so it works before and without Dash. The comparison
slides use the comparison's parameters when the address carries them (`cities`, `level`, `item`,
`scale`, `spread`, `w_<key>`), so a deck can show the weights chosen on `/compare`.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import dash
from dash import dcc, html

import ids
from components import slide_charts as sc
from components.page import page_context, page_header, page_title
from components.shell import link_with
from domain import compare
from domain import exports as dx
from i18n import format_int, t, tn
from presentation import exports as ex
from presentation.export_button import export_group
from services import data_access
from services.deferred_dash import SERVED_BY_PAGE

dash.register_page(
    __name__,
    path="/present",
    order=90,
    nav_key="nav.present",
    title=page_title("title.present"),
    name="present",
    public_answer=True,
)

DECK_PARAMS = ("slides", "auto", "slide", "edit", "add")
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
                **{SERVED_BY_PAGE: "present.js"},
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
                **{SERVED_BY_PAGE: "present.js"},
                title=t("present.next", lang),
                type="button",
                **{"aria-label": t("present.next", lang)},
            ),
            html.Span(t("present.auto_on", lang, seconds=auto), className="deck-auto") if auto else None,
            html.Button(
                "⬚",
                className="deck-button deck-full",
                **{SERVED_BY_PAGE: "present.js"},
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
#
# Every state of the editor is an address: `/present?edit=1&slides=a,b,c&auto=20&lang=..` (and the
# comparison's parameters). Moving, removing and the standard deck are links to the address of the
# result; adding is a GET form whose `add` the layout appends to `slides` (the same address gives
# the same deck on reload); the interval is a GET form too. No callback: the page is drawn by the
# server and works before (and without) Dash's scripts.

ORDER_ANCHOR = "present-order"


def editor_href(lang: str, tokens: list[str], auto: int, extra: dict[str, str], anchor: str = "") -> str:
    """The editor's address for this deck (the list of slides kept even when empty)."""
    query = {"edit": "1", "slides": ",".join(tokens), "lang": lang, **({"auto": str(auto)} if auto else {})}
    return "/present?" + urlencode({**query, **extra}, safe=",:") + (f"#{anchor}" if anchor else "")


def moved(tokens: list[str], index: int, action: str) -> tuple[list[str], int]:
    """The deck after moving the slide at `index` up or down or removing it, and where it went."""
    out = list(tokens)
    if action == "up" and index > 0:
        out[index - 1], out[index] = out[index], out[index - 1]
        return out, index - 1
    if action == "down" and index < len(out) - 1:
        out[index + 1], out[index] = out[index], out[index + 1]
        return out, index + 1
    if action == "remove":
        out.pop(index)
    return out, index


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


def order_link(symbol: str, action: str, label: str, href: str | None, lang: str) -> html.A | html.Span:
    """A link that moves a slide up or down or removes it (a blank of the same size when it
    cannot move that way)."""
    key = f"present.editor.{action}"
    if href is None:
        return html.Span(symbol, className="button order-button is-off", **{"aria-hidden": "true"})
    return html.A(
        symbol,
        href=href,
        className="button order-button",
        title=t(key, lang),
        **{"aria-label": f"{t(key, lang)}: {label}", "data-action": action},
    )


def order_items(tokens: list[str], labels: dict[str, str], lang: str, auto: int, extra: dict) -> list:
    """The deck in order, each slide with links to move it up or down or remove it."""
    items = []
    for i, token in enumerate(tokens):
        label = labels.get(token, token)
        links = []
        for symbol, action, possible in (
            ("↑", "up", i > 0),
            ("↓", "down", i < len(tokens) - 1),
            ("✕", "remove", True),
        ):
            after, place = moved(tokens, i, action)
            anchor = f"present-item-{place + 1}" if action != "remove" and after else ORDER_ANCHOR
            href = editor_href(lang, after, auto, extra, anchor) if possible else None
            links.append(order_link(symbol, action, label, href, lang))
        items.append(
            html.Li(
                [html.Span(label, className="order-label"), html.Span(links, className="order-buttons")],
                className="order-item",
                id=f"present-item-{i + 1}",
                **{"data-token": token},
            )
        )
    return items


def hidden_state(lang: str, tokens: list[str], auto: int | None, extra: dict[str, str]) -> list:
    """The editor's state as hidden fields of a GET form (the interval left out when the form
    itself chooses it)."""
    state = {"edit": "1", "slides": ",".join(tokens), "lang": lang, **extra}
    if auto:
        state["auto"] = str(auto)
    return [dcc.Input(type="hidden", name=k, value=v) for k, v in state.items()]


def select_form(
    hidden: list,
    field: tuple[str, str, str],
    options: list[dict],
    chosen: str | None,
    button: dict,
    class_name: str,
    submit_on_change: bool = False,
) -> html.Form:
    """A GET form of the editor: its state in hidden fields, one labelled native list (`field`:
    query name, element id, label) and a submit button (`button`: its text and attributes)."""
    name, field_id, label = field
    select = html.Select(
        [
            html.Option(o["label"], value=o["value"], **({"selected": True} if o["value"] == chosen else {}))
            for o in options
        ],
        name=name,
        id=field_id,
        className="present-select",
    )
    text = button.pop("text")
    return html.Form(
        [
            *hidden,
            html.Label(label, htmlFor=field_id, className="control-label"),
            html.Div([select, html.Button(text, type="submit", **button)], className="present-row"),
        ],
        method="get",
        action="/present",
        className=f"present-form {class_name}",
        **({"data-submit-on-change": "true"} if submit_on_change else {}),
    )


def add_form(
    lang: str, tokens: list[str], auto: int, extra: dict[str, str], options: list[dict]
) -> html.Form:
    """Add a slide at the end: the current deck in hidden fields, the slide to add as `add`."""
    return select_form(
        hidden_state(lang, tokens, auto, extra),
        ("add", ids.PRESENT_ADD, t("present.editor.add_choice", lang)),
        [{"label": t("present.editor.placeholder", lang), "value": ""}, *options],
        None,
        {"text": t("present.editor.add", lang), "id": ids.PRESENT_ADD_BUTTON, "className": "button"},
        "present-add",
    )


def auto_form(lang: str, tokens: list[str], auto: int, extra: dict[str, str]) -> html.Form:
    """The auto-advance interval: a native list and a button (assets/present.js submits the form
    when the choice changes)."""
    return select_form(
        hidden_state(lang, tokens, None, extra),
        ("auto", ids.PRESENT_AUTO, t("present.editor.auto", lang)),
        auto_options(lang, auto),
        str(auto),
        {"text": t("present.editor.auto_apply", lang), "className": "button button-secondary"},
        "present-auto",
        submit_on_change=True,
    )


def added(
    tokens: list[str], adding: str | None, labels: dict[str, str], lang: str
) -> tuple[list[str], list[str]]:
    """The deck with the slide the add form asked for at its end, and notices when it cannot be."""
    if adding is None or not adding.strip():
        return tokens, []
    token = adding.strip()
    if token not in labels:
        return tokens, [t("present.notice.bad_add", lang, value=token[:40])]
    if len(tokens) >= dx.MAX_SLIDES:
        return tokens, [t("present.notice.full", lang, max=format_int(dx.MAX_SLIDES, lang))]
    return [*tokens, token], []


def editor_layout(ctx, tokens: list[str], auto: int, labels: dict[str, str], options: list[dict]) -> html.Div:
    lang = ctx.lang
    extra = passthrough(ctx.query)
    start = (
        html.A(
            t("present.editor.start", lang),
            href=deck_href(lang, tokens, auto, extra),
            id=ids.PRESENT_START,
            className="button present-start",
        )
        if tokens
        else html.P(t("present.editor.no_start", lang), className="note")
    )
    count = tn("present.editor.count", len(tokens), lang) if tokens else t("present.editor.none", lang)
    default = editor_href(lang, [r.token for r in ex.deck_refs(None)[0]], auto, extra, ORDER_ANCHOR)
    return html.Div(
        [
            *page_header("title.present", "present.intro", ctx),
            html.Section(
                [
                    html.H2(t("present.editor.title", lang)),
                    html.H3(t("present.editor.slides", lang), className="control-label"),
                    html.Ol(
                        order_items(tokens, labels, lang, auto, extra),
                        id=ORDER_ANCHOR,
                        className="present-order",
                    ),
                    add_form(lang, tokens, auto, extra, options),
                    html.Div(
                        html.A(
                            t("present.editor.default", lang),
                            href=default,
                            id=ids.PRESENT_DEFAULT,
                            className="button button-secondary",
                        ),
                        className="present-row",
                    ),
                    auto_form(lang, tokens, auto, extra),
                    html.Div(
                        [start, html.Span(count, id="present-count", className="note")],
                        className="present-row",
                    ),
                    html.P(
                        [
                            t("present.editor.link", lang),
                            " ",
                            html.Code(
                                deck_href(lang, tokens, auto, extra) if tokens else "—", id=ids.PRESENT_LINK
                            ),
                        ],
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
                    )
                    if tokens
                    else html.P(t("present.editor.none", lang), className="note"),
                    html.P(t("export.help", lang), className="note"),
                ],
                className="panel",
            ),
        ],
        className="page page-present-editor",
    )


def layout(**kwargs):
    data = data_access.get_data()
    ctx = page_context(kwargs, allowed=allowed_params(data))
    lang = ctx.lang
    editing = "slides" not in ctx.query or ctx.query.get("edit") == "1"
    asked = ctx.query.get("slides")
    refs, bad = ex.deck_refs(asked)
    notices = list(ctx.notices)
    if bad:
        notices.append(t("present.notice.bad_slides", lang, names=", ".join(bad[:6])))
    auto, auto_ok = dx.parse_auto(ctx.query.get("auto"))
    if not auto_ok:
        notices.append(t("present.notice.bad_auto", lang, value=str(ctx.query.get("auto"))[:20]))
    if editing:
        options = ex.editor_options(lang)
        labels = {o["value"]: o["label"] for o in options}
        # An editor's deck may be empty (its last slide removed); an address without `slides` is
        # the standard deck.
        tokens = [r.token for r in refs if r.token in labels] if asked is None or asked.strip() else []
        tokens, more = added(tokens, ctx.query.get("add"), labels, lang)
        ctx.notices = notices + more
        return editor_layout(ctx, tokens, auto, labels, options)
    if not refs:
        refs, _ = ex.deck_refs(None)
        notices.append(t("present.notice.empty", lang))
    return deck_layout(ctx, refs, auto, notices)
