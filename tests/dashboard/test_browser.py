"""The dashboard in a real headless browser (Debian chromium + chromedriver, Selenium).

``support-ai serve`` (API, worker and dashboard) runs on a scratch data folder; the test opens
every page, picks a queue, runs a forecast, trains and predicts, uploads a bad file and sees
its error, and saves a screenshot of every page to ``docs/img/dashboard-<page>.png``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, wait_until_ready

CHROMIUM = os.environ.get("SUPPORT_AI_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SUPPORT_AI_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
RENDER_TIMEOUT_S = 120
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PAGES = ["", "data", "queues", "forecast", "models", "topics", "predict", "jobs"]

if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
    if REQUIRE_SERVICES:
        pytest.fail(f"{CHROMIUM} and {CHROMEDRIVER} are needed (REQUIRE_SERVICES=1)")
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402  # only when chromium is there
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.expected_conditions import (  # noqa: E402
    element_to_be_clickable,
)
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1400,1600", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def dashboard(live_api: LiveServer) -> str:
    wait_until_ready(live_api.dashboard_url, live_api.process, "/_stcore/health")
    return live_api.dashboard_url


def rendered(driver: WebDriver, charts: int = 0) -> None:
    """The script has finished, nothing on the page is stale, ``charts`` Plotly charts drawn."""

    def done(d: WebDriver) -> bool:
        state = d.find_element(By.CSS_SELECTOR, '[data-testid="stApp"]')
        return (
            state.get_attribute("data-test-script-state") == "notRunning"
            and not d.find_elements(By.CSS_SELECTOR, '[data-stale="true"]')
            and len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= charts
            and bool(d.find_elements(By.CSS_SELECTOR, "h1"))
        )

    WebDriverWait(
        driver,
        RENDER_TIMEOUT_S,
        poll_frequency=0.1,
        ignored_exceptions=[StaleElementReferenceException],
    ).until(done)


def text_of_page(driver: WebDriver) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]').text)


def wait_for_text(driver: WebDriver, text: str) -> None:
    WebDriverWait(driver, RENDER_TIMEOUT_S, poll_frequency=0.2).until(
        lambda d: text in text_of_page(d)
    )


def choose(driver: WebDriver, label: str, option: str) -> None:
    """Type into a searchable select and take the first match."""
    box = driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]')
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(option)
    time.sleep(0.3)
    box.send_keys(Keys.ENTER)


def navigate(driver: WebDriver, page_title: str) -> None:
    """Follow the sidebar link (a new URL would start a new session)."""
    links = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a')
    next(link for link in links if link.text.splitlines()[-1] == page_title).click()
    WebDriverWait(driver, RENDER_TIMEOUT_S).until(
        lambda d: d.find_element(By.TAG_NAME, "h1").text.strip() == page_title
    )


def screenshot(driver: WebDriver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.find_element(By.TAG_NAME, "h1").click()  # no focused input in the picture
    driver.save_screenshot(str(SCREENSHOTS / f"dashboard-{name}.png"))


def test_every_page_renders_without_errors(browser: WebDriver, dashboard: str) -> None:
    for path in PAGES:
        browser.get(f"{dashboard}/{path}")
        rendered(browser, charts=1 if path in {"", "queues", "forecast", "models"} else 0)
        assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
        assert "Traceback" not in text_of_page(browser)
        if path in {"", "queues"}:
            assert "Synthetic demo data" in browser.find_element(By.TAG_NAME, "body").text
        screenshot(browser, path or "overview")


def test_pick_a_queue_and_forecast_it(
    browser: WebDriver, dashboard: str, live_api: LiveServer
) -> None:
    top = httpx.get(f"{live_api.url}/api/queue_children").json()["children"][0]
    browser.get(f"{dashboard}/queues")
    rendered(browser, charts=4)
    choose(browser, "Level 1", top["name"])
    wait_for_text(browser, f"{top['name']} · #{top['id']}")
    rendered(browser, charts=4)
    screenshot(browser, "queues")
    navigate(browser, "Forecast")  # same session: the chosen queue stays chosen
    rendered(browser, charts=1)
    choose(browser, "Model", "es")
    wait_for_text(browser, "forecast (es)")
    rendered(browser, charts=1)
    assert f"{top['name']}: forecast (synthetic data)" in text_of_page(browser)
    screenshot(browser, "forecast")


def test_train_then_predict(browser: WebDriver, dashboard: str, live_api: LiveServer) -> None:
    browser.get(f"{dashboard}/models")
    rendered(browser, charts=3)
    browser.find_element(By.XPATH, "//summary[contains(., 'Train a new classifier')]").click()
    train = (By.XPATH, "//button[normalize-space(.)='Train']")
    WebDriverWait(browser, RENDER_TIMEOUT_S).until(element_to_be_clickable(train)).click()
    wait_for_text(browser, "started")
    model_id = text_of_page(browser).split("Training ", 1)[1].split(" ", 1)[0]
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while time.monotonic() < deadline:
        models = {m["id"]: m for m in httpx.get(f"{live_api.url}/api/get_models").json()}
        if models.get(model_id, {}).get("status") == "ready":
            break
        time.sleep(0.5)
    browser.get(f"{dashboard}/models")
    rendered(browser, charts=3)
    assert model_id in text_of_page(browser)
    screenshot(browser, "models")
    browser.get(f"{dashboard}/predict")
    rendered(browser, charts=1)
    area = browser.find_element(By.CSS_SELECTOR, 'textarea[aria-label="Ticket text"]')
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys("Не работает роуминг за границей", Keys.CONTROL, Keys.ENTER)
    wait_for_text(browser, "roaming")
    rendered(browser, charts=1)
    screenshot(browser, "predict")


def test_a_bad_upload_shows_where_the_file_is_wrong(
    browser: WebDriver, dashboard: str, tmp_path: Path
) -> None:
    bad = tmp_path / "tickets.csv"
    bad.write_text("queueId,date,new_tickets\n1,2020-01-01,3\nabc,2020-01-02,4\n")
    browser.get(f"{dashboard}/data")
    rendered(browser)
    browser.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(bad))
    rendered(browser)
    validate = (By.XPATH, "//button[contains(., 'Validate and activate')]")
    WebDriverWait(browser, RENDER_TIMEOUT_S).until(element_to_be_clickable(validate)).click()
    wait_for_text(browser, "(code: invalid_queue_id)")
    assert "row 2" in text_of_page(browser)
    screenshot(browser, "data-error")
