"""Ticket-classifier requests and responses (spec section "NLP")."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FitRequest(BaseModel):
    model: str = Field("logistic", description="logistic | svm")
    config: dict[str, Any] = Field(default_factory=dict, examples=[{"C": 10, "solver": "lbfgs"}])
    wait: bool = Field(False, description="answer only when training has finished")


class PredictRequest(BaseModel):
    id: str
    text: str


class ScoresRequest(BaseModel):
    id: str
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
    k_min: int = Field(4, ge=2)
    k_max: int = Field(16, le=200)
    wait: bool = False


class NamesRequest(BaseModel):
    names: dict[int, str] = Field(examples=[{"0": "Billing", "3": "Roaming"}])


class AssignResponse(BaseModel):
    id: str
    clusters: list[int]
    names: list[str]
