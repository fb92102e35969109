"""Reference page: the stock one-graph page with the app's component libraries loaded.

Dash serves the scripts of every component library a process imports, on every page. This page
imports the ones the app uses (Mantine, AG Grid, Leaflet) and shows one heading and one graph,
so the benchmark can tell the render time those libraries cost from what the app's own pages add.
In its own module: importing the libraries here would also load them into `reference_apps`.
Run as `gunicorn bench.reference_libraries:server`.
"""

from __future__ import annotations

import dash_ag_grid  # noqa: F401 - imported for its scripts, as the app does
import dash_leaflet  # noqa: F401 - imported for its scripts, as the app does
import dash_mantine_components as dmc
import plotly.graph_objects as go
from dash import Dash, dcc, html

app = Dash(__name__, serve_locally=True, title="libraries")
figure = go.Figure(go.Bar(x=["A", "B", "C", "D", "E"], y=[5.3, 4.5, 4.4, 3.8, 3.2]))
app.layout = dmc.MantineProvider(
    html.Div(
        [
            html.H1("Stock Dash page, the app's component libraries, one graph", id="title"),
            dcc.Graph(id="graph", figure=figure),
        ]
    )
)
server = app.server
