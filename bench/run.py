"""`make bench`: pages in a real browser, callbacks over HTTP, scale, and throughput, in one run.

Starts the app with gunicorn as in production (fresh file cache), plus three reference pages
(bare Dash, stock Dash with one graph, and that page with the app's component libraries loaded)
under the same settings, measures, and writes
bench/results/<date>-<commit>.json and a Markdown table (printed and kept in bench/README.md).
Runs are noisy: each figure is the median of repeats; compare ratios, not absolute times.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from bench.infrastructure import run as run_infrastructure
from bench.scale import growth, run_scale

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "30"))
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


class Server:
    """A gunicorn process on loopback, stopped on exit."""

    def __init__(self, target: str, port: int, env: dict | None = None):
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [
                str(GUNICORN),
                target,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(200):
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{target} did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def headless_options() -> Options:
    """Debian's Chromium, headless and quiet: no first-run pages, background traffic or QUIC."""
    opts = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
    ):
        opts.add_argument(arg)
    return opts


def browser() -> webdriver.Chrome:
    opts = headless_options()
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=opts)


RENDERED_JS = """
var s = window.store && window.store.getState && window.store.getState();
if (!s) return null;
var pending = (s.pendingCallbacks || []).length + (s.isLoading ? 1 : 0);
return pending;"""


# What a visitor changes on each page after it loads, so that every callback of every page is
# measured with realistic inputs, fired by the real renderer (`dash_clientside.set_props`): a value
# the control offers other than the current one, a list of two options, or one more click (or the
# value a step names).
# Not here: /admin (sign-in; its callbacks are covered by tests/test_access_matrix.py), the
# background export job (timed in the exports section of the README) and clientside callbacks.
INTERACTIONS: dict[str, list[tuple]] = {  # (id, prop) or (id, prop, the value to set)
    "/compare": [
        ("compare-level", "value"),
        ("compare-view", "value"),
        ("compare-scale", "value"),
        ("compare-spread", "value"),
        ("compare-cities", "value"),
        ({"type": "compare-dim-weight", "id": "vulnerability"}, "value"),
        ("compare-reset", "n_clicks"),
        ("compare-view", "value", "table"),  # the grid and its CSV button exist only in the table view
        ("compare-export", "n_clicks"),
    ],
    "/map": [
        ("map-colour-by", "value"),
        ("map-layers", "value"),
        ({"type": "map-city", "index": "osh"}, "n_clicks"),
    ],
    "/trends": [
        ("trends-variable", "value"),
        ("trends-scenarios", "value"),
        ("trends-mode", "value"),
        ("trends-baseline", "value"),
        ("trends-cities", "value"),
        ("trends-dl-series", "n_clicks"),
        ("trends-dl-table", "n_clicks"),
    ],
    "/outlook": [
        ("outlook-city", "value"),
        ("outlook-scenario", "value"),
        ("outlook-horizon", "value"),
        ("outlook-view", "value"),
        ("outlook-warm", "value"),
        ("outlook-pop", "value"),
        ("outlook-dl-scores", "n_clicks"),
        ("outlook-dl-values", "n_clicks"),
    ],
    "/actions": [
        ("actions-city", "value"),
        ("actions-status", "value"),
        ("actions-hazard", "value"),
        ("actions-essential", "value"),
        ("actions-dl-csv", "n_clicks"),
        ("actions-dl-xlsx", "n_clicks"),
    ],
    "/present": [("present-auto", "value"), ("present-default", "n_clicks")],
}

INTERACT_JS = """
const [id, prop, wanted] = arguments;
const same = (a, b) => JSON.stringify(a, Object.keys(a || {}).sort()) === JSON.stringify(b, Object.keys(b || {}).sort());
function find(node) {
  if (!node || typeof node !== 'object') return null;
  if (Array.isArray(node)) { for (const n of node) { const f = find(n); if (f) return f; } return null; }
  const props = node.props;
  if (props && props.id !== undefined && (props.id === id || (typeof id === 'object' && typeof props.id === 'object' && same(props.id, id)))) return props;
  for (const key of Object.keys(node)) { const f = find(node[key]); if (f) return f; }
  return null;
}
const props = find(window.store.getState().layout);
if (!props) return 'missing';
let value;
if (wanted !== null && wanted !== undefined) value = wanted;
else if (prop === 'n_clicks') value = (props.n_clicks || 0) + 1;
else {
  let options = (props.data || props.options || []).flatMap(o => o && o.items ? o.items : [o])
      .map(o => (o && typeof o === 'object') ? o.value : o).filter(v => v !== undefined && !(props.disabled));
  const current = props[prop];
  if (Array.isArray(current)) value = options.slice(0, 2);
  else if (props.min !== undefined && props.max !== undefined) value = current === props.max ? props.min : props.max;
  else value = options.find(v => v !== current);
  if (value === undefined || (Array.isArray(value) && same(value, current))) return 'no other value';
}
window.dash_clientside.set_props(id, {[prop]: value});
return 'set ' + JSON.stringify(value);
"""


