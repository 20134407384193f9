"""Bytes → raw DataFrame: size limit, format detection, UTF-8 check, delimiter sniffing.

CSV cells are read as text so that the typed parsers, not pandas, decide what is valid and
can say which row is wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tasks_support_system_ai.datasets.parsing.header import check_unique_names, clean_names
from tasks_support_system_ai.datasets.parsing.kinds import SourceFormat
from tasks_support_system_ai.errors import DatasetValidationError, PayloadTooLargeError

PARQUET_MAGIC = b"PAR1"
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
DELIMITERS = (",", ";", "\t")
MB = 1024 * 1024
MAX_COLUMNS = 1000  # defaults of the settings max_csv_columns / max_csv_line_bytes
MAX_LINE_BYTES = MB


@dataclass(frozen=True)
class RawTable:
    """An upload's cells before any typing, and the format they came in."""

    frame: pd.DataFrame
    source_format: SourceFormat


def read_table(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    max_columns: int = MAX_COLUMNS,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> RawTable:
    """Read an upload as CSV or Parquet (decided by magic bytes, then by the file name).

    The shape is bounded before pandas sees the cells: very many columns or one huge line
    cost far more CPU and memory than the file's size suggests (docs/security.md)."""
    _check_size(data, max_bytes)
    if _is_blank(data):
        raise DatasetValidationError("The file is empty.", code="empty_file")
    if data.startswith(PARQUET_MAGIC):
        _check_parquet_columns(data, max_columns)
        table = RawTable(_read_parquet(data), "parquet")
    else:
        _reject_binary(data, filename)
        _check_csv_shape(data, max_columns, max_line_bytes)
        table = RawTable(_read_csv(data), "csv")
    if table.frame.empty:
        raise DatasetValidationError(
            "The file has a header but no data rows.", code="empty_file", columns=list(table.frame)
        )
    return table


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"The file is {len(data) / MB:.1f} MB; the upload limit is {max_bytes / MB:.1f} MB.",
            size_bytes=len(data),
            limit_bytes=max_bytes,
        )


def _check_csv_shape(data: bytes, max_columns: int, max_line_bytes: int) -> None:
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    ends = np.concatenate(([-1], newlines, [len(data)]))
    lengths = np.diff(ends) - 1
    longest = int(lengths.argmax())
    if int(lengths[longest]) > max_line_bytes:
        raise DatasetValidationError(
            f"Line {longest + 1} is {int(lengths[longest]):,} bytes long; the limit is "
            f"{max_line_bytes:,} bytes per line.",
            code="line_too_long",
            row=longest + 1,
            limit_bytes=max_line_bytes,
        )
    header = data[: int(ends[1])] if ends.size > 2 else data
    columns = max(header.count(d.encode()) for d in DELIMITERS) + 1
    if columns > max_columns:
        raise DatasetValidationError(
            f"The header has {columns:,} columns; the limit is {max_columns:,}.",
            code="too_many_columns",
            columns=columns,
            limit=max_columns,
        )


def _check_parquet_columns(data: bytes, max_columns: int) -> None:
    try:
        columns = len(pq.read_schema(pa.BufferReader(data)).names)
    except (pa.ArrowException, OSError, ValueError):
        return  # unreadable: the full read below says so
    if columns > max_columns:
        raise DatasetValidationError(
            f"The file has {columns:,} columns; the limit is {max_columns:,}.",
            code="too_many_columns",
            columns=columns,
            limit=max_columns,
        )


def _is_blank(data: bytes) -> bool:
    body = data.removeprefix(UTF8_BOM)
    return not body or body.isspace()


def _reject_binary(data: bytes, filename: str) -> None:
    """Name the likely mistake for files that are clearly not CSV."""
    if PurePath(filename).suffix.lower() in PARQUET_SUFFIXES:
        raise DatasetValidationError(
            f"'{filename}' is named like a Parquet file but does not start with the Parquet "
            "signature; it may be truncated or corrupt.",
            code="unreadable_file",
        )
    if data.startswith(ZIP_MAGIC):
        raise DatasetValidationError(
            "The file is a ZIP archive (an Excel workbook?); export the sheet as CSV UTF-8 "
            "or Parquet.",
            code="unreadable_file",
        )


def _read_parquet(data: bytes) -> pd.DataFrame:
    try:
        frame: pd.DataFrame = pq.read_table(pa.BufferReader(data)).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DatasetValidationError(
            f"The file starts like Parquet but cannot be read: {exc}", code="unreadable_file"
        ) from exc
    names = clean_names(frame.columns)
    check_unique_names(names)
    frame.columns = pd.Index(names)
    return frame.reset_index(drop=True)


def _read_csv(data: bytes) -> pd.DataFrame:
    """Read the header as a data row too, so that pandas neither renames repeated names nor
    turns surplus fields into an index, and rejects any row longer than the header."""
    delimiter = _sniff_delimiter(_header_line(_decode(data)))
    try:
        cells = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            encoding="utf-8-sig",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        reason = str(exc).split("C error: ")[-1].strip()
        raise DatasetValidationError(
            f"The file cannot be read as CSV with delimiter {delimiter!r}: {reason}",
            code="unreadable_file",
            delimiter=delimiter,
        ) from exc
    names = clean_names(cells.iloc[0])
    check_unique_names(names)
    frame = cells.iloc[1:].reset_index(drop=True)
    frame.columns = pd.Index(names)
    return frame


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DatasetValidationError(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02X} at offset {exc.start} "
            f"(line {line}) is invalid. Save it as 'CSV UTF-8' and upload it again.",
            code="not_utf8",
            offset=exc.start,
            line=line,
        ) from exc


def _header_line(text: str) -> str:
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def _sniff_delimiter(header: str) -> str:
    """The candidate delimiter used most in the header; ``,`` when none is used."""
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","
