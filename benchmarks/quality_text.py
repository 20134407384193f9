"""Ticket-text model quality and speed on the open text sets, next to scikit-learn baselines.

For each set (``SUPPORT_AI_EVALSETS``; the evalsets README's protocol: pooled rows, duplicates
dropped, one stratified 80/20 split, seed 42) every candidate is trained on the 80 % and scored on
the 20 %, in the same run:

* the service's default classifier and its main options, trained by ``nlp.training`` (the code the
  ``nlp_fit`` job runs, statistics included) and scored by ``ServedModel`` through ``score_csv``
  (the code ``POST /api/predict_nlp_csv`` runs);
* two scikit-learn baselines on the raw texts: word TF-IDF + LogisticRegression, and char_wb
  TF-IDF + LinearSVC.

Figures: macro-F1, accuracy, fit seconds (wall and CPU: the machine may be shared), scoring rows/s.
A speed part then times the default's fit on 40,000 texts and CSV scoring of every linear model.
``main`` prints the tables and writes the "Text" part of ``docs/quality.md``.

    python benchmarks/quality_text.py [--sets banking77,clinc150] [--rows N] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.text_evalsets import TEXT_SETS, TextSet, load_text_set
from tasks_support_system_ai.nlp import morph
from tasks_support_system_ai.nlp.csv_scoring import score_csv
from tasks_support_system_ai.nlp.service import DEFAULT_MODEL, ServedModel
from tasks_support_system_ai.nlp.training import train_classifier

QUALITY_MD = Path(__file__).resolve().parents[1] / "docs" / "quality.md"
TEXT_START, TEXT_END = "<!-- text:start -->", "<!-- text:end -->"
SERVICE_MODELS: list[tuple[str, str, dict[str, Any]]] = [
    ("service default", *DEFAULT_MODEL),
    ("service logistic", "logistic", {}),
    ("service svm (calibrated)", "svm", {}),
]
BASELINES = ("sklearn word TF-IDF + LogisticRegression", "sklearn char_wb TF-IDF + LinearSVC")
SPEED_ROWS = 40_000
CSV_ROWS = 100_000


@dataclass
class Row:
    """One candidate on one set."""

    dataset: str
    model: str
    macro_f1: float
    accuracy: float
    fit_s: float
    fit_cpu_s: float
    rows_per_s: float
    note: str = ""


def baseline(name: str) -> Pipeline:
    """The two standard scikit-learn text classifiers, with their usual settings."""
    if name == BASELINES[0]:
        return make_pipeline(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2),
            LogisticRegression(max_iter=1000),
        )
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        LinearSVC(),
    )


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """Wall and CPU (all threads) seconds of the block."""
    out: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    yield out
    out["wall"], out["cpu"] = time.perf_counter() - wall, time.process_time() - cpu


def csv_bytes(texts: Sequence[str]) -> bytes:
    frame = pd.DataFrame({"id": range(len(texts)), "text": list(texts)})
    return frame.to_csv(index=False).encode()


def score_as_csv(served: ServedModel, data: bytes) -> tuple[list[str], dict[str, float]]:
    """Labels and seconds (wall, CPU) of scoring a CSV the way ``POST /api/predict_nlp_csv``
    does."""
    with timed() as took:
        out = b"".join(score_csv(io.BytesIO(data), "text", served.predict_column))
    labels = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)["prediction"]
    return labels.tolist(), took


def service_row(
    data: TextSet, label: str, model: str, config: dict[str, Any], split: tuple[Any, ...]
) -> Row:
    x_train, x_test, y_train, y_test = split
    morph.clear_caches()  # a cold start: preprocessing memos count in the fit
    with timed() as took:
        trained = train_classifier(x_train, list(y_train), model, config)
    served = ServedModel.of(trained.pipeline)
    predicted, seconds = score_as_csv(served, csv_bytes(x_test))
    how = "array form" if served.linear is not None else "pipeline"
    basis = trained.report.get("evaluation", {}).get("method", "")
    rate = len(x_test) / seconds["wall"]
    return _row(data, label, y_test, predicted, took, rate, f"{how}; {basis}")


def baseline_row(data: TextSet, name: str, split: tuple[Any, ...]) -> Row:
    x_train, x_test, y_train, y_test = split
    pipeline = baseline(name)
    with timed() as took:
        pipeline.fit(x_train, y_train)
    started = time.perf_counter()
    predicted = pipeline.predict(x_test)
    rate = len(x_test) / (time.perf_counter() - started)
    return _row(data, name, y_test, predicted, took, rate, "pipeline.predict")


def _row(  # noqa: PLR0917
    data: TextSet,
    model: str,
    truth: Any,
    predicted: Any,
    took: dict[str, float],
    rate: float,
    note: str,
) -> Row:
    truth, predicted = np.asarray(truth, dtype=str), np.asarray(predicted, dtype=str)
    return Row(
        dataset=data.name,
        model=model,
        macro_f1=round(float(f1_score(truth, predicted, average="macro")), 4),
        accuracy=round(float(accuracy_score(truth, predicted)), 4),
        fit_s=round(took["wall"], 2),
        fit_cpu_s=round(took["cpu"], 2),
        rows_per_s=round(rate),
        note=note,
    )


def quality(sets: list[TextSet], models: list[str]) -> list[Row]:
    rows = []
    for data in sets:
        split = data.split()
        print(f"\n## {data.name}: {len(split[0]):,} train / {len(split[1]):,} test", flush=True)
        for label, model, config in SERVICE_MODELS:
            if label.split()[1] in models:
                rows.append(service_row(data, label, model, config, split))
                print(_line(rows[-1]), flush=True)
        for name in BASELINES:
            rows.append(baseline_row(data, name, split))
            print(_line(rows[-1]), flush=True)
    return rows


def speed(root: Path, fit_rows: int, csv_rows: int, models: list[str]) -> dict[str, Any]:
    """Default fit on ``fit_rows`` Russian texts; CSV rows/s of each linear model (spb texts)."""
    data = load_text_set("spb_requests_ru", root)
    order = np.random.default_rng(0).permutation(len(data.texts))[:fit_rows]
    texts, labels = [data.texts[i] for i in order], data.labels[order].tolist()
    out: dict[str, Any] = {"fit_rows": len(texts), "csv_rows": csv_rows, "models": {}}
    test = [data.texts[i] for i in np.resize(np.arange(len(data.texts)), csv_rows)]
    payload = csv_bytes(test)
    for label, model, config in SERVICE_MODELS:
        if label.split()[1] not in models:
            continue
        morph.clear_caches()
        with timed() as took:
            trained = train_classifier(texts, labels, model, config)
        served = ServedModel.of(trained.pipeline)
        morph.clear_caches()
        _, seconds = score_as_csv(served, payload)
        out["models"][label] = {
            "fit_s": round(took["wall"], 2),
            "fit_cpu_s": round(took["cpu"], 2),
            "csv_rows_per_s": round(csv_rows / seconds["wall"]),
            "csv_rows_per_cpu_s": round(csv_rows / seconds["cpu"]),
            "array_form": served.linear is not None,
        }
        print(label, out["models"][label], flush=True)
    return out


def _line(row: Row) -> str:
    return (
        f"{row.model:<44} F1 {row.macro_f1:.4f}  acc {row.accuracy:.4f}  "
        f"fit {row.fit_s:7.2f} s (cpu {row.fit_cpu_s:7.2f})  {row.rows_per_s:>9,} rows/s"
    )


def markdown(rows: list[Row], fast: dict[str, Any] | None, command: str) -> str:
    """The "Text" part of docs/quality.md."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        TEXT_START,
        "## Text: ticket classifiers on the open text sets",
        "",
        f"- **Date:** {stamp} · **Machine:** {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load} at the end of the run (other "
        "jobs share the machine: wall seconds are then inflated; CPU seconds count every thread "
        "of the process and are the better guide).",
        f"- **Command:** `{command}`",
        "- **Protocol:** each set pooled, duplicate texts dropped, one stratified 80/20 split "
        "(seed 42); every model trained on the 80 % and scored on the 20 % in this run. "
        "Service models are trained by `nlp.training` (statistics included in the fit time) and "
        "scored through `score_csv`, as the API does; rows/s is that CSV scoring of the test "
        "texts (all distinct). Baselines are scored with `pipeline.predict`.",
        "",
    ]
    for name in dict.fromkeys(row.dataset for row in rows):
        subset = [row for row in rows if row.dataset == name]
        best = max(r.macro_f1 for r in subset if r.model in BASELINES)
        lines += [
            f"### {name}",
            "",
            "| model | macro-F1 | accuracy | fit s | fit CPU s | scoring rows/s | vs best baseline"
            " F1 | note |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        lines += [
            f"| {r.model} | {r.macro_f1:.4f} | {r.accuracy:.4f} | {r.fit_s:.2f} | "
            f"{r.fit_cpu_s:.2f} | {r.rows_per_s:,} | {r.macro_f1 - best:+.4f} | {r.note} |"
            for r in subset
        ]
        lines.append("")
    if fast:
        lines += [
            f"### Speed: fit on {fast['fit_rows']:,} Russian texts (spb_requests_ru), "
            f"CSV scoring of {fast['csv_rows']:,} rows",
            "",
            "| model | fit s | fit CPU s | CSV rows/s | CSV rows per CPU s | served from the array "
            "form |",
            "|---|---:|---:|---:|---:|---|",
        ]
        lines += [
            f"| {name} | {m['fit_s']:.2f} | {m['fit_cpu_s']:.2f} | {m['csv_rows_per_s']:,} | "
            f"{m.get('csv_rows_per_cpu_s', 0):,} | {'yes' if m['array_form'] else 'no'} |"
            for name, m in fast["models"].items()
        ]
        lines.append("")
    lines += targets(rows, fast)
    lines.append(TEXT_END)
    return "\n".join(lines)


