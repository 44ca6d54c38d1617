"""The Dash dashboard: what-ifs, runs and results in the browser, in Spanish and English."""
