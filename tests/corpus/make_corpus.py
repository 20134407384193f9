"""Writes the malformed-input corpus (synthetic files; run once, the files are committed).

Files ending in ``.expand.gz`` are stored compressed only to keep the repository small: the
test uploads their expanded bytes (a 50 MB line, a million columns). Other ``.gz`` / ``.zip``
files are uploaded as they are (compression bombs)."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent
T = "queueId,date,new_tickets\n"
H = "queueId,parentId,name\n"
X = "text,label\n"


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def files() -> dict[str, bytes]:
    good_tickets = parquet_bytes(
        pa.table({"queueId": [1, 1], "date": ["2020-01-01", "2020-01-02"], "new_tickets": [1, 2]})
    )
    bomb = gzip.compress(b"0" * (20 << 20))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tickets.csv", T + "1,2020-01-01,1\n" * 200_000)
    return {
        # encodings and byte-level damage
        "tickets/cp1251.csv": (T + "1,2020-01-01,1\n").encode() + "очередь\n".encode("cp1251"),
        "tickets/utf16.csv": (T + "1,2020-01-01,1\n").encode("utf-16"),
        "tickets/latin1_header.csv": "queueId,dáte,new_tickets\n1,2020-01-01,1\n".encode("latin-1"),
        "tickets/bom_only.csv": b"\xef\xbb\xbf",
        "tickets/bom_then_latin1.csv": b"\xef\xbb\xbf"
        + T.encode()
        + "1,2020-01-01,1 é\n".encode("latin-1"),
        "tickets/nul_bytes.csv": T.encode() + b"1,2020-01-01,\x001\n",
        "tickets/binary_noise.csv": bytes(range(256)) * 8,
        "tickets/empty.csv": b"",
        "tickets/header_only.csv": T.encode(),
        "tickets/whitespace_only.csv": b"   \n\n\t\n",
        # compression and containers
        "tickets/gzip_bomb.csv.gz": bomb,
        "tickets/zip_bomb.zip": zipped.getvalue(),
        "tickets/truncated.parquet": good_tickets[: len(good_tickets) // 2],
        "tickets/parquet_magic_only.parquet": b"PAR1",
        "tickets/named_parquet_but_csv.parquet": (T + "1,2020-01-01,1\n").encode(),
        # shape
        "tickets/one_50mb_line.csv.expand.gz": gzip.compress(
            T.encode() + b"1," + b"9" * (50 << 20)
        ),
        "tickets/million_columns.csv.expand.gz": gzip.compress(b"," * 1_000_000 + b"\n"),
        "tickets/ragged_rows.csv": (T + "1,2020-01-01,1,extra,cells\n2,2020-01-02\n").encode(),
        "tickets/mixed_separators.csv": b"queueId;date,new_tickets\n1;2020-01-01,1\n",
        "tickets/unclosed_quote.csv": (T + '1,"2020-01-01,1\n2,2020-01-02,3\n').encode(),
        "tickets/duplicate_header.csv": b"queueId,date,date\n1,2020-01-01,2020-01-01\n",
        "tickets/missing_column.csv": b"queueId,date\n1,2020-01-01\n",
        # values
        "tickets/year_9999.csv": (T + "1,9999-12-31,1\n").encode(),
        "tickets/year_0001.csv": (T + "1,0001-01-01,1\n").encode(),
        "tickets/three_centuries.csv": (T + "1,1900-01-01,1\n1,2199-12-31,1\n").encode(),
        "tickets/feb_30.csv": (T + "1,2020-02-30,1\n").encode(),
        "tickets/mixed_date_formats.csv": (T + "1,2020-01-01,1\n1,02.01.2020,1\n").encode(),
        "tickets/negative_count.csv": (T + "1,2020-01-01,-5\n").encode(),
        "tickets/fractional_count.csv": (T + "1,2020-01-01,2.5\n").encode(),
        "tickets/huge_count.csv": (T + f"1,2020-01-01,{2**53}\n").encode(),
        "tickets/nan_count.csv": (T + "1,2020-01-01,NaN\n").encode(),
        "tickets/formula_cells.csv": (T + "=1+1,2020-01-01,@SUM(A1)\n").encode(),
        "tickets/duplicate_day.csv": (T + "1,2020-01-01,1\n1,2020-01-01,2\n").encode(),
        "tickets/sql_in_queue_id.csv": (T + "1; DROP TABLE jobs;--,2020-01-01,1\n").encode(),
        "tickets/path_traversal_id.csv": (T + "../../etc/passwd,2020-01-01,1\n").encode(),
        "tickets/huge_queue_id.csv": (T + "99999999999999999999999,2020-01-01,1\n").encode(),
        # hierarchy
        "hierarchy/cycle.csv": (H + "1,2,a\n2,1,b\n").encode(),
        "hierarchy/self_parent.csv": (H + "1,1,a\n").encode(),
        "hierarchy/unknown_parent.csv": (H + "1,,a\n2,77,b\n").encode(),
        "hierarchy/duplicate_queue.csv": (H + "1,,a\n1,,b\n").encode(),
        "hierarchy/deep_chain.csv": (
            H + "".join(f"{i},{i - 1 or ''},q{i}\n" for i in range(1, 40))
        ).encode(),
        "hierarchy/parent_is_text.csv": (H + "1,,a\n2,x,b\n").encode(),
        # texts
        "texts/empty_labels.csv": (X + "hello,\nthere,\n").encode(),
        "texts/one_label.csv": (X + "".join(f"text {i},a\n" for i in range(10))).encode(),
        "texts/no_text_column.csv": b"body,label\nhello,a\n",
    }


if __name__ == "__main__":
    for name, content in files().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    print(f"{len(files())} files")
