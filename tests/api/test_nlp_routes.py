"""Ticket-classifier endpoints on freshly generated synthetic ticket texts."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from workers import in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.demo import generate_demo


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("nlp"), _env_file=None)  # type: ignore[call-arg]
    settings.max_upload_mb = 1
    generate_demo(settings.demo_dir, seed=11, progress=False)
    context = build_context(settings)
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        yield client
    context.close()


@pytest.fixture(scope="module")
def model_id(client: TestClient) -> str:
    body = {"model": "logistic", "config": {"C": 10, "solver": "lbfgs"}, "wait": True}
    response = client.post("/api/fit_nlp", json=body)
    assert response.status_code == 200, response.text
    return str(response.json())


def test_fit_returns_id_and_statistics_in_spec_shape(client: TestClient, model_id: str) -> None:
    assert model_id.startswith("model_")
    stats = client.get(f"/api/statistics/{model_id}").json()
    assert stats["macro_avg"]["f1_score"] >= 0.85
    assert {
        "roc_auc",
        "accuracy",
        "weighted_avg",
        "classes",
        "confusion_matrix",
        "roc_curves",
    } <= set(stats)
    models = client.get("/api/get_models").json()
    mine = next(m for m in models if m["id"] == model_id)
    assert (mine["status"], mine["version"] >= 1) == ("ready", True)
    assert mine["dataset_ref"].startswith("texts v")  # the demo texts, as a dataset version


def test_background_training_reports_status(client: TestClient) -> None:
    model_id = client.post("/nlp/api/fit_nlp", json={"model": "svm", "config": {"C": 1}}).json()
    statuses = set()
    for _ in range(1200):  # the calibrated SVM fits 3 models per statistics fold: allow 2 min
        status = next(m for m in client.get("/api/get_models").json() if m["id"] == model_id)[
            "status"
        ]
        statuses.add(status)
        if status != "training":
            break
        time.sleep(0.1)
    assert status == "ready"
    assert client.get(f"/api/statistics/{model_id}").status_code == 200


def test_predict_single_batch_and_scores(client: TestClient, model_id: str) -> None:
    text = "Не работает мобильный интернет, скорость упала до нуля после обновления тарифа"
    label = client.post("/api/predict_nlp", json={"id": model_id, "text": text}).json()
    assert isinstance(label, str)
    batch = client.post(
        "/api/predict_nlp_batch", json={"id": model_id, "texts": [text, text]}
    ).json()
    assert batch["labels"] == [label, label]
    scores = client.post("/api/predict_scores", json={"id": model_id, "texts": [text]}).json()
    assert len(scores["classes"]) == 10
    assert sum(scores["scores"][0]) == pytest.approx(1, abs=1e-4)
    assert scores["classes"][max(range(10), key=scores["scores"][0].__getitem__)] == label


def test_fast_path_answers_like_the_full_route(client: TestClient, model_id: str) -> None:
    """A loaded model is served by the lean ASGI path; its answers match the batch route."""
    client.post(f"/api/models/{model_id}/load")
    texts = ["Не работает интернет дома", "Списали деньги дважды", "Роуминг в Турции"]
    fast = [client.post("/api/predict_nlp", json={"id": model_id, "text": t}) for t in texts]
    assert all(r.headers["content-type"] == "application/json" for r in fast)
    batch = client.post("/api/predict_nlp_batch", json={"id": model_id, "texts": texts}).json()
    assert [r.json() for r in fast] == batch["labels"]
    missing_text = client.post("/api/predict_nlp", json={"id": model_id})
    assert missing_text.status_code == 422
    assert missing_text.json()["status"] == "error"
    not_json = client.post(
        "/api/predict_nlp", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422


def test_predict_csv_streams_scored_rows(client: TestClient, model_id: str) -> None:
    content = "ticket,text\n1,Списали деньги дважды за один месяц\n2,Роуминг в Турции не работает\n"
    response = client.post(
        "/api/predict_nlp_csv",
        data={"id": model_id},
        files={"file": ("t.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200
    lines = response.text.strip().splitlines()
    assert lines[0] == "ticket,text,prediction"
    assert len(lines) == 3


@pytest.mark.parametrize("model", ["logistic", "svm"])
def test_predict_csv_labels_like_single_tickets(client: TestClient, model: str) -> None:
    """CSV blocks are cut in numpy and Arrow, single tickets in plain Python: same labels,
    whether the model is scored from its array export (logistic) or by scikit-learn (SVM)."""
    model_id = client.post("/api/fit_nlp", json={"model": model, "wait": True}).json()
    phrases = [
        "Списали деньги дважды, лицевой счёт 1079751716.",
        "Роуминг в Турции не работает! Тел. 8 912 345-67-89",
        "Меня зовут Иван Петров, заявка №144950. Жду ответа?",
        "Интернет пропадает каждый вечер, роутер перезагружала. ivan.petrov@mail.ru",
        "",
    ]
    texts = [f"{phrases[i % 5]} {i}" if i % 7 else phrases[i % 5] for i in range(300)]
    source = io.StringIO()
    csv.writer(source, lineterminator="\n").writerows([["text"], *[[t] for t in texts]])

    def score(_: int) -> str:
        files = {"file": ("t.csv", source.getvalue().encode(), "text/csv")}
        return client.post("/api/predict_nlp_csv", data={"id": model_id}, files=files).text

    with ThreadPoolExecutor(max_workers=3) as pool:  # the memos are shared by all requests
        scored = list(pool.map(score, range(3)))
    assert scored[1:] == scored[:1] * 2
    rows = list(csv.reader(io.StringIO(scored[0])))[1:]
    assert [text for text, _ in rows] == texts
    single = {
        text: client.post("/api/predict_nlp", json={"id": model_id, "text": text}).json()
        for text in set(texts) - {""}
    }
    assert [label for text, label in rows if text] == [single[t] for t in texts if t]
    assert len(set(single.values())) > 1
    client.delete(f"/api/remove_nlp/{model_id}")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"ticket,body\n1,x\n", "missing_columns"),
        (b"ticket,text\n1,x\n2,y,z\n", "malformed_csv"),
        ("text\nпривет\n".encode("cp1251"), "not_utf8"),
        (b"", "empty_file"),
        (b"text\n" + b"a" * 1_100_000 + b"\n", "file_too_large"),
    ],
)
def test_predict_csv_errors(client: TestClient, model_id: str, content: bytes, code: str) -> None:
    response = client.post(
        "/api/predict_nlp_csv",
        data={"id": model_id},
        files={"file": ("t.csv", content, "text/csv")},
    )
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code


def test_errors(client: TestClient, model_id: str) -> None:
    missing = client.delete("/api/remove_nlp/model_nope")
    assert missing.status_code == 404
    assert missing.json()["status"] == "error"
    assert missing.json()["message"] == "Model not found"
    empty = client.post("/api/predict_nlp", json={"id": model_id, "text": "   "})
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_text")
    unknown = client.post("/api/predict_nlp", json={"id": "model_nope", "text": "x"})
    assert unknown.status_code == 404
    bad = client.post("/api/fit_nlp", json={"model": "forest"})
    assert bad.json()["code"] == "unknown_model"
    assert client.get("/api/statistics/model_nope").status_code == 404


def test_remove(client: TestClient) -> None:
    model_id = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True}).json()
    body = client.delete(f"/api/remove_nlp/{model_id}").json()
    assert body == {"status": "success", "message": f"model {model_id} was successfully removed"}
    assert client.get(f"/api/statistics/{model_id}").status_code == 404


def test_promotion_hot_swaps_without_failing_requests(client: TestClient, model_id: str) -> None:
    assert (
        client.post("/api/predict_nlp", json={"id": "production", "text": "x"}).status_code == 404
    )
    assert client.post(f"/api/models/{model_id}/promote").json()["stage"] == "production"
    newer = client.post(
        "/api/fit_nlp", json={"model": "logistic", "config": {"C": 1}, "wait": True}
    ).json()
    text = {"id": "production", "text": "Не могу оплатить счёт картой, платёж отклонён"}

    def call(i: int) -> int:
        if i == 100:
            client.post(f"/api/models/{newer}/promote")
        return client.post("/api/predict_nlp", json=text).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(call, range(300)))

    assert statuses == [200] * 300
    models = {m["id"]: m["stage"] for m in client.get("/api/get_models").json()}
    assert (models[newer], models[model_id]) == ("production", "staging")


def test_load_and_unload(client: TestClient, model_id: str) -> None:
    context = client.app.state.context  # type: ignore[attr-defined]
    assert client.post(f"/api/models/{model_id}/unload").status_code == 200
    assert model_id not in context.nlp.serving
    assert client.post(f"/api/models/{model_id}/load").status_code == 200
    assert model_id in context.nlp.serving
    assert client.post("/api/models/model_nope/load").status_code == 404


@pytest.fixture(scope="module")
def clustering_id(client: TestClient) -> str:
    response = client.post("/api/clustering/fit", json={"n_clusters": 10, "wait": True})
    assert response.status_code == 200, response.text
    return str(response.json())


def test_clustering_recovers_demo_topics(client: TestClient, clustering_id: str) -> None:
    result = client.get(f"/api/clustering/{clustering_id}").json()
    assert result["status"] == "ready"
    assert result["adjusted_rand_vs_topic"] >= 0.7
    assert len(result["clusters"]) == 10
    assert sum(c["size"] for c in result["clusters"]) == 10_000
    for cluster in result["clusters"]:
        assert len(cluster["top_terms"]) == 10
        for representative in cluster["representatives"]:
            assert "@" not in representative["text"]


def test_name_and_assign(client: TestClient, clustering_id: str) -> None:
    named = client.put(f"/api/clustering/{clustering_id}/names", json={"names": {"0": "Первый"}})
    assert named.status_code == 200
    assert named.json()["clusters"][0]["name"] == "Первый"
    texts = ["Не работает интернет дома уже второй день", "Спишите лишние деньги со счёта"]
    assigned = client.post(f"/api/clustering/{clustering_id}/assign", json={"texts": texts}).json()
    assert len(assigned["clusters"]) == 2
    with_id = {"id": "ignored-by-older-callers", "texts": texts}  # older callers still work
    again = client.post(f"/api/clustering/{clustering_id}/assign", json=with_id).json()
    assert again["clusters"] == assigned["clusters"]
    assert all(0 <= c < 10 for c in assigned["clusters"])
    for cluster, name in zip(assigned["clusters"], assigned["names"], strict=True):
        assert name == ("Первый" if cluster == 0 else f"cluster {cluster}")
    bad = client.put(f"/api/clustering/{clustering_id}/names", json={"names": {"42": "x"}})
    assert bad.json()["code"] == "unknown_cluster"
    assert client.get("/api/clustering/model_nope").status_code == 404


def test_fit_with_own_stop_words(client: TestClient) -> None:
    body = {
        "model": "logistic",
        "preprocessing": {"normaliser": "none", "extra_stop_words": ["Роуминг", "интернет"]},
        "wait": True,
    }
    model_id = client.post("/api/fit_nlp", json=body).json()
    record = next(m for m in client.get("/api/get_models").json() if m["id"] == model_id)
    assert record["status"] == "ready"
    assert record["params"]["preprocessing"]["extra_stop_words"] == ["Роуминг", "интернет"]
    pipeline = client.app.state.context.nlp.pipeline(model_id)  # type: ignore[attr-defined]
    vocabulary = pipeline.named_steps["tfidf"].transformer_list[0][1].vocabulary_
    assert "роуминг" not in vocabulary  # stop words are matched case-insensitively
    prepared = pipeline.named_steps["prep"].transform(["Домашний Интернет и роуминг"])
    assert prepared == ["домашний"]  # ours dropped ("и": shorter than min_length)
    assert any(term.startswith("домашн") for term in vocabulary)  # "none": words as written


@pytest.mark.parametrize(
    "preprocessing",
    [{"normaliser": "soundex"}, {"extra_stop_words": [""]}, {"stopwords": ["x"]}],
)
def test_bad_preprocessing_is_422(client: TestClient, preprocessing: dict[str, object]) -> None:
    response = client.post("/api/fit_nlp", json={"preprocessing": preprocessing})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_serving_a_linear_model_never_imports_sklearn(client: TestClient, model_id: str) -> None:
    """The API scores TF-IDF + linear models from the array export written at training: a fresh
    API process serves single, batch and CSV predictions without scikit-learn (~90 MB)."""
    data_dir = client.app.state.context.settings.data_dir  # type: ignore[attr-defined]
    texts = ["Не работает интернет дома", "Списали деньги дважды"]
    expected = client.post("/api/predict_nlp_batch", json={"id": model_id, "texts": texts}).json()
    script = textwrap.dedent(
        f"""
        import sys
        from fastapi.testclient import TestClient
        from tasks_support_system_ai.api import create_app
        from tasks_support_system_ai.config import Settings

        settings = Settings(data_dir={str(data_dir)!r}, _env_file=None)
        with TestClient(create_app(settings)) as client:
            one = client.post("/api/predict_nlp", json={{"id": {model_id!r}, "text": "Роуминг"}})
            many = client.post(
                "/api/predict_nlp_batch", json={{"id": {model_id!r}, "texts": {texts!r}}}
            )
            scored = client.post(
                "/api/predict_nlp_csv",
                data={{"id": {model_id!r}}},
                files={{"file": ("t.csv", "text\\n" + "\\n".join({texts!r}), "text/csv")}},
            )
        print(one.status_code, scored.text.splitlines()[1:], many.json()["labels"])
        print(sorted(m for m in ("sklearn", "skops") if m in sys.modules))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    answers, modules = run.stdout.strip().splitlines()[-2:]
    labels = expected["labels"]
    rows = [f"{text},{label}" for text, label in zip(texts, labels, strict=True)]
    assert answers == f"200 {rows} {labels}"
    assert modules == "[]"


