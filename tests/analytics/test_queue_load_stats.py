"""QueueStats on a hand-checked example, against pandas on random data, and request errors."""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, datetime
from typing import cast

import numpy as np
import pandas as pd
import pytest

from tasks_support_system_ai.analytics import (
    Granularity,
    LoadSummary,
    QueueLoad,
    QueueStructure,
    TimeSummary,
    queue_structure,
)
from tasks_support_system_ai.errors import DatasetValidationError, InvalidInputError, NotFoundError
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree


@pytest.fixture(scope="module")
def load() -> QueueLoad:
    """1 → 2 → 3 and 4 at the top; tickets 2024-01-04 (Thu) .. 2024-01-16 (Tue)."""
    frame = pd.DataFrame(
        {
            "queueId": [1, 2, 3, 4],
            "parentId": pd.array([None, 1, 2, None], dtype="Int64"),
            "name": ["one", "two", "three", "four"],
            "level": [1, 2, 3, 1],
        }
    )
    rows = [
        (3, "2024-01-04", 4),
        (2, "2024-01-06", 6),
        (1, "2024-01-07", 2),
        (3, "2024-01-08", 10),
        (4, "2024-01-10", 5),
        (99, "2024-01-16", 7),
        (1, "2024-01-16", 1),
    ]
    tickets = pd.DataFrame(rows, columns=["queueId", "date", "new_tickets"])
    tickets["date"] = pd.to_datetime(tickets["date"]).astype("datetime64[ns]")
    return QueueLoad.build(QueueTree.from_frame(frame), tickets)


def test_hand_checked_daily_stats(load: QueueLoad) -> None:
    stats = load.stats(1)
    assert (stats.queue_id, stats.start_date, stats.end_date) == (
        1,
        date(2024, 1, 4),
        date(2024, 1, 16),
    )
    assert stats.granularity is Granularity.DAILY
    # daily values: 4 0 6 2 10 0 0 0 0 0 0 0 1 -> sorted: eight 0s, 1 2 4 6 10
    assert asdict(stats.load) == pytest.approx(
        asdict(LoadSummary(23, 23 / 13, 10, 0, 0.0, math.sqrt(126 / 13), 5.6, 7.6))
    )
    # weekend days Jan 6, 7, 13, 14 hold 6 + 2; the other nine days hold 15
    assert (stats.time.busiest_day, stats.time.quietest_day) == (date(2024, 1, 8), date(2024, 1, 5))
    assert (stats.time.weekend_avg, stats.time.weekday_avg) == pytest.approx((2.0, 15 / 9))
    assert stats.structure == QueueStructure(
        level=1, direct_children=1, all_descendants=2, leaf_nodes=1, depth=2, parent_id=None
    )


def test_hand_checked_weekly_and_monthly_stats(load: QueueLoad) -> None:
    weekly = load.stats(1, granularity=Granularity.WEEKLY)
    # weeks ending Jan 7 (Thu–Sun only), Jan 14, Jan 21 (Mon–Tue only): 12, 10, 1
    assert load.resample(1, Granularity.WEEKLY)[1].tolist() == [12, 10, 1]
    assert asdict(weekly.load) == pytest.approx(
        asdict(LoadSummary(23, 23 / 3, 12, 1, 10.0, math.sqrt(103 / 3), 11.6, 11.8))
    )
    assert (weekly.time.busiest_day, weekly.time.quietest_day) == (
        date(2024, 1, 7),
        date(2024, 1, 21),
    )
    assert weekly.time.weekend_avg == 2.0
    monthly = load.stats(1, granularity="monthly")  # type: ignore[arg-type]
    assert monthly.granularity is Granularity.MONTHLY
    assert (monthly.load.total_tickets, monthly.load.std_dev) == (23, 0.0)
    assert monthly.load.percentile_95 == 23.0
    assert monthly.time.busiest_day == monthly.time.quietest_day == date(2024, 1, 31)


def test_hand_checked_profiles(load: QueueLoad) -> None:
    profile = load.weekday_profile(1)
    np.testing.assert_allclose(profile, [5.0, 0.5, 0.0, 2.0, 0.0, 3.0, 1.0])
    weeks, means = load.weekly_profile(1)
    assert weeks.tolist() == [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)]
    np.testing.assert_allclose(means, [3.0, 10 / 7, 0.5])
    short = load.weekday_profile(1, date(2024, 1, 8), date(2024, 1, 9))
    np.testing.assert_allclose(short, [10.0, 0, 0, 0, 0, 0, 0])


