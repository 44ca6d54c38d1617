"""The stored runs page (``/runs``): every run of the store's index, newest first.

Runs made with the command line (``--out``) are listed beside the
dashboard's own; opening one shows its results page. Policies are listed by their
display names (``policies.base.spec_title``); a sweep's variants as the overrides
they are (code, to be copied).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import ids
from dashboard.context import settings
from dashboard.i18n import checked_lang, tr
from dashboard.runs import stored_runs
from policies.base import spec_explanation, spec_title
from sim.models import model_of_run


def layout(**_query: Any) -> html.Div:
    return html.Div([html.Div(id=ids.RUN_LIST)], id=ids.RUNS_PAGE)


dash.register_page(__name__, path="/runs", name="runs", title="clinicsim", layout=layout)


@callback(Output(ids.RUN_LIST, "children"), Input(ids.LANG, "data"))
def list_runs(lang: Any) -> Any:
    lang = checked_lang(lang)
    current = settings()
    runs = stored_runs(current)
    title = html.H2(tr("runs_title", lang, root=str(current.store_root)))
    if not runs:
        return [title, html.P(tr("no_runs", lang), className="note")]
    head = html.Tr(
        [html.Th(tr(k, lang)) for k in ("created", "scenario", "policies", "reps")] + [html.Th("")]
    )
    rows = [
        html.Tr(
            [
                html.Td(run["created"]),
                html.Td(run["scenario"]),
                html.Td(_policies(run, lang)),
                html.Td(str(run["reps"])),
                html.Td(dcc.Link(tr("open_run", lang), href=f"/results?run={run['id']}")),
            ],
            title=run["dir"],
        )
        for run in runs
    ]
    return [title, html.Table([html.Thead(head), html.Tbody(rows)], className="runs")]


def _policies(run: dict[str, Any], lang: str) -> list[Any]:
    """A run's policies by their display names (each explained in its tooltip), and a
    sweep's variants as overrides."""
    registry = model_of_run(Path(run["dir"])).registry
    specs = [spec for spec in str(run["policies"]).split(", ") if spec]
    shown: list[Any] = []
    for spec in specs:
        if shown:
            shown.append(", ")
        title = spec_explanation(spec, registry, lang)
        shown.append(html.Span(spec_title(spec, registry, lang), title=title))
    if run["variants"]:
        shown += [" · ", html.Code(run["variants"])]
    return shown
