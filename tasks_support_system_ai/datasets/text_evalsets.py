"""The open text evaluation sets (``SUPPORT_AI_EVALSETS``), read and split by their fixed protocol.

Each set's rows are pooled (shipped splits ignored), exact duplicate texts dropped (first kept),
and one stratified 80/20 split made with ``random_state=42`` — the evalsets README's protocol,
so every experiment and the benchmark see the same test rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

TEXT_SETS: Final = ("banking77", "clinc150", "bitext_cs", "spb_requests_ru")
TEST_SHARE: Final = 0.2
SEED: Final = 42


@dataclass(frozen=True)
class TextSet:
    """One labelled text set: ``texts[i]`` has ``labels[i]``."""

    name: str
    texts: list[str]
    labels: npt.NDArray[np.str_]
    language: str

    def split(self) -> tuple[list[str], list[str], npt.NDArray[np.str_], npt.NDArray[np.str_]]:
        """The protocol's stratified 80/20 split: train texts, test texts, train/test labels."""
        from sklearn.model_selection import train_test_split

        parts = train_test_split(
            self.texts, self.labels, test_size=TEST_SHARE, stratify=self.labels, random_state=SEED
        )
        return parts[0], parts[1], parts[2], parts[3]

    def head(self, rows: int) -> TextSet:
        """The first ``rows`` rows (a quick run; classes with one row may then break the split)."""
        return TextSet(self.name, self.texts[:rows], self.labels[:rows], self.language)


def load_text_set(name: str, root: Path, label: str | None = None) -> TextSet:
    """A text set by name; ``label`` picks another label column where there is one
    (spb_requests_ru: ``reason``; bitext_cs: ``category``)."""
    readers = {
        "banking77": _banking77,
        "clinc150": _clinc150,
        "bitext_cs": _bitext,
        "spb_requests_ru": _spb,
    }
    if name not in readers:
        raise ValueError(f"Unknown text set {name!r}; known: {', '.join(TEXT_SETS)}")
    frame = readers[name](root / name, label)
    frame = frame.dropna().astype(str).drop_duplicates("text", keep="first")
    language = "ru" if name == "spb_requests_ru" else "en"
    suffix = f":{label}" if label else ""
    labels = np.asarray(frame["label"].tolist(), dtype=str)
    return TextSet(name + suffix, frame["text"].tolist(), labels, language)


def _banking77(folder: Path, label: str | None) -> pd.DataFrame:
    parts = [pd.read_csv(folder / f"{part}.csv", dtype=str) for part in ("train", "test")]
    return pd.concat(parts).rename(columns={"category": "label"})[["text", "label"]]


def _clinc150(folder: Path, label: str | None) -> pd.DataFrame:
    data = json.loads((folder / "data_full.json").read_text(encoding="utf-8"))
    rows = [row for part in data.values() for row in part]  # out-of-scope is its own class "oos"
    return pd.DataFrame(rows, columns=["text", "label"])


def _bitext(folder: Path, label: str | None) -> pd.DataFrame:
    raw = pd.read_csv(folder / "Bitext_Sample_Customer_Support_Training_Dataset.csv", dtype=str)
    return raw.rename(columns={"instruction": "text", label or "intent": "label"})[
        ["text", "label"]
    ]


def _spb(folder: Path, label: str | None) -> pd.DataFrame:
    raw = pd.read_csv(folder / "spb_requests_dedup.csv.gz", dtype=str)
    return raw.rename(columns={label or "category": "label"})[["text", "label"]]
