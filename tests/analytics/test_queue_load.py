"""QueueLoad against pandas brute force on random forests and random ticket tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import forests

from tasks_support_system_ai.analytics import Granularity, QueueLoad
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree

BASE_DAY = date(2019, 11, 20)
UNKNOWN_IDS = (50_001, 50_002, 50_003)


@dataclass(frozen=True)
class Case:
    frame: pd.DataFrame
    tickets: pd.DataFrame


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A forest plus tickets on any queue (inner ones too) and on a few unknown ids."""
    frame = draw(forests())
    queue = st.sampled_from([*frame["queueId"].tolist(), *UNKNOWN_IDS])
    row = st.tuples(queue, st.integers(0, 100), st.integers(0, 20))
    rows = draw(st.lists(row, min_size=1, max_size=80))
    tickets = pd.DataFrame(
        {
            "queueId": np.array([q for q, _, _ in rows], dtype=np.int64),
            "date": pd.to_datetime([BASE_DAY + timedelta(days=d) for _, d, _ in rows]).astype(
                "datetime64[ns]"
            ),
            "new_tickets": np.array([c for _, _, c in rows], dtype=np.int64),
        }
    )
    return Case(frame, tickets)


def subtree_ids(frame: pd.DataFrame, queue_id: int) -> set[int]:
    """The queue and its descendants by naive recursion over the parent column."""
    children: dict[int, list[int]] = {}
    for q, p in zip(frame["queueId"].tolist(), frame["parentId"].tolist(), strict=True):
        if not pd.isna(p):
            children.setdefault(int(p), []).append(int(q))

    def walk(q: int) -> set[int]:
        return {q}.union(*(walk(c) for c in children.get(q, [])))

    return walk(queue_id)


def reference_series(case: Case, queue_id: int) -> pd.Series:
    """Filter the node's (root: all) tickets, sum per date, zero-fill the full date range."""
    tickets = case.tickets
    if queue_id != ROOT_ID:
        tickets = tickets[tickets["queueId"].isin(subtree_ids(case.frame, queue_id))]
    days = pd.date_range(case.tickets["date"].min(), case.tickets["date"].max(), freq="D")
    return tickets.groupby("date")["new_tickets"].sum().reindex(days, fill_value=0)


def build(case: Case) -> QueueLoad:
    return QueueLoad.build(QueueTree.from_frame(case.frame), case.tickets)


@settings(max_examples=60, deadline=None)
@given(case=cases())
def test_every_series_matches_brute_force(case: Case) -> None:
    load = build(case)
    for i, q in enumerate(load.tree.ids.tolist()):
        expected = reference_series(case, q)
        dates, values = load.series(q)
        np.testing.assert_array_equal(dates, expected.index.values.astype("datetime64[D]"))
        np.testing.assert_array_equal(values, expected.to_numpy())
        assert values.dtype == np.int64
        assert load.totals()[i] == expected.sum()
    assert load.totals()[0] == case.tickets["new_tickets"].sum()


@settings(max_examples=60, deadline=None)
@given(case=cases())
def test_unknown_queue_counters(case: Case) -> None:
    load = build(case)
    unknown = case.tickets[~case.tickets["queueId"].isin(case.frame["queueId"])]
    assert load.unknown_queue_tickets == unknown["new_tickets"].sum()
    assert load.unknown_queue_ids == unknown["queueId"].nunique()


def random_range(data: st.DataObject, load: QueueLoad) -> tuple[date | None, date | None]:
    """A range overlapping the data, sometimes open-ended or sticking out of it."""
    first, last = load.dates[0].item(), load.dates[-1].item()
    span = (last - first).days
    lo = data.draw(st.integers(-10, span))
    hi = data.draw(st.integers(max(lo, 0), span + 10))
    start = data.draw(st.none() | st.just(first + timedelta(days=lo)))
    end = data.draw(st.none() | st.just(first + timedelta(days=hi)))
    return start, end


def reference_window(case: Case, queue_id: int, start: date | None, end: date | None) -> pd.Series:
    series = reference_series(case, queue_id)
    return series.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]


@settings(max_examples=60, deadline=None)
@given(case=cases(), data=st.data())
def test_resample_matches_pandas(case: Case, data: st.DataObject) -> None:
    load = build(case)
    q = data.draw(st.sampled_from(load.tree.ids.tolist()))
    start, end = random_range(data, load)
    window = reference_window(case, q, start, end)
    for granularity, rule in ((Granularity.WEEKLY, "W"), (Granularity.MONTHLY, "ME")):
        expected = window.resample(rule).sum()
        labels, sums = load.resample(q, granularity, start, end)
        np.testing.assert_array_equal(labels, expected.index.values.astype("datetime64[D]"))
        np.testing.assert_array_equal(sums, expected.to_numpy())
    labels, sums = load.resample(q, Granularity.DAILY, start, end)
    np.testing.assert_array_equal(labels, window.index.values.astype("datetime64[D]"))
    np.testing.assert_array_equal(sums, window.to_numpy())


@settings(max_examples=60, deadline=None)
@given(case=cases(), data=st.data())
def test_profiles_match_pandas_groupby(case: Case, data: st.DataObject) -> None:
    load = build(case)
    q = data.draw(st.sampled_from(load.tree.ids.tolist()))
    start, end = random_range(data, load)
    window = reference_window(case, q, start, end)
    days = pd.DatetimeIndex(window.index)
    by_weekday = window.groupby(days.day_of_week).mean().reindex(range(7), fill_value=0.0)
    np.testing.assert_allclose(load.weekday_profile(q, start, end), by_weekday.to_numpy())
    mondays = days - pd.to_timedelta(days.day_of_week.to_numpy(), unit="D")
    by_week = window.groupby(mondays).mean()
    weeks, means = load.weekly_profile(q, start, end)
    np.testing.assert_array_equal(weeks, by_week.index.values.astype("datetime64[D]"))
    np.testing.assert_allclose(means, by_week.to_numpy())


def test_series_is_a_read_only_view() -> None:
    frame = pd.DataFrame(
        {"queueId": [1], "parentId": pd.array([None], dtype="Int64"), "name": ["a"]}
    )
    tickets = pd.DataFrame(
        {
            "queueId": [1, 1],
            "date": pd.to_datetime(["2020-01-01", "2020-01-04"]),
            "new_tickets": [3, 4],
        }
    )
    load = QueueLoad.build(QueueTree.from_frame(frame), tickets)
    dates, values = load.series(1, date(2020, 1, 2), date(2020, 1, 4))
    assert values.tolist() == [0, 0, 4]
    assert dates.tolist() == [date(2020, 1, 2), date(2020, 1, 3), date(2020, 1, 4)]
    assert values.base is not None
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        load.totals()[0] = 1