def wait_rendered(driver: webdriver.Chrome, start: float, limit: float = 30) -> float:
    """Seconds (perf_counter) at which no Dash callback was pending any more (held for 300 ms)."""
    idle_since = None
    while time.perf_counter() - start < limit:
        pending = driver.execute_script(RENDERED_JS)
        if pending == 0:
            idle_since = idle_since or time.perf_counter()
            if time.perf_counter() - idle_since > 0.3:  # still idle 300 ms later: finished
                break
        else:
            idle_since = None
        time.sleep(0.02)
    return idle_since or time.perf_counter()


def read_network_log(driver: webdriver.Chrome) -> tuple[dict[str, int], list[dict]]:
    """Since the performance log was last read: bytes received per request (as sent, compressed)
    and the bodies of the callback requests the browser sent."""
    sizes: dict[str, int] = {}
    posts: list[dict] = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.loadingFinished":
            sizes[msg["params"]["requestId"]] = int(msg["params"].get("encodedDataLength", 0))
        elif msg["method"] == "Network.requestWillBeSent":
            req = msg["params"]["request"]
            if (
                req.get("method") == "POST"
                and "_dash-update-component" in req.get("url", "")
                and req.get("postData")
            ):
                posts.append(json.loads(req["postData"]))
    return sizes, posts


def interaction_posts(base: str, paths: list[str]) -> tuple[dict[str, list[dict]], list[str]]:
    """Per page, the callback requests its controls send when a visitor changes them."""
    driver = browser()
    out: dict[str, list[dict]] = {}
    log: list[str] = []
    try:
        driver.set_window_size(*SIZES["desktop"])
        for path in paths:
            steps = INTERACTIONS.get(path.split("?")[0], [])
            if not steps:
                continue
            driver.get(base + path)
            wait_rendered(driver, time.perf_counter())
            driver.get_log("performance")
            for component, prop, *wanted in steps:
                said = driver.execute_script(INTERACT_JS, component, prop, *wanted[:1])
                wait_rendered(driver, time.perf_counter())
                _, got = read_network_log(driver)
                out.setdefault(path, []).extend(got)
                log.append(f"{path} {json.dumps(component)}.{prop}: {said}, {len(got)} callback request(s)")
    finally:
        driver.quit()
    return out, log


