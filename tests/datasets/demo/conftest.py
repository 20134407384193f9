"""One demo generation shared by every demo-data test (generating takes ~1 s)."""

from __future__ import annotations

import pandas as pd
import pytest

from tasks_support_system_ai.datasets.demo import DemoFiles, generate_demo

DEMO_SEED = 42


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("demo"), seed=DEMO_SEED, progress=False)


@pytest.fixture(scope="session")
def demo_hierarchy(demo_files: DemoFiles) -> pd.DataFrame:
    return pd.read_parquet(demo_files.hierarchy)


@pytest.fixture(scope="session")
def demo_tickets(demo_files: DemoFiles) -> pd.DataFrame:
    frame = pd.read_parquet(demo_files.tickets)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture(scope="session")
def demo_daily_totals(demo_tickets: pd.DataFrame) -> pd.Series:
    """All-queue total per day, indexed by a DatetimeIndex."""
    totals = demo_tickets.groupby("date")["new_tickets"].sum()
    return totals.set_axis(pd.DatetimeIndex(totals.index))


@pytest.fixture(scope="session")
def demo_texts(demo_files: DemoFiles) -> pd.DataFrame:
    return pd.read_parquet(demo_files.ticket_texts)
