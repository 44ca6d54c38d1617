"""The README's dashboard screenshots: taken anew by a command, never edited by hand.

``python docs/screenshots.py`` (``make screenshots``) serves the dashboard with a
result store of its own, plays the manager's story in headless Chromium at
1400 px wide, in Spanish, and writes each picture to ``docs/``:

- ``dashboard-scenario.png``: the scenario page with Monday's technicians changed
  from 4 to 5 (the field highlighted, the change listed, Run and Cancel in view);
- ``dashboard-whatif.png``: that change against the clinic as it is, for
  ``fifo``, ``fifo:appointment`` and ``mip`` (cards and the paired table).

Each shot is a function of the browser and the server; the list ``SHOTS`` says
which are taken and in what order (a later shot may build on an earlier one's run).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import (  # noqa: E402  (the project's root is put first above)
    Browser,
    DashboardServer,
    choose_policies,
    set_reps,
)

DOCS = ROOT / "docs"
WIDTH = 1400
MAX_HEIGHT = 3200
STAFF_KEY = "resources.technician.roster.mon"
POLICIES = ["fifo", "fifo:appointment", "mip"]
REPS = "5"
RUN_TIMEOUT_S = 600


def full_page(browser: Browser, name: str, height: int | None = None) -> Path:
    """A screenshot of the page down to ``height`` px (its whole height by default)."""
    whole = int(browser.driver.execute_script("return document.body.scrollHeight;"))
    browser.driver.set_window_size(WIDTH, min(height or whole, MAX_HEIGHT))
    browser.driver.execute_script("window.scrollTo(0, 0);")
    time.sleep(1.5)  # Plotly redraws its figures at the new size; nothing is measured here
    path = DOCS / name
    browser.driver.save_screenshot(str(path))
    browser.driver.set_window_size(WIDTH, 1000)
    return path


def scenario_page(browser: Browser, server: DashboardServer) -> Path:
    browser.driver.get(server.url + "/")
    browser.field(STAFF_KEY)
    browser.type_into(STAFF_KEY, "5")
    browser.wait_text("#change-list", "5")
    choose_policies(browser, POLICIES)
    set_reps(browser, REPS)
    return full_page(browser, "dashboard-scenario.png", height=1000)


def whatif_results(browser: Browser, server: DashboardServer) -> Path:
    browser.click("#run")
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find(".card"),
        timeout=RUN_TIMEOUT_S,
        message="the what-if's results",
    )
    browser.wait(lambda: len(browser.find(".js-plotly-plot")) >= 4, message="the figures")
    return full_page(browser, "dashboard-whatif.png", height=1800)


SHOTS: list[Callable[[Browser, DashboardServer], Path]] = [scenario_page, whatif_results]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="clinicsim-screenshots-") as tmp:
        root = Path(tmp)
        server = DashboardServer(root)
        browser = Browser(root / "downloads")
        try:
            for shot in SHOTS:
                print(f"{shot.__name__}: {shot(browser, server).relative_to(ROOT)}", flush=True)
        finally:
            browser.quit()
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