def targets(rows: list[Row], fast: dict[str, Any] | None) -> list[str]:
    """The issue's text targets, checked against this run's figures."""
    default = [r for r in rows if r.model == SERVICE_MODELS[0][0]]
    beaten = [
        r.dataset
        for r in default
        if r.macro_f1
        >= max(b.macro_f1 for b in rows if b.dataset == r.dataset and b.model in BASELINES)
    ]
    lines = [
        "### Targets",
        "",
        f"- Default macro-F1 ≥ the better baseline: {len(beaten)} of {len(default)} sets "
        f"({', '.join(beaten) or 'none'}).",
    ]
    if fast and SERVICE_MODELS[0][0] in fast["models"]:
        fit = fast["models"][SERVICE_MODELS[0][0]]
        lines.append(
            f"- Fit on {fast['fit_rows']:,} texts ≤ 20 s on 2 cores: {fit['fit_s']:.1f} s wall, "
            f"{fit['fit_cpu_s']:.1f} s CPU — {'met' if fit['fit_s'] <= 20 else 'missed here'}."
        )
        for name, model in fast["models"].items():
            verdict = "met" if model["csv_rows_per_s"] >= 50_000 else "missed here"
            lines.append(
                f"- CSV scoring ≥ 50,000 rows/s ({name}): {model['csv_rows_per_s']:,} "
                f"({model.get('csv_rows_per_cpu_s', 0):,} per CPU second) — {verdict}."
            )
    lines += ["", "Misses and the load caveat are discussed in `docs/benchmarks.md`.", ""]
    return lines


