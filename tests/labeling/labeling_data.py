"""Small synthetic ticket tables for the labeling tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

T0 = datetime(2020, 1, 1)
TEMPLATES = (
    "Не проходит платёж по карте, звоните 8-900-123-45-{n:02d}",
    "Пропал ИНТЕРНЕТ дома, заявка №{n}",
    "Роуминг в Турции не работает, договор {n}",
    "Спасибо за помощь, вопрос {n} решён",
    "Не могу войти: забыл пароль, аккаунт {n}",
)
SCHEMA = pa.schema([("id", pa.int64()), ("created_at", pa.timestamp("us")), ("text", pa.string())])


def tickets(rows: int, *, seed: int = 0, resubmit: int = 0) -> pa.Table:
    """``rows`` tickets a minute apart; the last ``resubmit`` rows repeat earlier ids later."""
    rng = np.random.default_rng(seed)
    ids = 1_000 + rng.permutation(rows).astype(np.int64)
    if resubmit:
        ids[rows - resubmit :] = rng.choice(ids[: rows - resubmit], resubmit, replace=False)
    times = [T0 + timedelta(minutes=int(k)) for k in range(rows)]
    texts = [TEMPLATES[int(t)].format(n=k) for k, t in enumerate(rng.integers(0, 5, rows))]
    return pa.table([pa.array(ids), pa.array(times, pa.timestamp("us")), texts], schema=SCHEMA)


def write_parquet(table: pa.Table, path: Path, row_group_rows: int = 100) -> Path:
    pq.write_table(table, path, row_group_size=row_group_rows)
    return path
