"""Unsupervised grouping of tickets, so unlabelled data can be explored and named.

TF-IDF on preprocessed text, optionally reduced by TruncatedSVD and L2-normalised
(so Euclidean k-means behaves like cosine k-means), then k-means.  When the number
of clusters is not given it is chosen by the silhouette score on a sample, which
keeps the search affordable on large ticket sets.  Named clusters can then serve
as labels for a supervised classifier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import Normalizer

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.nlp.pii import scrub_pii
from tasks_support_system_ai.nlp.prepare import Normaliser
from tasks_support_system_ai.nlp.preprocess import Preprocessor

MINIBATCH_ABOVE = 20_000
_MIN_K = 2
_N_INIT = 5

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int_]
Features = Any  # dense SVD output or a scipy sparse TF-IDF matrix (scipy is untyped)


class TicketClusterer(BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Cluster ticket texts; summarise, name and label the clusters."""

    def __init__(
        self,
        *,
        n_clusters: int | None = None,
        k_range: tuple[int, int] = (4, 16),
        max_features: int = 20_000,
        svd_components: int | None = 100,
        normaliser: Normaliser = "stem",
        random_state: int = 42,
        sample_for_k: int = 3000,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.max_features = max_features
        self.svd_components = svd_components
        self.normaliser = normaliser
        self.random_state = random_state
        self.sample_for_k = sample_for_k

    # ------------------------------------------------------------------ fitting

    def fit(self, texts: Sequence[str], y: Any = None) -> Self:
        """Learn the vector space, choose k if needed, and cluster ``texts``."""
        texts = list(texts)
        self.check_params(len(texts))
        features = self._fit_space(texts)
        self.silhouette_by_k_: dict[int, float] = {}
        k = self.n_clusters if self.n_clusters is not None else self._choose_k(features)
        self.n_clusters_: int = k
        self.kmeans_: KMeans | MiniBatchKMeans = self._make_kmeans(k, len(texts))
        self.labels_: IntArray = self.kmeans_.fit_predict(features).astype(np.int_)
        self.cluster_names_: dict[int, str] = {}
        return self

    def check_params(self, n_texts: int) -> None:
        """Fail early with a stable error code instead of an sklearn traceback."""
        low, high = self.k_range
        if self.n_clusters is None and not _MIN_K <= low <= high:
            raise InvalidInputError(
                f"k_range must satisfy {_MIN_K} <= low <= high, got {self.k_range}",
                code="invalid_k_range",
                k_range=list(self.k_range),
            )
        if self.n_clusters is not None and self.n_clusters < 1:
            raise InvalidInputError(
                "n_clusters must be positive", code="invalid_n_clusters", n_clusters=self.n_clusters
            )
        needed = self.n_clusters if self.n_clusters is not None else low + 1
        if n_texts == 0 or n_texts < needed:
            raise InvalidInputError(
                f"need at least {needed} texts to cluster, got {n_texts}",
                code="too_few_texts",
                n_texts=n_texts,
                needed=needed,
            )

    def _fit_space(self, texts: list[str]) -> Features:
        """Fit preprocessor, TF-IDF and (optionally) SVD; return the training features."""
        self.preprocessor_ = Preprocessor(language="auto", normaliser=self.normaliser).fit(texts)
        self.vectorizer_ = TfidfVectorizer(
            sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=self.max_features
        )
        try:
            tfidf = self.vectorizer_.fit_transform(self.preprocessor_.transform(texts))
        except ValueError as exc:  # empty vocabulary: nothing repeats across texts
            raise InvalidInputError(
                "texts share no terms to cluster on", code="too_few_texts", n_texts=len(texts)
            ) from exc
        self.svd_ = self._make_svd(tfidf.shape[1])
        self.normalizer_ = Normalizer()
        if self.svd_ is None:
            return tfidf  # TF-IDF rows are already L2-normalised
        return self.normalizer_.fit_transform(self.svd_.fit_transform(tfidf))

    def _make_svd(self, n_terms: int) -> TruncatedSVD | None:
        """SVD capped below the vocabulary size (TruncatedSVD needs fewer components)."""
        if self.svd_components is None or n_terms < _MIN_K + 1:
            return None
        components = min(self.svd_components, n_terms - 1)
        return TruncatedSVD(n_components=components, random_state=self.random_state)

    def _make_kmeans(self, k: int, n_texts: int) -> KMeans | MiniBatchKMeans:
        """Full k-means normally; mini-batch when the data set is large."""
        if n_texts > MINIBATCH_ABOVE:
            return MiniBatchKMeans(
                n_clusters=k, n_init=_N_INIT, random_state=self.random_state, batch_size=4096
            )
        return KMeans(n_clusters=k, n_init=_N_INIT, random_state=self.random_state)

    def _choose_k(self, features: Features) -> int:
        """Best silhouette (cosine) over ``k_range``, scored on a random sample."""
        sample = self._sample(features)
        low, high = self.k_range
        high = min(high, sample.shape[0] - 1)
        for k in range(low, high + 1):
            labels = self._make_kmeans(k, sample.shape[0]).fit_predict(sample)
            score = _silhouette(sample, labels, self.random_state)
            self.silhouette_by_k_[k] = score
        return max(self.silhouette_by_k_, key=lambda k: self.silhouette_by_k_[k])

    def _sample(self, features: Features) -> Features:
        """At most ``sample_for_k`` rows, drawn reproducibly."""
        n_rows = features.shape[0]
        if n_rows <= self.sample_for_k:
            return features
        rng = np.random.default_rng(self.random_state)
        return features[np.sort(rng.choice(n_rows, self.sample_for_k, replace=False))]

    # --------------------------------------------------------------- inference

    def transform(self, texts: Sequence[str]) -> Features:
        """Texts in the fitted (reduced, normalised) space."""
        tfidf = self.vectorizer_.transform(self.preprocessor_.transform(list(texts)))
        if self.svd_ is None:
            return tfidf
        return self.normalizer_.transform(self.svd_.transform(tfidf))

    def predict(self, texts: Sequence[str]) -> IntArray:
        """Nearest cluster for each (new) ticket."""
        result: IntArray = self.kmeans_.predict(self.transform(texts)).astype(np.int_)
        return result

    def term_weights(self) -> FloatArray:
        """Centroids mapped back to TF-IDF terms (through SVD when used)."""
        centroids: FloatArray = np.asarray(self.kmeans_.cluster_centers_, dtype=np.float64)
        if self.svd_ is None:
            return centroids
        terms: FloatArray = np.asarray(centroids @ self.svd_.components_, dtype=np.float64)
        return terms

    def summary(
        self, texts: Sequence[str], top_terms: int = 10, representatives: int = 3
    ) -> list[dict[str, Any]]:
        """Per-cluster size, key terms and PII-scrubbed typical tickets, for a human to name."""
        texts = list(texts)
        features = self.transform(texts)
        labels = self.kmeans_.predict(features)
        distances = self.kmeans_.transform(features)
        terms = self.vectorizer_.get_feature_names_out()
        weights = self.term_weights()
        return [
            {
                "cluster": cluster,
                "size": int(np.sum(labels == cluster)),
                "top_terms": [str(terms[i]) for i in np.argsort(-weights[cluster])[:top_terms]],
                "representatives": _closest(texts, labels, distances, cluster, representatives),
                "name": self.cluster_names_.get(cluster),
            }
            for cluster in range(self.n_clusters_)
        ]

    # ------------------------------------------------------------------ naming

    def name_clusters(self, names: Mapping[int, str]) -> Self:
        """Attach human names to clusters (merged into earlier names)."""
        unknown = sorted(int(c) for c in names if not 0 <= int(c) < self.n_clusters_)
        if unknown:
            raise InvalidInputError(
                f"unknown cluster ids: {unknown}", code="unknown_cluster", clusters=unknown
            )
        blank = sorted(int(c) for c, name in names.items() if not name.strip())
        if blank:
            raise InvalidInputError(
                f"cluster names must not be blank: {blank}", code="invalid_name", clusters=blank
            )
        self.cluster_names_.update({int(c): name.strip() for c, name in names.items()})
        return self

    def label_names(self, labels: Sequence[int] | IntArray) -> list[str]:
        """Cluster ids → names (or "cluster <i>"), usable as classifier targets."""
        return [self.cluster_names_.get(int(c), f"cluster {int(c)}") for c in labels]


def _silhouette(features: Features, labels: IntArray, seed: int) -> float:
    """Cosine silhouette; -1 when k-means collapsed to a single cluster."""
    if np.unique(labels).size < _MIN_K:
        return -1.0
    return float(silhouette_score(features, labels, metric="cosine", random_state=seed))


def _closest(
    texts: list[str], labels: IntArray, distances: FloatArray, cluster: int, count: int
) -> list[dict[str, Any]]:
    """The ``count`` members nearest the centroid, text scrubbed of PII."""
    members = np.flatnonzero(labels == cluster)
    nearest = members[np.argsort(distances[members, cluster])[:count]]
    return [{"index": int(i), "text": scrub_pii(texts[i])} for i in nearest]