def test_root_counts_unknown_queues_and_clips_ranges(load: QueueLoad) -> None:
    assert (load.unknown_queue_tickets, load.unknown_queue_ids) == (7, 1)
    assert load.totals().tolist() == [35, 23, 20, 14, 5]
    stats = load.stats(ROOT_ID, date(2024, 1, 8), datetime(2024, 1, 10, 18, 30))
    assert (stats.start_date, stats.end_date) == (date(2024, 1, 8), date(2024, 1, 10))
    assert (stats.load.total_tickets, stats.load.median_load) == (15, 5.0)
    assert stats.time == TimeSummary(date(2024, 1, 8), date(2024, 1, 9), 0.0, 5.0)
    clipped = load.stats(ROOT_ID, date(2023, 1, 1), date(2030, 1, 1))
    assert (clipped.start_date, clipped.end_date) == (date(2024, 1, 4), date(2024, 1, 16))
    single = load.stats(3, date(2024, 1, 8), date(2024, 1, 8))
    assert (single.load.total_tickets, single.load.std_dev) == (10, 0.0)


def test_queue_structure(load: QueueLoad) -> None:
    assert queue_structure(load.tree, ROOT_ID) == QueueStructure(0, 2, 4, 2, 3, None)
    assert queue_structure(load.tree, 3) == QueueStructure(3, 0, 0, 0, 0, 2)


@pytest.mark.parametrize(
    ("granularity", "rule"), [("daily", "D"), ("weekly", "W"), ("monthly", "ME")]
)
def test_stats_match_pandas_on_random_data(granularity: str, rule: str) -> None:
    rng = np.random.default_rng(7)
    days = pd.date_range("2019-12-18", "2020-05-09", freq="D")
    frame = pd.DataFrame(
        {"queueId": [1], "parentId": pd.array([None], dtype="Int64"), "name": ["a"]}
    )
    tickets = pd.DataFrame(
        {"queueId": 1, "date": days, "new_tickets": rng.poisson(20, days.size).astype(np.int64)}
    )
    load = QueueLoad.build(QueueTree.from_frame(frame), tickets)
    start, end = date(2020, 1, 3), date(2020, 4, 17)
    daily = tickets.set_index("date")["new_tickets"].loc[pd.Timestamp(start) : pd.Timestamp(end)]
    series = daily.resample(rule).sum()
    stats = load.stats(1, start, end, Granularity(granularity))
    expected = {
        "total_tickets": series.sum(),
        "avg_tickets": series.mean(),
        "peak_load": series.max(),
        "min_load": series.min(),
        "median_load": series.median(),
        "std_dev": series.std(),
        "percentile_90": series.quantile(0.9),
        "percentile_95": series.quantile(0.95),
    }
    assert asdict(stats.load) == pytest.approx(expected)
    assert stats.time.busiest_day == cast(pd.Timestamp, series.idxmax()).date()
    assert stats.time.quietest_day == cast(pd.Timestamp, series.idxmin()).date()
    weekend = pd.DatetimeIndex(daily.index).day_of_week >= 5
    averages = (stats.time.weekend_avg, stats.time.weekday_avg)
    assert averages == pytest.approx((daily[weekend].mean(), daily[~weekend].mean()))


def test_unknown_queue(load: QueueLoad) -> None:
    with pytest.raises(NotFoundError) as info:
        load.stats(12345)
    assert (info.value.code, info.value.details) == ("queue_not_found", {"queue_id": 12345})
    with pytest.raises(NotFoundError):
        load.series(99)  # tickets exist for 99, but it is not a queue


def test_start_after_end(load: QueueLoad) -> None:
    with pytest.raises(InvalidInputError) as info:
        load.series(1, date(2024, 1, 10), date(2024, 1, 9))
    assert info.value.code == "invalid_date_range"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2023, 1, 1), date(2024, 1, 3)),
        (date(2024, 1, 17), None),
        (None, date(2024, 1, 3)),
        (date(2025, 1, 1), date(2025, 2, 1)),
    ],
)
def test_range_outside_data(load: QueueLoad, start: date | None, end: date | None) -> None:
    with pytest.raises(InvalidInputError) as info:
        load.resample(1, Granularity.WEEKLY, start, end)
    assert info.value.code == "date_range_outside_data"
    assert "2024-01-04..2024-01-16" in info.value.message
    assert info.value.details["available_start"] == "2024-01-04"


def test_unknown_granularity(load: QueueLoad) -> None:
    with pytest.raises(InvalidInputError) as info:
        load.resample(1, "yearly")  # type: ignore[arg-type]
    assert info.value.code == "invalid_granularity"


def test_bad_ticket_tables(load: QueueLoad) -> None:
    empty = pd.DataFrame(
        {
            "queueId": np.array([], dtype=np.int64),
            "date": np.array([], dtype="datetime64[ns]"),
            "new_tickets": np.array([], dtype=np.int64),
        }
    )
    with pytest.raises(DatasetValidationError) as info:
        QueueLoad.build(load.tree, empty)
    assert info.value.code == "empty_dataset"
    with pytest.raises(DatasetValidationError) as info:
        QueueLoad.build(load.tree, empty.drop(columns="date"))
    assert info.value.code == "missing_column"
