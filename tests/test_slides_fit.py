"""Every slide's text fits its box at projector sizes: nothing cut off, no word broken mid-word."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from domain import exports as dx

# For every visible text element of the current slide: is it cut (content taller or wider than its
# box while the box hides overflow, or than an ancestor that clips it), and which words break over two lines.
FIT_SCRIPT = """
const slide = document.querySelector('.slide.is-current');
const problems = [];
const boxes = slide.querySelectorAll('.slide-title, .slide-subtitle, .slide-number-value, .slide-number-label, .slide-points, .slide-points li, .slide-side, .slide-foot');
for (const el of boxes) {
  const style = getComputedStyle(el);
  const hides = style.overflow !== 'visible' || style.overflowY !== 'visible';
  if (hides && (el.scrollHeight > el.clientHeight + 2 || el.scrollWidth > el.clientWidth + 2)) {
    problems.push('cut: ' + el.className + ': ' + el.textContent.slice(0, 60));
  }
  const foot = slide.querySelector('.slide-foot').getBoundingClientRect();
  if (!el.closest('.slide-foot') && el.getBoundingClientRect().bottom > foot.top + 1) {
    problems.push('under the footer: ' + el.className + ': ' + el.textContent.slice(0, 60));
  }
  const side = el.closest('.slide-side');
  if (side && el !== side) {
    const a = el.getBoundingClientRect(), b = side.getBoundingClientRect();
    if (a.bottom > b.bottom + 2) problems.push('below its box: ' + el.className + ': ' + el.textContent.slice(0, 60));
  }
}
const walker = document.createTreeWalker(slide.querySelector('.slide-side'), NodeFilter.SHOW_TEXT);
let node;
while ((node = walker.nextNode())) {
  const text = node.textContent;
  const re = /[^\\s\\u00a0\\-\\u2010\\u2011\\u2013\\u2014\\/]+/g;  // a break at a hyphen or dash is not mid-word
  let m;
  while ((m = re.exec(text))) {
    if (m[0].length < 4) continue;
    const range = document.createRange();
    range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) problems.push('word broken: ' + m[0]);
  }
}
return problems;
"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_slide_text_fits_at_projector_sizes(dash_duo, dash_app, built_data, size):
    refs = dx.available_slides(built_data)
    tokens = ",".join(r.token for r in refs)
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    # The exact viewport of a projector (a window's size would include the browser's own frame).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
    )
    problems = {}
    for lang in ("ru", "en"):
        driver.get(f"{dash_duo.server_url}/present?slides={tokens}&lang={lang}&slide=1")
        dash_duo.wait_for_text_to_equal("#present-counter", f"1 / {len(refs)}", timeout=20)
        for i, ref in enumerate(refs, 1):
            if i > 1:  # the deck's own keyboard navigation: every slide is already rendered
                driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
                dash_duo.wait_for_text_to_equal("#present-counter", f"{i} / {len(refs)}", timeout=5)
            time.sleep(0.2)
            found = driver.execute_script(FIT_SCRIPT)
            if found:
                problems[f"{lang} {ref.token}"] = found
    assert not problems, problems
