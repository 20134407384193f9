"""Support AI: queue-load analytics, forecasting and ticket text intelligence."""

__version__ = "0.1.0"
