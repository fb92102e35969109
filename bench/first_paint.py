"""What a phone shows at its first paint: screenshots of pages at 390x844 on a throttled connection.

`python -m bench.first_paint [URL] [PATH ...]` (part of `make bench`; `make bench-first-paint` alone).
Without URL it starts the app with gunicorn as `make serve` does. Headless Chromium gets
Lighthouse's mobile throttling (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, 4x CPU
slowdown) through the DevTools protocol, opens each page with a cold cache and takes a screenshot
as soon as the page reports its first contentful paint (polled every 20 ms, so the picture is at
most a few tens of milliseconds later), and a second one 3 s later. Writes the PNGs and a summary to
bench/results/first-paint-<date>-<commit>/ and prints, per page, the first paint's time and
whether Dash's renderer had started by then.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver

from bench.lighthouse import RESULTS, ROOT, unprobed_server
from bench.run import Server, headless_options

WIDTH, HEIGHT = 390, 844
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 7.5e5 / 8}
CPU_SLOWDOWN = 4
POLL_S, LATER_S, LIMIT_S = 0.02, 3.0, 60.0
PORT = int(os.environ.get("BENCH_FIRST_PAINT_PORT", "8460"))
DEFAULT_PATHS = ("/?lang=ru", "/?lang=en")
FIRST_PAINT = "return (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
DASH_STARTED = "return !!window.store"  # dash-renderer's store: set once Dash has started


def phone_browser() -> webdriver.Chrome:
    """Headless Chromium at a phone's size and pixel ratio 1, returning at once from navigations."""
    opts = headless_options()
    opts.add_argument("--hide-scrollbars")
    opts.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    opts.page_load_strategy = "none"  # poll for the first paint while the page is still loading
    driver = webdriver.Chrome(options=opts)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True},
    )
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_4G)
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return driver


def screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """The viewport as the phone shows it, through the DevTools protocol (works while loading)."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    path.write_bytes(base64.b64decode(shot["data"]))


def shoot(driver: webdriver.Chrome, url: str, out: Path, name: str) -> dict:
    """Open `url`, screenshot it at its first paint and 3 s later; the paint's time in ms."""
    driver.get("about:blank")
    driver.get(url)
    start = time.monotonic()
    painted = None
    while time.monotonic() - start < LIMIT_S:
        try:
            painted = driver.execute_script(FIRST_PAINT)
        except Exception:  # noqa: BLE001 - the document is being replaced: ask again
            painted = None
        if painted:
            break
        time.sleep(POLL_S)
    first = out / f"{name}-first-paint.png"
    screenshot(driver, first)
    dash_at_paint = bool(driver.execute_script(DASH_STARTED))
    time.sleep(LATER_S)
    screenshot(driver, out / f"{name}-plus-3s.png")
    return {
        "url": url,
        "first_paint_ms": round(painted) if painted else None,
        "dash_at_paint": dash_at_paint,
        "file": str(first.relative_to(ROOT)),
    }


def page_name(path: str) -> str:
    """A file name for a page address: `/city/x?lang=en` -> `city_x-lang-en`, `/?lang=ru` -> `home-lang-ru`."""
    page, _, query = path.partition("?")
    name = page.strip("/").replace("/", "_") or "home"
    return "-".join([name, *query.replace("=", "-").split("&")]) if query else name


def main(argv: list[str]) -> int:
    base = argv[0] if argv and argv[0].startswith("http") else None
    paths = [p for p in argv[1 if base else 0 :]] or list(DEFAULT_PATHS)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    out = RESULTS / f"first-paint-{time.strftime('%Y-%m-%d')}-{commit or 'unknown'}"
    out.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    cache_dir = tempfile.mkdtemp(prefix="bench-fp-cache-")
    driver = None
    try:
        if base is None:
            base = unprobed_server(PORT, {"CACHE_DIR": cache_dir, "ENABLE_TILES": "0"}, servers).url
        driver = phone_browser()
        rows = []
        for path in paths:
            row = shoot(driver, base + path, out, page_name(path))
            print(json.dumps(row, ensure_ascii=False), flush=True)
            rows.append(row)
        (out / "summary.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    finally:
        if driver is not None:
            driver.quit()
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
