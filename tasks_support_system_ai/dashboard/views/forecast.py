"""Forecast: a queue's forecast with bands, past cut-offs, model comparison, the whole tree,
and the staff the forecast needs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from tasks_support_system_ai.dashboard import common
from tasks_support_system_ai.dashboard.views.queues import GRANULARITIES, date_bounds

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 30}
MAX_HORIZON_DAYS = 300
BAND_COLOURS = {"95": "rgba(99, 110, 250, 0.15)", "80": "rgba(99, 110, 250, 0.3)"}
HISTORY_SHOWN = {"daily": 180, "weekly": 104, "monthly": 36}


def render() -> None:
    st.title("Forecast")
    queue_id = common.queue_picker()
    settings = _controls()
    tabs = st.tabs(["Forecast", "Past cut-off", "Compare models", "Whole tree", "Staffing"])
    with tabs[0]:
        _forecast(queue_id, settings)
    with tabs[1]:
        _past_cutoff(queue_id, settings)
    with tabs[2]:
        _compare(queue_id, settings)
    with tabs[3]:
        _whole_tree(queue_id, settings)
    with tabs[4]:
        _staffing(queue_id, settings)


def _controls() -> dict[str, Any]:
    cols = st.columns(4)
    model = cols[0].selectbox("Model", common.FORECAST_MODELS, key="fc_model")
    granularity = str(cols[1].selectbox("Granularity", GRANULARITIES, key="fc_granularity"))
    longest = MAX_HORIZON_DAYS // PERIOD_DAYS[granularity]
    horizon = cols[2].slider(
        "Horizon (periods)", 1, longest, min(30, longest), key=f"fc_horizon_{granularity}"
    )
    levels = cols[3].multiselect("Intervals (%)", [50, 80, 90, 95, 99], [80, 95], key="fc_levels")
    return {
        "model": str(model),
        "granularity": granularity,
        "horizon": int(horizon),
        "levels": sorted(int(level) for level in levels),
    }


def _history(queue_id: int, granularity: str, end: date | None = None) -> pd.Series:
    series = common.read("historical", queue_id, None, end, granularity)
    return pd.Series(series["values"], index=pd.to_datetime(series["timestamps"]), dtype=float)


def forecast_figure(history: pd.Series, result: dict[str, Any], title: str) -> go.Figure:
    """History, the forecast and its bands (widest first) on one chart."""
    x = pd.to_datetime(result["timestamps"])
    figure = go.Figure()
    for level, band in sorted((result.get("intervals") or {}).items(), key=lambda i: -int(i[0])):
        colour = BAND_COLOURS.get(level, "rgba(99, 110, 250, 0.2)")
        figure.add_trace(go.Scatter(x=x, y=band["upper"], line={"width": 0}, showlegend=False))
        figure.add_trace(
            go.Scatter(
                x=x,
                y=band["lower"],
                fill="tonexty",
                fillcolor=colour,
                line={"width": 0},
                name=f"{level}% interval",
            )
        )
    figure.add_trace(
        go.Scatter(x=history.index, y=history.values, name="history", line={"color": "#444"})
    )
    figure.add_trace(
        go.Scatter(
            x=x, y=result["values"], name=f"forecast ({result['model']})", line={"color": "#636efa"}
        )
    )
    figure.update_layout(
        title=title, height=420, margin={"t": 40, "b": 10}, legend={"orientation": "h"}
    )
    return figure


def _read_forecast(queue_id: int, settings: dict[str, Any], **extra: Any) -> Any:
    """The API's forecast for the page's model, horizon, granularity and levels."""
    return common.read(
        "forecast",
        queue_id,
        settings["horizon"],
        model=settings["model"],
        granularity=settings["granularity"],
        levels=settings["levels"] or None,
        **extra,
    )


def _forecast(queue_id: int, settings: dict[str, Any]) -> None:
    with st.spinner("Forecasting…"):
        result = _read_forecast(queue_id, settings, intervals=bool(settings["levels"]))
    history = _history(queue_id, settings["granularity"]).tail(
        HISTORY_SHOWN[settings["granularity"]]
    )
    name = common.read("queue_children", queue_id)["name"]
    synthetic = " (synthetic data)" if common.read("data_status").get("synthetic") else ""
    st.plotly_chart(
        forecast_figure(history, result, f"{name}: forecast{synthetic}"), key="forecast_chart"
    )
    table = pd.DataFrame(
        {"period": result["timestamps"], "forecast": np.round(result["values"], 1)}
    )
    for level, band in (result.get("intervals") or {}).items():
        table[f"lower {level}%"] = np.round(band["lower"], 1)
        table[f"upper {level}%"] = np.round(band["upper"], 1)
    with st.expander("Forecast table"):
        st.dataframe(table, hide_index=True)
        st.download_button("Download CSV", table.to_csv(index=False), "forecast.csv", "text/csv")


def _past_cutoff(queue_id: int, settings: dict[str, Any]) -> None:
    first, last = date_bounds()
    days = settings["horizon"] * PERIOD_DAYS[settings["granularity"]]
    default = max(first + timedelta(days=60), last - timedelta(days=days - 1))
    cutoff = st.date_input(
        "Forecast from (history after this day is ignored)",
        default,
        min_value=first + timedelta(days=30),
        max_value=last,
        key="fc_cutoff",
    )
    if not st.toggle("Compare with what happened", key="fc_cutoff_run"):
        return
    result = _read_forecast(queue_id, settings, start_date=cutoff)
    history = _history(queue_id, settings["granularity"])
    forecast = pd.Series(result["values"], index=pd.to_datetime(result["timestamps"]))
    actual = history.reindex(forecast.index)
    shown = history[history.index < forecast.index[0]].tail(HISTORY_SHOWN[settings["granularity"]])
    figure = forecast_figure(shown, result, "Forecast against what happened")
    figure.add_trace(go.Scatter(x=actual.index, y=actual.values, name="actual", mode="lines"))
    st.plotly_chart(figure, key="cutoff_chart")
    known = actual.notna()
    errors = (forecast - actual)[known]
    if errors.empty:
        st.info("No actuals after this cut-off yet.")
        return
    cols = st.columns(3)
    cols[0].metric("MAE", f"{errors.abs().mean():,.1f}")
    scale = actual[known].abs().replace(0, np.nan)
    cols[1].metric("MAPE", f"{(errors.abs() / scale).mean() * 100:,.1f} %")
    cols[2].metric("Bias (mean error)", f"{errors.mean():+,.1f}")


def _compare(queue_id: int, settings: dict[str, Any]) -> None:
    models = st.multiselect(
        "Models", common.FORECAST_MODELS[1:], ["naive", "es", "vets"], key="fc_compare_models"
    )
    windows = st.slider("Backtest windows", 1, 5, 2, key="fc_windows")
    if not models or not st.toggle("Run the backtest comparison", key="fc_compare_run"):
        return
    with st.spinner("Backtesting…"):
        result = common.read(
            "compare_models",
            queue_id,
            models,
            settings["horizon"],
            granularity=settings["granularity"],
            windows=windows,
        )
    rows = [
        {
            "model": m,
            **{k: v for k, v in r.items() if k != "coverage" and not isinstance(v, (dict, list))},
        }
        for m, r in result["results"].items()
    ]
    table = pd.DataFrame(rows)
    st.success(f"Best by MASE: **{result['best']}**" if result["best"] else "No model scored")
    st.dataframe(table, hide_index=True, key="compare_table")
    if "mase" in table:
        figure = px.bar(table, x="model", y="mase", title="MASE by model (lower is better)")
        figure.update_layout(height=320, margin={"t": 40, "b": 10})
        st.plotly_chart(figure, key="compare_chart")


def _whole_tree(queue_id: int, settings: dict[str, Any]) -> None:
    st.caption(
        "Forecast every queue and reconcile them so that each parent equals its own tickets "
        "plus its children's. It runs as a job; follow it here or on the Jobs page."
    )
    method = st.selectbox(
        "Reconciliation", ["mint_shrink", "wls_struct", "wls_var", "bottom_up"], key="fc_method"
    )
    if st.button("Start the whole-tree run", key="fc_tree_start"):
        job = common.api().submit_forecast_all(
            settings["horizon"],
            granularity=settings["granularity"],
            method=str(method),
            levels=settings["levels"] or None,
        )
        st.session_state["tree_job"] = job["id"]
    if job_id := st.session_state.get("tree_job"):
        _tree_job_progress(job_id)
    runs = common.api().forecast_runs()
    if not runs:
        st.info("No stored whole-tree runs yet.")
        return
    labels = {
        r["run_id"]: f"{r['run_id']} · {r['spec'].get('method')} · "
        f"{r['spec'].get('horizon')} {r['spec'].get('granularity')} · {r['queues']} queues"
        for r in runs
    }
    run_id = st.selectbox("Stored run", list(labels), format_func=labels.__getitem__)
    result = common.read("forecast_run_queue", run_id, queue_id)
    granularity = str(runs[[r["run_id"] for r in runs].index(run_id)]["spec"]["granularity"])
    history = _history(queue_id, granularity).tail(HISTORY_SHOWN.get(granularity, 180))
    st.plotly_chart(
        forecast_figure(history, result, f"Queue #{queue_id} in run {run_id} (reconciled)"),
        key="tree_chart",
    )


@common.live_fragment(2)
def _tree_job_progress(job_id: str) -> None:
    job = common.api().job(job_id)
    st.progress(float(job["progress"]) / 100, text=f"Whole-tree run {job_id}: {job['status']}")
    if job["status"] == "failed":
        st.error(f"{job['error_message']} (code: {job['error_code']})")


def _staffing(queue_id: int, settings: dict[str, Any]) -> None:
    cols = st.columns(4)
    handling = cols[0].number_input("Handling time (min)", 1.0, 600.0, 15.0, key="st_handling")
    level = cols[1].slider("Service level", 0.5, 0.99, 0.8, key="st_level")
    hours = cols[2].number_input("Working hours per period", 1.0, 24.0 * 30, 8.0, key="st_hours")
    plan_for = cols[3].selectbox("Plan for", ["mean", "upper_80", "upper_95"], key="st_plan")
    result = common.read(
        "staffing",
        queue_id,
        settings["horizon"],
        model=settings["model"],
        granularity=settings["granularity"],
        plan_for=plan_for,
        handling_minutes=float(handling),
        service_level=float(level),
        working_hours=float(hours),
    )
    table = pd.DataFrame(
        {
            "period": result["timestamps"],
            "tickets": np.round(result["tickets"], 1),
            "agents on duty": result["agents_on_duty"],
            "agents scheduled": result["agents_scheduled"],
            "service level": np.round(result["service_level"], 3),
            "occupancy": np.round(result["occupancy"], 3),
        }
    )
    figure = go.Figure()
    figure.add_trace(
        go.Bar(x=table["period"], y=table["agents scheduled"], name="agents scheduled")
    )
    figure.add_trace(go.Bar(x=table["period"], y=table["agents on duty"], name="agents on duty"))
    figure.update_layout(
        title=f"Agents needed ({plan_for}, model {result['model']})",
        barmode="overlay",
        height=340,
        margin={"t": 40, "b": 10},
        legend={"orientation": "h"},
    )
    st.plotly_chart(figure, key="staffing_chart")
    st.dataframe(table, hide_index=True, key="staffing_table")
