"""Browser-test helpers for the dash-mantine-components controls (used instead of dcc ones for
accessibility): pick an option the way a user does, read a segmented control or a slider."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.webdriver.common.by import By


def choose(dash_duo, input_selector: str, label: str, timeout: float = 10) -> None:
    """Pick `label` in a dmc.Select or dmc.MultiSelect: open it, then click the option by its text."""
    box = dash_duo.wait_for_element(input_selector)
    box.click()

    def option():
        listbox = box.get_attribute("aria-controls")
        if not listbox:
            return None
        found = dash_duo.driver.find_elements(By.ID, listbox)
        for el in found[0].find_elements(By.CSS_SELECTOR, "[role=option]") if found else []:
            if el.text.strip() == label:
                return el
        return None

    el = until(option, timeout)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", el)
    el.click()


def segment(dash_duo, control_id: str, label: str):
    """The label of one choice of a dmc.SegmentedControl (click it to choose)."""
    return dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{control_id}']//label[normalize-space()='{label}']"
    )


def click_segment(dash_duo, control_id: str, value: str) -> None:
    """Choose one choice of a dmc.SegmentedControl by its value (clicks the label of its input)."""
    dash_duo.driver.execute_script(
        "var root = document.getElementById(arguments[0]);"
        "var input = root.querySelector('input[value=\"' + arguments[1] + '\"]');"
        "root.querySelector('label[for=\"' + input.id + '\"]').click();",
        control_id,
        value,
    )


def segment_value(dash_duo, control_id: str) -> str | None:
    checked = dash_duo.find_elements(f"#{control_id} input:checked")
    return checked[0].get_attribute("value") if checked else None
