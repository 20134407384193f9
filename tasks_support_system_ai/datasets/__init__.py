"""Datasets: upload parsing and validation, versioned storage, the loaded view, demo data."""
