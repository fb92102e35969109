"""A plain, scrollable, named table (keyboard reachable, as the accessibility checks ask)."""

from __future__ import annotations

from dash import html


def simple_table(
    headers: list[str], rows: list[list], label: str, table_id: str | None = None, class_name: str = ""
) -> html.Div:
    """Header cells and rows of cells (text or components) in a scroll region named `label`."""
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([html.Tr([html.Td(c, className="text") for c in row]) for row in rows]),
        ],
        className=f"simple-table {class_name}".strip(),
        **({"id": table_id} if table_id else {}),
    )
    return html.Div(table, className="table-scroll", tabIndex="0", role="region", **{"aria-label": label})
