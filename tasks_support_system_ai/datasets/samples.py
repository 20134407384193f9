"""Example rows in upload format, from the active version or a built-in example."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq

from tasks_support_system_ai.datasets.parsing import DatasetKind, sample_frame
from tasks_support_system_ai.datasets.store import DatasetStore, VersionInfo

UPLOAD_COLUMNS = {
    DatasetKind.TICKETS: ["queueId", "date", "new_tickets"],
    DatasetKind.HIERARCHY: ["queueId", "parentId", "name"],
    DatasetKind.TEXTS: ["text", "label"],
}


def sample_rows(
    store: DatasetStore, kind: DatasetKind, version: VersionInfo | None, rows: int
) -> tuple[pd.DataFrame, tuple[int, int]]:
    """The first ``rows`` rows (JSON-ready) and the whole dataset's (rows, columns)."""
    columns = UPLOAD_COLUMNS[kind]
    if version is None:
        frame = sample_frame(kind)[columns]
        return _jsonable(frame.head(rows)), (len(frame), len(columns))
    parquet = pq.ParquetFile(io.BytesIO(store.objects.get_bytes(version.object_key)))
    batch = next(parquet.iter_batches(batch_size=rows, columns=columns))
    return _jsonable(batch.to_pandas()), (parquet.metadata.num_rows, len(columns))


def _jsonable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object).where(frame.notna(), None)
    if "date" in frame:
        out["date"] = frame["date"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return out
