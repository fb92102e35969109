"""A plain, scrollable, named table (keyboard reachable, as the accessibility checks ask)."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from i18n import grid_locale_text


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


def data_grid(
    grid_id: str,
    rows: list[dict],
    columns: list[dict],
    lang: str,
    *,
    height: str = "520px",
    min_width: int = 100,
    column_options: dict | None = None,
    grid_options: dict | None = None,
    **props,
) -> dag.AgGrid:
    """The dashboard's data table: columns sort, filter, resize and wrap; labels in the reader's
    language; cell text can be selected; rows stay in reading order for screen readers."""
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={
            "sortable": True,
            "filter": True,
            "resizable": True,
            "wrapText": True,
            "autoHeight": True,
            "minWidth": min_width,
            **(column_options or {}),
        },
        dashGridOptions={
            "localeText": grid_locale_text(lang),
            "enableCellTextSelection": True,
            "ensureDomOrder": True,
            **(grid_options or {}),
        },
        style={"height": height, "width": "100%"},
        className="ag-theme-alpine",
        **props,
    )
