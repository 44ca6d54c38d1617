"""What every page shares: this server's settings (where results are kept) and the
page's copy of the language the shell stores."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from dashboard import ids
from dashboard.i18n import checked_lang
from dashboard.runs import Settings, default_settings

_settings: Settings | None = None


def settings() -> Settings:
    """Where this server keeps results (set by ``dashboard.app.create_app``)."""
    global _settings
    if _settings is None:
        _settings = default_settings()
    return _settings


def use_settings(app_settings: Settings | None) -> Settings:
    """Make ``app_settings`` (or the defaults) this server's settings."""
    global _settings
    _settings = app_settings or default_settings()
    return _settings


def page_language(store_id: str) -> None:
    """Copy the language into a page's own store. A Dash callback may not mix inputs of
    the shell with inputs of a page (on another page they are missing), so a page's
    callbacks listen to its copy."""

    @callback(Output(store_id, "data"), Input(ids.LANG, "data"))
    def copy_language(lang: Any) -> str:
        return checked_lang(lang)
