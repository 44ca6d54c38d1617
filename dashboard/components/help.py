"""The help marker: a small circled ? beside a name, whose tooltip says what the name means.

Every metric's name (in tables and cards) and every field's label carries one; the
words are the catalogue's (``sim.outputs.catalogue``: a metric's ``help``), a
policy parameter's (``policies.base.parameter_help``) or the dashboard's phrases
(``help_<field>``). The tooltip is the browser's own (the ``title`` attribute), so it
works without script; the marker can be reached with the keyboard, and a screen
reader reads the help as the marker's label.
"""

from __future__ import annotations

from typing import Any

from dash import html

MARK = "?"  # drawn in a circle by the style sheet: every font has it


def help_marker(text: str, marker_id: str | None = None) -> html.Span:
    """The marker with ``text`` as its tooltip."""
    extra: dict[str, Any] = {"id": marker_id} if marker_id else {}
    extra["aria-label"] = text
    return html.Span(MARK, title=text, className="help", tabIndex="0", role="note", **extra)


def named(name: Any, text: str) -> list[Any]:
    """A name followed by its help marker (the name alone when there is no help)."""
    return [name, help_marker(text)] if text else [name]
