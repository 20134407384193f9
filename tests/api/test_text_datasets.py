"""Uploaded labeled texts (here English) as a dataset version that classifiers train on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from workers import in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context

TOPICS = {
    "billing": ["charged twice for my invoice", "refund for the payment", "wrong amount on bill"],
    "internet": ["mobile internet is down", "no connection at home", "router keeps dropping wifi"],
    "roaming": ["roaming does not work abroad", "cannot call from Spain", "data abroad blocked"],
}


def english_texts() -> bytes:
    rows = [
        {"subject": f"Ticket {k}", "text": f"{phrase}, please help (case {k})", "label": label}
        for label, phrases in TOPICS.items()
        for k in range(30)
        for phrase in [phrases[k % 3]]
    ]
    return pd.DataFrame(rows).to_csv(index=False).encode()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("texts"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        yield client
    context.close()


def upload(client: TestClient, content: bytes) -> dict[str, object]:
    files = {"file": ("texts.csv", content, "text/csv")}
    return client.post("/api/upload_data", data={"df_type": "texts"}, files=files).json()  # type: ignore[no-any-return]


def test_no_texts_is_a_clear_error(client: TestClient) -> None:
    response = client.post("/api/fit_nlp", json={"model": "logistic"})
    assert response.status_code == 422
    assert response.json()["code"] == "no_training_data"


def test_english_dataset_trains_and_predicts_end_to_end(client: TestClient) -> None:
    uploaded = upload(client, english_texts())
    assert uploaded["status"] == "success", uploaded
    assert uploaded["version"]["summary"]["language"] == "en"  # type: ignore[index]
    model_id = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True}).json()
    model = next(m for m in client.get("/api/get_models").json() if m["id"] == model_id)
    assert model["status"] == "ready", model
    assert model["dataset_ref"].startswith("texts v")
    assert model["macro_f1"] >= 0.85
    for text, label in [
        ("I was charged twice this month", "billing"),
        ("Internet connection is down again", "internet"),
        ("Roaming abroad does not work", "roaming"),
    ]:
        body = {"id": model_id, "text": text}
        assert client.post("/api/predict_nlp", json=body).json() == label


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"text,topic\nhello,a\n", "missing_columns"),
        (b"text,label\nhello,a\n,b\nthere,b\n", "empty_text"),
        (b"text,label\nhello,a\nthere,\n", "empty_label"),
        (b"text,label\nhello,a\nthere,a\n", "too_few_labels"),
    ],
)
def test_bad_texts_uploads_are_rejected(client: TestClient, content: bytes, code: str) -> None:
    files = {"file": ("bad.csv", content, "text/csv")}
    response = client.post("/api/upload_data", data={"df_type": "texts"}, files=files)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code


def test_waited_fit_of_a_failed_training_reports_the_failure_and_its_code(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks_support_system_ai.errors import InvalidInputError
    from tasks_support_system_ai.job_kinds import HANDLERS

    def failing_fit(context: Any, params: Mapping[str, Any], progress: Any) -> dict[str, Any]:
        """Training that fails the way a too-small class does (recorded, then raised)."""
        context.nlp.registry.fail(params["model_id"], "Classes with fewer than 5 examples: x")
        raise InvalidInputError("Classes with fewer than 5 examples: x", code="class_too_small")

    upload(client, english_texts())
    monkeypatch.setitem(HANDLERS, "nlp_fit", failing_fit)
    response = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "class_too_small"
    assert "fewer than 5 examples" in body["message"]
    failed = next(
        m for m in client.get("/api/get_models").json() if m["id"] == body["details"]["model_id"]
    )
    assert failed["status"] == "failed"


def test_a_rare_label_is_accepted_trained_on_and_reported(client: TestClient) -> None:
    """One rule at upload and training: 1-4 examples never fail; statistics name the label."""
    frame = pd.read_csv(pd.io.common.BytesIO(english_texts()))
    rare = pd.DataFrame([{"subject": "Ticket", "text": "my parcel was lost", "label": "post"}] * 2)
    uploaded = upload(client, pd.concat([frame, rare]).to_csv(index=False).encode())
    assert uploaded["status"] == "success", uploaded
    assert uploaded["version"]["summary"]["too_small_to_evaluate"] == ["post"]  # type: ignore[index]
    model_id = client.post("/api/fit_nlp", json={"wait": True}).json()
    statistics = client.get(f"/api/statistics/{model_id}").json()
    assert statistics["evaluation"]["too_small_to_evaluate"] == ["post"]
    assert statistics["evaluation"]["method"] == "stratified 5-fold cross-validation"
    assert statistics["classes"]["post"]["support"] == 0  # never in a test part
    body = {"id": model_id, "text": "my parcel was lost"}
    assert client.post("/api/predict_nlp", json=body).json() == "post"  # trained on
