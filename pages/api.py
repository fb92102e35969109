"""API `/api-docs`: the open-data API described from its OpenAPI document, with worked examples.

Everything on the page is read from `services.api.openapi_document(lang)` (made from the same
declarations as the routes), so the page lists exactly what the server answers; no outside
script (Swagger UI) is needed, and it works offline.
"""

from __future__ import annotations

import dash
import flask
from dash import html

import ids
from components.page import page_context, page_header, page_title
from domain import compare
from i18n import format_int, t
from services import data_access
from services.api import PREFIX, openapi_document
from services.config import settings

dash.register_page(
    __name__,
    path="/api-docs",
    order=92,
    nav_key="nav.api",
    title=page_title("title.api"),
    name="api",
    public_answer=True,
    script_free=True,  # text, links and tables only: sent without Dash's scripts (services/static_page.py)
)

PROBLEM_CODES = (
    "unknown_parameter",
    "unknown_value",
    "empty_value",
    "too_many_values",
    "not_integer",
    "not_number",
    "too_large",
    "out_of_range",
    "bad_weight",
    "query_too_long",
    "unknown_build",
    "unreadable_build",
    "not_in_build",
    "unknown_city",
    "unknown_indicator",
    "no_route",
    "method_not_allowed",
    "rate_limited",
    "bad_request",
)


def base_url() -> str:
    """The API's address as this visitor reached the app."""
    root = flask.request.host_url.rstrip("/") if flask.has_request_context() else ""
    return root + PREFIX


def curl_example(base: str, city: str) -> str:
    return f'curl -s "{base}/values?city={city}&limit=5"\ncurl -s "{base}/index?w_vulnerability=2&lang=en"'


def pandas_example(base: str, build: str, indicator: str) -> str:
    """Every value of one indicator from a fixed build, all pages, into a DataFrame."""
    return (
        "import pandas as pd\n"
        "import requests\n\n"
        f'url = "{base}/builds/{build}/values?indicator={indicator}&limit=1000"\n'
        "rows = []\n"
        "while url:\n"
        "    page = requests.get(url, timeout=30).json()\n"
        '    rows += page["data"]\n'
        '    url = page["links"]["next"]\n'
        "values = pd.DataFrame(rows)\n"
        'print(values[["city_id", "year", "value", "status", "source_id", "scope"]])\n'
    )


def code_block(text: str, label: str, block_id: str) -> html.Pre:
    return html.Pre(html.Code(text), className="api-code", tabIndex="0", id=block_id, **{"aria-label": label})


def _type_of(parameter: dict) -> str:
    schema = parameter.get("schema", {})
    kind = schema.get("type", "")
    if "enum" in schema:
        return f"{kind}: " + " | ".join(str(v) for v in schema["enum"])
    if "minimum" in schema or "maximum" in schema:
        return f"{kind} {schema.get('minimum', '')}–{schema.get('maximum', '')}"
    return str(kind)


