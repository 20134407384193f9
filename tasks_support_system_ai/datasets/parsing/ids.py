"""Queue-id columns: positive integers, because 0 is the virtual root "all queues"."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from tasks_support_system_ai.datasets.parsing.cells import Cells, Numbers
from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error, join_and
from tasks_support_system_ai.errors import DatasetValidationError

POSITIVE_ID = "a positive integer queue id (0 is reserved for 'all queues')"
ROOT = 0


def queue_ids(frame: pd.DataFrame, column: str = "queueId") -> npt.NDArray[np.int64]:
    """Per-row queue ids; raises ``invalid_queue_id`` on the first empty, non-integer or id ≤ 0."""
    numbers = Numbers.of(Cells.of(frame, column))
    bad = ~(numbers.integral() & (numbers.values > 0))
    numbers.cells.reject(bad, "invalid_queue_id", problem="is not a queue id", expected=POSITIVE_ID)
    return numbers.per_row()


def parent_ids(frame: pd.DataFrame, column: str = "parentId") -> npt.NDArray[np.int64]:
    """Per-row parent ids, ``ROOT`` for top-level queues (an empty cell, or 0 meaning the root)."""
    cells = Cells.of(frame, column)
    numbers = Numbers.of(cells)
    bad = ~cells.blank() & ~(numbers.integral() & (numbers.values >= 0))
    expected = "a queue id, or empty for a top-level queue"
    cells.reject(bad, "invalid_queue_id", problem="is not a queue id", expected=expected)
    return np.where(cells.blank(), float(ROOT), numbers.values)[cells.codes].astype(np.int64)


def unique_queue_ids(frame: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Queue ids of a hierarchy, where each queue must appear on one row only."""
    ids = queue_ids(frame)
    offenders = Offenders.of(pd.Index(ids).duplicated(keep="first"))
    if offenders is not None:
        queue = int(ids[offenders.first])
        rows = [int(p) + 1 for p in np.flatnonzero(ids == queue)[:5]]
        raise DatasetValidationError(
            f"Column 'queueId': queue {queue} is listed on rows {join_and(rows)}; "
            "each queue must appear on one row only.",
            code="duplicate_queue",
            column="queueId",
            row=rows[1],
            value=str(queue),
            rows=rows,
            count=offenders.count,
        )
    return ids


def locate(
    queues: pd.Index,
    wanted: npt.NDArray[np.int64],
    owners: npt.NDArray[np.int64],
    frame: pd.DataFrame,
    column: str,
) -> npt.NDArray[np.int64]:
    """Row positions of ``wanted`` ids, listed on rows ``owners`` (ascending).

    Raises ``unknown_parent`` for the first row naming an id that is not a queue of the file.
    """
    found = np.asarray(queues.get_indexer(pd.Index(wanted)), dtype=np.int64)
    unknown = found < 0
    bad_rows = np.zeros(len(frame), dtype=np.bool_)
    bad_rows[owners[unknown]] = True
    offenders = Offenders.of(bad_rows)
    if offenders is not None:
        queue = int(wanted[np.flatnonzero(unknown)[0]])
        raise cell_error(
            "unknown_parent",
            column,
            offenders,
            frame[column].iloc[offenders.first],
            problem=f"names queue {queue}, which is not in this file",
            expected="ids that appear in the queueId column",
            queue_id=queue,
        )
    return found
