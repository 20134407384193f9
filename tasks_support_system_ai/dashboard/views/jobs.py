"""Jobs: every training, clustering, whole-tree forecast and labeling job, refreshing itself."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from tasks_support_system_ai.dashboard import common

REFRESH_S = 2
ACTIVE = {"queued", "running"}


def render() -> None:
    st.title("Jobs")
    common.api().health()  # one plain error, not one per section, when the API is down
    kind = st.selectbox(
        "Kind",
        ["all", "nlp_fit", "clustering_fit", "forecast_all", "backtest", "labeling"],
        key="jobs_kind",
    )
    _job_list(None if kind == "all" else str(kind))
    _job_detail()


@common.live_fragment(REFRESH_S)
def _job_list(kind: str | None) -> None:
    jobs = common.api().jobs(kind=kind, limit=50)
    if not jobs:
        st.info("No jobs yet: training, clustering and whole-tree forecasts appear here.")
        return
    table = pd.DataFrame(
        [
            {
                "id": j["id"],
                "kind": j["kind"],
                "status": j["status"],
                "progress": float(j["progress"]),
                "created": j["created_at"][:19].replace("T", " "),
                "finished": (j["finished_at"] or "")[:19].replace("T", " "),
                "about": _about(j),
            }
            for j in jobs
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        key="jobs_table",
        column_config={
            "progress": st.column_config.ProgressColumn(
                "progress", min_value=0.0, max_value=100.0, format="%.0f%%"
            )
        },
    )
    st.session_state["job_ids"] = [j["id"] for j in jobs]


def _about(job: dict[str, Any]) -> str:
    params = job["params"]
    if job["error_code"]:
        return f"{job['error_message']} ({job['error_code']})"
    if "model_id" in params:
        return f"model {params['model_id']}"
    if job["kind"] == "forecast_all":
        return f"{params.get('horizon')} {params.get('granularity')}, {params.get('method')}"
    if "queue_id" in params:
        return f"queue #{params['queue_id']}, {params.get('model')}"
    return ""


def _job_detail() -> None:
    ids = st.session_state.get("job_ids") or [j["id"] for j in common.api().jobs(limit=50)]
    if not ids:
        return
    job_id = st.selectbox("Job", ids, key="job_detail")
    job = common.api().job(str(job_id))
    cols = st.columns(3)
    cols[0].metric("Status", job["status"])
    cols[1].metric("Progress", f"{job['progress']:.0f} %")
    cols[2].metric("Attempts", job["attempts"])
    if job["status"] in ACTIVE and st.button("Cancel this job"):
        job = common.api().cancel_job(job["id"])
        st.success(f"Cancel requested: {job['status']}")
    if job["error_code"]:
        st.error(f"{job['error_message']} (code: {job['error_code']})")
    if job["result"]:
        _result_links(job)
    if job["kind"] == "labeling":
        parts = common.api().check_status(job["id"]).get("parts") or []
        if parts:
            st.markdown("**Parts** (time ranges labeled in parallel)")
            st.dataframe(pd.DataFrame(parts).drop(columns=["summary"]), hide_index=True)
    if job["kind"] == "labeling" and job["status"] == "succeeded":
        st.markdown("**Sample of the published labels**")
        st.dataframe(pd.DataFrame(common.api().sample_result(job["id"], 10)), hide_index=True)
    with st.expander("Everything the API knows about this job"):
        st.code(json.dumps(job, indent=2, default=str), language="json")


def _result_links(job: dict[str, Any]) -> None:
    result = job["result"]
    if "model_id" in result and job["kind"] == "nlp_fit":
        st.markdown(f"Model {result['model_id']}: see [Ticket models](models).")
    elif job["kind"] == "forecast_all":
        st.markdown(f"Run {result.get('run_id', '')}: see [Forecast](forecast) → Whole tree.")
    elif job["kind"] == "clustering_fit":
        st.markdown("See [Topics and text](topics).")
    with st.expander("Result"):  # a bare collapsed "{...}" told a reader nothing
        st.json(result)
