"""A page's choices and tables in its first view as native HTML: usable before any script has run.

services/first_view.py renders a public page's layout to static HTML. Mantine controls and AG Grid
need their scripts; here they become what the browser draws by itself, so a visitor on a slow
phone can read the table and change the page's choices while Dash's scripts wait:

- A control that declares the query parameter it writes (`declare`, used by the pages through
  `form_field`) becomes a native field of the page's state form: a
  `<select>` for a Select, checkboxes for a MultiSelect or CheckboxGroup, radio buttons styled as
  segments for a SegmentedControl or RadioGroup, a checkbox for a Checkbox or Switch, a range
  input for a Slider. A page declares it with `**form_field(Model, "field")` on the component. Each keeps the component's id, classes and style, and its label.
- The state form (`with_state_form`) is a GET form to the page's own path, put after the page's
  content: it holds the language and every parameter of the canonical query that no field covers;
  the fields belong to it through their `form` attribute wherever they are on the page. Submitting
  it loads the page for the new state, rendered on the server. assets/native_controls.js submits
  it when a field changes (leaving out the fields still at their default, so the address stays
  short); without scripts, a submit button shows (in `<noscript>`).
- An AG Grid becomes a plain `<table>` of its visible columns and rows (the first `MAX_ROWS`) in
  the grid's own box, scrolling inside it.

A control without a declaration (not page state: export pickers, slide pickers) is left to
first_view's empty box.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qsl

from babel.numbers import format_decimal
from dash import dcc, html
from dash.development.base_component import Component
from markupsafe import Markup, escape

from domain import page_state
from i18n import DEFAULT_LANG, LANGUAGES, LOCALES, format_money, grid_locale_text, resolve_lang, t
from services.static_page import components

FORM_ID = "first-view-state-form"
PARAM = "data-param"  # the query parameter a control writes
FOLLOWS = "data-follows"  # parameters whose change makes this control's value stale (space-separated)
OPTION_PARAMS = "data-option-params"  # `value=param` pairs: options written as a parameter of their own
MANTINE = "dash_mantine_components"
GRID = ("dash_ag_grid", "AgGrid")
ADDRESS_KEYS = {"path", "lang", "search"}  # components.page_state.address: a page's address store
MAX_ROWS = 300  # a longer grid shows its first rows and says how many there are
MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>https?://[^)\s]+)\)$")
DATA_FIELD = re.compile(r"^\s*params\.data\.(?P<field>\w+)\s*$")
CURRENCY = re.compile(r"currency:\s*'(?P<code>[A-Z]{3})'")


def declare(
    param: str, follows: Iterable[str] = (), options: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The properties that make a control a field of the first view's state form: the query
    parameter it writes, the parameters it depends on (its value is dropped when one of them
    changes) and options written as a parameter of their own (`{"osm": "tiles"}`)."""
    out = {PARAM: param}
    if follows:
        out[FOLLOWS] = " ".join(follows)
    if options:
        out[OPTION_PARAMS] = " ".join(f"{value}={name}" for value, name in options.items())
    return out


