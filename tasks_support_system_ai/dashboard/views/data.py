"""Data: upload tickets, hierarchy or texts; dataset versions, roll-back, demo data, samples."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import streamlit as st

from tasks_support_system_ai.client import ApiError, DatasetKind
from tasks_support_system_ai.dashboard import common

KINDS = {"tickets": "Tickets", "hierarchy": "Hierarchy", "texts": "Ticket texts"}
EXAMPLES = {
    "tickets": (
        "One row per queue and day: how many tickets arrived.",
        "queueId,date,new_tickets\n2,2024-01-01,14\n3,2024-01-01,3\n2,2024-01-02,9\n",
    ),
    "hierarchy": (
        "One row per queue; parentId is empty for a top-level queue.",
        "queueId,parentId,name\n1,,Customer support\n2,1,Billing\n3,1,Delivery\n4,,Internal IT\n",
    ),
    "texts": (
        "Labeled ticket texts for the classifiers (an optional subject column is prepended).",
        "text,label\nCharged twice for the March invoice,billing\n"
        "Mobile internet does not work since morning,internet\n",
    ),
}


def render() -> None:
    st.title("Data")
    upload_tab, versions_tab, sample_tab = st.tabs(["Upload", "Versions", "Sample rows"])
    with upload_tab:
        _upload()
    with versions_tab:
        _versions()
    with sample_tab:
        _samples()


def _upload() -> None:
    kind = st.radio(
        "What are you uploading?", list(KINDS), format_func=KINDS.__getitem__, horizontal=True
    )
    about, example = EXAMPLES[kind]
    st.markdown(f"**Expected format** (CSV or Parquet). {about}")
    st.code(example, language="csv")
    st.download_button(
        "Download a template", example, file_name=f"{kind}_template.csv", mime="text/csv"
    )
    file = st.file_uploader("File", type=["csv", "parquet"], key=f"upload_{kind}")
    if file is not None and st.button("Validate and activate", type="primary"):
        try:
            answer = common.api().upload_data(cast(DatasetKind, kind), file.getvalue(), file.name)
        except ApiError as error:
            upload_error(error)
            return
        common.forget_cached_reads()
        version = answer["version"]
        st.success(
            f"{answer['message']}: {kind} version #{version['id']}, {version['rows']:,} rows"
        )
        for warning in answer.get("warnings", []):
            st.warning(warning)


def upload_error(error: ApiError) -> None:
    """The API's error sentence, then exactly where in the file (row, column, value)."""
    common.show_error(error)
    details = {
        k: v for k, v in error.details.items() if k in {"row", "column", "value", "expected"}
    }
    if details:
        st.table(pd.DataFrame([details]).astype(str))
    rows = error.details.get("rows")
    if isinstance(rows, list) and len(rows) > 1:
        shown = ", ".join(str(r) for r in rows[:20])
        st.caption(f"{error.details.get('count', len(rows))} rows affected: {shown}")


def _versions() -> None:
    versions = common.api().datasets()
    if not versions:
        st.info("No datasets stored yet.")
        return
    table = pd.DataFrame(
        [
            {
                "id": v["id"],
                "kind": v["kind"],
                "active": v["active"],
                "file": v["filename"],
                "source": v["source"],
                "synthetic": v["synthetic"],
                "rows": v["rows"],
                "created": v["created_at"][:19].replace("T", " "),
            }
            for v in versions
        ]
    )
    st.dataframe(table, hide_index=True, key="versions_table")
    left, right = st.columns(2)
    with left:
        _activate(versions)
    with right:
        st.markdown("**Demo data**")
        st.caption("Make the generated, synthetic demo data sets active again.")
        if st.button("Restore demo data"):
            message = common.api().reload_local_data()["status"]
            common.forget_cached_reads()
            st.success(f"Demo data restored ({message}).")


def _activate(versions: list[dict[str, Any]]) -> None:
    st.markdown("**Activate or roll back**")
    inactive = [v for v in versions if not v["active"]]
    if not inactive:
        st.caption("Every stored version is active.")
        return
    chosen = st.selectbox(
        "Version",
        [v["id"] for v in inactive],
        format_func=lambda vid: next(
            f"#{v['id']} {v['kind']} · {v['filename']} · {v['created_at'][:10]}"
            for v in inactive
            if v["id"] == vid
        ),
    )
    if st.button("Activate"):
        version = common.api().activate_dataset(int(chosen))
        common.forget_cached_reads()
        st.success(f"{version['kind']} version #{version['id']} is active.")


def _samples() -> None:
    kind = st.selectbox("Dataset", list(KINDS), format_func=KINDS.__getitem__, key="sample_kind")
    rows = st.slider("Rows", 5, 100, 10, key="sample_rows")
    sample = common.read("sample_data", kind, rows)
    st.caption(f"Full dataset: {sample['shape'][0]:,} rows × {sample['shape'][1]} columns")
    st.dataframe(pd.DataFrame(sample["data"], columns=sample["columns"]), hide_index=True)