def write_text_part(path: Path, part: str) -> None:
    """Replace the text part of ``path`` (between its markers), or append it."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Model quality\n"
    if TEXT_START in current and TEXT_END in current:
        head, rest = current.split(TEXT_START, 1)
        current = head + part + rest.split(TEXT_END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + part + "\n"
    path.write_text(current, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the text benchmark; returns the figures (also printed, and written to docs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(TEXT_SETS), help="comma-separated set names")
    parser.add_argument("--models", default="default,logistic,svm", help="service models to run")
    parser.add_argument("--rows", type=int, default=0, help="first N rows of each set (0: all)")
    parser.add_argument("--speed-rows", type=int, default=SPEED_ROWS, help="0: skip the speed part")
    parser.add_argument("--csv-rows", type=int, default=CSV_ROWS)
    parser.add_argument("--evalsets", type=Path, default=None)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/quality.md")
    args = parser.parse_args(argv)
    root = args.evalsets or Settings().resolved_evalsets
    models = args.models.split(",")
    sets = [load_text_set(name, root) for name in args.sets.split(",")]
    if args.rows:
        sets = [data.head(args.rows) for data in sets]
    rows = quality(sets, models)
    fast = speed(root, args.speed_rows, args.csv_rows, models) if args.speed_rows else None
    command = "python benchmarks/quality_text.py " + " ".join(argv or sys.argv[1:])
    if not args.no_write:
        write_text_part(QUALITY_MD, markdown(rows, fast, command.strip()))
    return {"rows": [asdict(row) for row in rows], "speed": fast}


if __name__ == "__main__":
    main()
