"""Reference pages for the benchmark, served by the same gunicorn settings as the app.

`bare:server` is a stock Dash page with one heading; `graph:server` is a stock Dash page with
one Plotly graph. Run as `gunicorn bench.reference_apps:bare_server` (or `graph_server`).
Both are compressed as the app is (`services.compression`), so that bytes and times compare.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Dash, dcc, html

from services.compression import enable_compression

bare = Dash(__name__, serve_locally=True, title="bare")
bare.layout = html.Div([html.H1("Bare Dash page", id="title")])
bare_server = bare.server
enable_compression(bare_server)

graph = Dash(__name__ + "_graph", serve_locally=True, title="graph")
figure = go.Figure(go.Bar(x=["A", "B", "C", "D", "E"], y=[5.3, 4.5, 4.4, 3.8, 3.2]))
graph.layout = html.Div(
    [html.H1("Stock Dash page with one graph", id="title"), dcc.Graph(id="graph", figure=figure)]
)
graph_server = graph.server
enable_compression(graph_server)
