"""Ticket classifiers: the spec's NLP routes plus probability scores and batch prediction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES, BaseResponse, Page
from tasks_support_system_ai.api.schemas.nlp import (
    AssignResponse,
    BatchPredictResponse,
    ClusteringRequest,
    FitRequest,
    LegacyPredictResponse,
    NamesRequest,
    PredictRequest,
    ScoresRequest,
    ScoresResponse,
    TextsRequest,
)
from tasks_support_system_ai.api.schemas.registry import ModelOut
from tasks_support_system_ai.errors import InvalidInputError, PayloadTooLargeError
from tasks_support_system_ai.nlp.csv_scoring import check_csv, score_csv
from tasks_support_system_ai.registry.store import Stage

router = APIRouter(prefix="/api", tags=["nlp"], responses=ERROR_RESPONSES)
legacy_router = APIRouter(prefix="/nlp/api", responses=ERROR_RESPONSES, include_in_schema=False)
"""The original service's answer shapes under its own prefix, for the REST clients written
against it; registered before ``router`` is mounted again under ``/nlp``, so these win."""


@router.post("/fit_nlp", response_model=str)
def fit_nlp(context: ContextDep, request: FitRequest) -> str:
    """Start training; returns the model id. Status: GET /api/get_models or /api/statistics/{id}."""
    preprocessing = request.preprocessing.model_dump()
    return context.nlp.fit(
        request.model, request.config, wait=request.wait, preprocessing=preprocessing
    ).id


@router.get("/statistics/{model_id}")
def statistics(context: ContextDep, model_id: str) -> dict[str, object]:
    """ClassificationReport: ROC AUC, accuracy, macro/weighted/per-class P/R/F1, confusion, ROC."""
    return context.nlp.statistics(model_id)


@router.get("/get_models", response_model=list[ModelOut])
def get_models(context: ContextDep, page: Annotated[Page, Query()]) -> list[ModelOut]:
    """Classifier versions, newest first (``limit``/``offset`` pages through them)."""
    return [ModelOut.from_record(r) for r in page.of(context.registry.records("nlp_classifier"))]


@router.delete("/remove_nlp/{model_id}", response_model=BaseResponse)
def remove_nlp(context: ContextDep, model_id: str, force: bool = False) -> BaseResponse:
    """Remove a model; protected ones (the production model, default models) need ``force``."""
    context.nlp.remove(model_id, force=force)
    return BaseResponse(status="success", message=f"model {model_id} was successfully removed")


@router.delete("/remove_all_nlp", response_model=BaseResponse)
def remove_all_nlp(context: ContextDep, force: bool = False) -> BaseResponse:
    """Remove every classifier except protected ones: the production model and the default
    models (those too with ``force``)."""
    removed = context.nlp.remove_all(force=force)
    return BaseResponse(status="success", message=f"{len(removed)} models removed")


@router.post("/predict_nlp", response_model=str)
def predict_nlp(context: ContextDep, request: PredictRequest) -> str:
    """The label of one ticket text."""
    return context.nlp.predict(request.id, [request.text])[0]


@legacy_router.post("/predict_nlp", response_model=LegacyPredictResponse)
def legacy_predict_nlp(context: ContextDep, request: PredictRequest) -> LegacyPredictResponse:
    """The original shape: ``{"clusters": [label]}``."""
    return LegacyPredictResponse(clusters=context.nlp.predict(request.id, [request.text]))


@router.post("/predict_nlp_batch", response_model=BatchPredictResponse)
def predict_nlp_batch(context: ContextDep, request: ScoresRequest) -> BatchPredictResponse:
    return BatchPredictResponse(
        id=request.id, labels=context.nlp.predict(request.id, request.texts)
    )


@router.post("/predict_scores", response_model=ScoresResponse)
def predict_scores(context: ContextDep, request: ScoresRequest) -> ScoresResponse:
    """Class probabilities per text (for ROC curves and thresholds)."""
    classes, scores = context.nlp.predict_scores(request.id, request.texts)
    return ScoresResponse(id=request.id, classes=classes, scores=scores.round(6).tolist())


@router.post("/predict_nlp_csv")
async def predict_nlp_csv(
    context: ContextDep,
    file: Annotated[UploadFile, File(description="CSV with a 'text' column (UTF-8)")],
    id_form: Annotated[str | None, Form(alias="id", description="model id")] = None,
    id_query: Annotated[
        str | None, Query(alias="id", description="or as a query parameter")
    ] = None,
    text_column: Annotated[str, Form()] = "text",
) -> StreamingResponse:
    """The uploaded CSV with a ``prediction`` column, scored and streamed in chunks.

    The model ``id`` is a form field or (as the original service took it) a query parameter.

    The upload is spooled to disk by the server and read 1 MB at a time, so memory
    stays flat whatever the file size; encoding, the text column and every row's width are
    checked in one pass before the first byte of the answer, so every problem is a clear 4xx.
    """
    id = id_form or id_query
    if not id:
        raise InvalidInputError(
            "id: Field required (the model id, as a form field or query parameter)",
            code="invalid_request",
            errors=["id: Field required"],
        )
    limit = context.settings.max_upload_bytes
    if (file.size or 0) > limit:
        raise PayloadTooLargeError(f"File is larger than the {limit / 2**20:.0f} MB limit")
    await run_in_threadpool(context.nlp.load, id)  # unknown/not-ready model → 4xx now
    await run_in_threadpool(check_csv, file.file, text_column)
    return StreamingResponse(
        score_csv(
            file.file,
            text_column,
            lambda texts: context.nlp.predict_column(id, texts),
            formula_guard=context.settings.csv_formula_guard,
        ),
        media_type="text/csv",
        headers={"Content-Disposition": "attachment; filename=predictions.csv"},
    )


@router.post("/models/{model_id}/promote", response_model=ModelOut)
def promote_model(
    context: ContextDep, model_id: str, stage: Stage = "production", force: bool = False
) -> ModelOut:
    """Move a ready model to a stage; promoting to production hot-swaps ``id="production"``.

    Moving the production model to another stage leaves none: refused (409 ``model_protected``)
    unless ``force``; promote its successor instead."""
    return ModelOut.from_record(context.nlp.promote(model_id, stage, force=force))


@router.post("/models/{model_id}/load", response_model=BaseResponse)
def load_model(context: ContextDep, model_id: str) -> BaseResponse:
    """Load a model into the serving cache ahead of traffic."""
    context.nlp.load(model_id)
    return BaseResponse(status="success", message=f"model {model_id} loaded")


@router.post("/models/{model_id}/unload", response_model=BaseResponse)
def unload_model(context: ContextDep, model_id: str) -> BaseResponse:
    """Free a model's memory; it is loaded again on its next use."""
    removed = context.nlp.unload(model_id)
    return BaseResponse(status="success", message=f"model {model_id} unloaded ({removed})")


@router.post("/clustering/fit", response_model=str)
def fit_clustering(context: ContextDep, request: ClusteringRequest) -> str:
    """Cluster the ticket texts into topics in the background; returns the clustering id."""
    params = {"n_clusters": request.n_clusters, "k_range": (request.k_min, request.k_max)}
    return context.topics.fit(params, wait=request.wait).id


@router.get("/clustering/{model_id}")
def clustering_result(context: ContextDep, model_id: str) -> dict[str, object]:
    """Per cluster: size, top terms, PII-scrubbed representative tickets, name; silhouettes."""
    return context.topics.result(model_id)


@router.put("/clustering/{model_id}/names")
def name_clusters(context: ContextDep, model_id: str, request: NamesRequest) -> dict[str, object]:
    """Give clusters human names; they are used by ``assign`` and as classifier labels."""
    return context.topics.name(model_id, request.names)


@router.post("/clustering/{model_id}/assign", response_model=AssignResponse)
def assign_clusters(context: ContextDep, model_id: str, request: TextsRequest) -> AssignResponse:
    """Assign new tickets to the clusters."""
    clusters, names = context.topics.assign(model_id, request.texts)
    return AssignResponse(id=model_id, clusters=clusters, names=names)
