"""Fast JSON responses for hot read endpoints.

FastAPI re-validates a returned model against ``response_model`` and encodes it with the
stdlib ``json``; for a 1,369-point series that is most of the request's cost. These
endpoints build their models from trusted, already-typed domain values, so they skip
validation and let pydantic's Rust serializer write the bytes. ``response_model`` stays
on the route for the OpenAPI schema.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


class ModelResponse(Response):
    media_type = "application/json"

    def __init__(
        self, model: BaseModel, status_code: int = 200, *, exclude_none: bool = False
    ) -> None:
        super().__init__(model.model_dump_json(exclude_none=exclude_none), status_code=status_code)


class CachedJSONResponse(Response):
    media_type = "application/json"
