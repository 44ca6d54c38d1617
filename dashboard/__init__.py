"""The Dash dashboard (not built yet: see the dashboard issue)."""
