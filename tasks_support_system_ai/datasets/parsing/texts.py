"""Labeled ticket texts uploads → the classifier's training set (``text``, ``label``).

An optional ``subject`` column is prepended to the text, as in the demo texts. The language
(Russian or English) is detected per dataset and reported; preprocessing follows it. Rare labels
follow ``datasets.rare_labels`` (the same rule as training): accepted, trained on, and reported
as too small to evaluate.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from tasks_support_system_ai.datasets.parsing.header import check_columns
from tasks_support_system_ai.datasets.parsing.kinds import Canonical
from tasks_support_system_ai.datasets.parsing.problems import Offenders, cell_error
from tasks_support_system_ai.datasets.rare_labels import too_small_to_evaluate
from tasks_support_system_ai.errors import DatasetValidationError
from tasks_support_system_ai.language import detect_language

COLUMNS: Final = ("text", "label")
IGNORED: Final = ("id", "sender", "created_at", "queue_id", "pii_values")
"""Other columns of the demo texts file, accepted (so it can be uploaded again) and dropped."""


def parse_texts(raw: pd.DataFrame) -> Canonical:
    check_columns(raw, required=COLUMNS, optional=("subject", *IGNORED), what="A texts file")
    text = _required_text(raw, "text", "the ticket's text")
    label = _required_text(raw, "label", "the ticket's label (its topic or queue)")
    if "subject" in raw.columns:
        text = raw["subject"].fillna("").astype(str).str.strip() + " " + text
    frame = pd.DataFrame({"text": text.str.strip(), "label": label})
    counts = frame["label"].value_counts()
    _check_labels(counts)
    summary = {
        "rows": len(frame),
        "labels": {str(k): int(v) for k, v in counts.items()},
        "language": detect_language(frame["text"]),
        "too_small_to_evaluate": too_small_to_evaluate(frame["label"].tolist()),
    }
    return frame, summary


def _required_text(raw: pd.DataFrame, column: str, expected: str) -> pd.Series:
    values = raw[column].astype("string").str.strip()
    blank = (values.isna() | (values == "")).to_numpy()
    offenders = Offenders.of(blank)
    if offenders is not None:
        raise cell_error(
            f"empty_{column}", column, offenders, None, problem="is empty", expected=expected
        )
    return values.astype(str)


def _check_labels(counts: pd.Series) -> None:
    if len(counts) < 2:
        raise DatasetValidationError(
            "A texts file needs at least two different labels to train a classifier; "
            f"found only {', '.join(map(str, counts.index))!r}.",
            code="too_few_labels",
            column="label",
        )
