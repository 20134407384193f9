"""Overview: what the service does, the data it serves, and whether its parts are healthy."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from tasks_support_system_ai.client import ApiError
from tasks_support_system_ai.dashboard import common

INTRO = """Support AI shows the ticket load of every support queue, forecasts it with intervals,
plans the agents needed, and labels tickets with trained classifiers. Pick a page on the left:
**Queues** for the load of any queue, **Forecast** for its forecast and staffing,
**Ticket models** to train classifiers, **Predict** to label tickets."""


def render() -> None:
    st.title("Support AI")
    st.markdown(INTRO)
    health, status = _health(), common.read("data_status")
    _service_health(health)
    st.subheader("Data")
    if not status["status"]:
        st.warning(f"{status['message']} (code: data_not_ready)")
        return
    _data_status(status)
    _total_load_chart(status)


def _health() -> dict[str, Any]:
    client = common.api()
    return {"health": client.health(), "ready": client.ready()}


def _service_health(health: dict[str, Any]) -> None:
    api_col, worker_col, model_col = st.columns(3)
    ready = "ready" if health["ready"] else "loading data"
    api_col.metric("API", f"up, {ready}", help=f"version {health['health']['version']}")
    worker_col.metric("Job worker", *_worker_state())
    model_col.metric("Default classifier", *_default_model_state())


def _worker_state() -> tuple[str, str | None]:
    """Judged from the jobs: queued jobs that nothing picks up mean no worker is running."""
    recent = common.api().jobs(limit=20)
    running = sum(j["status"] == "running" for j in recent)
    queued = [j for j in recent if j["status"] == "queued"]
    if running:
        return "busy", f"{running} running, {len(queued)} queued"
    if queued:
        return "waiting", f"{len(queued)} jobs queued, none running"
    done = [j for j in recent if j["finished_at"]]
    return "idle", (f"last job finished {done[0]['finished_at'][:19]}" if done else None)


def _default_model_state() -> tuple[str, str | None]:
    try:
        models = common.api().get_models()
    except ApiError as error:
        return "unknown", error.code
    production = [m for m in models if m["stage"] == "production"]
    if not production:
        training = [m for m in models if m["status"] == "training"]
        return ("training" if training else "none"), None
    model = production[0]
    f1 = model.get("macro_f1")
    return model["status"], (
        f"{model['name']} v{model['version']}, macro F1 {f1:.3f}" if f1 else None
    )


def _data_status(status: dict[str, Any]) -> None:
    tickets, hierarchy = status["tickets"], status["hierarchy"]
    summary, tree = tickets["summary"], hierarchy["summary"]
    if status.get("synthetic"):
        st.info(common.SYNTHETIC_NOTE, icon=":material/science:")
    cols = st.columns(4)
    cols[0].metric("Tickets", f"{summary.get('total_tickets', 0):,}", common.data_note(status))
    cols[1].metric("Queues", f"{tree.get('queues', hierarchy['rows']):,}")
    cols[2].metric("From", str(summary.get("start_date", "?")))
    cols[3].metric("To", str(summary.get("end_date", "?")))
    st.caption(
        f"Active versions: tickets #{tickets['id']} ({tickets['filename']}, {tickets['source']}), "
        f"hierarchy #{hierarchy['id']} ({hierarchy['filename']}, {hierarchy['source']})."
    )
    if status.get("unknown_queue_tickets"):
        st.caption(
            f"{status['unknown_queue_tickets']:,} tickets are in queues absent from the hierarchy;"
            " they count towards 'All queues' only."
        )


def _total_load_chart(status: dict[str, Any]) -> None:
    series = common.read("historical", 0, granularity="monthly")
    title = "All queues: tickets per month" + (" (synthetic)" if status.get("synthetic") else "")
    figure = go.Figure(go.Bar(x=series["timestamps"], y=series["values"], name="tickets"))
    figure.update_layout(title=title, height=320, margin={"t": 40, "b": 10})
    st.plotly_chart(figure)