def form_field(
    model: type, field: str, follows: tuple[str, ...] = (), options: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`declare` for the field `field` of a page's state model: the parameter the model reads, the
    fields whose change drops its value, and options that are fields of their own ({value: field})."""
    key = page_state.key_of
    own = {value: key(model, name) for value, name in (options or {}).items()}
    return declare(key(model, field), [key(model, f) for f in follows], own)


# --- options and values ------------------------------------------------------------------------


def option_list(data: object) -> list[tuple[str, str, bool]]:
    """(value, label, disabled) of a Mantine `data` or a dcc `options` list (groups flattened)."""
    if isinstance(data, Mapping):
        return [(str(v), str(label), False) for v, label in data.items()]
    out: list[tuple[str, str, bool]] = []
    for item in data or []:
        if isinstance(item, Mapping) and "items" in item:
            out.extend(option_list(item["items"]))
        elif isinstance(item, Mapping):
            label = item.get("label", item.get("value"))
            out.append((str(item.get("value")), str(label), bool(item.get("disabled"))))
        elif item is not None:
            out.append((str(item), str(item), False))
    return out


def child_options(node: Component, kind: str) -> list[tuple[str, str, bool]]:
    """(value, label, disabled) of the Checkbox or Radio components inside a group."""
    return [
        (str(c.value), str(getattr(c, "label", c.value)), bool(getattr(c, "disabled", False)))
        for c in components(getattr(node, "children", None))
        if (c._namespace, c._type) == (MANTINE, kind)
    ]


def chosen(value: object) -> set[str]:
    """The chosen values of a control, as text."""
    if value is None:
        return set()
    if isinstance(value, (list, tuple)):
        return {str(v) for v in value}
    return {str(value)}


def option_params(props: Mapping[str, object]) -> dict[str, str]:
    """Options that are written as a parameter of their own: {option value: parameter}."""
    text = props.get(OPTION_PARAMS)
    pairs = (p.split("=", 1) for p in str(text).split()) if isinstance(text, str) else ()
    return {value: name for value, name in pairs}


# --- attributes ------------------------------------------------------------------------------


def attrs(**values: object) -> str:
    """HTML attributes from keyword values (None and False left out, True written bare)."""
    out = []
    for name, value in values.items():
        html_name = name.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        out.append(f" {html_name}" if value is True else f' {html_name}="{escape(str(value))}"')
    return "".join(out)


def outer(props: Mapping[str, object], extra_class: str, style_text: str) -> str:
    """The id, classes and style of the component, on the native control's outer element."""
    node_id = props.get("id")
    classes = " ".join(filter(None, ["first-view-native", extra_class, str(props.get("className") or "")]))
    return attrs(id=node_id if isinstance(node_id, str) else None, class_=classes, style=style_text or None)


def field_attrs(props: Mapping[str, object], name: str) -> dict[str, object]:
    """The attributes every form field of a control carries: name, form, and what it follows."""
    follows = props.get(FOLLOWS)
    return {"name": name, "form": FORM_ID, "data_follows": follows if isinstance(follows, str) else None}


def label_of(props: Mapping[str, object]) -> str | None:
    """A control's visible label, when it has one as text."""
    label = props.get("label")
    return label if isinstance(label, str) and label else None


def aria_name(props: Mapping[str, object]) -> dict[str, object]:
    """The control's own accessible name (aria-label, aria-labelledby), as given."""
    return {"aria_label": props.get("aria-label"), "aria_labelledby": props.get("aria-labelledby")}


# --- the controls ------------------------------------------------------------------------------


def native_select(props: Mapping[str, object], style_text: str) -> str:
    """A single choice as `<select>`: the options, the chosen one selected, the label as `<label>`."""
    param = str(props[PARAM])
    value = chosen(props.get("value"))
    options = option_list(props.get("data", props.get("options")))
    empty = ""
    if not value & {v for v, _, _ in options}:
        placeholder = props.get("placeholder")
        empty = f'<option value="" selected>{escape(placeholder if isinstance(placeholder, str) else "")}</option>'
    items = "".join(
        f"<option{attrs(value=v, selected=v in value, disabled=off)}>{escape(text)}</option>"
        for v, text, off in options
    )
    label = label_of(props)
    select_attrs = attrs(
        **field_attrs(props, param),
        disabled=bool(props.get("disabled")),
        **({} if label else aria_name(props)),
        class_="first-view-select-input",
    )
    select = f"<select{select_attrs}>{empty}{items}</select>"
    if label:
        select = f'<label class="first-view-field"><span class="first-view-label">{escape(label)}</span>{select}</label>'
    return f"<div{outer(props, 'first-view-select', style_text)}>{select}</div>"


def choice_inputs(
    props: Mapping[str, object],
    options: Sequence[tuple[str, str, bool]],
    kind: str,
    css_class: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """One `<label>` per option: an input of `kind` (checkbox or radio), ticked when the control's
    value holds it, and the option's text; each named by `names` (per option) or the control's
    query parameter."""
    param = str(props[PARAM])
    value = chosen(props.get("value"))
    disabled = bool(props.get("disabled"))
    names = names or {}
    return "".join(
        f'<label class="{css_class}"><input type="{kind}"'
        f"{attrs(**field_attrs(props, names.get(v, param)), value=v, checked=v in value, disabled=off or disabled)}>"
        f"<span>{escape(text)}</span></label>"
        for v, text, off in options
    )


def native_checks(
    props: Mapping[str, object], options: Sequence[tuple[str, str, bool]], style_text: str, boxed: bool
) -> str:
    """Several choices as checkboxes in a fieldset named by the label, after an empty field of the
    same name (so that no box ticked says 'none' rather than 'the default'). `boxed` (a
    MultiSelect): the checkboxes open from a frame that shows the chosen values as Mantine does."""
    param = str(props[PARAM])
    disabled = bool(props.get("disabled"))
    boxes = choice_inputs(props, options, "checkbox", "first-view-check", option_params(props))
    empty = f'<input type="hidden"{attrs(**field_attrs(props, param), value="", disabled=disabled)}>'
    label = label_of(props)
    legend = f'<legend class="first-view-label">{escape(label)}</legend>' if label else ""
    named = {} if label else aria_name(props)
    body = chosen_values(props, options, boxes) if boxed else f'<div class="first-view-options">{boxes}</div>'
    return f"<fieldset{outer(props, 'first-view-checks', style_text)}{attrs(**named)}>{legend}{empty}{body}</fieldset>"


def chosen_values(props: Mapping[str, object], options: Sequence[tuple[str, str, bool]], boxes: str) -> str:
    """A MultiSelect's frame: the chosen values as pills and its placeholder (the room of its search
    field), opening (a `<details>`, no script needed) onto the checkboxes of every option."""
    value = chosen(props.get("value"))
    pills = "".join(
        f'<span class="first-view-pill">{escape(text)}</span>' for v, text, _ in options if v in value
    )
    placeholder = props.get("placeholder")
    hint = escape(placeholder) if isinstance(placeholder, str) else ""
    room = " first-view-clearable" if value and props.get("clearable") else ""
    return (
        f'<details class="first-view-multi"><summary><span class="first-view-boxed{room}">{pills}'
        f'<span class="first-view-search">{hint}</span></span></summary>'
        f'<div class="first-view-dropdown">{boxes}</div></details>'
    )


def native_segments(
    props: Mapping[str, object], options: Sequence[tuple[str, str, bool]], style_text: str
) -> str:
    """One choice among a few as radio buttons drawn as segments, in a radio group named as the
    control is (its label, or its own aria-label / aria-labelledby)."""
    segments = choice_inputs(props, options, "radio", "first-view-segment")
    label = label_of(props)
    full = " first-view-full" if props.get("fullWidth") else ""
    if label:
        return (
            f"<fieldset{outer(props, 'first-view-radios', style_text)}>"
            f'<legend class="first-view-label">{escape(label)}</legend>'
            f'<div class="first-view-segments{full}">{segments}</div></fieldset>'
        )
    group = attrs(role="radiogroup", **aria_name(props))
    return f"<div{outer(props, 'first-view-segments' + full, style_text)}{group}>{segments}</div>"


def native_checkbox(props: Mapping[str, object], style_text: str) -> str:
    """One yes/no choice as a checkbox with its label (checked: the parameter is its value, or 1)."""
    value = props.get("value")
    box_attrs = attrs(
        **field_attrs(props, str(props[PARAM])),
        value=value if isinstance(value, str) and value else "1",
        checked=bool(props.get("checked")),
        disabled=bool(props.get("disabled")),
        **({} if label_of(props) else aria_name(props)),
    )
    text = f"<span>{escape(label_of(props) or '')}</span>" if label_of(props) else ""
    return f'<label{outer(props, "first-view-check", style_text)}><input type="checkbox"{box_attrs}>{text}</label>'


def native_slider(props: Mapping[str, object], style_text: str) -> str:
    """A number in a range as `<input type="range">`, named as the slider's thumb is."""
    name = next(
        (props.get(k) for k in ("thumbLabel", "label", "aria-label") if isinstance(props.get(k), str)), None
    )
    field = attrs(
        **field_attrs(props, str(props[PARAM])),
        type="range",
        min=props.get("min", 0),
        max=props.get("max", 100),
        step=props.get("step", 1),
        value=props.get("value"),
        disabled=bool(props.get("disabled")),
        aria_label=name,
        aria_labelledby=None if name else props.get("aria-labelledby"),
        class_="first-view-range",
    )
    return f"<div{outer(props, 'first-view-slider', style_text)}><input{field}></div>"


def render(node: Component, props: Mapping[str, object], style_text: str) -> str | None:
    """A grid's table, or the native form field of a control that declares its parameter; None
    for any other component (first_view draws its box)."""
    if (node._namespace, node._type) == GRID:
        return render_grid(props, style_text)
    if not isinstance(props.get(PARAM), str) or node._namespace != MANTINE:
        return None
    kind = node._type
    if kind == "Select":
        return native_select(props, style_text)
    if kind == "MultiSelect":
        return native_checks(props, option_list(props.get("data")), style_text, boxed=True)
    if kind == "CheckboxGroup":
        return native_checks(props, child_options(node, "Checkbox"), style_text, boxed=False)
    if kind == "SegmentedControl":
        return native_segments(props, option_list(props.get("data")), style_text)
    if kind == "RadioGroup":
        return native_segments(props, child_options(node, "Radio"), style_text)
    if kind in ("Checkbox", "Switch"):
        return native_checkbox(props, style_text)
    if kind == "Slider":
        return native_slider(props, style_text)
    return None


# --- the state form ----------------------------------------------------------------------------


def covered_params(layout: object) -> set[str]:
    """The query parameters that the layout's declared controls write."""
    out: set[str] = set()
    for c in components(layout):
        param = getattr(c, PARAM, None) if c._namespace == MANTINE else None
        if isinstance(param, str):
            out.add(param)
            out.update(option_params(c.to_plotly_json()["props"]).values())
    return out


def page_address(layout: object) -> Mapping[str, str] | None:
    """What the page's address store holds (path, lang, canonical search), if it has one."""
    for c in components(layout):
        node_id = getattr(c, "id", None)
        data = getattr(c, "data", None)
        if isinstance(node_id, Mapping) and isinstance(data, Mapping) and set(data) >= ADDRESS_KEYS:
            return data
    return None


def state_form(address: Mapping[str, str], covered: set[str]) -> html.Form:
    """The GET form of a page's state: its path, the language and the canonical query's other
    parameters as hidden fields, and (without scripts) a button that submits it."""
    lang = resolve_lang(address.get("lang"))[0]
    kept = [
        (k, v)
        for k, v in parse_qsl(str(address.get("search") or ""), keep_blank_values=True)
        if k not in covered
    ]
    if "lang" not in dict(kept):
        kept.insert(0, ("lang", lang))
    return html.Form(
        [
            *[dcc.Input(type="hidden", name=k, value=v) for k, v in kept],
            html.Noscript(
                html.Button(t("first_view.apply", lang), type="submit", className="button first-view-apply")
            ),
        ],
        id=FORM_ID,
        method="get",
        **{"data-canonical": str(address.get("search") or "")},  # what is not at its default
        action=str(address.get("path") or "."),
        className="first-view-state-form",
    )


def with_state_form(layout: object) -> object:
    """The page's layout followed by its state form, when it has an address and declared controls."""
    address = page_address(layout)
    covered = covered_params(layout)
    if address is None or not covered:
        return layout
    return [layout, state_form(address, covered)]


# --- grids as tables ---------------------------------------------------------------------------


def grid_lang(props: Mapping[str, object]) -> str:
    """The language a grid was made in (data_grid gives AG Grid the language's locale texts)."""
    options = props.get("dashGridOptions")
    texts = options.get("localeText") if isinstance(options, Mapping) else None
    return next((lang for lang in LANGUAGES if grid_locale_text(lang) == (texts or {})), DEFAULT_LANG)


def visible_columns(defs: object) -> list[Mapping[str, object]]:
    """The grid's shown columns in the order it shows them (pinned left first, groups flattened,
    hidden ones left out)."""
    columns = shown_columns(defs)
    return sorted(columns, key=lambda col: col.get("pinned") not in ("left", True))


def shown_columns(defs: object) -> list[Mapping[str, object]]:
    """The grid's columns that are not hidden, in declared order (groups flattened)."""
    out: list[Mapping[str, object]] = []
    for col in defs or []:
        if not isinstance(col, Mapping) or col.get("hide"):
            continue
        if isinstance(col.get("children"), list):
            out.extend(shown_columns(col["children"]))
        elif col.get("field"):
            out.append(col)
    return out


def number_text(value: float | int, lang: str) -> str:
    """A number as the reader's locale writes it (whole numbers as they are: years, counts)."""
    if isinstance(value, bool):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format_decimal(value, locale=LOCALES[lang])


def cell_text(col: Mapping[str, object], row: Mapping[str, object], lang: str) -> Markup | str:
    """A cell as the grid shows it: its formatter's text (`params.data.<field>` or a currency),
    a markdown link as a link, a number in the locale; empty for a missing value."""
    value = row.get(str(col["field"]))
    formatter = col.get("valueFormatter")
    code = formatter.get("function") if isinstance(formatter, Mapping) else None
    if isinstance(code, str) and (named := DATA_FIELD.match(code)):
        shown = row.get(named["field"])
        return "" if shown is None else str(shown)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(code, str) and (money := CURRENCY.search(code)) and isinstance(value, (int, float)):
        return format_money(value, lang, money["code"])
    if (
        col.get("cellRenderer") == "markdown"
        and isinstance(value, str)
        and (link := MARKDOWN_LINK.match(value))
    ):
        return Markup('<a href="{}">{}</a>').format(link["url"], link["text"])
    if isinstance(value, (int, float)):
        return number_text(value, lang)
    return str(value)


def column_width(col: Mapping[str, object]) -> str | None:
    """A column's width bounds as the grid keeps them (minWidth, maxWidth, width in pixels)."""
    bounds = {"minWidth": "min-width", "maxWidth": "max-width", "width": "width"}
    parts = [f"{css}:{col[key]}px" for key, css in bounds.items() if isinstance(col.get(key), (int, float))]
    return ";".join(parts) or None


def render_grid(props: Mapping[str, object], style_text: str) -> str:
    """An AG Grid as a plain table in the grid's box: its column headers, and its rows (the first
    `MAX_ROWS`, saying how many there are, when there are more)."""
    lang = grid_lang(props)
    cols = visible_columns(props.get("columnDefs"))
    rows = [r for r in props.get("rowData") or [] if isinstance(r, Mapping)]
    shown = rows[:MAX_ROWS]
    defaults = props.get("defaultColDef") if isinstance(props.get("defaultColDef"), Mapping) else {}
    head = "".join(
        f'<th scope="col"{attrs(style=column_width({**defaults, **c}))}>{escape(str(c.get("headerName", c["field"])))}</th>'
        for c in cols
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell_text(c, r, lang))}</td>" for c in cols) + "</tr>" for r in shown
    )
    texts = grid_locale_text(lang) or {}
    more = ""
    if len(rows) > len(shown):
        count = f"1 {texts.get('to', 'to')} {len(shown)} {texts.get('of', 'of')} {len(rows)}"
        more = f'<p class="note first-view-grid-more">{escape(count)}</p>'
    table = f'<table class="simple-table first-view-grid-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    names = [str(c.get("headerName", c["field"])) for c in cols]
    label = props.get("aria-label")
    if not isinstance(label, str) or not label:  # a scroll region needs a name: its first columns
        label = t("first_view.table", lang, columns=", ".join(names[:3]) + (", …" if len(names) > 3 else ""))
    region = attrs(tabindex=0, role="region", aria_label=label)
    return f"<div{outer(props, 'first-view-grid', style_text)}{region}>{table}{more}</div>"
