"""Splitting a time span into parts: no gaps, no overlaps, the maximum included once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.labeling import TimeRange, split_by_rows, split_time_range

START = datetime(2020, 1, 1)


def test_parts_are_contiguous_and_only_the_last_is_closed() -> None:
    ranges = split_time_range(START, START + timedelta(days=3), 3)
    assert [(r.start.day, r.end.day, r.closed_end) for r in ranges] == [
        (1, 2, False),
        (2, 3, False),
        (3, 4, True),
    ]


def test_single_instant_is_covered_by_the_last_part_only() -> None:
    ranges = split_time_range(START, START, 3)
    assert [r.contains(START) for r in ranges] == [False, False, True]


moments = st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(moments, min_size=1, max_size=30), st.integers(1, 12))
def test_every_moment_falls_in_exactly_one_part(times: list[datetime], parts: int) -> None:
    start, end = min(times), max(times)
    ranges = split_time_range(start, end, parts)
    assert len(ranges) == parts
    assert ranges[0].start == start
    assert ranges[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(ranges))
    boundaries = [r.start for r in ranges] + [end]
    for moment in [*times, *boundaries]:
        assert sum(r.contains(moment) for r in ranges) == 1, moment


def test_round_trips_through_a_dict() -> None:
    value = TimeRange(START, START + timedelta(hours=1), closed_end=True)
    assert TimeRange.from_dict(value.to_dict()) == value


@pytest.mark.parametrize(
    ("start", "end", "parts", "code"),
    [
        (START, START, 0, "invalid_parts"),
        (START, START, True, "invalid_parts"),
        (START + timedelta(1), START, 2, "invalid_time_range"),
        (START, datetime(2021, 1, 1, tzinfo=UTC), 2, "invalid_time_range"),
    ],
)
def test_bad_requests_are_domain_errors(
    start: datetime, end: datetime, parts: int, code: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        split_time_range(start, end, parts)
    assert caught.value.code == code


def test_split_by_rows_balances_skewed_volume_and_covers_each_row_once() -> None:
    start = datetime(2020, 1, 1)
    minutes = np.concatenate([np.arange(0, 1000, 10), np.arange(1000, 1300)])  # busy at the end
    times = (np.datetime64(start) + minutes.astype("timedelta64[m]")).astype("datetime64[us]")
    end = times.max().item()
    ranges = split_by_rows(times, start, end, 4)
    counts = [sum(r.contains(t.item()) for t in times) for r in ranges]
    assert sum(counts) == len(times)
    assert max(counts) - min(counts) <= 1
    spans = [(r.end - r.start).total_seconds() for r in ranges]
    assert spans[0] > spans[-1]  # the quiet early period gets a longer span


def test_split_by_rows_falls_back_to_equal_spans_without_distinct_cut_points() -> None:
    start, end = datetime(2020, 1, 1), datetime(2020, 1, 2)
    same = np.array([np.datetime64(start)] * 10, dtype="datetime64[us]")
    assert split_by_rows(same, start, end, 3) == split_time_range(start, end, 3)
