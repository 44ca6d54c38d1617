"""Pieces of the dashboard's pages, as functions from data and language to Dash components."""
