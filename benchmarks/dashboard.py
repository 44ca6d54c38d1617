"""The dashboard in a real browser: how soon the page is usable, how soon a run's results show.

In one run, on the bundled scenario, with result stores of their own (so every
replication is computed):

- the scenario page, loaded five times in headless Chromium: seconds from
  navigation to the what-if fields being drawn (target < 2 s);
- Run with ``fifo`` and ``mip``, 10 replications: seconds from the click to
  the results page with its cards and charts (target < 30 s), and the progress
  bar sampled every half second, to show it moves;
- the same experiment with ``clinicsim run --no-cache`` in a fresh process,
  so the dashboard's overhead is a ratio measured on the same machine at the
  same time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' browser helpers

from selenium.webdriver.common.keys import Keys

from tests.support.browser import Browser, DashboardServer

REPS = 10
POLICIES = ("fifo", "mip")
LOADS = 5
STAFF_KEY = "resources.technician.roster.mon"


def page_interactive(browser: Browser, url: str) -> float:
    started = time.perf_counter()
    browser.driver.get(url + "/")
    browser.field(STAFF_KEY)
    return time.perf_counter() - started


def dashboard_run(browser: Browser, url: str) -> tuple[float, list[tuple[float, str]]]:
    """Seconds from Run to the results drawn, and the progress bar's samples."""
    browser.driver.get(url + "/")
    browser.field(STAFF_KEY)
    for box in browser.find("#policies input[type='checkbox']"):
        if box.is_selected() != (box.get_attribute("value") in POLICIES):
            box.click()
    reps = browser.find("#reps")[0]
    reps.send_keys(Keys.CONTROL, "a")
    reps.send_keys(Keys.DELETE)
    reps.send_keys(str(REPS))
    started = time.perf_counter()
    browser.click("#run")
    samples: list[tuple[float, str]] = []
    while "/results" not in browser.driver.current_url or len(browser.find(".js-plotly-plot")) < 6:
        bar = browser.find("#progress")
        if bar:
            shown = f"{bar[0].get_attribute('value')}/{bar[0].get_attribute('max')}"
            if not samples or samples[-1][1] != shown:
                samples.append((time.perf_counter() - started, shown))
        if time.perf_counter() - started > 600:
            raise RuntimeError("no results after 10 minutes")
        time.sleep(0.5)
    return time.perf_counter() - started, samples


def cli_run(root: Path) -> float:
    script = Path(sys.executable).with_name("clinicsim")
    command = [str(script), "run", "ophthalmology", "--reps", str(REPS), "--no-cache"]
    command += [arg for spec in POLICIES for arg in ("-p", spec)]
    command += ["--store", str(root / "cli-store"), "--out", str(root / "cli-run")]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = DashboardServer(root)
        browser = Browser(root / "downloads")
        try:
            loads = [page_interactive(browser, server.url) for _ in range(LOADS)]
            seconds, samples = dashboard_run(browser, server.url)
        finally:
            browser.quit()
            server.stop()
        cli = cli_run(root)
    print("dashboard, bundled ophthalmology scenario, headless Chromium")
    print(
        f"  page interactive: median {statistics.median(loads):.2f} s "
        f"(of {LOADS}: {', '.join(f'{x:.2f}' for x in loads)}; target < 2 s)"
    )
    print(f"  Run fifo + mip, {REPS} replications: results after {seconds:.1f} s (target < 30 s)")
    print("  progress bar: " + ", ".join(f"{s:.1f} s {shown}" for s, shown in samples))
    print(f"  same experiment with clinicsim run --no-cache: {cli:.1f} s")
    print(f"  dashboard / command line: {seconds / cli:.2f}")


if __name__ == "__main__":
    main()
