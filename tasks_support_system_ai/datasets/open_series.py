"""The four open daily-series evaluation sets, read into arrays (benchmarks and notebooks).

Each set is a matrix of daily values (rows = series) with, where the data has one, a
two-level hierarchy: one total row that equals the sum of its child rows. The files are the
ones described in ``<evalsets>/README.md``; their layout is fixed, so parsing is strict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.errors import NotFoundError

__all__ = ["SERIES_SETS", "SeriesSet", "load_series_set"]

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]

SERIES_SETS = ("website_visitors", "ed_arrivals_uihc", "sandy_311", "nn5_atm")


@dataclass(frozen=True)
class SeriesSet:
    """Daily series on one calendar; ``total`` sums the ``children`` rows exactly when set."""

    name: str
    names: tuple[str, ...]
    values: FloatArray  # (n_series, n_days)
    dates: DayArray  # datetime64[D], consecutive days
    total: int | None = None
    children: tuple[int, ...] = ()
    imputed: int = 0  # missing values filled (nn5 only), see ``_fill_weekly``

    def row(self, name: str) -> FloatArray:
        row: FloatArray = self.values[self.names.index(name)]
        return row

    def level_of(self, row: int) -> str:
        """``total``, ``bottom`` (children of the total) or ``series`` (no hierarchy)."""
        if row == self.total:
            return "total"
        return "bottom" if row in self.children else "series"


def load_series_set(name: str, root: Path) -> SeriesSet:
    """One open set by name from the evalsets folder ``root``."""
    readers = {
        "website_visitors": _website,
        "ed_arrivals_uihc": _ed_arrivals,
        "sandy_311": _sandy,
        "nn5_atm": _nn5,
    }
    if name not in readers:
        raise NotFoundError(
            f"Unknown series set '{name}'; known: {', '.join(SERIES_SETS)}",
            code="series_set_not_found",
        )
    folder = root / name
    if not folder.is_dir():
        raise NotFoundError(f"Series set '{name}' is not present", code="series_set_not_found")
    return readers[name](folder)


def _website(folder: Path) -> SeriesSet:
    frame = pd.read_csv(folder / "daily-website-visitors.csv", thousands=",")
    columns = ["Unique.Visits", "First.Time.Visits", "Returning.Visits", "Page.Loads"]
    dates = pd.to_datetime(frame["Date"], format="%m/%d/%Y")
    return SeriesSet(
        "website_visitors",
        tuple(columns),
        frame[columns].to_numpy(np.float64).T.copy(),
        _days(dates),
        total=0,
        children=(1, 2),
    )


def _ed_arrivals(folder: Path) -> SeriesSet:
    frame = pd.read_csv(folder / "uihc_ed_arrivals_daily.csv")
    values = frame["Arrivals"].to_numpy(np.float64)[np.newaxis]
    dates = _days(pd.to_datetime(frame["Date"]))
    return SeriesSet("ed_arrivals_uihc", ("Arrivals",), values, dates)


def _sandy(folder: Path) -> SeriesSet:
    frame = pd.read_csv(folder / "sandy-311-calls-by-day.csv")
    dates = pd.to_datetime(frame.pop("date"), format="%m/%d/%y")
    columns = ["total", *(c for c in frame.columns if c != "total")]
    return SeriesSet(
        "sandy_311",
        tuple(columns),
        frame[columns].to_numpy(np.float64).T.copy(),
        _days(dates),
        total=0,
        children=tuple(range(1, len(columns))),
    )


def _nn5(folder: Path) -> SeriesSet:
    frame = pd.read_csv(folder / "nn5_daily_long.csv", parse_dates=["date"])
    wide = frame.pivot(index="date", columns="series_id", values="value").sort_index()
    values = wide.to_numpy(np.float64).T.copy()
    missing = int(np.isnan(values).sum())
    return SeriesSet(
        "nn5_atm",
        tuple(str(c) for c in wide.columns),
        _fill_weekly(values),
        _days(wide.index.to_series()),
        imputed=missing,
    )


def _fill_weekly(values: FloatArray) -> FloatArray:
    """Missing days take the value of the same weekday a week earlier (later, at the start).

    NN5's gaps are days the ATM reported nothing; its day-of-week pattern dominates, so the
    same weekday's value is the least disturbing fill. Counted in ``SeriesSet.imputed``.
    """
    out = values.copy()
    for _ in range(out.shape[1] // 7 + 1):
        gaps = np.isnan(out)
        if not gaps.any():
            break
        previous = np.full_like(out, np.nan)
        previous[:, 7:] = out[:, :-7]
        following = np.full_like(out, np.nan)
        following[:, :-7] = out[:, 7:]
        fill = np.where(np.isnan(previous), following, previous)
        out[gaps] = fill[gaps]
    return np.nan_to_num(out, nan=0.0)


def _days(dates: pd.Series) -> DayArray:
    days: DayArray = dates.to_numpy().astype("datetime64[D]")
    if days.size > 1 and not (np.diff(days) == np.timedelta64(1, "D")).all():
        raise ValueError("expected consecutive days")  # the files are fixed; a change is a bug
    return days
