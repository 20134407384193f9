"""Queues: any queue's place in the tree, its load over time, profiles and statistics."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from tasks_support_system_ai.dashboard import common

GRANULARITIES = ["daily", "weekly", "monthly"]


def render() -> None:
    st.title("Queues")
    queue_id = common.queue_picker()
    start, end, granularity = _period_controls(queue_id)
    stats = common.read("queue_stats", queue_id, start, end, granularity)
    node = common.read("queue_children", queue_id)
    _structure_card(node, stats)
    _load_chart(queue_id, node["name"], start, end, granularity)
    left, right = st.columns(2)
    with left:
        _weekday_profile(queue_id, start, end)
    with right:
        _weekly_averages(queue_id, start, end)
    _statistics(stats, granularity)
    _children_share(node)


def date_bounds() -> tuple[date, date]:
    """First and last day of the active tickets."""
    summary = common.read("data_status")["tickets"]["summary"]
    return date.fromisoformat(summary["start_date"]), date.fromisoformat(summary["end_date"])


def _period_controls(queue_id: int) -> tuple[date, date, str]:
    first, last = date_bounds()
    dates_col, gran_col = st.columns([2, 1])
    picked = dates_col.date_input(
        "Date range", (first, last), min_value=first, max_value=last, key="queue_dates"
    )
    span = picked if isinstance(picked, tuple) else (picked,)
    start = span[0] if span else first
    end = span[1] if len(span) > 1 else last
    granularity = gran_col.selectbox("Granularity", GRANULARITIES, key="queue_granularity")
    return start, end, str(granularity)


def _structure_card(node: dict[str, Any], stats: dict[str, Any]) -> None:
    structure = stats["structure"]
    path = " › ".join(q["name"] for q in node["path"]) or "All queues"
    st.subheader(f"{node['name']} · #{node['queue_id']}")
    st.caption(path)
    cols = st.columns(5)
    cols[0].metric("Level", structure["level"])
    parent = structure["parent_id"]
    cols[1].metric("Parent", f"#{parent}" if parent else "—")
    cols[2].metric("Children", structure["direct_children"])
    cols[3].metric("Descendants", structure["all_descendants"])
    cols[4].metric("Depth below", structure["depth"])


def _load_chart(queue_id: int, name: str, start: date, end: date, granularity: str) -> None:
    series = common.read("historical", queue_id, start, end, granularity)
    x = pd.to_datetime(series["timestamps"])
    y = np.asarray(series["values"], dtype=float)
    figure = go.Figure(go.Scatter(x=x, y=y, name="tickets", mode="lines"))
    if y.size:
        figure.add_hline(y=float(y.mean()), line_dash="dot", annotation_text="mean")
    if y.size > 1:
        slope, intercept = np.polyfit(np.arange(y.size), y, 1)
        trend = intercept + slope * np.arange(y.size)
        figure.add_trace(
            go.Scatter(x=x, y=trend, name="trend", line={"dash": "dash", "color": "#d62728"})
        )
    synthetic = " (synthetic data)" if common.read("data_status").get("synthetic") else ""
    period = granularity.removesuffix("ly").replace("dai", "day")
    figure.update_layout(
        title=f"{name}: tickets per {period}{synthetic}",
        height=360,
        margin={"t": 40, "b": 10},
        legend={"orientation": "h"},
    )
    st.plotly_chart(figure, key="load_chart")


def _weekday_profile(queue_id: int, start: date, end: date) -> None:
    profile = common.read("daily_average", queue_id, start, end)
    figure = px.bar(
        x=[d[:3] for d in profile["weekdays"]],
        y=profile["average_load"],
        labels={"x": "", "y": "tickets per day"},
        title="Average load by weekday",
    )
    figure.update_layout(height=300, margin={"t": 40, "b": 10})
    st.plotly_chart(figure, key="weekday_chart")


def _weekly_averages(queue_id: int, start: date, end: date) -> None:
    weekly = common.read("weekly_average", queue_id, start, end)
    figure = px.line(
        x=pd.to_datetime(weekly["week_start"]),
        y=weekly["average_load"],
        labels={"x": "week starting", "y": "tickets per day"},
        title="Weekly averages",
    )
    figure.update_layout(height=300, margin={"t": 40, "b": 10})
    st.plotly_chart(figure, key="weekly_chart")


def _statistics(stats: dict[str, Any], granularity: str) -> None:
    load, timing = stats["load"], stats["time"]
    st.subheader("Statistics")
    rows = {
        "Total tickets": f"{load['total_tickets']:,}",
        f"Mean per {granularity} period": f"{load['avg_tickets']:,.1f}",
        "Median": f"{load['median_load']:,.1f}",
        "90th / 95th percentile": f"{load['percentile_90']:,.1f} / {load['percentile_95']:,.1f}",
        "Peak / minimum": f"{load['peak_load']:,} / {load['min_load']:,}",
        "Standard deviation": f"{load['std_dev']:,.1f}",
        "Busiest / quietest day": f"{timing['busiest_day'][:10]} / {timing['quietest_day'][:10]}",
        "Weekday / weekend mean per day": f"{timing['weekday_avg']:,.1f} / "
        f"{timing['weekend_avg']:,.1f}",
    }
    table = pd.DataFrame({"statistic": list(rows), "value": list(rows.values())})
    st.dataframe(table, hide_index=True, key="stats_table")


def _children_share(node: dict[str, Any]) -> None:
    children = node["children"]
    if not children:
        st.caption("This queue has no children.")
        return
    top = children[:12]
    rest = sum(q["load"] for q in children[12:])
    names = [f"{q['name']} #{q['id']}" for q in top] + (["other children"] if rest else [])
    loads = [q["load"] for q in top] + ([rest] if rest else [])
    figure = px.pie(names=names, values=loads, title="Children's share of the load (whole period)")
    figure.update_layout(height=360, margin={"t": 40, "b": 10})
    st.plotly_chart(figure, key="children_chart")
