"""The dashboard's pages; each registers its path and keeps its callbacks beside its layout."""
