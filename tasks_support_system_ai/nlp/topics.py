"""Topic clustering of tickets as a registered model: fit in the background, name, assign."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from tasks_support_system_ai.errors import ConflictError, public_message
from tasks_support_system_ai.lru import LRUCache
from tasks_support_system_ai.nlp.service import (
    Jobs,
    TrainingTexts,
    check_texts,
    wait_for_training,
)
from tasks_support_system_ai.registry import ModelRecord, ModelRegistry

if TYPE_CHECKING:  # scikit-learn is imported when a clustering is fitted or used, not before
    from tasks_support_system_ai.nlp.clustering import TicketClusterer

CLUSTERING = "ticket-clustering"


@dataclass(frozen=True)
class ClusteringFitParams:
    """A ``clustering_fit`` job: fit the registered clustering ``model_id`` with ``params``."""

    model_id: str
    params: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "params": self.params}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(model_id=data["model_id"], params=dict(data["params"]))


class TopicService:
    def __init__(
        self, registry: ModelRegistry, texts: TrainingTexts, jobs: Jobs, cache_size: int = 4
    ) -> None:
        self.registry = registry
        self.texts = texts
        self.jobs = jobs
        self.loaded: LRUCache[str, TicketClusterer] = LRUCache(cache_size)

    def fit(self, params: dict[str, Any], *, wait: bool = False) -> ModelRecord:
        """Register a clustering in status "training" and queue the fit as a job."""
        from tasks_support_system_ai.nlp.clustering import TicketClusterer

        TicketClusterer(**params).check_params(10**9)  # bad parameters fail before registering
        _, dataset_ref = self.texts.load()
        record = self.registry.create(CLUSTERING, "nlp_clustering", params, dataset_ref=dataset_ref)
        job = self.jobs.submit("clustering_fit", ClusteringFitParams(record.id, params))
        if wait:
            wait_for_training(self.jobs, job.id, record.id)
        return self.registry.get(record.id)

    def run_fit(self, params: ClusteringFitParams) -> dict[str, Any]:
        """The ``clustering_fit`` job; its result."""
        record = self.train(params.model_id, params.params)
        return {"model_id": record.id, "n_clusters": record.metrics.get("n_clusters")}

    def train(self, model_id: str, params: dict[str, Any]) -> ModelRecord:
        """Fit a registered clustering (run by the job); a failure is recorded, then raised."""
        from sklearn.metrics import adjusted_rand_score

        from tasks_support_system_ai.nlp.clustering import TicketClusterer

        try:
            frame, _ = self.texts.load()
            texts = frame["full"].tolist()
            clusterer = TicketClusterer(**params).fit(texts)
            metrics = {
                "n_clusters": int(clusterer.n_clusters_),
                "silhouette_by_k": {str(k): v for k, v in clusterer.silhouette_by_k_.items()},
                "clusters": clusterer.summary(texts),
                "cluster_names": {},
                # The demo texts are synthetic and carry their generating topic: a quality check.
                "adjusted_rand_vs_topic": float(
                    adjusted_rand_score(frame["topic"], clusterer.labels_)
                ),
            }
            return self.registry.complete(model_id, clusterer, metrics)
        except Exception as error:
            self.registry.fail(model_id, public_message(error))
            raise

    def result(self, model_id: str) -> dict[str, Any]:
        record = self.registry.get(model_id, "nlp_clustering")
        if record.status != "ready":
            raise ConflictError(
                f"Clustering {model_id} is {record.status}"
                + (f": {record.error}" if record.error else ""),
                code=f"model_{record.status}",
            )
        return {"id": model_id, "status": record.status, **record.metrics}

    def clusterer(self, model_id: str) -> TicketClusterer:
        loaded, _ = self.loaded.get_or_compute(
            model_id, lambda: self.registry.load(model_id, "nlp_clustering")
        )
        return loaded

    def name(self, model_id: str, names: Mapping[int, str]) -> dict[str, Any]:
        """Validate and store names; the registry keeps them, the loaded model mirrors them."""
        result = self.result(model_id)
        self.clusterer(model_id).name_clusters(names)
        stored = {**result["cluster_names"], **{str(c): n.strip() for c, n in names.items()}}
        for cluster in result["clusters"]:
            cluster["name"] = stored.get(str(cluster["cluster"]))
        metrics = {k: v for k, v in result.items() if k not in {"id", "status"}}
        self.registry.update_metrics(model_id, {**metrics, "cluster_names": stored})
        return self.result(model_id)

    def assign(self, model_id: str, texts: Sequence[str]) -> tuple[list[int], list[str]]:
        check_texts(texts)
        names = self.result(model_id)["cluster_names"]
        clusters = [int(c) for c in self.clusterer(model_id).predict(list(texts))]
        return clusters, [names.get(str(c), f"cluster {c}") for c in clusters]
