"""Predict: label one ticket text with its probabilities, or score a whole CSV file."""

from __future__ import annotations

import io

import pandas as pd
import plotly.express as px
import streamlit as st

from tasks_support_system_ai.client import ApiError
from tasks_support_system_ai.dashboard import common
from tasks_support_system_ai.dashboard.views.data import upload_error
from tasks_support_system_ai.dashboard.views.models import model_label

EXAMPLE_TEXT = "Не работает мобильный интернет с утра, перезагрузка не помогла"
PREVIEW_ROWS = 20


def render() -> None:
    st.title("Predict")
    ready = [m for m in common.api().get_models() if m["status"] == "ready"]
    if not ready:
        st.info("No ready classifier: train one on the Ticket models page.")
        return
    ids = ["production", *[m["id"] for m in ready]]
    labels = {
        "production": "production (the promoted model)",
        **{m["id"]: model_label(m) for m in ready},
    }
    model_id = str(st.selectbox("Model", ids, format_func=labels.__getitem__, key="predict_model"))
    text_tab, csv_tab = st.tabs(["One ticket", "CSV file"])
    with text_tab:
        _one_text(model_id)
    with csv_tab:
        _csv(model_id)


def _one_text(model_id: str) -> None:
    text = st.text_area("Ticket text", EXAMPLE_TEXT, key="predict_text")
    if not text.strip():
        st.caption("Type a ticket text.")
        return
    answer = common.api().predict_scores(model_id, [text])
    scores = pd.DataFrame({"label": answer["classes"], "probability": answer["scores"][0]})
    scores = scores.sort_values("probability", ascending=False)
    best = scores.iloc[0]
    st.metric("Label", str(best["label"]), f"probability {best['probability']:.2f}")
    figure = px.bar(scores, x="probability", y="label", orientation="h")
    figure.update_layout(
        height=60 + 28 * len(scores), margin={"t": 10, "b": 10}, yaxis={"autorange": "reversed"}
    )
    st.plotly_chart(figure, key="scores_chart")


def _csv(model_id: str) -> None:
    st.caption(
        "A UTF-8 CSV with a text column; the answer is the same file with a prediction column."
    )
    file = st.file_uploader("CSV file", type=["csv"], key="predict_csv")
    column = st.text_input("Text column", "text", key="predict_column")
    if file is None:
        return
    content = file.getvalue()
    try:
        preview = pd.read_csv(io.BytesIO(content), nrows=PREVIEW_ROWS)
        st.dataframe(preview, hide_index=True, key="csv_preview")
    except (ValueError, UnicodeDecodeError):
        st.caption("The file cannot be previewed; the API will say what is wrong.")
    if not st.button("Score the file", type="primary"):
        return
    try:
        scored = common.api().predict_nlp_csv(model_id, content, file.name, column)
    except ApiError as error:
        upload_error(error)
        return
    result = pd.read_csv(io.BytesIO(scored), nrows=PREVIEW_ROWS)
    lines = scored.count(b"\n") - 1
    st.success(f"Scored the file (about {lines:,} rows); the first {PREVIEW_ROWS} are shown.")
    st.dataframe(result, hide_index=True, key="csv_scored")
    st.download_button("Download the scored CSV", scored, "predictions.csv", "text/csv")
