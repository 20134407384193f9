"""Tiny valid uploads, shown to users as the file layout to follow."""

from __future__ import annotations

import pandas as pd

from tasks_support_system_ai.datasets.parsing.kinds import DatasetKind


def sample_frame(kind: DatasetKind) -> pd.DataFrame:
    """A few rows in the upload format of ``kind``, typed like the canonical frame.

    ``to_csv(index=False)`` of it is a valid upload (midnight dates print as ``YYYY-MM-DD``).
    """
    kind = DatasetKind(kind)
    if kind is DatasetKind.TICKETS:
        return _tickets()
    if kind is DatasetKind.TEXTS:
        return _texts()
    return _hierarchy()


def _tickets() -> pd.DataFrame:
    days = pd.date_range("2024-01-01", periods=3).repeat(2).astype("datetime64[ns]")
    return pd.DataFrame({"queueId": [2, 3] * 3, "date": days, "new_tickets": [14, 3, 9, 0, 11, 5]})


def _hierarchy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "queueId": [1, 2, 3, 4],
            "parentId": pd.array([None, 1, 1, None], dtype="Int64"),
            "name": ["Customer support", "Billing", "Delivery", "Internal IT"],
        }
    )


def _texts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [
                "Charged twice for the March invoice",
                "Refund has not arrived yet",
                "Mobile internet does not work since morning",
                "No connection at home, the router blinks red",
            ],
            "label": ["billing", "billing", "internet", "internet"],
        }
    )
