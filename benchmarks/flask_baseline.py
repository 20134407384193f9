"""The straightforward way to serve the classifier: Flask + gunicorn, ``pipeline.predict([text])``.

The baseline of benchmarks/bench_serving.py (the setup of the source system: a Flask app under
gunicorn with worker processes and threads). Loads the same skops artifact the service serves.

    SUPPORT_AI_BENCH_MODEL=<artifact.skops> gunicorn -w 2 --threads 4 flask_baseline:app
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, jsonify, request

from tasks_support_system_ai.registry.artifacts import load_artifact

app = Flask(__name__)
pipeline = load_artifact(Path(os.environ["SUPPORT_AI_BENCH_MODEL"]).read_bytes())


@app.post("/api/predict_nlp")
def predict_nlp():  # type: ignore[no-untyped-def]
    body = request.get_json()
    return jsonify(str(pipeline.predict([body["text"]])[0]))


@app.get("/health")
def health():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"})
