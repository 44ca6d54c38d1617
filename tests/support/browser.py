"""Driving the real dashboard in a real browser: the server, Chromium, and page helpers.

``DashboardServer`` starts ``clinicsim dashboard`` as a user would (a separate
process, its own result store); ``Browser`` is Debian's Chromium, headless,
driven through its chromedriver by Selenium, one profile per user. Used by
``tests/dashboard/test_browser.py`` and ``benchmarks/dashboard.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path(os.environ.get("CLINICSIM_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CLINICSIM_CHROMEDRIVER", "/usr/bin/chromedriver"))
# as the machine's notes advise: no background connections (the network is closed)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DashboardServer:
    """``clinicsim dashboard`` on a free port with a result store of its own."""

    def __init__(self, root: Path, workers: int | None = None, store: Path | None = None):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = store or root / "store"
        command = [
            sys.executable,
            "-m",
            "sim.cli.main",
            "dashboard",
            "--port",
            str(self.port),
            "--store",
            str(self.store),
        ]
        if workers:
            command += ["--workers", str(workers)]
        env = {**os.environ, "CLINICSIM_STORE": str(self.store)}
        self.log = (root / "server.log").open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard exited: {self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the dashboard did not answer in {timeout} s: {self.log_text()}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.root / "server.log").read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and its run processes
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Browser:
    """One user: a headless Chromium with its own profile and download folder."""

    def __init__(self, downloads: Path):
        self.profile = Path(tempfile.mkdtemp(prefix="clinicsim-chromium-"))
        self.downloads = downloads
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.set_page_load_timeout(60)

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    # ------------------------------------------------------------ finding and waiting

    def wait(self, what: Callable[[], T], timeout: float = 30, message: str = "") -> T:
        """Poll ``what`` until it returns something true; its value."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = what()
                if value:
                    return value
            except (StaleElementReferenceException, WebDriverException, IndexError) as exc:
                last = exc
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout} s: {message} ({last})")

    def find(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        found = self.find(css)
        return found[0].text if found else ""

    def wait_text(self, css: str, contains: str, timeout: float = 30) -> str:
        return self.wait(
            lambda: contains in self.text(css) and self.text(css),
            timeout,
            f"{css!r} to contain {contains!r}; it has {self.text(css)!r}",
        )

    def field(self, key: str) -> WebElement:
        return self.wait(lambda: self.find(f"input[name='{key}']")[0], message=f"field {key}")

    def type_into(self, key: str, value: str) -> None:
        """Type a value into a what-if field and press Enter (fields send on Enter or blur)."""
        box = self.field(key)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        box.send_keys(value, Keys.ENTER)

    def click(self, css: str) -> None:
        self.wait(lambda: self.find(css) and self.find(css)[0].is_enabled(), message=css)
        self.tap(self.find(css)[0])

    def tap(self, element: WebElement) -> None:
        """Click an element once scrolled to the middle of the window, clear of the
        action bar that stays at the bottom of the scenario page."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def console_errors(self) -> list[dict[str, Any]]:
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]


ARTIFACTS = Path(os.environ.get("CLINICSIM_ARTIFACTS", Path(__file__).parents[1] / "artifacts"))


def choose_policies(browser: Browser, policies: list[str]) -> None:
    for box in browser.find("#policies input[type='checkbox']"):
        wanted = box.get_attribute("value") in policies
        if box.is_selected() != wanted:
            browser.tap(box)


def set_reps(browser: Browser, reps: str) -> None:
    box = browser.wait(lambda: browser.find("#reps")[0])
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(reps)
    browser.wait(lambda: box.get_attribute("value") == reps, message=f"{reps} replications")


def pick(browser: Browser, dropdown: str, option: str) -> None:
    """Open a dropdown and choose an option (its list opens in a popover, not inside it)."""
    browser.click(dropdown)
    xpath = (
        f"//*[@role='option'][normalize-space()='{option}']"
        "[not(ancestor::*[@id='lang-switch' or @id='policies'])]"
    )
    browser.wait(
        lambda: browser.driver.find_elements(By.XPATH, xpath),
        message=f"option {option} of {dropdown}",
    )[0].click()


def scenario_title(stem: str) -> str:
    """The ``name:`` of the bundled scenario ``stem``: how the scenario picker shows it."""
    from scenarios import bundled_path
    from sim.scenario import read_yaml

    path = bundled_path(stem)
    assert path is not None, f"no bundled scenario {stem}"
    return str(read_yaml(path)["name"])


def pick_scenario(browser: Browser, stem: str) -> None:
    """Open the scenario picker (again, if a click landed while it was closing) and
    choose the bundled scenario ``stem``, shown by its name."""
    name = scenario_title(stem)

    def option() -> list:
        if not browser.find("#scenario-pick[aria-expanded='true']"):
            browser.click("#scenario-pick")
            return []
        return [o for o in browser.find("[role='option']") if o.text.strip() == name]

    # the list scrolls under its search box once it holds more names than it shows
    browser.tap(browser.wait(option, message=f"scenario {name} in the picker")[0])


def choose_mode(browser: Browser, mode: str, form: str) -> None:
    """Choose a run mode (``compare``, ``vary``, ``staff``) and wait for its form."""
    browser.click(f"#run-mode input[value='{mode}']")
    browser.wait(lambda: browser.find(form)[0].is_displayed(), message=f"the form of {mode}")


def choose(browser: Browser, dropdown: str, option: str) -> None:
    """Pick ``option`` in a dropdown of the run panel (its list opens in a popover)."""
    browser.click(dropdown)
    xpath = (
        f"//*[@role='option'][normalize-space()='{option}']"
        "[not(ancestor::*[@id='policies' or @id='run-mode'])]"
    )
    found = browser.wait(
        lambda: browser.driver.find_elements(By.XPATH, xpath), message=f"{option} in {dropdown}"
    )
    browser.tap(found[0])
    browser.wait(lambda: option in browser.text(dropdown), message=f"{option} chosen")


def type_text(browser: Browser, css: str, value: str) -> None:
    """Replace a text field's value and press Enter (fields send on Enter or blur)."""
    box = browser.wait(lambda: browser.find(css)[0], message=css)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(value, Keys.ENTER)
