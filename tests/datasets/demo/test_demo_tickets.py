"""Daily ticket counts carry the patterns forecasters need: week, year, holidays, lifecycles."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from tasks_support_system_ai.datasets.demo import DemoFiles

START, END = pd.Timestamp("2017-01-01"), pd.Timestamp("2020-09-30")
OTHER_HOLIDAYS = [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]


def _unknown(tickets: pd.DataFrame, hierarchy: pd.DataFrame) -> pd.Series:
    return ~tickets["queueId"].isin(hierarchy["queueId"])


def _days(series: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(series.index)


def test_schema(demo_files: DemoFiles) -> None:
    schema = pq.read_schema(demo_files.tickets)
    assert [str(schema.field(c).type) for c in ("queueId", "date", "new_tickets")] == [
        "int64",
        "date32[day]",
        "int64",
    ]


def test_period_rows_and_totals(demo_tickets: pd.DataFrame) -> None:
    assert demo_tickets["date"].min() == START
    assert demo_tickets["date"].max() == END
    # 2017-01-01..2020-09-30 inclusive is 1,369 calendar days.
    assert demo_tickets["date"].nunique() == (END - START).days + 1 == 1_369
    assert (demo_tickets["new_tickets"] > 0).all()
    assert not demo_tickets.duplicated(["queueId", "date"]).any()
    assert 14e6 <= demo_tickets["new_tickets"].sum() <= 16e6


def test_queues_include_leaves_and_inner(
    demo_tickets: pd.DataFrame, demo_hierarchy: pd.DataFrame
) -> None:
    queues = pd.Series(demo_tickets["queueId"].unique())
    assert 800 <= len(queues) <= 860
    inner = queues.isin(demo_hierarchy["parentId"].dropna())
    assert inner.sum() > 50
    assert (~inner).sum() > 400


def test_unknown_queue_share(demo_tickets: pd.DataFrame, demo_hierarchy: pd.DataFrame) -> None:
    unknown = _unknown(demo_tickets, demo_hierarchy)
    share = demo_tickets.loc[unknown, "new_tickets"].sum() / demo_tickets["new_tickets"].sum()
    assert 0.07 <= share <= 0.09
    assert 20 <= demo_tickets.loc[unknown, "queueId"].nunique() <= 60


def test_heavy_tailed_queue_sizes(demo_tickets: pd.DataFrame) -> None:
    sizes = demo_tickets.groupby("queueId")["new_tickets"].sum().sort_values(ascending=False)
    assert sizes.head(10).sum() > 0.2 * sizes.sum()
    assert sizes.median() < sizes.mean() / 3


def test_weekend_dip(demo_daily_totals: pd.Series) -> None:
    weekend = _days(demo_daily_totals).day_of_week >= 5
    ratio = demo_daily_totals[weekend].mean() / demo_daily_totals[~weekend].mean()
    assert 0.5 <= ratio <= 0.6


def test_september_is_the_yearly_peak(demo_daily_totals: pd.Series) -> None:
    by_month = demo_daily_totals.groupby(_days(demo_daily_totals).month).mean()
    assert by_month.idxmax() == 9


def test_new_year_drop(demo_daily_totals: pd.Series) -> None:
    january = demo_daily_totals[_days(demo_daily_totals).month == 1]
    holidays = _days(january).day <= 8
    assert january[holidays].mean() < 0.6 * january[~holidays].mean()


def test_other_public_holidays_drop(demo_daily_totals: pd.Series) -> None:
    days = _days(demo_daily_totals)
    holiday = pd.Series([(d.month, d.day) in OTHER_HOLIDAYS for d in days], index=days)
    weekday = days.day_of_week < 5
    assert demo_daily_totals[holiday & weekday].mean() < 0.75 * demo_daily_totals[weekday].mean()


def test_queues_open_and_close_within_period(demo_tickets: pd.DataFrame) -> None:
    big = demo_tickets.groupby("queueId")["new_tickets"].sum() > 2_000
    first = demo_tickets.groupby("queueId")["date"].min()[big]
    last = demo_tickets.groupby("queueId")["date"].max()[big]
    assert (first > START + pd.Timedelta(days=180)).sum() >= 10
    assert (last < END - pd.Timedelta(days=180)).sum() >= 10