def parameter_table(parameters: list[dict], components: dict, lang: str, label: str) -> html.Table:
    rows = []
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = components["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        name = parameter["name"] if parameter["name"] != "weights" else "w_<…>"
        rows.append(
            html.Tr(
                [
                    html.Th(html.Code(name), scope="row"),
                    html.Td(
                        parameter["in"]
                        + (f" ({t('api.page.required', lang)})" if parameter.get("required") else "")
                    ),
                    html.Td(_type_of(parameter)),
                    html.Td(parameter.get("description", "")),
                ]
            )
        )
    head = html.Tr(
        [
            html.Th(t(f"api.page.{k}", lang), scope="col")
            for k in ("param_name", "param_in", "param_type", "param_text")
        ]
    )
    return html.Table(
        [html.Thead(head), html.Tbody(rows)],
        className="simple-table api-params",
        tabIndex="0",
        **{"aria-label": label},
    )


def response_list(responses: dict, components: dict) -> html.Ul:
    items = []
    for code, response in responses.items():
        if "$ref" in response:
            response = components["responses"][response["$ref"].rsplit("/", 1)[-1]]
        kinds = ", ".join(response.get("content", {}).keys())
        items.append(
            html.Li(
                [
                    html.Code(code),
                    " ",
                    response.get("description", ""),
                    html.Span(f" ({kinds})", className="api-media") if kinds else None,
                ]
            )
        )
    return html.Ul(items, className="api-responses")


def operation_section(
    path: str, operation: dict, components: dict, lang: str, in_build: str | None
) -> html.Section:
    anchor = "op-" + operation["operationId"]
    return html.Section(
        [
            html.H3([html.Span("GET", className="api-method"), " ", html.Code(path)], id=anchor),
            html.P(html.Strong(operation["summary"])),
            html.P(operation["description"]),
            html.P(t("api.page.in_build_too", lang, path=in_build), className="api-in-build")
            if in_build
            else None,
            html.H4(t("api.page.parameters", lang)),
            parameter_table(
                operation["parameters"], components, lang, f"{t('api.page.parameters', lang)}: {path}"
            ),
            html.H4(t("api.page.responses", lang)),
            response_list(operation["responses"], components),
        ],
        className="api-operation",
        **{"aria-labelledby": anchor},
    )


def routes_section(document: dict, lang: str) -> list:
    """Every route of the document, grouped by tag; a build's copy of a route is named under it."""
    paths = document["paths"]
    build_prefix = f"{PREFIX}/builds/{{build_id}}"
    sections = []
    for tag in document["tags"]:
        ops = []
        for path, item in paths.items():
            operation = item["get"]
            if operation["tags"] != [tag["name"]] or operation["operationId"].endswith("InBuild"):
                continue
            twin = build_prefix + path[len(PREFIX) :]
            ops.append(
                operation_section(
                    path,
                    operation,
                    document["components"],
                    lang,
                    twin if twin in paths and twin != path else None,
                )
            )
        heading = f"tag-{tag['name']}"
        sections.append(
            html.Section(
                [html.H2(tag["description"], id=heading), *ops],
                className="panel",
                **{"aria-labelledby": heading},
            )
        )
    return sections


def layout(**kwargs):
    ctx = page_context(kwargs)
    lang = ctx.lang
    document = openapi_document(lang)
    data = data_access.get_data()
    base = base_url()
    city = data["cities"]["city_id"].iloc[0]
    indicator = compare.level_items(data, "indicator")[0]
    rules = [t(f"api.page.rule_{k}", lang) for k in ("provenance", "builds", "paging", "cache", "errors")]
    rules.append(t("api.page.rule_limit", lang, limit=settings.api_rate_limit))
    return html.Div(
        [
            *page_header("title.api", "api.page.intro", ctx),
            html.Section(
                [
                    html.P([t("api.page.base", lang), ": ", html.Code(base + "/")]),
                    html.Ul(
                        [
                            html.Li(
                                html.A(
                                    t("api.page.openapi", lang),
                                    href=f"{PREFIX}/openapi.json?lang={lang}",
                                    id=ids.API_OPENAPI_LINK,
                                )
                            ),
                            html.Li(
                                html.A(
                                    t("api.page.package", lang),
                                    href="/download/datapackage.zip",
                                    download="datapackage.zip",
                                )
                            ),
                        ]
                    ),
                    html.H2(t("api.page.rules_title", lang), id="api-rules"),
                    html.Ul([html.Li(r) for r in rules]),
                ],
                className="panel",
                **{"aria-labelledby": "api-rules"},
            ),
            html.Section(
                [
                    html.H2(t("api.page.examples", lang), id="api-examples"),
                    html.H3(t("api.page.example_curl", lang)),
                    code_block(
                        curl_example(base, city), t("api.page.example_curl", lang), ids.API_EXAMPLE_CURL
                    ),
                    html.H3(t("api.page.example_pandas", lang)),
                    code_block(
                        pandas_example(base, data.path.name, indicator),
                        t("api.page.example_pandas", lang),
                        ids.API_EXAMPLE_PANDAS,
                    ),
                ],
                className="panel",
                **{"aria-labelledby": "api-examples"},
            ),
            html.P(
                t("api.page.route_count", lang, count=format_int(len(document["paths"]), lang)),
                id=ids.API_ROUTE_COUNT,
            ),
            *routes_section(document, lang),
            html.Section(
                [
                    html.H2(t("api.page.problems", lang), id="api-problems"),
                    html.P(t("api.page.problems_text", lang)),
                    html.Dl(
                        [
                            part
                            for code in PROBLEM_CODES
                            for part in (
                                html.Dt(html.Code(code), id=f"problem-{code}"),
                                html.Dd(t(f"api.problem.{code}", lang)),
                            )
                        ]
                    ),
                ],
                className="panel",
                **{"aria-labelledby": "api-problems"},
            ),
        ],
        className="page page-api",
    )
