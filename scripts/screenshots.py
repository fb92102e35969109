"""Screenshots of pages in headless Chromium, with the browser console's errors printed.

Usage: python scripts/screenshots.py http://127.0.0.1:8050 OUT_DIR /path?lang=en ...
Each path is taken at desktop (1366x768) and phone (390x844) size.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def browser() -> webdriver.Chrome:
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
        "--hide-scrollbars",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=opts)


def wait_rendered(driver: webdriver.Chrome, timeout: float = 15) -> None:
    """Wait until Dash has no callback pending (the page has finished rendering)."""
    end = time.time() + timeout
    time.sleep(0.5)
    while time.time() < end:
        pending = driver.execute_script(
            "var s=window.store&&window.store.getState&&window.store.getState();"
            "return s ? (s.isLoading || (s.pendingCallbacks||[]).length) : true;"
        )
        if not pending:
            break
        time.sleep(0.2)
    time.sleep(1.0)


def main() -> int:
    base, out, *paths = sys.argv[1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    driver = browser()
    errors = 0
    try:
        for path in paths:
            for label, (w, h) in SIZES.items():
                driver.set_window_size(w, h)
                driver.get(base + path)
                wait_rendered(driver)
                full_h = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(w, min(max(h, full_h), 4000))
                time.sleep(0.5)
                name = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "home"
                file = Path(out) / f"{name}_{label}.png"
                driver.save_screenshot(str(file))
                logs = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
                errors += sum(e["level"] == "SEVERE" for e in logs)
                print(file, "console:", [f"{e['level']}: {e['message'][:200]}" for e in logs] or "clean")
    finally:
        driver.quit()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
