"""REST clients written against the original service: its routes under ``/nlp/api`` answer in
its shapes (``predict_nlp`` → ``{"clusters": [...]}``), and ``predict_nlp_csv`` takes ``id`` as
a query parameter next to the multipart file, as well as a form field, on both prefixes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from test_text_datasets import english_texts
from workers import in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind

TEXTS = ["I was charged twice this month", "Roaming abroad does not work"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("old"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.TEXTS, english_texts(), "texts.csv")
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        yield client
    context.close()


@pytest.fixture(scope="module")
def model_id(client: TestClient) -> str:
    """Trained through the original route: the answer is the bare id string."""
    body = {"model": "logistic", "config": {"C": 10, "solver": "lbfgs"}, "wait": True}
    response = client.post("/nlp/api/fit_nlp", json=body)
    assert response.status_code == 200, response.text
    model_id = response.json()
    assert isinstance(model_id, str)
    assert model_id.startswith("model_")
    return model_id


def test_predict_nlp_answers_clusters_under_the_original_prefix(
    client: TestClient, model_id: str
) -> None:
    client.app.state.context.nlp.unload(model_id)  # type: ignore[attr-defined]
    for text in TEXTS:  # first call: the full route loads the model; then the lean path
        label = client.post("/api/predict_nlp", json={"id": model_id, "text": text}).json()
        assert isinstance(label, str)
        for _ in range(2):
            old = client.post("/nlp/api/predict_nlp", json={"id": model_id, "text": text})
            assert old.status_code == 200
            assert old.json() == {"clusters": [label]}
        client.app.state.context.nlp.unload(model_id)  # type: ignore[attr-defined]
    missing = client.post("/nlp/api/predict_nlp", json={"id": model_id})
    assert missing.status_code == 422
    assert missing.json()["message"].startswith("text: Field required")


@pytest.mark.parametrize("prefix", ["/api", "/nlp/api"])
@pytest.mark.parametrize("id_in", ["query", "form"])
def test_predict_nlp_csv_takes_id_as_query_or_form(
    client: TestClient, model_id: str, prefix: str, id_in: str
) -> None:
    content = "text\n" + "\n".join(TEXTS) + "\n"
    request = {"params" if id_in == "query" else "data": {"id": model_id}}
    files = {"file": ("t.csv", content, "text/csv")}
    response = client.post(f"{prefix}/predict_nlp_csv", files=files, **request)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["text", "prediction"]
    assert [row[1] for row in rows[1:]] == ["billing", "roaming"]


@pytest.mark.parametrize("prefix", ["/api", "/nlp/api"])
def test_predict_nlp_csv_without_id_names_the_field(client: TestClient, prefix: str) -> None:
    files = {"file": ("t.csv", "text\nhello\n", "text/csv")}
    response = client.post(f"{prefix}/predict_nlp_csv", files=files)
    assert response.status_code == 422
    assert response.json()["message"].startswith("id: Field required")


def test_statistics_and_removal_in_the_original_shapes(client: TestClient) -> None:
    spare = client.post("/nlp/api/fit_nlp", json={"model": "logistic", "wait": True}).json()
    stats = client.get(f"/nlp/api/statistics/{spare}").json()
    assert {"roc_auc", "accuracy", "macro_avg", "weighted_avg", "classes"} <= set(stats)
    assert set(stats["macro_avg"]) >= {"precision", "recall", "f1_score"}
    removed = client.delete(f"/nlp/api/remove_nlp/{spare}").json()
    assert removed == {"status": "success", "message": f"model {spare} was successfully removed"}
    missing = client.delete(f"/nlp/api/remove_nlp/{spare}")
    assert missing.status_code == 404
    assert (missing.json()["status"], missing.json()["message"]) == ("error", "Model not found")
