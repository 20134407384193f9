"""The ``support-ai`` command line."""
