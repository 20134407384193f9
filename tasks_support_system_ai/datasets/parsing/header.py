"""Column-name checks: names match exactly, apart from surrounding whitespace and a BOM."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from tasks_support_system_ai.errors import DatasetValidationError

BOM = "\ufeff"


def clean_names(names: Iterable[object]) -> list[str]:
    """Header names without the whitespace and BOMs spreadsheets tend to leave around them."""
    return [str(name).strip().strip(BOM).strip() for name in names]


def check_unique_names(names: Sequence[str]) -> None:
    """Reject a header naming one column twice, which would make the file ambiguous."""
    seen = pd.Index(names)
    repeated = seen[seen.duplicated()].unique().tolist()
    if repeated:
        name = repeated[0]
        raise DatasetValidationError(
            f"Column '{name}' appears {names.count(name)} times in the header; "
            "each column may appear only once.",
            code="extra_columns",
            column=name,
            extra=repeated,
        )


def check_columns(
    frame: pd.DataFrame, *, required: Sequence[str], optional: Sequence[str] = (), what: str
) -> None:
    """Raise ``missing_columns`` / ``extra_columns`` listing the names and what ``what`` needs."""
    found = [str(name) for name in frame.columns]
    allowed = [*required, *optional]
    missing = [name for name in required if name not in found]
    extra = [name for name in found if name not in allowed]
    expected = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
    if missing:
        raise DatasetValidationError(
            f"Missing column(s) {_quoted(missing)}. {what} needs the columns {expected}; "
            f"the file has {_quoted(found)}.",
            code="missing_columns",
            missing=missing,
            expected=allowed,
            found=found,
        )
    if extra:
        raise DatasetValidationError(
            f"Unexpected column(s) {_quoted(extra)}. {what} has only the columns {expected}.",
            code="extra_columns",
            extra=extra,
            expected=allowed,
            found=found,
        )


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
