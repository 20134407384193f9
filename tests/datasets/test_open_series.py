"""The open series sets load with their hierarchies intact (skipped where they are absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.open_series import SERIES_SETS, load_series_set
from tasks_support_system_ai.errors import NotFoundError

ROOT = Settings().resolved_evalsets


def test_evalsets_setting_overrides_the_default(tmp_path: Path) -> None:
    assert Settings(evalsets=tmp_path).resolved_evalsets == tmp_path
    with pytest.raises(NotFoundError):
        load_series_set("website_visitors", tmp_path)
    with pytest.raises(NotFoundError):
        load_series_set("no_such_set", tmp_path)


@pytest.mark.skipif(not ROOT.is_dir(), reason="open evaluation sets not on this machine")
@pytest.mark.parametrize("name", SERIES_SETS)
def test_sets_are_complete_daily_matrices(name: str) -> None:
    data = load_series_set(name, ROOT)
    assert data.values.shape == (len(data.names), data.dates.size)
    assert np.isfinite(data.values).all()
    assert (np.diff(data.dates) == np.timedelta64(1, "D")).all()
    if data.total is not None:
        children = data.values[list(data.children)].sum(axis=0)
        np.testing.assert_array_equal(data.values[data.total], children)
        assert data.level_of(data.total) == "total"


@pytest.mark.skipif(not ROOT.is_dir(), reason="open evaluation sets not on this machine")
def test_nn5_gaps_take_the_same_weekday_a_week_earlier() -> None:
    data = load_series_set("nn5_atm", ROOT)
    assert data.imputed == 1677  # as PROVENANCE.md counts
    assert data.values.shape == (111, 791)
