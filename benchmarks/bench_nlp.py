"""Ticket-classifier benchmarks on the synthetic demo texts.

(a) fit time and held-out macro-F1 per model and text normaliser (same stratified split).
(The load test of POST /api/predict_nlp against Flask + gunicorn and CSV throughput are still to
come; see issue 4.)

    python benchmarks/bench_nlp.py [--data-dir data]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from _common import save_result
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
    args = parser.parse_args()
    frame = pd.read_parquet(args.data_dir / "demo" / "ticket_texts.parquet")
    texts = (frame["subject"] + " " + frame["text"]).tolist()
    x_train, x_test, y_train, y_test = train_test_split(
        texts, frame["topic"].tolist(), test_size=0.2, stratify=frame["topic"], random_state=42
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
    save_result("nlp", {"fit": rows})


if __name__ == "__main__":
    main()
