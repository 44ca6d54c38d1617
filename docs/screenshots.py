"""The README's dashboard screenshots: taken anew by a command, never edited by hand.

``python docs/screenshots.py`` (``make screenshots``) serves the dashboard with a
result store of its own, plays the manager's story in headless Chromium at
1400 px wide, in Spanish, and writes each picture to ``docs/``:

- ``dashboard-scenario.png``: the scenario page with Monday's technicians changed
  from 4 to 5 (the field highlighted, the change listed, Run and Cancel in view);
- ``dashboard-whatif.png``: that change against the clinic as it is, for
  ``fifo``, ``fifo:appointment`` and ``mip`` (cards and the paired table);
- ``dashboard-gantt.png`` and ``dashboard-replay.png``: a day of that run under
  ``fifo`` (the closing time, shift ends and overtime marked) and its replay at
  about 10:00;
- ``dashboard-vary.png``: Monday's technicians at 3, 4, 5 and 6, each key figure
  against the value;
- ``dashboard-staff.png``: the fewest technicians on Monday so that 9 patients in
  10 wait at most 30 minutes, and the evidence;
- ``dashboard-check-fit.png``: twenty days of the clinic's log dropped on the page
  and the fitted scenario checked against it.

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

from sim.eventlog.write import write_log  # noqa: E402
from tests.support.browser import (  # noqa: E402  (the project's root is put first above)
    Browser,
    DashboardServer,
    choose,
    choose_mode,
    choose_policies,
    set_reps,
    type_text,
)
from tests.support.eventlogs import simulated_log  # noqa: E402

DOCS = ROOT / "docs"
WIDTH = 1400
MAX_HEIGHT = 3200
STAFF_KEY = "resources.technician.roster.mon"
POLICIES = ["fifo", "fifo:appointment", "mip"]
REPS = "5"
RUN_TIMEOUT_S = 900
REPLAY_SHARE = 0.3  # how far into the day the replay is shown
STAFF_LABEL = "Técnico"
STAFF_POLICY = "Orden de llegada: citas a intervalos iguales"  # fifo:appointment


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


def element_shot(browser: Browser, css: str, name: str) -> Path:
    """A screenshot of one element of the page (a figure and its pickers)."""
    element = browser.wait(lambda: browser.find(css)[0], message=css)
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
    time.sleep(1.0)  # the scroll settles before the picture; nothing is measured here
    path = DOCS / name
    element.screenshot(str(path))
    return path


def gantt(browser: Browser, server: DashboardServer) -> Path:
    browser.driver.set_window_size(WIDTH, 1200)
    return element_shot(browser, "#gantt", "dashboard-gantt.png")


def replay(browser: Browser, server: DashboardServer) -> Path:
    browser.wait(lambda: browser.find("#replay .slider-rail-touch-rect"), message="the replay")
    script = (
        "const gd = document.querySelector('#replay .js-plotly-plot');"
        "const frames = gd._transitionData._frames;"
        "const frame = frames[Math.round(arguments[0] * (frames.length - 1))].name;"
        "return Plotly.animate(gd, [frame], {mode: 'immediate', transition: {duration: 0},"
        " frame: {duration: 0, redraw: true}}).then(() => frame);"
    )
    browser.driver.execute_script(script, REPLAY_SHARE)
    return element_shot(browser, "#replay", "dashboard-replay.png")


def vary(browser: Browser, server: DashboardServer) -> Path:
    browser.driver.set_window_size(WIDTH, 1000)
    browser.driver.get(server.url + "/")
    browser.field(STAFF_KEY)
    browser.click("#reset-all")
    choose_mode(browser, "vary", "#vary-form")
    choose(browser, "#vary-key", f"Personal por día de la semana: {STAFF_LABEL} · lun")
    type_text(browser, "#vary-values", "3; 4; 5; 6")
    choose_policies(browser, ["fifo:appointment"])
    set_reps(browser, REPS)
    browser.click("#run")
    browser.wait(
        lambda: (
            "/results" in browser.driver.current_url
            and len(browser.find(".variant-figures .js-plotly-plot")) >= 4
        ),
        timeout=RUN_TIMEOUT_S,
        message="each key figure against the value",
    )
    return full_page(browser, "dashboard-vary.png", height=1500)


def staff(browser: Browser, server: DashboardServer) -> Path:
    browser.driver.get(server.url + "/")
    browser.field(STAFF_KEY)
    choose_mode(browser, "staff", "#staff-form")
    choose(browser, "#staff-resource", STAFF_LABEL)
    choose(browser, "#staff-weekday", "lun")
    choose(browser, "#staff-policy", STAFF_POLICY)
    type_text(browser, "#staff-value", "30")
    type_text(browser, "#staff-low", "2")
    type_text(browser, "#staff-high", "6")
    set_reps(browser, REPS)
    browser.click("#run")
    browser.wait(
        lambda: "/results" in browser.driver.current_url and browser.find(".staffing-answer"),
        timeout=RUN_TIMEOUT_S,
        message="the staffing answer",
    )
    return full_page(browser, "dashboard-staff.png", height=420)


LOG_DAYS = 20


def check_fit(browser: Browser, server: DashboardServer) -> Path:
    """Twenty days of the ophthalmology clinic's log dropped on the scenario page, fitted,
    and the fitted scenario checked against it."""
    _, log = simulated_log("ophthalmology", LOG_DAYS)
    path = write_log(log, server.root / "oftalmologia.csv")
    browser.driver.get(server.url + "/")
    box = browser.wait(lambda: browser.find("#log-upload input[type='file']")[0])
    box.send_keys(str(path))
    browser.wait(lambda: browser.find("#log-check"), timeout=RUN_TIMEOUT_S)
    browser.click("#log-check")
    browser.wait(
        lambda: browser.find(".check .js-plotly-plot"),
        timeout=RUN_TIMEOUT_S,
        message="the check's distributions",
    )
    return full_page(browser, "dashboard-check-fit.png", height=2200)


SHOTS: list[Callable[[Browser, DashboardServer], Path]] = [
    scenario_page,
    whatif_results,
    gantt,
    replay,
    vary,
    staff,
    check_fit,
]


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
