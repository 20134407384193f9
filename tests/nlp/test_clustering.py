"""Ticket clustering: recovers demo topics, chooses k, predicts, summarises, names, errors."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

from tasks_support_system_ai.datasets.demo import generate_demo
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.clustering import TicketClusterer

N_TOPICS = 10
_LONG_DIGITS = re.compile(r"\d{10,}")


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    files = generate_demo(tmp_path_factory.mktemp("c"), seed=9, progress=False)
    frame = pd.read_parquet(files.ticket_texts)
    return frame.assign(full=frame["subject"] + " " + frame["text"])


@pytest.fixture(scope="module")
def texts(tickets: pd.DataFrame) -> list[str]:
    return tickets["full"].tolist()


@pytest.fixture(scope="module")
def clusterer(texts: list[str]) -> TicketClusterer:
    return TicketClusterer(n_clusters=N_TOPICS).fit(texts)


def test_recovers_topics(clusterer: TicketClusterer, tickets: pd.DataFrame) -> None:
    assert clusterer.n_clusters_ == N_TOPICS
    assert adjusted_rand_score(tickets["label"], clusterer.labels_) >= 0.7


def test_automatic_k_uses_silhouette(texts: list[str]) -> None:
    model = TicketClusterer(k_range=(6, 12), sample_for_k=1000).fit(texts[:2000])
    assert set(model.silhouette_by_k_) == set(range(6, 13))
    assert 6 <= model.n_clusters_ <= 12
    assert model.n_clusters_ == max(model.silhouette_by_k_, key=model.silhouette_by_k_.__getitem__)
    assert all(-1.0 <= s <= 1.0 for s in model.silhouette_by_k_.values())


def test_predict_agrees_with_training_labels(clusterer: TicketClusterer, texts: list[str]) -> None:
    predicted = clusterer.predict(texts)
    assert predicted.shape == (len(texts),)
    assert np.mean(predicted == clusterer.labels_) >= 0.95


def test_summary_sizes_terms_and_scrubbed_representatives(
    clusterer: TicketClusterer, texts: list[str]
) -> None:
    summary = clusterer.summary(texts, top_terms=5, representatives=3)
    assert [row["cluster"] for row in summary] == list(range(N_TOPICS))
    assert sum(row["size"] for row in summary) == len(texts)
    for row in summary:
        assert len(row["top_terms"]) == 5
        assert row["name"] is None
        assert 1 <= len(row["representatives"]) <= 3
        for rep in row["representatives"]:
            assert "@" not in rep["text"]
            assert not _LONG_DIGITS.search(rep["text"])
            assert 0 <= rep["index"] < len(texts)


def test_top_terms_without_svd(texts: list[str]) -> None:
    model = TicketClusterer(n_clusters=4, svd_components=None).fit(texts[:800])
    assert model.svd_ is None
    summary = model.summary(texts[:800], top_terms=3, representatives=1)
    assert all(len(row["top_terms"]) == 3 for row in summary)


def test_naming_clusters_gives_labels(clusterer: TicketClusterer, texts: list[str]) -> None:
    model = clone(clusterer).fit(texts[:1000])
    model.name_clusters({0: "  Тарифы ", 2: "Роутеры"})
    assert model.cluster_names_ == {0: "Тарифы", 2: "Роутеры"}
    assert model.label_names([0, 1, 2]) == ["Тарифы", "cluster 1", "Роутеры"]
    assert model.summary(texts[:50])[0]["name"] == "Тарифы"
    with pytest.raises(InvalidInputError) as err:
        model.name_clusters({N_TOPICS: "нет такого"})
    assert err.value.code == "unknown_cluster"


@pytest.mark.parametrize(
    ("params", "inputs", "code"),
    [
        ({"n_clusters": 3}, [], "too_few_texts"),
        ({"n_clusters": 3}, ["роутер не работает", "роутер сломался"], "too_few_texts"),
        ({"k_range": (5, 3)}, ["роутер"] * 10, "invalid_k_range"),
        ({"k_range": (1, 4)}, ["роутер"] * 10, "invalid_k_range"),
        ({}, ["роутер"] * 3, "too_few_texts"),
    ],
)
def test_errors(params: dict[str, object], inputs: list[str], code: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        TicketClusterer(**params).fit(inputs)  # type: ignore[arg-type]
    assert err.value.code == code
