"""Help next to what it explains, and text alternatives for charts and maps.

- `info`: a small "What is this?" disclosure (`<details>`), reachable by keyboard and touch, unlike
  a hover-only tooltip. Names also get the same text as a `title` for mouse users.
- `described`: descriptions of dimensions, categories and indicators from the data tables
  (`description_ru` / `description_en`), so a city or indicator that joins brings its own text.
- `data_details`: the data behind a chart or map as a table behind a "Show data" control, in a
  scroll region that keyboard users can reach.
- `glossary_link`: a link to a term of the `/glossary` page.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from dash import html

from domain.queries import table_names
from i18n import t

GLOSSARY = Path(__file__).resolve().parents[1] / "i18n" / "glossary.csv"
LEVEL_TABLES = {
    "dimension": ("dimensions", "dimension"),
    "category": ("categories", "category_id"),
    "indicator": ("indicators", "indicator_id"),
}


def glossary_href(term: str, lang: str) -> str:
    return f"/glossary?lang={lang}#term-{term}"


def glossary_link(term: str, lang: str, text: str | None = None) -> html.A:
    """A link to one term of the glossary (a full page load, so the browser scrolls to it)."""
    return html.A(
        text or t("a11y.glossary_link", lang), href=glossary_href(term, lang), className="glossary-link"
    )


def info(summary: str, body: list | str, lang: str, term: str | None = None, **attrs) -> html.Details:
    """A closed disclosure with a short plain-language explanation and, optionally, a glossary link."""
    children = body if isinstance(body, list) else [html.P(body)]
    if term:
        children = [*children, html.P(glossary_link(term, lang))]
    return html.Details(
        [
            html.Summary([html.Span("i", className="info-icon", **{"aria-hidden": "true"}), summary]),
            html.Div(children, className="info-body"),
        ],
        className="info",
        **attrs,
    )


def described(data, level: str, lang: str) -> dict[str, str]:
    """{id: plain-language description} of the dimensions, categories or indicators."""
    table, key = LEVEL_TABLES[level]
    frame = data[table]
    column = f"description_{lang}"
    if column not in frame:
        return {}
    return {k: v for k, v in zip(frame[key], frame[column]) if isinstance(v, str) and v}


def named(data, level: str, lang: str) -> dict[str, str]:
    return table_names(data, LEVEL_TABLES[level][0], lang)


def definitions(data, level: str, lang: str, ids: list[str] | None = None) -> html.Dl:
    """Names and descriptions as a definition list (for an info panel)."""
    names, texts = named(data, level, lang), described(data, level, lang)
    keys = ids if ids is not None else list(names)
    return html.Dl(
        [part for k in keys if k in names for part in (html.Dt(names[k]), html.Dd(texts.get(k, "—")))],
        className="definitions",
    )


def data_table(
    caption: str, header: list[str], rows: list[list], numeric_from: int = 1, table_id: str | None = None
) -> html.Table:
    """A plain table: the first cell of each row is its header; cells from `numeric_from` align right."""
    head = html.Tr([html.Th(h, scope="col") for h in header])
    body = [
        html.Tr(
            [html.Th(r[0], scope="row")]
            + [html.Td(c, className="num" if i + 1 >= numeric_from else "text") for i, c in enumerate(r[1:])]
        )
        for r in rows
    ]
    attrs = {"id": table_id} if table_id else {}
    return html.Table(
        [html.Caption(caption), html.Thead(head), html.Tbody(body)],
        className="simple-table data-table",
        **attrs,
    )


def scroll_region(child, label: str, **attrs) -> html.Div:
    """A horizontally scrolling box that keyboard users can focus and scroll (WCAG 2.1.1, 1.4.10)."""
    return html.Div(
        child, className="table-scroll", tabIndex="0", role="region", **{"aria-label": label}, **attrs
    )


def data_details(table, lang: str, label: str, summary: str | None = None, **attrs) -> html.Details:
    """'Show data': the numbers behind a chart or map, as a table."""
    return html.Details(
        [html.Summary(summary or t("a11y.show_data", lang)), scroll_region(table, label)],
        className="data-details",
        **attrs,
    )


@lru_cache(maxsize=1)
def glossary_entries() -> tuple[dict, ...]:
    """The glossary's terms (a plain data file, `i18n/glossary.csv`), in file order."""
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        return tuple(dict(row) for row in csv.DictReader(f))


def glossary_definitions(term_ids: list[str], lang: str) -> html.Dl:
    """Some glossary terms with their definitions and a link to each in the glossary."""
    entries = {e["term_id"]: e for e in glossary_entries()}
    parts = []
    for term in term_ids:
        e = entries.get(term)
        if e:
            parts += [
                html.Dt(e[f"term_{lang}"]),
                html.Dd([e[f"definition_{lang}"], " ", glossary_link(term, lang)]),
            ]
    return html.Dl(parts, className="definitions")
