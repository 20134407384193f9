"""Load forecasting: models, backtests, whole-tree coherent forecasts, staffing."""
