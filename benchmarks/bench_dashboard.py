"""Dashboard: navigation → fully rendered time per page (cold and warm), the queue picker on
1,625 queues, the Forecast page with a 300-day ``es`` forecast and bands, dashboard RSS.

Starts ``support-ai serve`` (API, worker, dashboard) on a scratch data folder with demo data and
drives the dashboard in headless Debian chromium (Selenium). "Fully rendered" = Streamlit's
script has finished, no element is stale, and the page's Plotly charts have drawn their SVG.
Cold = the first visit after the dashboard started (its caches empty); warm = the median of
later visits. Baseline in the same run: the API calls alone (what the page adds on top of them).

    python benchmarks/bench_dashboard.py [--warm-visits 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from _common import free_port, machine, save_result
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

PAGES = {  # name: (path, title, Plotly charts drawn when fully rendered)
    "overview": ("", "Overview", 1),
    "data": ("data", "Data", 0),
    "queues": ("queues", "Queues", 4),
    "forecast": ("forecast", "Forecast", 1),
    "models": ("models", "Ticket models", 3),
    "topics": ("topics", "Topics and text", 0),
    "predict": ("predict", "Predict", 1),
    "jobs": ("jobs", "Jobs", 0),
}
HEADINGS = {"Overview": "Support AI"}  # a page's h1 where it differs from its sidebar title
TIMEOUT_S = 120


def start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    api_port, board_port = free_port(), free_port()
    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir), "SUPPORT_AI_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve"]
    args = ["--port", str(api_port), "--dashboard-port", str(board_port)]
    process = subprocess.Popen([*command, *args], env=env)
    api, board = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{board_port}"
    for url in (f"{api}/ready", f"{board}/_stcore/health"):
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:  # the default classifier (a job at first start)
        if any(m["stage"] == "production" for m in httpx.get(f"{api}/api/get_models").json()):
            break
        time.sleep(0.5)
    return process, api, board


def browser() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1400,1600"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_rendered(
    driver: WebDriver, charts: int, text: str | None = None, title: str | None = None
) -> None:
    def done(d: WebDriver) -> bool:
        app = d.find_elements(By.CSS_SELECTOR, '[data-testid="stApp"]')
        return bool(
            app
            and app[0].get_attribute("data-test-script-state") == "notRunning"
            and not d.find_elements(By.CSS_SELECTOR, '[data-stale="true"]')
            and len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= charts
            and d.find_elements(By.CSS_SELECTOR, "h1")
            and (title is None or d.find_element(By.CSS_SELECTOR, "h1").text.strip() == title)
            and (text is None or text in d.find_element(By.TAG_NAME, "body").text)
        )

    WebDriverWait(
        driver, TIMEOUT_S, poll_frequency=0.02, ignored_exceptions=[StaleElementReferenceException]
    ).until(done)


def visit(driver: WebDriver, board: str, path: str, charts: int) -> float:
    """A full load of the page's URL: a new session, the app's scripts, the page."""
    started = time.perf_counter()
    driver.get(f"{board}/{path}")
    wait_rendered(driver, charts)
    return time.perf_counter() - started


def navigate(driver: WebDriver, title: str, charts: int) -> float:
    """What a user does: follow the sidebar link in the open app."""
    links = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a')
    link = next(a for a in links if a.text.splitlines()[-1] == title)
    started = time.perf_counter()
    link.click()
    wait_rendered(driver, charts, title=HEADINGS.get(title, title))
    return time.perf_counter() - started


def page_times(driver: WebDriver, board: str, warm_visits: int) -> dict[str, dict[str, float]]:
    """Cold: the first load of the page after the dashboard started (its caches empty).
    Warm: back to the page from another one through the sidebar (median), and a reload."""
    times: dict[str, dict[str, float]] = {}
    for name, (path, title, charts) in PAGES.items():
        cold = visit(driver, board, path, charts)
        warm = []
        for _ in range(warm_visits):
            navigate(driver, "Data" if title != "Data" else "Jobs", 0)
            warm.append(navigate(driver, title, charts))
        reload = visit(driver, board, path, charts)
        times[name] = {"cold_s": cold, "warm_s": statistics.median(warm), "reload_s": reload}
        print(
            f"{name:10s} cold {cold:6.2f} s   warm {times[name]['warm_s']:6.2f} s   "
            f"reload {reload:6.2f} s",
            flush=True,
        )
    return times


def queue_picker(driver: WebDriver, board: str, api: str) -> dict[str, float]:
    """Switch to search (1,626 options), type a deep queue's name, take it: each step timed."""
    deep = httpx.get(f"{api}/api/queues").json()["queues_by_level"]["6"][-1]
    started = time.perf_counter()
    httpx.get(f"{api}/api/queues").raise_for_status()
    api_s = time.perf_counter() - started
    driver.get(f"{board}/queues")
    wait_rendered(driver, 4)
    started = time.perf_counter()
    driver.find_element(By.XPATH, "//label[contains(., 'Search by name or id')]").click()
    wait_rendered(driver, 4, "type to search")
    open_s = time.perf_counter() - started
    box = driver.find_element(By.CSS_SELECTOR, 'input[aria-label^="Queue ("]')
    started = time.perf_counter()
    box.click()
    box.send_keys(f"#{deep['id']}")
    WebDriverWait(driver, TIMEOUT_S, poll_frequency=0.02).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[role="option"]')
    )
    filter_s = time.perf_counter() - started
    started = time.perf_counter()
    box.send_keys(Keys.ENTER)
    wait_rendered(driver, 4, f"{deep['name']} · #{deep['id']}")
    pick_s = time.perf_counter() - started
    print(
        f"queue picker: search list {open_s:.2f} s, filter {filter_s:.2f} s, "
        f"pick → rendered {pick_s:.2f} s (GET /api/queues alone {api_s * 1000:.0f} ms)"
    )
    return {"search_list_s": open_s, "filter_s": filter_s, "pick_s": pick_s, "api_s": api_s}


