"""Where the current regime of a series begins, so models do not learn from a dead one.

A queue whose load halves (a lockdown, a product retired) or restarts after months of zeros
has two regimes; a model fitted across both learns a level, trend and weekly swing that
belong to neither. The rule here is deliberately coarse: compare whole weeks, so weekday
patterns and single spikes cannot trigger it, and only cut when the newer regime is long
enough to fit on.
"""

from __future__ import annotations

import numpy as np

from tasks_support_system_ai.forecasting.base import FloatArray

__all__ = ["regime_start"]

MIN_WEEKS_AFTER = 8  # the new regime must hold this long before it is trusted alone
WEEKS_BEFORE = 13  # a quarter of weeks describes the old level
RATIO = 1.6  # a change of the weekly level by this factor or more is a shift
YEAR_WEEKS = 52


def regime_start(values: FloatArray, season: int = 7) -> int:
    """Index of the first period of the latest regime (0 when there was no level shift).

    Weekly totals (blocks of ``season`` counted back from the end) are compared at each
    block boundary: the median of the ``WEEKS_BEFORE`` blocks before it against the median of
    all blocks after it. Boundaries where they differ by ``RATIO`` or more, with at least
    ``MIN_WEEKS_AFTER`` blocks after it and the last weeks still away from the old level, are
    candidates; of the latest run of them the one separating the levels most is the start.
    A change the same weeks a year earlier also showed is a yearly wave, not a shift. A series
    whose last weeks are zero is left whole.
    """
    blocks = values.size // season
    if blocks < MIN_WEEKS_AFTER + 2:
        return 0
    weekly = values[values.size - blocks * season :].reshape(blocks, season).sum(axis=1)
    if float(np.median(weekly[-4:])) <= 0:
        return 0  # in a zero run now: the zeros themselves are what the model must see
    offset = values.size - blocks * season
    run: list[tuple[float, int]] = []  # (strength, boundary) of consecutive qualifying ones
    for after in range(MIN_WEEKS_AFTER, blocks - 1):  # latest boundary first
        boundary = blocks - after
        new = float(np.median(weekly[boundary:]))
        before = weekly[max(0, boundary - WEEKS_BEFORE) : boundary]
        old = float(np.median(before))
        if (
            new > 0
            and _shifted(old, new)
            and _shifted(old, float(np.median(weekly[boundary : boundary + 4])))  # starts here
            and _settled(weekly[boundary:], old)
            and not _seasonal(weekly, boundary, new / old if old > 0 else np.inf)
        ):
            run.append((abs(np.log((new + 1) / (float(before.mean()) + 1))), boundary))
        elif run:
            break
    if not run:
        return 0
    # The boundaries near a shift all qualify; the true one separates the levels most.
    _, boundary = max(run)
    return offset + boundary * season


def _seasonal(weekly: FloatArray, boundary: int, change: float) -> bool:
    """The same weeks a year earlier were at the new level too: a yearly wave, not a shift.

    With under a year of history before the boundary this cannot be told; then only a change
    by ``RATIO`` squared (beyond a typical yearly swing) counts as a shift.
    """
    if boundary < YEAR_WEEKS:
        return bool(abs(np.log(change)) < 2 * np.log(RATIO))
    earlier = float(np.median(weekly[boundary - YEAR_WEEKS : weekly.size - YEAR_WEEKS]))
    new = float(np.median(weekly[boundary:]))
    if earlier <= 0:
        return False
    year_on_year = new / earlier
    if change > 1:
        return bool(year_on_year < RATIO**0.5)
    return bool(year_on_year > RATIO**-0.5)


def _shifted(old: float, new: float) -> bool:
    if old <= 0:
        return True  # restarted after a run of zero weeks
    ratio = new / old
    return ratio >= RATIO or ratio <= 1 / RATIO


def _settled(after: FloatArray, old: float) -> bool:
    """The new regime has not returned to the old level by its last weeks."""
    last = float(np.median(after[-4:]))
    if old <= 0:
        return last > 0
    ratio = last / old
    return bool(ratio >= RATIO**0.5 or ratio <= RATIO**-0.5)
