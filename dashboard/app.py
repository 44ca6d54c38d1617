"""The Dash app: its shell (stores, header, language switch), pages and background jobs.

``create_app(settings)`` builds the app; ``serve(host, port)`` serves it with
waitress (``clinicsim dashboard``). A tab's state lives in the browser: the
language in local storage, the scenario and its what-ifs in session storage,
so two people (or two tabs) never see each other's changes; runs are shared
only as stored runs, opened on purpose. Runs go through a Dash background
callback (``DiskcacheManager``): each is a process of its own, killed with its
workers by the Cancel button, while the page stays responsive. An event log dropped on
the scenario page is kept beside the result store, and fitted and checked through
background callbacks too (``dashboard.eventlogs``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import dash
import diskcache
from dash import Dash, DiskcacheManager, Input, Output, callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.context import use_settings
from dashboard.i18n import checked_lang, tr
from dashboard.runs import Settings

ASSETS = Path(__file__).parent / "assets"
# One request carries a dropped event log as base64 (4/3 of its bytes): a log of the
# largest size taken (dashboard.eventlogs.LOG_UPLOAD_LIMIT_BYTES, 64 MiB) is 85.3 MiB,
# and the callback's other values are a few kB. Larger files are refused in the browser
# with a message, never sent; scenario uploads are refused above UPLOAD_LIMIT_BYTES.
MAX_REQUEST_BYTES = 96 * 1024 * 1024


def create_app(app_settings: Settings | None = None) -> Dash:
    jobs = diskcache.Cache(str(use_settings(app_settings).store_root / "dashboard-jobs"))
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        background_callback_manager=DiskcacheManager(jobs),
        suppress_callback_exceptions=True,
        title="clinicsim",
        update_title=None,
    )
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    _register_pages()
    app.layout = shell
    return app


def _register_pages() -> None:
    """Import the pages: each registers its path and its callbacks (once per process)."""
    from dashboard.pages import checkfit, results, runs, scenario  # noqa: F401


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=ids.LANG, storage_type="local"),
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Download(id=ids.DOWNLOAD),
            html.Header(
                [
                    html.Span("clinicsim", className="brand"),
                    html.Nav(id=ids.NAV),
                    dcc.RadioItems(
                        id=ids.LANG_SWITCH,
                        options=[
                            {"label": "Español", "value": "es"},
                            {"label": "English", "value": "en"},
                        ],
                        inline=True,
                        className="lang-switch",
                    ),
                ]
            ),
            html.Main(dash.page_container),
        ]
    )


@callback(
    Output(ids.LANG, "data"),
    Output(ids.LANG_SWITCH, "value"),
    Input(ids.LANG, "data"),
    Input(ids.LANG_SWITCH, "value"),
)
def sync_language(stored: Any, chosen: Any) -> tuple[Any, str]:
    """The switch shows the stored language; choosing one stores it."""
    if ctx.triggered_id == ids.LANG_SWITCH and chosen:
        lang = checked_lang(chosen)
        return (no_update if lang == stored else lang), lang
    lang = checked_lang(stored)
    return (no_update if lang == stored else lang), lang


@callback(Output(ids.NAV, "children"), Input(ids.LANG, "data"))
def navigation(lang: Any) -> list[dcc.Link]:
    lang = checked_lang(lang)
    return [
        dcc.Link(tr("nav_scenario", lang), href="/"),
        dcc.Link(tr("nav_runs", lang), href="/runs"),
    ]


def serve(host: str, port: int, app_settings: Settings | None = None) -> None:
    """Serve the dashboard until interrupted (``OSError`` if the port cannot be had)."""
    import waitress

    app = create_app(app_settings)
    server = waitress.create_server(app.server, host=host, port=port, threads=8)
    print(f"clinicsim dashboard: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        server.run()
    finally:
        stop_runs()


def stop_runs() -> None:
    """Stop runs still going (they are this server's child processes) as the server stops."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