def load_page(driver: webdriver.Chrome, url: str, size: tuple[int, int]) -> dict:
    """Open `url` with the cache disabled; bytes as sent, requests, ms until no callback is pending."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.set_window_size(*size)
    driver.get("about:blank")
    driver.get_log("performance")
    start = time.perf_counter()
    driver.get(url)
    rendered_ms = (wait_rendered(driver, start) - start) * 1000
    time.sleep(0.5)
    sizes, posts = read_network_log(driver)
    return {
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "render_ms": round(rendered_ms, 1),
        "callback_posts": posts,
    }


def page_figures(base: str, paths: list[str]) -> dict:
    """Median bytes, requests and render time per path and screen size."""
    driver = browser()
    out: dict = {}
    try:
        for path in paths:
            for label, size in SIZES.items():
                runs = [load_page(driver, base + path, size) for _ in range(REPEATS)]
                out[f"{path} [{label}]"] = {
                    "bytes": int(statistics.median(r["bytes"] for r in runs)),
                    "requests": int(statistics.median(r["requests"] for r in runs)),
                    "render_ms": round(statistics.median(r["render_ms"] for r in runs), 1),
                    "posts": runs[0]["callback_posts"],
                }
    finally:
        driver.quit()
    return out


def registered_paths() -> list[str]:
    """Every registered page, and /city/<id> for one city, as the app declares them."""
    code = (
        "import json, dash, app; from domain.queries import load_build; from services.config import settings;"
        "d = load_build(settings.data_build_dir);"
        "print(json.dumps([p['path'] for p in dash.page_registry.values() if '<' not in (p.get('path_template') or '')] +"
        "[p['path_template'].replace('<city_id>', d['cities']['city_id'].iloc[0]) for p in dash.page_registry.values()"
        " if (p.get('path_template') or '').startswith('/city/')]))"
    )
    text = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    paths = json.loads(text.strip().splitlines()[-1])
    return [p for p in paths if p != "/404"]


def timed_calls(base: str, posts: dict[str, list[dict]]):
    """Each recorded callback request sent once, in order: (name, milliseconds, status code)."""
    for path, bodies in posts.items():
        for body in bodies:
            t0 = time.perf_counter()
            r = requests.post(base + "/_dash-update-component", json=body, timeout=60)
            yield f"{path} :: {body.get('output', '')[:80]}", (time.perf_counter() - t0) * 1000, r.status_code


def callback_figures(base: str, posts: dict[str, list[dict]], restart) -> dict:
    """p50/p95 ms per callback: cold (fresh workers and empty cache, first call), warm (repeats,
    answered from the callback cache) and computed (repeats with CALLBACK_CACHE=0: the server
    builds the answer each time, its query cache warm)."""
    cold: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    computed: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        base = restart()
        for key, ms, status in timed_calls(base, posts):
            if status not in (200, 204):
                raise RuntimeError(f"callback {key} answered {status}")
            cold.setdefault(key, []).append(ms)
        for _ in range(10):
            for key, ms, _status in timed_calls(base, posts):
                warm.setdefault(key, []).append(ms)

    base = restart({"CALLBACK_CACHE": "0"})
    for round_ in range(4):  # the first round fills the query cache and is not counted
        for key, ms, _status in timed_calls(base, posts):
            if round_:
                computed.setdefault(key, []).append(ms)
    restart()

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)

    return {
        k: {
            "cold_p50": pct(cold[k], 0.5),
            "cold_p95": pct(cold[k], 0.95),
            "warm_p50": pct(warm[k], 0.5),
            "warm_p95": pct(warm[k], 0.95),
            "computed_p50": pct(computed[k], 0.5),
            "computed_p95": pct(computed[k], 0.95),
        }
        for k in cold
    }


WRK_POST = """wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
"""


def wrk(url: str, lua: str | None = None) -> dict:
    """Requests per second, p99 latency and errors over WRK_SECONDS on loopback."""
    cmd = ["wrk", "-t2", "-c16", f"-d{WRK_SECONDS}s", "--latency", url]
    script = None
    if lua:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua)
        cmd[1:1] = ["-s", script.name]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if script:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", text)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        errors += int(m.group(1))
    return {"rps": rps, "p99_ms": round(p99_ms, 1), "errors": errors}


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def markdown(result: dict) -> str:
    """The results as Markdown tables."""
    ref = result["references"]
    lines = [
        f"## Benchmark {result['date']} (commit {result['commit']})",
        "",
        f"Machine: {result['machine']}. gunicorn workers: {WORKERS}. Medians of {REPEATS} runs.",
        "",
        "### Pages (cache disabled; bytes as sent, compressed)",
        "",
        "Render vs same-libraries page: against the stock one-graph page with the app's component "
        "libraries (Mantine, AG Grid, Leaflet) loaded, which Dash sends to every page.",
        "",
        "| page | KB | requests | render ms | bytes vs one-graph page | render vs bare page | "
        "render vs same-libraries page |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, fig in {**result["pages"], **ref}.items():
        size = name.rsplit("[", 1)[-1].rstrip("]")
        graph = ref[f"/ (stock one-graph) [{size}]"]
        bare = ref[f"/ (bare Dash) [{size}]"]
        same = ref.get(f"/ (same libraries) [{size}]")
        lines.append(
            f"| {name} | {fig['bytes'] / 1024:.0f} | {fig['requests']} | {fig['render_ms']:.0f} | "
            f"{ratio(fig['bytes'], graph['bytes'])} | {ratio(fig['render_ms'], bare['render_ms'])} | "
            f"{ratio(fig['render_ms'], same['render_ms']) if same else '—'} |"
        )
    own = list(result["pages"].items())

    def _ref(name, kind):
        return ref[f"/ ({kind}) [{name.rsplit('[', 1)[-1].rstrip(']')}]"]

    lines += [
        "",
        f"{len(own)} page views; bytes < 0.6 x one-graph page: "
        f"{sum(f['bytes'] < 0.6 * _ref(n, 'stock one-graph')['bytes'] for n, f in own)}, render <= 1.5 x bare page: "
        f"{sum(f['render_ms'] <= 1.5 * _ref(n, 'bare Dash')['render_ms'] for n, f in own)}.",
    ]
    lines += [
        "",
        "### Callbacks over HTTP (ms)",
        "",
        "Cold: fresh workers (each loads the data build and plotly's code as it starts), empty cache, first call. Warm: repeated call (answered from the callback "
        "cache). Computed: repeated call with `CALLBACK_CACHE=0` (the answer is built each time).",
        "",
        "| callback | cold p50 | cold p95 | warm p50 | warm p95 | computed p50 | computed p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, fig in result["callbacks"].items():
        lines.append(
            f"| {name} | {fig['cold_p50']} | {fig['cold_p95']} | {fig['warm_p50']} | {fig['warm_p95']} | "
            f"{fig.get('computed_p50', '—')} | {fig.get('computed_p95', '—')} |"
        )
    calls = result["callbacks"].values()
    lines += [
        "",
        f"{len(result['callbacks'])} callbacks; warm p95 <= 50 ms: "
        f"{sum(f['warm_p95'] <= 50 for f in calls)}, cold p95 <= 300 ms: {sum(f['cold_p95'] <= 300 for f in calls)}.",
    ]
    lines += [
        "",
        "### Scale (synthetic coalitions, real indicator catalogue)",
        "",
        "| cities | build s | index s | rank stability (5,000 draws) s | index + stability s | peak MB | compare query s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["scale"]:
        cq = row.get("compare_query", {}).get("seconds", "—")
        lines.append(
            f"| {row['cities']} | {row['build']['seconds']} | {row['index']['seconds']} | "
            f"{row['rank_stability']['seconds']} | {row['index_plus_stability']['seconds']} | "
            f"{row['index_plus_stability']['peak_mb']} | {cq} |"
        )
    lines += [
        "",
        "Growth exponent (time ∝ cities^b between the two largest sizes): "
        + ", ".join(f"{k} {v}" for k, v in result["growth"].items()),
        "",
        "### Critical infrastructure overlay (bench/infrastructure.py)",
        "",
        (
            lambda f: (
                f"{f['facilities']:,} facilities x {f['zones']:,} zone polygons: {f['seconds']} s "
                f"(target < {f['target_seconds']} s), {f['pairs']:,} facility-hazard pairs."
            )
        )(
            result.get("infrastructure")
            or {"facilities": 0, "zones": 0, "seconds": "—", "target_seconds": 2, "pairs": 0}
        ),
        "",
        "### Throughput (wrk, loopback)",
        "",
        "| target | requests/s | p99 ms | errors |",
        "|---|---:|---:|---:|",
    ]
    for name, fig in result["throughput"].items():
        lines.append(f"| {name} | {fig['rps']:.0f} | {fig['p99_ms']} | {fig['errors']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    date = time.strftime("%Y-%m-%d")
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    env = {"CACHE_DIR": str(cache_dir), "ENABLE_TILES": "0", "DASH_AT_LOAD": "1"}
    servers: list[Server] = []
    try:
        app = Server("app:server", 8150, env)
        servers.append(app)
        bare = Server("bench.reference_apps:bare_server", 8151)
        graph = Server("bench.reference_apps:graph_server", 8152)
        libraries = Server("bench.reference_libraries:server", 8153)
        servers += [bare, graph, libraries]
        paths = registered_paths()
        print("pages:", paths, flush=True)
        pages = page_figures(app.url, paths)
        refs = {}
        refs.update(
            {k.replace("/ [", "/ (bare Dash) ["): v for k, v in page_figures(bare.url, ["/"]).items()}
        )
        refs.update(
            {k.replace("/ [", "/ (stock one-graph) ["): v for k, v in page_figures(graph.url, ["/"]).items()}
        )
        refs.update(
            {
                k.replace("/ [", "/ (same libraries) ["): v
                for k, v in page_figures(libraries.url, ["/"]).items()
            }
        )
        posts = {k.split(" [")[0]: v.pop("posts") for k, v in pages.items() if k.endswith("[desktop]")}
        for v in list(pages.values()) + list(refs.values()):
            v.pop("posts", None)
        extra, interactions = interaction_posts(app.url, paths)
        print("\n".join(interactions), flush=True)
        for path, bodies in extra.items():
            posts[path] = posts.get(path, []) + bodies

        def restart(extra: dict | None = None) -> str:
            nonlocal app
            app.stop()
            shutil.rmtree(cache_dir, ignore_errors=True)
            app = Server("app:server", 8150, {**env, **(extra or {})})
            servers.append(app)
            return app.url

        callbacks = callback_figures(app.url, posts, restart)
        scale = run_scale()
        infrastructure = run_infrastructure()
        first_post = next((b for bodies in posts.values() for b in bodies), None)
        throughput = {
            "GET / (first HTML)": wrk(app.url + "/"),
            "GET /_dash-layout": wrk(app.url + "/_dash-layout"),
        }
        if first_post:
            throughput["POST cached callback"] = wrk(
                app.url + "/_dash-update-component", WRK_POST % json.dumps(first_post)
            )
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(cache_dir, ignore_errors=True)
    result = {
        "date": date,
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "pages": pages,
        "references": refs,
        "callbacks": callbacks,
        "interactions": interactions,
        "scale": scale,
        "growth": {k: growth(scale, k) for k in ("build", "index", "rank_stability", "compare_query")},
        "throughput": throughput,
        "infrastructure": infrastructure,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{date}-{commit}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    table = markdown(result)
    print(table)
    readme = ROOT / "bench" / "README.md"
    head = readme.read_text(encoding="utf-8").split("<!-- results -->")[0] if readme.exists() else ""
    readme.write_text(head.rstrip() + "\n\n<!-- results -->\n" + table, encoding="utf-8")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
