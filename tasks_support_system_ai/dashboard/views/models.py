"""Ticket models: train classifiers as jobs, compare their reports, promote and manage them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from tasks_support_system_ai.dashboard import common

ALGORITHMS = {"logistic": "Logistic regression", "svm": "Linear SVM"}


def render() -> None:
    st.title("Ticket models")
    with st.expander("Train a new classifier", expanded=False):
        _train_form()
    if job_id := st.session_state.get("fit_job"):
        _training_progress(job_id)
    models = common.api().get_models()
    if not models:
        st.info("No classifiers yet: train one above.")
        return
    _model_table(models)
    ready = [m for m in models if m["status"] == "ready"]
    if not ready:
        return
    labels: dict[str, str] = {m["id"]: model_label(m) for m in ready}
    chosen = st.selectbox("Model", list(labels), format_func=labels.__getitem__, key="nlp_model")
    _actions(next(m for m in models if m["id"] == chosen))
    _report(str(chosen))
    _roc_curves(labels)


def model_label(model: dict[str, Any]) -> str:
    f1 = model.get("macro_f1")
    score = f" · macro F1 {f1:.3f}" if f1 is not None else ""
    lock = " · protected" if model["protected"] else ""
    return f"{model['name']} v{model['version']} · {model['stage']}{score}{lock} · {model['id']}"


def _train_form() -> None:
    with st.form("train"):
        cols = st.columns(3)
        algorithm = cols[0].selectbox(
            "Algorithm", list(ALGORITHMS), format_func=ALGORITHMS.__getitem__
        )
        strength = cols[1].number_input("C (inverse regularisation)", 0.01, 1000.0, 10.0)
        normaliser = cols[2].selectbox("Word normaliser", ["stem", "lemma", "none"])
        language = st.radio("Language", ["auto", "ru", "en"], horizontal=True)
        submitted = st.form_submit_button("Train", type="primary")
    if submitted:
        model_id = common.api().fit_nlp(
            str(algorithm),
            {"C": float(strength)},
            preprocessing={"normaliser": normaliser, "language": language},
        )
        jobs = common.api().jobs(kind="nlp_fit", limit=20)
        job = next((j for j in jobs if j["params"].get("model_id") == model_id), None)
        st.session_state["fit_job"] = job["id"] if job else None
        st.session_state["nlp_model_started"] = model_id
        st.success(f"Training {model_id} started.")


@common.live_fragment(1.5)
def _training_progress(job_id: str) -> None:
    job = common.api().job(job_id)
    model_id = job["params"].get("model_id", "")
    st.progress(float(job["progress"]) / 100, text=f"Training {model_id}: {job['status']}")
    if job["status"] == "failed":
        st.error(f"{job['error_message']} (code: {job['error_code']})")
    if job["status"] in {"succeeded", "failed", "cancelled"}:
        st.session_state.pop("fit_job", None)
        if job["status"] == "succeeded":
            st.rerun()  # the whole page, so the new model appears in the list


def _model_table(models: list[dict[str, Any]]) -> None:
    table = pd.DataFrame(
        [
            {
                "id": m["id"],
                "name": m["name"],
                "version": m["version"],
                "algorithm": m["params"].get("model"),
                "status": m["status"],
                "stage": m["stage"],
                "protected": "🔒" if m["protected"] else "",
                "macro F1": m.get("macro_f1"),
                "created": m["created_at"][:19].replace("T", " "),
            }
            for m in models
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        key="models_table",
        column_config={"macro F1": st.column_config.NumberColumn(format="%.3f")},
    )


def _actions(model: dict[str, Any]) -> None:
    cols = st.columns(5)
    client, model_id = common.api(), model["id"]
    message = None
    if cols[0].button("Promote to production", disabled=model["stage"] == "production"):
        client.promote_model(model_id, "production")
        message = f"{model_id} is now the production model"
    if cols[1].button("Load"):
        message = client.load_model(model_id)["message"]
    if cols[2].button("Unload"):
        message = client.unload_model(model_id)["message"]
    force = cols[4].checkbox("Force (protected)", disabled=not model["protected"])
    if cols[3].button("Remove", disabled=model["protected"] and not force):
        message = client.remove_nlp(model_id, force=force)["message"]
    if model["protected"]:
        st.caption("🔒 Protected: the default model; removing it needs 'Force'.")
    if message:
        common.forget_cached_reads()
        st.success(message)


def _report(model_id: str) -> None:
    stats = common.read("statistics", model_id)
    cols = st.columns(4)
    cols[0].metric("Accuracy", f"{stats['accuracy']:.3f}")
    cols[1].metric("Macro F1", f"{stats['macro_avg']['f1_score']:.3f}")
    cols[2].metric("Weighted F1", f"{stats['weighted_avg']['f1_score']:.3f}")
    if stats.get("roc_auc") is not None:
        cols[3].metric("ROC AUC", f"{stats['roc_auc']:.3f}")
    per_class = pd.DataFrame(stats["classes"]).T.rename_axis("class").reset_index()
    left, right = st.columns(2)
    with left:
        long = per_class.melt("class", ["precision", "recall", "f1_score"], "metric")
        figure = px.bar(long, x="class", y="value", color="metric", barmode="group")
        figure.update_layout(title="Per-class metrics", height=380, margin={"t": 40, "b": 10})
        st.plotly_chart(figure, key="per_class_chart")
    with right:
        matrix = stats["confusion_matrix"]
        figure = px.imshow(
            matrix["matrix"],
            x=matrix["labels"],
            y=matrix["labels"],
            labels={"x": "predicted", "y": "true", "color": "tickets"},
            text_auto=True,
            color_continuous_scale="Blues",
        )
        figure.update_layout(title="Confusion matrix", height=380, margin={"t": 40, "b": 10})
        st.plotly_chart(figure, key="confusion_chart")
    with st.expander("Classification report"):
        st.dataframe(per_class.round(3), hide_index=True)


def _roc_curves(labels: dict[str, str]) -> None:
    st.subheader("ROC curves")
    chosen = st.multiselect(
        "Models", list(labels), list(labels)[:2], format_func=labels.__getitem__, key="roc_models"
    )
    reports = {m: common.read("statistics", m) for m in chosen}
    classes = sorted({c for r in reports.values() for c in (r.get("roc_curves") or {})})
    if not classes:
        st.caption("No ROC curves for these models.")
        return
    picked = st.selectbox("Class (one against the rest)", classes, key="roc_class")
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], line={"dash": "dot"}, name="chance", showlegend=False)
    )
    for model_id, report in reports.items():
        curve = (report.get("roc_curves") or {}).get(picked)
        if curve:
            figure.add_trace(go.Scatter(x=curve["fpr"], y=curve["tpr"], name=model_id))
    figure.update_layout(
        xaxis_title="false positive rate",
        yaxis_title="true positive rate",
        height=420,
        margin={"t": 20, "b": 10},
    )
    st.plotly_chart(figure, key="roc_chart")
