"""Ticket texts: labelled, imbalanced, noisy, and with every planted PII value recorded."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq

from tasks_support_system_ai.datasets.demo import DemoFiles

PHONE_FORMATS = {
    "+7 (xxx) xxx-xx-xx": r"\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}",
    "8-xxx-xxx-xx-xx": r"(?<![\d-])8-\d{3}-\d{3}-\d{2}-\d{2}",
    "8xxxxxxxxxx": r"(?<!\d)8\d{10}(?!\d)",
    "+7xxxxxxxxxx": r"\+7\d{10}(?!\d)",
}


def test_schema(demo_files: DemoFiles) -> None:
    schema = pq.read_schema(demo_files.ticket_texts)
    types = {name: str(schema.field(name).type) for name in schema.names}
    assert types == {
        "id": "int64",
        "subject": "string",
        "text": "string",
        "sender": "string",
        "created_at": "timestamp[us]",
        "queue_id": "int64",
        "label": "string",
        "pii_values": "list<element: string>",
    }


def test_rows_ids_times_queues(demo_texts: pd.DataFrame, demo_hierarchy: pd.DataFrame) -> None:
    assert len(demo_texts) == 10_000
    assert demo_texts["id"].is_unique
    created = demo_texts["created_at"]
    assert created.min() >= pd.Timestamp("2017-01-01")
    assert created.max() < pd.Timestamp("2020-10-01")
    assert demo_texts["queue_id"].isin(demo_hierarchy["queueId"]).all()


def test_text_length(demo_texts: pd.DataFrame) -> None:
    lengths = demo_texts["text"].str.len()
    assert lengths.between(200, 450).all()
    assert 270 <= lengths.mean() <= 350


def test_topics_are_imbalanced(demo_texts: pd.DataFrame) -> None:
    counts = demo_texts["label"].value_counts()
    assert 9 <= len(counts) <= 11
    assert 3.5 <= counts.iloc[0] / counts.iloc[-1] <= 7


def test_every_pii_value_is_in_the_ticket(demo_texts: pd.DataFrame) -> None:
    columns = [demo_texts[c].tolist() for c in ("id", "subject", "text", "sender", "pii_values")]
    for ticket_id, subject, text, sender, values in zip(*columns, strict=True):
        haystack = f"{subject}\n{text}\n{sender}"
        missing = [value for value in values if value not in haystack]
        assert not missing, (ticket_id, missing)


def test_pii_kinds_present(demo_texts: pd.DataFrame) -> None:
    values = pd.Series([v for values in demo_texts["pii_values"] for v in values])
    for pattern in PHONE_FORMATS.values():
        assert values.str.fullmatch(pattern.replace("(?<![\\d-])", "")).sum() > 50, pattern
    expected = {
        "email": r"[\w.]+@[\w.]+\.\w+",
        "incident": r"INC-20\d{2}-\d{6}",
        "contract": r"\d{2}-\d{4}/\d{2}",
        "account": r"\d{10}",
        "request": r"\d{6}",
        "name": r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+( [А-ЯЁ][а-яё]+)?",
    }
    for kind, pattern in expected.items():
        assert values.str.fullmatch(pattern).sum() > 100, kind
    texts = demo_texts["text"]
    assert texts.str.contains("заявка №", regex=False).any()
    assert texts.str.contains("договор № ", regex=False).any()
    assert texts.str.contains("лицевой счёт ", regex=False).any()


def test_some_words_have_typos(demo_texts: pd.DataFrame) -> None:
    """Template words recur hundreds of times; a word in < 3 tickets is almost surely a typo."""
    words = demo_texts["text"].map(lambda t: set(re.findall(r"\b[а-яё]{5,}\b", t)))
    frequency = pd.Series([w for ws in words for w in ws]).value_counts()
    rare = set(frequency[frequency < 3].index)
    with_typo = words.map(lambda ws: bool(ws & rare)).mean()
    assert 0.05 <= with_typo <= 0.6
