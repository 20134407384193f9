"""Ticket-classifier requests and responses (spec section "NLP")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Preprocessing(BaseModel):
    """How ticket text is normalised before TF-IDF (PII is always scrubbed)."""

    model_config = ConfigDict(extra="forbid")

    normaliser: Literal["stem", "lemma", "none"] = "stem"
    language: Literal["auto", "ru", "en"] = Field("auto", description="auto: detected")
    stop_words: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None,
        max_length=20_000,
        description="words to drop; default none (measured best for classifiers)",
    )
    extra_stop_words: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, max_length=20_000, examples=[["абонент", "оператор"]]
    )


class FitRequest(BaseModel):
    model: str = Field(
        "linear_svc",
        max_length=50,
        description="linear_svc (default) | logistic | svm (calibrated)",
    )
    config: dict[str, Any] = Field(default_factory=dict, max_length=50, examples=[{"C": 1.0}])
    preprocessing: Preprocessing = Field(default_factory=Preprocessing)
    wait: bool = Field(False, description="answer only when training has finished")


ModelId = Annotated[str, Field(max_length=200, description="model id, or 'production'")]


class PredictRequest(BaseModel):
    id: ModelId
    text: str = Field(max_length=200_000)


class LegacyPredictResponse(BaseModel):
    """``POST /nlp/api/predict_nlp`` as the original service answered it."""

    clusters: list[str]


class ScoresRequest(BaseModel):
    id: ModelId
    texts: list[Annotated[str, Field(max_length=200_000)]] = Field(min_length=1, max_length=10_000)


class TextsRequest(BaseModel):
    """Texts for a model named in the path (the clustering of ``/clustering/{id}/assign``)."""

    texts: list[str] = Field(min_length=1, max_length=10_000)


class ScoresResponse(BaseModel):
    id: str
    classes: list[str]
    scores: list[list[float]]


class BatchPredictResponse(BaseModel):
    id: str
    labels: list[str]


class ClusteringRequest(BaseModel):
    n_clusters: int | None = Field(None, ge=2, le=200, description="omit to choose k by silhouette")
    k_min: int = Field(4, ge=2, le=200)
    k_max: int = Field(16, ge=2, le=200)
    wait: bool = False


class NamesRequest(BaseModel):
    names: dict[Annotated[int, Field(ge=0, le=10_000)], Annotated[str, Field(max_length=200)]] = (
        Field(max_length=200, examples=[{"0": "Billing", "3": "Roaming"}])
    )


class AssignResponse(BaseModel):
    id: str
    clusters: list[int]
    names: list[str]
