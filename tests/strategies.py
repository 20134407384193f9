"""Hypothesis strategies shared by tests of the tree and of everything computed over it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

MAX_LEVEL = 7


@st.composite
def forests(draw: st.DrawFn, max_queues: int = 60) -> pd.DataFrame:
    """Random hierarchy frame in canonical form: 1–60 queues, levels ≤ 7, rows shuffled."""
    n = draw(st.integers(1, max_queues))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    parents: list[int | None] = []
    levels: list[int] = []
    for k in range(n):
        eligible = [j for j in range(k) if levels[j] < MAX_LEVEL]
        j = draw(st.none() | st.sampled_from(eligible)) if eligible else None
        parents.append(None if j is None else ids[j])
        levels.append(1 if j is None else levels[j] + 1)
    order = draw(st.permutations(range(n)))
    return pd.DataFrame(
        {
            "queueId": np.array([ids[i] for i in order], dtype=np.int64),
            "parentId": pd.array([parents[i] for i in order], dtype="Int64"),
            "name": [f"queue-{ids[i]}" for i in order],
            "level": np.array([levels[i] for i in order], dtype=np.int64),
        }
    )
