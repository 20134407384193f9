"""What every page shares: the API client, cached reads, the queue picker, plain errors.

The dashboard talks to the service only over HTTP through :mod:`tasks_support_system_ai.client`;
it imports no domain module. Reads are cached with ``st.cache_data`` keyed by the active
dataset versions, so an upload or a roll-back invalidates them at once, and with a TTL.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, ParamSpec

import streamlit as st

from tasks_support_system_ai.client import DEFAULT_URL, ApiError, SupportAIClient, resolve_api_key

log = logging.getLogger(__name__)
CACHE_TTL_S = 300
VERSIONS_TTL_S = 3
FORECAST_MODELS = ["auto", "naive", "median", "es", "sarima", "prophet", "gbm", "linear", "vets"]
SYNTHETIC_NOTE = "Synthetic demo data: generated, not real tickets."


def api_url() -> str:
    """``SUPPORT_AI_API_URL`` (set by ``support-ai serve`` / ``support-ai dashboard``)."""
    return os.environ.get("SUPPORT_AI_API_URL", DEFAULT_URL).rstrip("/")


def api_key() -> str | None:
    """The key typed into the sign-in box, else the one from settings or the key file."""
    typed = st.session_state.get("api_key")
    return str(typed) if typed else resolve_api_key()


@st.cache_resource(show_spinner=False)
def _client(url: str, key: str | None) -> SupportAIClient:
    return SupportAIClient(url, api_key=key)


def api() -> SupportAIClient:
    """The client for the current API address and key (one per pair, shared by sessions)."""
    return _client(api_url(), api_key())


@st.cache_data(ttl=VERSIONS_TTL_S, show_spinner=False)
def _active_versions(url: str, key: str | None) -> tuple[int, ...]:
    return tuple(sorted(v["id"] for v in _client(url, key).datasets() if v["active"]))


def data_versions() -> tuple[int, ...]:
    """Ids of the active dataset versions: part of every cached read's key."""
    return _active_versions(api_url(), api_key())


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=2000)
def _cached_read(  # noqa: PLR0917  # st.cache_data hashes positional arguments
    url: str,
    key: str | None,
    versions: tuple[int, ...],
    method: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    del versions  # only part of the cache key
    return getattr(_client(url, key), method)(*args, **dict(kwargs))


def read(method: str, *args: Any, **kwargs: Any) -> Any:
    """A cached client read, e.g. ``read("queue_stats", 0, granularity="weekly")``."""
    url, key = api_url(), api_key()
    versions = _active_versions(url, key)
    return _cached_read(url, key, versions, method, args, tuple(sorted(kwargs.items())))


def forget_cached_reads() -> None:
    """After a write (upload, activate, train) the next reads go to the API."""
    _cached_read.clear()
    _active_versions.clear()


def describe(error: ApiError) -> str:
    """One plain sentence with the error's code; never a traceback."""
    if error.code in {"api_unreachable", "api_timeout"}:
        hint = "is `support-ai serve` running?"
        return f"{error.message} — {hint} (code: {error.code})"
    if error.status in {401, 403}:
        return f"{error.message} — sign in with an API key in the sidebar (code: {error.code})"
    return f"{error.message} (code: {error.code})"


def show_error(error: ApiError) -> None:
    st.error(describe(error), icon=":material/error:")


def run_page(render: Callable[[], None]) -> None:
    """Render a page; an API error becomes one plain sentence, anything else a generic one."""
    try:
        render()
    except ApiError as error:
        show_error(error)
    except Exception:  # never show a traceback to a person
        st.error(
            "This page could not be shown because of an unexpected error (code: dashboard_error)"
        )


P = ParamSpec("P")


def live_fragment(every_s: float) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """``st.fragment(run_every=...)`` whose API errors show as one plain sentence too."""

    def decorate(func: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(func)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                func(*args, **kwargs)
            except ApiError as error:
                show_error(error)

        fragment: Callable[P, None] = st.fragment(guarded, run_every=every_s)
        return fragment

    return decorate


def sidebar() -> None:
    """API address, sign-in box and a note when the data is synthetic."""
    with st.sidebar:
        st.caption(f"API: {api_url()}")
        with st.expander("Sign in", expanded=False):
            st.text_input(
                "API key",
                type="password",
                key="api_key",
                help="Needed for uploads, training and other changes when the API requires keys",
            )
        try:
            status = read("data_status")
        except ApiError:
            return
        if status.get("synthetic"):
            st.warning(SYNTHETIC_NOTE, icon=":material/science:")


def data_note(status: dict[str, Any]) -> str:
    return "synthetic demo data" if status.get("synthetic") else "uploaded data"


# --- queue picker ------------------------------------------------------------------------------


def queue_label(queue: dict[str, Any]) -> str:
    return f"{queue['name']} · #{queue['id']} · {queue['load']:,} tickets"


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _all_queues(url: str, key: str | None, versions: tuple[int, ...]) -> list[dict[str, Any]]:
    del versions
    grouped = _client(url, key).queues()["queues_by_level"]
    return [q for level in sorted(grouped, key=int) for q in grouped[level]]


def all_queues() -> list[dict[str, Any]]:
    """Every queue (level order, busiest first): the searchable list."""
    url, key = api_url(), api_key()
    return _all_queues(url, key, _active_versions(url, key))


def queue_picker(key: str = "queue") -> int:
    """Pick a queue by walking the tree (level → queue) or by searching id or name.

    The choice is kept in ``st.session_state["queue_id"]`` so every page shows the same queue.
    """
    chosen = int(st.session_state.get("queue_id", 0))
    mode = st.radio(
        "Find a queue",
        ["Browse the tree", "Search by name or id"],
        horizontal=True,
        key=f"{key}_mode",
    )
    if mode == "Search by name or id":
        queues = all_queues()
        ids = [0, *[q["id"] for q in queues]]
        labels = {0: "All queues · #0", **{q["id"]: queue_label(q) for q in queues}}
        index = ids.index(chosen) if chosen in labels else 0
        picked = st.selectbox(
            f"Queue ({len(queues):,}; type to search)",
            ids,
            index=index,
            format_func=labels.__getitem__,
            key=f"{key}_search",
        )
        chosen = int(picked)
    else:
        chosen = _browse(key, chosen)
    st.session_state["queue_id"] = chosen
    return chosen


def _browse(key: str, chosen: int) -> int:
    """One select per level; each lists the children of the queue chosen above it."""
    path_ids = [q["id"] for q in read("queue_children", chosen)["path"]] if chosen else []
    parent, parent_name = 0, "All queues"
    columns = st.columns(3)
    for depth in range(6):
        children = read("queue_children", parent)["children"]
        if not children:
            break
        ids = [None, *[q["id"] for q in children]]
        labels: dict[int | None, str] = {q["id"]: queue_label(q) for q in children}
        labels[None] = f"All of {parent_name}" if depth else "All queues"
        wanted = path_ids[depth] if depth < len(path_ids) else None
        with columns[depth % 3]:
            picked = st.selectbox(
                f"Level {depth + 1}",
                ids,
                index=ids.index(wanted) if wanted in ids else 0,
                format_func=labels.__getitem__,
                key=f"{key}_level_{depth}_{parent}",
            )
        if picked is None:
            break
        parent, parent_name = int(picked), labels[picked].split(" · ")[0]
    return parent
