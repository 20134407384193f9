"""Topics and text EDA: cluster the ticket texts into topics, name them; explore the texts."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from tasks_support_system_ai.dashboard import common

EDA_ROWS = 1000
TOP_TERMS = 10
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def render() -> None:
    st.title("Topics and text")
    topics_tab, eda_tab = st.tabs(["Topics (clustering)", "Text EDA"])
    with topics_tab:
        _topics()
    with eda_tab:
        _text_eda()


def _topics() -> None:
    with st.form("clustering"):
        automatic = st.toggle("Choose the number of topics by silhouette", True)
        cols = st.columns(3)
        k = cols[0].number_input("Topics (when not automatic)", 2, 200, 8)
        k_min = cols[1].number_input("Smallest k tried", 2, 200, 4)
        k_max = cols[2].number_input("Largest k tried", 2, 200, 12)
        started = st.form_submit_button("Start clustering", type="primary")
    if started:
        model_id = common.api().fit_clustering(
            None if automatic else int(k), int(k_min), int(k_max)
        )
        st.session_state["clustering_started"] = model_id
        st.success(f"Clustering {model_id} started.")
    runs = common.api().jobs(kind="clustering_fit", limit=20)
    if not runs:
        st.info("No clustering runs yet.")
        return
    _progress(runs)
    done = [j["params"]["model_id"] for j in runs if j["status"] == "succeeded"]
    if not done:
        return
    model_id = st.selectbox("Clustering run", done, key="clustering_run")
    _clusters(common.api().clustering_result(str(model_id)))


def _progress(runs: list[dict[str, Any]]) -> None:
    for job in runs:
        if job["status"] in {"queued", "running"}:
            st.progress(
                float(job["progress"]) / 100,
                text=f"Clustering {job['params']['model_id']}: {job['status']} "
                "(refresh the page or see Jobs)",
            )
        elif job["status"] == "failed":
            st.error(f"{job['error_message']} (code: {job['error_code']})")


def _clusters(result: dict[str, Any]) -> None:
    clusters = result["clusters"]
    names = {int(k): v for k, v in (result.get("cluster_names") or {}).items()}
    sizes = pd.DataFrame(
        {
            "topic": [names.get(c["cluster"]) or f"topic {c['cluster']}" for c in clusters],
            "tickets": [c["size"] for c in clusters],
        }
    )
    st.caption(f"{result['n_clusters']} topics")
    if result.get("silhouette_by_k"):
        scores = pd.Series(result["silhouette_by_k"], dtype=float)
        st.caption("Silhouette by k: " + ", ".join(f"{k}: {v:.3f}" for k, v in scores.items()))
    figure = px.bar(sizes, x="tickets", y="topic", orientation="h", title="Topic sizes")
    figure.update_layout(height=80 + 30 * len(sizes), margin={"t": 40, "b": 10})
    st.plotly_chart(figure, key="topic_sizes")
    for cluster in clusters:
        number = cluster["cluster"]
        with st.expander(f"{names.get(number) or f'topic {number}'} · {cluster['size']:,} tickets"):
            st.markdown("**Top terms:** " + ", ".join(cluster["top_terms"][:TOP_TERMS]))
            for ticket in cluster.get("representatives", [])[:3]:
                st.caption(ticket["text"][:400])
    _rename(result["id"], clusters, names)


def _rename(model_id: str, clusters: list[dict[str, Any]], names: dict[int, str]) -> None:
    with st.form("rename"):
        st.markdown("**Name the topics**")
        typed = {
            c["cluster"]: st.text_input(
                f"Topic {c['cluster']}",
                names.get(c["cluster"], ""),
                key=f"name_{model_id}_{c['cluster']}",
            )
            for c in clusters
        }
        if st.form_submit_button("Save names"):
            chosen = {k: v.strip() for k, v in typed.items() if v.strip()}
            common.api().name_clusters(model_id, chosen)
            st.success(f"Saved {len(chosen)} names.")


def _text_eda() -> None:
    sample = common.read("sample_data", "texts", EDA_ROWS)
    frame = pd.DataFrame(sample["data"], columns=sample["columns"])
    if frame.empty or "text" not in frame:
        st.info("No ticket texts loaded.")
        return
    st.caption(
        f"The first {len(frame):,} of {sample['shape'][0]:,} labeled ticket texts "
        "(the demo texts are synthetic)."
    )
    frame["characters"] = frame["text"].astype(str).str.len()
    figure = px.box(frame, x="label", y="characters", title="Text length by label")
    figure.update_layout(height=360, margin={"t": 40, "b": 10})
    st.plotly_chart(figure, key="length_chart")
    labels = sorted(frame["label"].astype(str).unique())
    label = st.selectbox("Label", labels, key="eda_label")
    texts = frame.loc[frame["label"].astype(str) == label, "text"].astype(str)
    words, bigrams = top_ngrams(texts)
    left, right = st.columns(2)
    left.dataframe(pd.DataFrame(words, columns=["word", "count"]), hide_index=True)
    right.dataframe(pd.DataFrame(bigrams, columns=["bigram", "count"]), hide_index=True)


def top_ngrams(
    texts: pd.Series, n: int = 15
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Most frequent words (3+ letters) and adjacent word pairs."""
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for text in texts:
        tokens = WORD.findall(text.lower())
        words.update(tokens)
        pairs.update(f"{a} {b}" for a, b in pairwise(tokens))
    return words.most_common(n), pairs.most_common(n)
