"""Reading a Dash component tree (texts, components of a type, props), and an app on
a store of its own, for the dashboard tests that need no browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dash.development.base_component import Component

from dashboard.app import create_app
from dashboard.runs import Settings


def walk(node: Any) -> Iterator[Component]:
    """Every component of a tree, depth first (children only)."""
    if isinstance(node, list | tuple):
        for item in node:
            yield from walk(item)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))


def texts(node: Any) -> list[str]:
    """The text pieces of a tree, in order; help markers (``dashboard.components.help``:
    their words are in their tooltip, see ``helps``) are left out."""
    if node is None:
        return []
    if isinstance(node, str | int | float):
        return [str(node)]
    if isinstance(node, list | tuple):
        return [piece for item in node for piece in texts(item)]
    if isinstance(node, Component):
        if is_help(node):
            return []
        return texts(getattr(node, "children", None))
    return []


def is_help(component: Component) -> bool:
    return getattr(component, "className", None) == "help"


def helps(node: Any) -> list[str]:
    """The tooltips of the help markers of a tree, in order."""
    return [str(c.title) for c in walk(node) if is_help(c)]


def text(node: Any) -> str:
    return "".join(texts(node))


def of_type(node: Any, kind: type) -> list[Any]:
    return [c for c in walk(node) if isinstance(c, kind)]


def prop(component: Component, name: str) -> Any:
    return component.to_plotly_json()["props"].get(name)


def dashboard_app(tmp_path_factory: pytest.TempPathFactory, name: str) -> Settings:
    """An app on a store of its own (one worker), created before any page is imported."""
    root = tmp_path_factory.mktemp(name).resolve()
    settings = Settings(store_root=root, runs_dir=root / "runs", workers=1)
    create_app(settings)
    return settings