def test_models_trained_without_an_export_get_one_when_loaded(
    client: TestClient, model_id: str
) -> None:
    nlp = client.app.state.context.nlp  # type: ignore[attr-defined]
    key = nlp.registry.derived_key(model_id, "linear.npz")
    assert nlp.registry.objects.exists(key)  # written at training
    nlp.registry.objects.delete(key)
    nlp.unload(model_id)
    assert client.post(f"/api/models/{model_id}/load").status_code == 200
    assert nlp.registry.objects.exists(key)
    assert nlp.serving.get(model_id).linear is not None


def test_remove_all_keeps_the_production_model(client: TestClient, model_id: str) -> None:
    """Whatever was promoted last, ``"id": "production"`` survives ``remove_all_nlp``."""
    assert client.post(f"/api/models/{model_id}/promote").status_code == 200
    assert client.delete("/api/remove_all_nlp").status_code == 200
    remaining = {m["id"]: m["stage"] for m in client.get("/api/get_models").json()}
    assert remaining.get(model_id) == "production"
    text = {"id": "production", "text": "Не работает роуминг"}
    assert client.post("/api/predict_nlp", json=text).status_code == 200
    for refused in (
        client.delete(f"/api/remove_nlp/{model_id}"),
        client.post(f"/api/models/{model_id}/promote", params={"stage": "staging"}),
    ):
        assert refused.status_code == 409
        assert refused.json()["code"] == "model_protected"
