"""Dashboard pages, one module each; every module has a ``render()``."""
