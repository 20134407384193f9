"""Ticket-classifier benchmarks on the synthetic demo texts.

(a) fit time and held-out macro-F1 per model and text normaliser (same stratified split);
(b) POST /api/predict_nlp under wrk load vs Flask + gunicorn (see nlp_serving.py);
(c) CSV scoring throughput and peak RSS on a 1,000,000-row CSV, and on 100,000 rows in which
    no sentence repeats (see nlp_csv.py);
(d) POST /api/predict_nlp under the same wrk load with API-key checks off and on (a key sent
    and verified on every request; see nlp_serving.auth_on_off).

    python benchmarks/bench_nlp.py [--data-dir data] [--only fit,serving,csv,auth]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
from _common import demo_context, save_result
from nlp_csv import csv_scoring
from nlp_serving import auth_on_off, serving
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from tasks_support_system_ai.nlp.classifier import build_classifier

CASES = [
    ("logistic", {"C": 10, "solver": "lbfgs"}, "stem"),
    ("logistic", {"C": 10, "solver": "lbfgs"}, "lemma"),
    ("logistic", {"C": 10, "solver": "lbfgs"}, "none"),
    ("svm", {"C": 1, "kernel": "linear"}, "stem"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--only", default="fit,serving,csv,auth", help="comma-separated parts")
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--no-repeat-rows", type=int, default=100_000, help="CSV rows of word-shuffled tickets"
    )
    args = parser.parse_args()
    parts, result = args.only.split(","), {}
    if "fit" in parts:
        result["fit"] = fit_benchmark(args.data_dir)
    if parts != ["fit"]:
        context = demo_context(args.data_dir)
        if "serving" in parts:
            result["serving"] = serving(context, args.data_dir, args.seconds, args.connections)
            print(json.dumps(result["serving"], indent=1), flush=True)
        if "csv" in parts:
            result["csv"] = csv_scoring(context, args.data_dir, args.csv_rows, args.no_repeat_rows)
            print(json.dumps(result["csv"], indent=1), flush=True)
        if "auth" in parts:
            result["auth"] = auth_on_off(context, args.data_dir, args.seconds, args.connections)
            print(json.dumps(result["auth"], indent=1), flush=True)
    print("saved", save_result("nlp", result))


def fit_benchmark(data_dir: Path) -> list[dict[str, object]]:
    frame = pd.read_parquet(data_dir / "demo" / "ticket_texts.parquet")
    texts = (frame["subject"] + " " + frame["text"]).tolist()
    x_train, x_test, y_train, y_test = train_test_split(
        texts, frame["label"].tolist(), test_size=0.2, stratify=frame["label"], random_state=42
    )
    rows = []
    for model, config, normaliser in CASES:
        pipeline = build_classifier(model, config, normaliser=normaliser)  # type: ignore[arg-type]
        started = time.perf_counter()
        pipeline.fit(x_train, y_train)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        predicted = pipeline.predict(x_test)
        predict_s = time.perf_counter() - started
        rows.append({
            "model": model, "normaliser": normaliser, "train_texts": len(x_train),
            "fit_s": round(fit_s, 2),
            "macro_f1": round(float(f1_score(y_test, predicted, average="macro")), 4),
            "predict_texts_per_s": round(len(x_test) / predict_s),
        })  # fmt: skip
        print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    main()
