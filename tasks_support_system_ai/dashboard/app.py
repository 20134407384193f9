"""The dashboard's entry point: ``streamlit run`` this file (``support-ai serve`` does)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from tasks_support_system_ai.dashboard import common
from tasks_support_system_ai.dashboard.views import (
    data,
    forecast,
    jobs,
    models,
    overview,
    predict,
    queues,
    topics,
)

PAGES = [
    (overview.render, "Overview", "overview", ":material/home:"),
    (data.render, "Data", "data", ":material/database:"),
    (queues.render, "Queues", "queues", ":material/account_tree:"),
    (forecast.render, "Forecast", "forecast", ":material/trending_up:"),
    (models.render, "Ticket models", "models", ":material/model_training:"),
    (topics.render, "Topics and text", "topics", ":material/topic:"),
    (predict.render, "Predict", "predict", ":material/label:"),
    (jobs.render, "Jobs", "jobs", ":material/schedule:"),
]


def _guarded(render: Callable[[], None], name: str) -> Callable[[], None]:
    """The page's render wrapped so that errors show as one plain sentence."""

    def page() -> None:
        common.run_page(render)

    page.__name__ = name
    return page


def main() -> None:
    st.set_page_config(page_title="Support AI", page_icon=":material/support_agent:", layout="wide")
    pages = [
        st.Page(
            _guarded(render, path),
            title=title,
            url_path=None if path == "overview" else path,
            icon=icon,
            default=path == "overview",
        )
        for render, title, path, icon in PAGES
    ]
    page = st.navigation(pages)
    common.sidebar()
    page.run()


main()