def forecast_300_es(
    driver: WebDriver, board: str, api: str, admin: dict[str, str]
) -> dict[str, float]:
    """Cold: the API's fitted models cleared (an admin write); horizon 300, then model es."""
    driver.get(f"{board}/forecast")
    wait_rendered(driver, 1)
    thumb = driver.find_element(By.XPATH, "//*[@data-testid='stSliderThumbValue']/..")
    thumb.click()
    driver.switch_to.active_element.send_keys(Keys.END)
    wait_rendered(driver, 1, "\n300\n")
    httpx.delete(f"{api}/api/clear_all_models", headers=admin).raise_for_status()
    box = driver.find_element(By.CSS_SELECTOR, 'input[aria-label="Model"]')
    started = time.perf_counter()
    box.click()
    box.send_keys("es", Keys.ENTER)
    wait_rendered(driver, 1, "forecast (es)")
    page_s = time.perf_counter() - started
    httpx.delete(f"{api}/api/clear_all_models", headers=admin).raise_for_status()
    body = {"queue_id": 0, "forecast_horizon": 300, "model": "es"}
    started = time.perf_counter()
    httpx.post(
        f"{api}/api/forecast",
        json={**body, "include_confidence_intervals": True},
        headers=admin,
        timeout=300,
    ).raise_for_status()
    api_s = time.perf_counter() - started
    print(f"forecast 300 days es + bands, cold: page {page_s:.2f} s, API alone {api_s:.2f} s")
    return {"page_cold_s": page_s, "api_cold_s": api_s}


def dashboard_rss(serve: subprocess.Popen[bytes]) -> float:
    for child in psutil.Process(serve.pid).children(recursive=True):
        if "streamlit" in " ".join(child.cmdline()):
            return float(child.memory_info().rss) / 2**20
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm-visits", type=int, default=3)
    parser.add_argument(
        "--parts", default="pages,picker,forecast", help="comma-separated: pages,picker,forecast"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as scratch:
        serve, api, board = start(Path(scratch) / "data")
        driver = browser()
        try:
            parts, result = args.parts.split(","), dict[str, Any]()
            if "pages" in parts:
                result["pages"] = page_times(driver, board, args.warm_visits)
            if "picker" in parts:
                result["queue_picker"] = queue_picker(driver, board, api)
            if "forecast" in parts:
                key = (Path(scratch) / "data" / "admin_api_key").read_text().strip()
                admin = {"X-API-Key": key}  # the key serve wrote, as the local CLI uses it
                result["forecast_300_es"] = forecast_300_es(driver, board, api, admin)
            result["dashboard_rss_mb"] = dashboard_rss(serve)
            print(f"dashboard RSS {result['dashboard_rss_mb']:.0f} MB on {machine()}")
            print(f"saved {save_result('dashboard', result)}")
        finally:
            driver.quit()
            serve.terminate()
            serve.wait(timeout=60)


if __name__ == "__main__":
    main()
